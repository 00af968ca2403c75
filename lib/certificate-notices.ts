import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECONDS } from '../lambdas/platform-settings';
import { TABLE_ACCESS } from '../lambdas/table-access';
import { sharedEnvironment, type WebhooksConfig } from './stack-config';
import { WebhooksFunction } from './webhooks-function';

export interface CertificateNoticesProps {
  table: ITableV2;
  config: WebhooksConfig;
  /** Where the notices go, as the deliver lanes' operational events do (fan-out trusts only this queue's). */
  platformEventsQueue: IQueue;
  dataKey?: IKey;
}

/**
 * The daily certificate-expiry job: an EventBridge rule runs AnnounceCertificates once a day, which announces
 * `webhook.certificate_expiring` for every client certificate that came within 30, 7 or 1 days of its expiry
 * (lambdas/core/webhooks/certificate-notices.ts), whether its webhook has traffic or not.
 */
export class CertificateNotices extends Construct {
  public readonly announceFunction: WebhooksFunction;

  public constructor(
    scope: Construct,
    id: string,
    { table, config, platformEventsQueue, dataKey }: CertificateNoticesProps,
  ) {
    super(scope, id);
    this.announceFunction = new WebhooksFunction(this, 'AnnounceCertificates', {
      entry: 'events/announce-certificates',
      description:
        'Once a day: webhook.certificate_expiring for client certificates 30, 14, 7 and 1 days before expiry',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.announceCertificates),
      memorySize: FUNCTION_MEMORY_MB.announceCertificates,
      logGroupRetention: config.logRetention,
      dataKey,
      environment: { ...sharedEnvironment(config), PLATFORM_EVENTS_QUEUE_URL: platformEventsQueue.queueUrl },
    });
    this.announceFunction.bindTable(table, TABLE_ACCESS.announceCertificates);
    platformEventsQueue.grant(this.announceFunction, 'sqs:SendMessage');
    // a run that fails is not retried by EventBridge's async invoke beyond Lambda's two retries: the next day's
    // run finds the same notices still due, since only a claim moves them on
    new Rule(this, 'Daily', {
      description: 'Runs AnnounceCertificates once a day',
      schedule: Schedule.rate(Duration.days(1)),
      targets: [new LambdaFunction(this.announceFunction, { retryAttempts: 2 })],
    });
  }
}
