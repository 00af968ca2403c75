import type { SQSEvent } from 'aws-lambda';
import { documentClient } from '../adapters/dynamo-client';
import { sqsClient } from '../adapters/sqs-client';
import { loadConfig, required } from '../adapters/config';
import { publishDeliveryMetrics } from '../adapters/delivery-metrics';
import { DynamoDeliveryRepository } from '../adapters/delivery-repository';
import { HttpSender } from '../adapters/http-sender';
import { logger } from '../adapters/observability';
import { PLATFORM_ORIGIN, SqsQueues } from '../adapters/sqs-queues';
import { TtlCache } from '../adapters/ttl-cache';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { deliverBatch } from '../core/deliver-batch';
import { serializeTask, type DeliveryTask } from '../core/delivery';
import { DeliveryService, type DeliveryLane, type DeliveryNotice, type DeliveryPorts } from '../core/delivery-service';
import { operationalEvent } from '../core/operational-events';
import type { Webhook } from '../core/webhook';
import { BatchOutbox, batchResponse } from './batch-outbox';

const config = loadConfig();
const deliveriesDlqUrl = required(config.DELIVERIES_DLQ_URL, 'DELIVERIES_DLQ_URL');
const eventsQueueUrl = required(config.EVENTS_QUEUE_URL, 'EVENTS_QUEUE_URL');
const laneQueueUrls: Record<DeliveryLane, string> = {
  fast: required(config.DELIVERIES_QUEUE_URL, 'DELIVERIES_QUEUE_URL'),
  slow: required(config.SLOW_DELIVERIES_QUEUE_URL, 'SLOW_DELIVERIES_QUEUE_URL'),
};
const webhooks = new DynamoWebhookRepository(documentClient, config.TABLE_NAME);
const deliveryLog = new DynamoDeliveryRepository(documentClient, config.TABLE_NAME, config.EVENT_RETENTION_DAYS);
const queues = new SqsQueues(sqsClient);
// null marks a webhook known not to exist, so deleted webhooks are not read again for every delivery
const webhookCache = new TtlCache<Webhook | null>(config.WEBHOOK_CACHE_SECONDS);
const remember = (webhook: Webhook) => webhookCache.set(webhook.id, webhook);

/** The ports of the deliver use case, the webhook's state written through this container's cache. */
function deliveryPorts(sender: HttpSender): DeliveryPorts {
  return {
    send: (url, headers, body) => sender.send(url, headers, body),
    disableWebhook: async (webhook, reason) => {
      await webhooks.disable(webhook.tenantId, webhook.id, reason, new Date().toISOString());
      remember({ ...webhook, active: false, disabledReason: reason, failingSince: undefined, consecutiveFailures: undefined, nextProbeAt: undefined });
    },
    recordFailure: async (webhook, at) => {
      const stored = await webhooks.recordFailure(webhook.tenantId, webhook.id, at);
      if (stored) remember(stored);
      return stored ?? webhook;
    },
    openBreaker: async (webhook, nextProbeAt, probeIntervalSeconds) => {
      const opened = await webhooks.openBreaker(webhook.tenantId, webhook.id, nextProbeAt, probeIntervalSeconds);
      if (opened) remember({ ...webhook, nextProbeAt, probeIntervalSeconds });
      return opened;
    },
    claimProbe: async (webhook, observed, nextProbeAt, probeIntervalSeconds) => {
      const claimed = await webhooks.claimProbe(webhook.tenantId, webhook.id, observed, nextProbeAt, probeIntervalSeconds);
      // claimed or not, the probe after this one is no earlier than nextProbeAt
      remember({ ...webhook, nextProbeAt, probeIntervalSeconds });
      return claimed;
    },
    recordSuccess: async (webhook) => {
      await webhooks.recordSuccess(webhook.tenantId, webhook.id);
      remember({ ...webhook, failingSince: undefined, consecutiveFailures: undefined, nextProbeAt: undefined, probeIntervalSeconds: undefined });
    },
    markSlow: async (webhook, slowLaneUntil) => {
      await webhooks.markSlow(webhook.tenantId, webhook.id, slowLaneUntil);
      remember({ ...webhook, slowLaneUntil });
    },
  };
}

// the fast lane never waits longer than the slow one
const fastLaneSeconds = Math.min(config.FAST_LANE_SEND_TIMEOUT_SECONDS, config.SEND_TIMEOUT_SECONDS);

