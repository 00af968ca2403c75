import { createHash } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { documentClient } from '../adapters/dynamo-client';
import { loadEventCatalogFile } from '../adapters/event-catalog-file';
import { compileJsonSchema } from '../adapters/json-schema';
import { useSchemaCompiler } from '../core/event-catalog';
import { sqsClient } from '../adapters/sqs-client';
import { loadConfig, required } from '../adapters/config';
import { DynamoEventRepository } from '../adapters/event-repository';
import { logger } from '../adapters/observability';
import { CLAIMED_PLATFORM_ORIGIN, SqsQueues, type OutgoingMessage } from '../adapters/sqs-queues';
import { TenantWebhooks } from '../adapters/tenant-webhooks';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { FanOutService, type QueuedDelivery } from '../core/fan-out-service';
import { BatchOutbox, batchResponse } from './batch-outbox';

const config = loadConfig();
// the team's event catalog, when it has one: the types and schemas events are checked against (fan-out alone
// checks data, so its bundle alone carries the validator, and checks the whole catalog before its first event)
useSchemaCompiler(compileJsonSchema);
loadEventCatalogFile(compileJsonSchema);
const deliveriesQueueUrl = required(config.DELIVERIES_QUEUE_URL, 'DELIVERIES_QUEUE_URL');
const orderedDeliveriesQueueUrl = required(config.ORDERED_DELIVERIES_QUEUE_URL, 'ORDERED_DELIVERIES_QUEUE_URL');

/**
 * A delivery's message: an ordered webhook's go to the ordered lane (FIFO), grouped by webhook so that each
 * webhook's deliveries keep their order and no other webhook waits for them, and de-duplicated on event and
 * webhook (a fan-out retried within 5 minutes queues each once); the others to the fast lane, grouped by tenant.
 */
function deliveryMessage({ task, body, ordered }: QueuedDelivery): [string, OutgoingMessage] {
  if (!ordered) return [deliveriesQueueUrl, { body, groupId: task.tenantId }];
  const deduplicationId = createHash('sha256').update(`${task.eventId}|${task.webhookId}`).digest('hex');
  return [orderedDeliveriesQueueUrl, { body, groupId: task.webhookId, deduplicationId }];
}
const eventsDlqUrl = required(config.EVENTS_DLQ_URL, 'EVENTS_DLQ_URL');
const platformEventsQueueArn = required(config.PLATFORM_EVENTS_QUEUE_ARN, 'PLATFORM_EVENTS_QUEUE_ARN');
const webhooks = new DynamoWebhookRepository(documentClient, config.TABLE_NAME);
const events = new DynamoEventRepository(
  documentClient,
  config.TABLE_NAME,
  config.EVENT_RETENTION_DAYS,
  config.EVENT_CLAIM_SECONDS,
);
const queues = new SqsQueues(sqsClient);
const tenantWebhooks = new TenantWebhooks(webhooks);

const fanOut = new FanOutService({
  claim: (batch) => events.claim(batch),
  webhooksOf: (tenantId) => tenantWebhooks.of(tenantId),
  queueDeliveries: async (deliveries) => {
    const outbox = new BatchOutbox();
    const messages = new Map(deliveries.map((delivery) => [delivery, deliveryMessage(delivery)]));
    for (const [delivery, [queueUrl, message]] of messages) outbox.add(queueUrl, delivery.fromMessageId, message);
    const { refused, unsent } = await outbox.flush(queues);
    return { refused, unsent: new Set(deliveries.filter((delivery) => unsent.has(messages.get(delivery)![1]))) };
  },
  rememberQueued: (partly) => events.rememberQueued(partly),
  quarantine: async (poison) => {
    const outbox = new BatchOutbox();
    for (const { fromMessageId, body, reason } of poison) {
      logger.warn('event quarantined in the events DLQ', { messageId: fromMessageId, reason });
      outbox.add(eventsDlqUrl, fromMessageId, { body, attributes: { failureReason: reason } });
    }
    const { failed, refused } = await outbox.flush(queues);
    return new Set([...failed, ...refused.keys()]);
  },
  recordCompleted: (completed) => events.recordCompleted(completed),
});

/**
 * Events queue → one deliveries-queue message per subscribed webhook (FanOutService). Failed records alone
 * come back; the response is built here, never a library's object.
 */
export async function handler(event: SQSEvent) {
  const report = await fanOut.handleBatch(
    event.Records.map(({ messageId, body, messageAttributes, eventSourceARN }) => ({
      messageId,
      body,
      fromPlatform: eventSourceARN === platformEventsQueueArn,
      claimsPlatformOrigin:
        messageAttributes?.[CLAIMED_PLATFORM_ORIGIN.attribute]?.stringValue === CLAIMED_PLATFORM_ORIGIN.value,
    })),
  );
  for (const duplicate of report.duplicates)
    logger.warn('duplicate event dropped: its fan-out already completed', duplicate);
  return batchResponse(report.failedMessageIds);
}
