import { processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { documentClient } from '../adapters/dynamo-client';
import { sqsClient } from '../adapters/sqs-client';
import { loadConfig, required } from '../adapters/config';
import { DynamoEventRepository } from '../adapters/event-repository';
import { logger } from '../adapters/observability';
import { newBatchProcessor, SqsQueues } from '../adapters/sqs-queues';
import { TtlCache } from '../adapters/ttl-cache';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { FanOutService } from '../core/fan-out-service';
import type { DeliveryTask } from '../core/delivery';
import type { Webhook } from '../core/webhook';

const config = loadConfig();
const deliveriesQueueUrl = required(config.DELIVERIES_QUEUE_URL, 'DELIVERIES_QUEUE_URL');
const eventsDlqUrl = required(config.EVENTS_DLQ_URL, 'EVENTS_DLQ_URL');
const webhooks = new DynamoWebhookRepository(documentClient, config.TABLE_NAME);
const events = new DynamoEventRepository(documentClient, config.TABLE_NAME, config.EVENT_RETENTION_DAYS);
const queues = new SqsQueues(sqsClient);
const webhooksByTenant = new TtlCache<Webhook[]>(config.WEBHOOK_CACHE_SECONDS);

const fanOut = new FanOutService({
  recordOnce: (event, sourceMessageId) => events.recordOnce(event, sourceMessageId),
  webhooksOf: (tenantId) => webhooksByTenant.getOrLoad(tenantId, () => webhooks.listAll(tenantId)),
  quarantine: (body, reason) => queues.send(eventsDlqUrl, [{ body, attributes: { failureReason: reason } }]),
});

/**
 * Events queue → one deliveries-queue message per subscribed webhook. Each event is checked and stored on its
 * own (poison is parked, failed records alone are retried); the deliveries of all the batch's events then go
 * out together, ten to a request. If that fails, every event that had deliveries is retried (fan-out is
 * idempotent per message; receivers may see a duplicate, with the same webhook-id).
 */
export async function handler(event: SQSEvent, context: Context) {
  const planned: { messageId: string; tasks: DeliveryTask[] }[] = [];
  const fanOutRecord = async (record: SQSRecord) => {
    const result = await fanOut.handle(record.body, record.messageId);
    if (result.kind === 'poison') logger.warn('event quarantined in the events DLQ', { messageId: record.messageId, reason: result.reason });
    if (result.kind === 'fanned-out' && result.tasks.length > 0) planned.push({ messageId: record.messageId, tasks: result.tasks });
  };
  const response = await processPartialResponse(event, fanOutRecord, newBatchProcessor(), { context, throwOnFullBatchFailure: false });
  try {
    const tasks = planned.flatMap((plan) => plan.tasks);
    await queues.send(deliveriesQueueUrl, tasks.map((task) => ({ body: JSON.stringify(task), groupId: task.tenantId })));
  } catch (error) {
    logger.error('could not queue the deliveries of a batch; its events will be retried', { error: error as Error });
    response.batchItemFailures.push(...planned.map(({ messageId }) => ({ itemIdentifier: messageId })));
  }
  return response;
}
