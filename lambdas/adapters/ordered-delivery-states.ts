import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderedDeliveryState } from '../core/delivery/deliver-ordered-batch';
import type { DeliveryTask } from '../core/delivery/delivery';
import { deliveryKey } from './delivery-log-writer';
import { untilProcessed } from './dynamo-support';
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
    for (let start = 0; start < wanted.length; start += 100) {
      await untilProcessed(
        wanted.slice(start, start + 100),
        async (pending) => {
          const { Responses, UnprocessedKeys } = await this.client.send(
            new BatchGetCommand({
              RequestItems: {
                [this.tableName]: {
                  Keys: pending,
                  ConsistentRead: true,
                  ProjectionExpression: Object.keys(NAMES).join(', '),
                  ExpressionAttributeNames: NAMES,
                },
              },
            }),
          );
          for (const item of Responses?.[this.tableName] ?? []) {
            const webhookId = (item.pk as string).slice(keys.webhookPrefix.length);
            states.set(`${webhookId}|${item.eventId as string}`, {
              status: item.status as OrderedDeliveryState['status'],
              scheduledAttempts: (item.scheduledAttemptCount as number | undefined) ?? 0,
              ...(item.nextAttemptAt ? { nextAttemptAt: item.nextAttemptAt as string } : {}),
              ...(item.reason ? { reason: item.reason as string } : {}),
            });
          }
          return UnprocessedKeys?.[this.tableName]?.Keys as typeof pending | undefined;
        },
        'delivery records',
      );
    }
    return states;
  }
}
