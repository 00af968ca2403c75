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
import { BatchOutbox } from './batch-outbox';
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
});

/**
 * Events queue → one deliveries-queue message per subscribed webhook. Each event is checked and stored on its
 * own (failed records alone are retried); the batch's deliveries, and its poison for the events DLQ, then go
 * out together (BatchOutbox).
 */
export async function handler(event: SQSEvent, context: Context) {
  const outbox = new BatchOutbox();
  const fanOutRecord = async (record: SQSRecord) => {
    const result = await fanOut.handle(record.body, record.messageId);
    if (result.kind === 'poison') {
      logger.warn('event quarantined in the events DLQ', { messageId: record.messageId, reason: result.reason });
      outbox.add(eventsDlqUrl, record.messageId, { body: record.body, attributes: { failureReason: result.reason } });
    }
    if (result.kind === 'fanned-out') {
      for (const task of result.tasks) outbox.add(deliveriesQueueUrl, record.messageId, { body: JSON.stringify(task), groupId: task.tenantId });
    }
  };
  const response = await processPartialResponse(event, fanOutRecord, newBatchProcessor(), { context, throwOnFullBatchFailure: false });
  await outbox.flush(queues, response);
  return response;
}
