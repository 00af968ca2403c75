import type { SQSEvent } from 'aws-lambda';
import { documentClient } from '../adapters/dynamo-client';
import { loadEventCatalogFile } from '../adapters/event-catalog-file';
import { sqsClient } from '../adapters/sqs-client';
import { loadConfig, required } from '../adapters/config';
import { DynamoEventRepository } from '../adapters/event-repository';
import { logger } from '../adapters/observability';
import { CLAIMED_PLATFORM_ORIGIN, SqsQueues } from '../adapters/sqs-queues';
import { TenantWebhooks } from '../adapters/tenant-webhooks';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { FanOutService } from '../core/events/fan-out-service';
import { batchResponse } from './batch-outbox';
import { FanOutOutbox } from './fan-out-outbox';

const config = loadConfig();
// the team's event catalog, when it has one: the types and schemas events are checked against (fan-out alone
// checks data, so its bundle alone carries the validator, and checks the whole catalog before its first event).
// The validator (Ajv and RE2, about 280 KB) is a chunk loaded only then: the product's and the operational types have
// no schema, so a deployment without a catalog of its own never compiles one and starts without it.
const compile = process.env.EVENT_CATALOG_FILE
  ? (await import('../adapters/json-schema')).compileJsonSchema
  : undefined;
const catalog = loadEventCatalogFile(compile);
const platformEventsQueueArn = required(config.PLATFORM_EVENTS_QUEUE_ARN, 'PLATFORM_EVENTS_QUEUE_ARN');

const fanOut = new FanOutService(
  {
    events: new DynamoEventRepository(
      documentClient,
      config.TABLE_NAME,
      config.EVENT_RETENTION_DAYS,
      config.EVENT_CLAIM_SECONDS,
    ),
    webhooks: new TenantWebhooks(new DynamoWebhookRepository(documentClient, config.TABLE_NAME)),
    queues: new FanOutOutbox(new SqsQueues(sqsClient), {
      deliveries: required(config.DELIVERIES_QUEUE_URL, 'DELIVERIES_QUEUE_URL'),
      orderedDeliveries: required(config.ORDERED_DELIVERIES_QUEUE_URL, 'ORDERED_DELIVERIES_QUEUE_URL'),
      eventsDlq: required(config.EVENTS_DLQ_URL, 'EVENTS_DLQ_URL'),
    }),
  },
  catalog,
);

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
