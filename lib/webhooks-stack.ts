import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { CatalogEntry } from '../lambdas/core/events/event-catalog';
import type { CheckedSettings } from './stack-config';
import { WebhookPlatform } from './webhook-platform';

export interface WebhooksStackProps extends StackProps {
  /** The settings of CDK context, checked (lib/stack-config.ts). */
  settings: CheckedSettings;
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
    this.platform = new WebhookPlatform(this, 'Default', {
      settings: rest,
      // checked in full by the catalog's own parser when the platform builds its layer
      ...(eventTypes ? { eventTypes: eventTypes as CatalogEntry[] } : {}),
      auth,
      alarmEmail,
      alarmTopicArn,
    });
  }
}
