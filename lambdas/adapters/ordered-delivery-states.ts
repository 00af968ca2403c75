import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderedDeliveryState } from '../core/delivery/deliver-ordered-batch';
import type { DeliveryTask } from '../core/delivery/delivery';
import { deliveryKey } from './delivery-log-writer';
import { batchGetAll } from './dynamo-batch-get';
import { keys } from './table-keys';

const NAMES = {
  '#pk': 'pk',
  '#eventId': 'eventId',
  '#status': 'status',
  '#scheduled': 'scheduledAttemptCount',
  '#next': 'nextAttemptAt',
  '#reason': 'reason',
};

/**
 * Where each delivery of an ordered-lane batch stands in its schedule, from its delivery record: one strongly
 * consistent BatchGetItem per batch, reading only those fields (an ordered delivery waits in flight, so its
 * message cannot carry its attempt number the way the other lanes' re-sent messages do).
 */
export class DynamoOrderedDeliveryStates {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async of(tasks: readonly DeliveryTask[]): Promise<Map<string, OrderedDeliveryState>> {
    const states = new Map<string, OrderedDeliveryState>();
    const wanted = [...new Map(tasks.map((task) => [`${task.webhookId}|${task.eventId}`, deliveryKey(task)])).values()];
    const records = await batchGetAll(
      this.client,
      this.tableName,
      wanted,
      { ConsistentRead: true, ProjectionExpression: Object.keys(NAMES).join(', '), ExpressionAttributeNames: NAMES },
      'delivery records',
    );
    for (const record of records) {
      const webhookId = (record.pk as string).slice(keys.webhookPrefix.length);
      states.set(`${webhookId}|${record.eventId as string}`, {
        status: record.status as OrderedDeliveryState['status'],
        scheduledAttempts: (record.scheduledAttemptCount as number | undefined) ?? 0,
        ...(record.nextAttemptAt ? { nextAttemptAt: record.nextAttemptAt as string } : {}),
        ...(record.reason ? { reason: record.reason as string } : {}),
      });
    }
    return states;
  }
}
