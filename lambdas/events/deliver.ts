import { processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { documentClient } from '../adapters/dynamo-client';
import { sqsClient } from '../adapters/sqs-client';
import { loadConfig, required } from '../adapters/config';
import { DynamoDeliveryRepository, type DeliveryLogEntry } from '../adapters/delivery-repository';
import { HttpSender } from '../adapters/http-sender';
import { logger } from '../adapters/observability';
import { newBatchProcessor, SqsQueues } from '../adapters/sqs-queues';
import { TtlCache } from '../adapters/ttl-cache';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { parseDeliveryTask, type DeliveryTask } from '../core/delivery';
import { DeliveryService, type DeliveryDecision } from '../core/delivery-service';
import { BatchOutbox } from './batch-outbox';
import type { Webhook } from '../core/webhook';

const config = loadConfig();
const deliveriesQueueUrl = required(config.DELIVERIES_QUEUE_URL, 'DELIVERIES_QUEUE_URL');
const deliveriesDlqUrl = required(config.DELIVERIES_DLQ_URL, 'DELIVERIES_DLQ_URL');
const webhooks = new DynamoWebhookRepository(documentClient, config.TABLE_NAME);
const deliveryLog = new DynamoDeliveryRepository(documentClient, config.TABLE_NAME, config.EVENT_RETENTION_DAYS);
const queues = new SqsQueues(sqsClient);
const sender = new HttpSender(
  { allowHttp: config.ALLOW_HTTP_URLS, allowLoopback: config.ALLOW_LOOPBACK_URLS },
  { limits: { connectTimeoutMs: config.CONNECT_TIMEOUT_SECONDS * 1000, totalTimeoutMs: config.SEND_TIMEOUT_SECONDS * 1000 } },
);
// null marks a webhook known not to exist, so deleted webhooks are not read again for every delivery
const webhookCache = new TtlCache<Webhook | null>(config.WEBHOOK_CACHE_SECONDS);

const deliveries = new DeliveryService(
  {
    send: (url, headers, body) => sender.send(url, headers, body),
    disableWebhook: async (webhook, reason) => {
      await webhooks.disable(webhook.tenantId, webhook.id, reason, new Date().toISOString());
      webhookCache.set(webhook.id, { ...webhook, active: false, disabledReason: reason, failingSince: undefined });
    },
    markFailing: async (webhook, since) => {
      await webhooks.markFailing(webhook.tenantId, webhook.id, since);
      webhookCache.set(webhook.id, { ...webhook, failingSince: since });
    },
    markHealthy: async (webhook) => {
      await webhooks.markHealthy(webhook.tenantId, webhook.id);
      webhookCache.set(webhook.id, { ...webhook, failingSince: undefined });
    },
  },
  { retrySchedule: config.RETRY_SCHEDULE_SECONDS, autoDisableAfterSeconds: config.AUTO_DISABLE_AFTER_SECONDS },
);

class RetryLater extends Error {}

/** The current state of every webhook the batch names, with one BatchGetItem for those not cached. */
async function currentWebhooks(tasks: DeliveryTask[]): Promise<Map<string, Webhook | undefined>> {
  const current = new Map<string, Webhook | undefined>();
  const missing = new Map<string, { tenantId: string; webhookId: string }>();
  for (const task of tasks) {
    const cached = webhookCache.get(task.webhookId);
    if (cached !== undefined) current.set(task.webhookId, cached ?? undefined);
    else missing.set(task.webhookId, { tenantId: task.tenantId, webhookId: task.webhookId });
  }
  const found = await webhooks.getMany([...missing.values()]);
  for (const webhookId of missing.keys()) {
    const webhook = found.find((candidate) => candidate.id === webhookId);
    current.set(webhookId, webhook);
    webhookCache.set(webhookId, webhook ?? null);
  }
  return current;
}

/**
 * Deliveries queue → one POST per record. A failed attempt hides its message until the next attempt is
 * due (ChangeMessageVisibility, batched) and reports it in batchItemFailures; an exhausted or 410'd
 * delivery goes to the deliveries DLQ with its reason (BatchOutbox). The batch's delivery log is written at the end, in
 * as few requests as possible; if that fails the whole batch is retried (a receiver may then see a
 * delivery twice, with the same webhook-id).
 */
export async function handler(event: SQSEvent, context: Context) {
  const tasks = new Map<string, DeliveryTask>();
  for (const record of event.Records) {
    const task = parseDeliveryTask(record.body);
    if (task) tasks.set(record.messageId, task);
  }
  const webhooksNow = await currentWebhooks([...tasks.values()]);
  const delays: { receiptHandle: string; seconds: number }[] = [];
  const log: DeliveryLogEntry[] = [];
  const outbox = new BatchOutbox();

  const deliverRecord = async (record: SQSRecord) => {
    const task = tasks.get(record.messageId);
    const attemptNumber = Number(record.attributes.ApproximateReceiveCount);
    let decision: DeliveryDecision = { action: 'dead-letter', reason: 'invalid_message: not a delivery this platform queued' };
    if (task) {
      const result = await deliveries.deliver(task, webhooksNow.get(task.webhookId), attemptNumber);
      decision = result.decision;
      log.push({ task, update: result.record, firstWrite: attemptNumber === 1 && !task.deadLettered });
    }
    if (decision.action === 'retry') {
      delays.push({ receiptHandle: record.receiptHandle, seconds: decision.delaySeconds });
      throw new RetryLater(`attempt ${attemptNumber} failed; next in ${decision.delaySeconds} s`);
    }
    if (decision.action === 'dead-letter') {
      logger.warn('delivery dead-lettered', { eventId: task?.eventId, webhookId: task?.webhookId, reason: decision.reason });
      const body = task ? JSON.stringify({ ...task, deadLettered: true }) : record.body;
      outbox.add(deliveriesDlqUrl, record.messageId, { body, attributes: { failureReason: decision.reason } });
    }
  };

  const response = await processPartialResponse(event, deliverRecord, newBatchProcessor(), { context, throwOnFullBatchFailure: false });
  await deliveryLog.recordAll(log);
  await outbox.flush(queues, response);
  await queues.delay(deliveriesQueueUrl, delays);
  return response;
}