/** One lane's use case: the fast lane waits fastLaneSendTimeoutSeconds for an answer, the slow lane the whole send timeout. */
function deliveryService(lane: DeliveryLane): DeliveryService {
  const timeoutSeconds = lane === 'fast' ? fastLaneSeconds : config.SEND_TIMEOUT_SECONDS;
  const sender = new HttpSender(
    { allowHttp: config.ALLOW_HTTP_URLS, allowLoopback: config.ALLOW_LOOPBACK_URLS },
    { limits: { connectTimeoutMs: Math.min(config.CONNECT_TIMEOUT_SECONDS, timeoutSeconds) * 1000, totalTimeoutMs: timeoutSeconds * 1000 } },
  );
  return new DeliveryService(deliveryPorts(sender), {
    retrySchedule: config.RETRY_SCHEDULE_SECONDS,
    autoDisableAfterSeconds: config.AUTO_DISABLE_AFTER_SECONDS,
    breaker: {
      failureThreshold: config.BREAKER_FAILURE_THRESHOLD,
      probeInitialSeconds: config.BREAKER_PROBE_INITIAL_SECONDS,
      probeMaxSeconds: config.BREAKER_PROBE_MAX_SECONDS,
    },
    slowLane: { lane, slowAnswerMs: fastLaneSeconds * 1000, holdSeconds: config.SLOW_LANE_HOLD_SECONDS },
  });
}

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
 * A lane's queue → one attempt per due record (deliverBatch). Then, in this order: the batch's delivery log
 * (if that fails, the whole batch comes back), dead letters and re-sends to either lane (a record whose message
 * a queue did not take comes back alone), and the short in-flight waits. The response is built here.
 */
export function deliverHandler(lane: DeliveryLane) {
  const deliveries = deliveryService(lane);
  const ownQueueUrl = laneQueueUrls[lane];
  return async (event: SQSEvent) => {
    const plan = await deliverBatch(
      event.Records.map((record) => ({
        messageId: record.messageId,
        receiptHandle: record.receiptHandle,
        body: record.body,
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
        firstReceivedAtMs: Number(record.attributes.ApproximateFirstReceiveTimestamp),
      })),
      currentWebhooks,
      deliveries,
      { maxInFlightWaitSeconds: config.RETRY_IN_FLIGHT_MAX_SECONDS, maxDelaySeconds: config.RETRY_HOP_MAX_SECONDS },
    );
    await deliveryLog.recordAll(plan.log);
    publishDeliveryMetrics(plan);

    const outbox = new BatchOutbox();
    for (const { fromMessageId, body, reason } of plan.deadLetters) {
      logger.warn('delivery dead-lettered', { messageId: fromMessageId, reason });
      outbox.add(deliveriesDlqUrl, fromMessageId, { body, attributes: { failureReason: reason } });
    }
    const refusedStretches = await queues.delay(
      ownQueueUrl,
      plan.stretches.map(({ receiptHandle, seconds }) => ({ receiptHandle, seconds })),
    );
    const stillInFlight = new Set<string>();
    for (const stretch of plan.stretches) {
      if (refusedStretches.includes(stretch.receiptHandle)) {
        // SQS would show it again at the queue's visibility timeout, earlier than due: re-send it with its delay instead
        logger.warn('could not hide a message until its retry; re-sending it with a delay', { messageId: stretch.messageId });
        outbox.add(ownQueueUrl, stretch.messageId, { body: serializeTask(stretch.task), groupId: stretch.task.tenantId, delaySeconds: stretch.seconds });
      } else stillInFlight.add(stretch.messageId);
    }
    for (const { fromMessageId, task, body, delaySeconds, lane: to } of plan.requeues) {
      outbox.add(laneQueueUrls[to], fromMessageId, { body, groupId: task.tenantId, delaySeconds });
    }
    const { failed, refused } = await outbox.flush(queues);
    await publishOperationalEvents(plan.notices);
    return batchResponse([...stillInFlight, ...failed, ...refused.keys()]);
  };
}

/**
 * Operational events go through the events queue like any event. Their delivery already happened, so one
 * that cannot be queued is logged as an error rather than sending the delivery again.
 */
async function publishOperationalEvents(notices: DeliveryNotice[]): Promise<void> {
  const outbox = new BatchOutbox();
  for (const notice of notices) {
    if (notice.kind === 'breaker-opened') logger.warn('circuit breaker opened', { webhookId: notice.webhook.id, tenantId: notice.webhook.tenantId });
    const envelope = operationalEvent(notice);
    if (envelope) {
      outbox.add(eventsQueueUrl, `${notice.kind}:${notice.webhook.id}`, {
        body: JSON.stringify(envelope),
        groupId: envelope.tenantId,
        attributes: { [PLATFORM_ORIGIN.attribute]: PLATFORM_ORIGIN.value },
      });
    }
  }
  const { failed, refused } = await outbox.flush(queues);
  if (failed.size || refused.size) logger.error('operational events could not be queued', { kinds: [...failed, ...refused.keys()] });
}
