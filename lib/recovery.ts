import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECONDS, RECOVERIES_QUEUE } from '../lambdas/platform-settings';
import { TABLE_ACCESS } from '../lambdas/table-access';
import { consume, queueWithDlq } from './queues';
import { sharedEnvironment, type WebhooksConfig } from './stack-config';
import { WebhooksFunction } from './webhooks-function';

export interface RecoveryProps {
  table: ITableV2;
  config: WebhooksConfig;
  /** Where each failed delivery of a recovery is queued again, as a manual attempt. */
  deliveriesQueue: IQueue;
  /** The stack's customer-managed key (context encryptionKey): its queues and log groups use it. */
  dataKey?: IKey;
}

/**
 * Recoveries (`POST /v2/webhooks/{id}/recover`, docs/design.md §6b) in the background: the route queues a job, and the
 * Recover function runs it one page at a time (a page's failed deliveries re-queued, then the job sent on with
 * its next position), so a recovery of any size never runs inside an API call. Jobs that keep failing are parked
 * in the recoveries DLQ.
 */
export class Recovery extends Construct {
  public readonly queue: Queue;
  public readonly dlq: Queue;
  public readonly recoverFunction: WebhooksFunction;

  public constructor(scope: Construct, id: string, { table, config, deliveriesQueue, dataKey }: RecoveryProps) {
    super(scope, id);
    const { queue, dlq } = queueWithDlq(this, 'Recoveries', RECOVERIES_QUEUE, dataKey);
    this.queue = queue;
    this.dlq = dlq;

    this.recoverFunction = new WebhooksFunction(this, 'Recover', {
      entry: 'events/recover',
      description: "Re-queues one page of a webhook's failed deliveries, then the rest of the recovery",
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.recover),
      memorySize: FUNCTION_MEMORY_MB.recover,
      logGroupRetention: config.logRetention,
      dataKey,
      environment: {
        ...sharedEnvironment(config),
        DELIVERIES_QUEUE_URL: deliveriesQueue.queueUrl,
        RECOVERIES_QUEUE_URL: queue.queueUrl,
        RECOVERIES_DLQ_URL: dlq.queueUrl,
      },
    });
    this.recoverFunction.bindTable(table, TABLE_ACCESS.recover);
    deliveriesQueue.grant(this.recoverFunction, 'sqs:SendMessage');
    // the continuation of a job is a message to its own queue
    queue.grant(this.recoverFunction, 'sqs:SendMessage');
    // a message that is not a job is parked there with its reason
    dlq.grant(this.recoverFunction, 'sqs:SendMessage');
    consume(this.recoverFunction, queue, RECOVERIES_QUEUE, FUNCTION_TIMEOUT_SECONDS.recover);

    new CfnOutput(this, 'RecoveriesDlqUrlOutput', {
      description: 'Recovery jobs that kept failing',
      value: dlq.queueUrl,
    }).overrideLogicalId('RecoveriesDlqUrl');
  }
}
