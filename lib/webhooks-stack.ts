import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { CatalogEntry } from '../lambdas/core/event-catalog';
import type { AuthSettings, PlatformSettings } from './stack-config';
import { WebhookPlatform } from './webhook-platform';

export interface WebhooksStackProps extends StackProps {
  /** The settings as CDK context gives them (lib/stack-config.ts checks them). */
  settings: PlatformSettings;
}

/**
 * This repository's own deployment: the platform alone in a stack, configured from context (context → props).
 * The platform's id is `Default`, which CloudFormation logical ids leave out, so they are those the stack's
 * resources had before the construct existed: an existing table is kept, not replaced.
 */
export class WebhooksStack extends Stack {
  public readonly platform: WebhookPlatform;

  public constructor(scope: Construct, id: string, { settings, ...props }: WebhooksStackProps) {
    super(scope, id, props);
    const { auth, alarmEmail, alarmTopicArn, eventTypes, stackName: _stackName, ...rest } = settings;
    const catalog = typeof eventTypes === 'string' ? (JSON.parse(eventTypes) as unknown) : eventTypes;
    this.platform = new WebhookPlatform(this, 'Default', {
      settings: rest,
      ...(catalog ? { eventTypes: catalog as CatalogEntry[] } : {}),
      auth: auth as AuthSettings | undefined,
      alarmEmail: alarmEmail as string | undefined,
      alarmTopicArn: alarmTopicArn as string | undefined,
    });
  }
}
