import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ERASURES_QUEUE, FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECONDS } from '../lambdas/platform-settings';
import { TABLE_ACCESS } from '../lambdas/table-access';
import { consume, queueWithDlq } from './queues';
import { sharedEnvironment, type WebhooksConfig } from './stack-config';
import { WebhooksFunction } from './webhooks-function';

export interface ErasureProps {
  table: ITableV2;
  config: WebhooksConfig;
  /** The stack's customer-managed key (context encryptionKey): its queues and log groups use it. */
  dataKey?: IKey;
}

/**
 * Tenant erasures (`DELETE /admin/tenants/{tenantId}`, docs/design.md §16) in the background: the route records the
 * erasure, seals the tenant and queues a job; the EraseTenant function deletes the tenant's items in bounded pages,
 * sending the job on after each run, on a queue and with a concurrency of its own, so no delivery ever waits on it.
 */
export class Erasure extends Construct {
  public readonly queue: Queue;
  public readonly dlq: Queue;
  public readonly eraseFunction: WebhooksFunction;

  public constructor(scope: Construct, id: string, { table, config, dataKey }: ErasureProps) {
    super(scope, id);
    const { queue, dlq } = queueWithDlq(this, 'Erasures', ERASURES_QUEUE, dataKey);
    this.queue = queue;
    this.dlq = dlq;

    this.eraseFunction = new WebhooksFunction(this, 'EraseTenant', {
      entry: 'events/erase-tenant',
      description: "Deletes a page at a time of an erased tenant's items, then sends its erasure on",
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.eraseTenant),
      memorySize: FUNCTION_MEMORY_MB.eraseTenant,
      logGroupRetention: config.logRetention,
      dataKey,
      environment: {
        ...sharedEnvironment(config),
        ERASURES_QUEUE_URL: queue.queueUrl,
        ERASURES_DLQ_URL: dlq.queueUrl,
      },
    });
    this.eraseFunction.bindTable(table, TABLE_ACCESS.eraseTenantWorker);
    // the continuation of an erasure is a message to its own queue; a message that is not a job is parked in the DLQ
    queue.grant(this.eraseFunction, 'sqs:SendMessage');
    dlq.grant(this.eraseFunction, 'sqs:SendMessage');
    consume(this.eraseFunction, queue, ERASURES_QUEUE, FUNCTION_TIMEOUT_SECONDS.eraseTenant);
  }
}
