import type { SQSEvent } from 'aws-lambda';
import { loadConfig, required } from '../adapters/config';
import { FUNCTION_TIMEOUT_SECONDS } from '../platform-settings';
import { DynamoDeliveryLogWriter } from '../adapters/delivery-log-writer';
import { documentClient } from '../adapters/dynamo-client';
import { DestinationRegistry } from '../adapters/destinations/registry';
import { DynamoOAuth2TokenRepository } from '../adapters/oauth2-token-repository';
import { logger } from '../adapters/observability';
import { secretSealerFor } from '../adapters/secret-sealer-instance';
import { sqsClient } from '../adapters/sqs-client';
import { SqsQueues } from '../adapters/sqs-queues';
import { DynamoWebhookHealthRepository } from '../adapters/webhook-health-repository';
import { DynamoWebhookThrottleRepository } from '../adapters/webhook-throttle-repository';
import { DynamoOrderedDeliveryStates } from '../adapters/ordered-delivery-states';
import { deliverBatch } from '../core/deliver-batch';
import { deliverOrderedBatch } from '../core/deliver-ordered-batch';
import { DeliveryService } from '../core/delivery-service';
import { WebhookHealth, type DeliveryLane } from '../core/webhook-health';
import { WebhookThrottle } from '../core/webhook-throttle';
import { batchResponse } from './batch-outbox';
import { executeDeliveryPlan, executeOrderedPlan, type DeliveryPlanTargets } from './delivery-plan-executor';

const config = loadConfig();
const webhooks = new DynamoWebhookHealthRepository(documentClient, config.TABLE_NAME);
const targets: DeliveryPlanTargets = {
  deliveryLog: new DynamoDeliveryLogWriter(documentClient, config.TABLE_NAME, config.EVENT_RETENTION_DAYS),
  queues: new SqsQueues(sqsClient),
  laneQueueUrls: {
    fast: required(config.DELIVERIES_QUEUE_URL, 'DELIVERIES_QUEUE_URL'),
    slow: required(config.SLOW_DELIVERIES_QUEUE_URL, 'SLOW_DELIVERIES_QUEUE_URL'),
  },
  deliveriesDlqUrl: required(config.DELIVERIES_DLQ_URL, 'DELIVERIES_DLQ_URL'),
  platformEventsQueueUrl: required(config.PLATFORM_EVENTS_QUEUE_URL, 'PLATFORM_EVENTS_QUEUE_URL'),
};

// the fast lane never waits longer than the slow one
const fastLaneSeconds = Math.min(config.FAST_LANE_SEND_TIMEOUT_SECONDS, config.SEND_TIMEOUT_SECONDS);
const health = new WebhookHealth(webhooks, {
  breaker: {
    failureThreshold: config.BREAKER_FAILURE_THRESHOLD,
    probeInitialSeconds: config.BREAKER_PROBE_INITIAL_SECONDS,
    probeMaxSeconds: config.BREAKER_PROBE_MAX_SECONDS,
  },
  autoDisableAfterSeconds: config.AUTO_DISABLE_AFTER_SECONDS,
  slowAnswerMs: fastLaneSeconds * 1000,
  slowLaneHoldSeconds: config.SLOW_LANE_HOLD_SECONDS,
});
const sealer = secretSealerFor(config);
const tokens = new DynamoOAuth2TokenRepository(documentClient, config.TABLE_NAME);
const throttle = new WebhookThrottle(new DynamoWebhookThrottleRepository(documentClient, config.TABLE_NAME));

/**
 * One lane's use case: the fast lane waits fastLaneSendTimeoutSeconds for an answer, the slow and ordered lanes
 * the whole send timeout.
 */
function deliveryService(lane: DeliveryLane): DeliveryService {
  const timeoutSeconds = lane === 'fast' ? fastLaneSeconds : config.SEND_TIMEOUT_SECONDS;
  const destinations = new DestinationRegistry({
    policy: { allowHttp: config.ALLOW_HTTP_URLS, allowLoopback: config.ALLOW_LOOPBACK_URLS },
    limits: {
      connectTimeoutMs: Math.min(config.CONNECT_TIMEOUT_SECONDS, timeoutSeconds) * 1000,
      totalTimeoutMs: timeoutSeconds * 1000,
    },
    sealer,
    tokens,
  });
  return new DeliveryService(destinations, health, throttle, { lane, retrySchedule: config.RETRY_SCHEDULE_SECONDS });
}

/** A lane's queue → deliverBatch (one attempt per due record) → the plan carried out. The response is built here. */
export function deliverHandler(lane: DeliveryLane) {
  const deliveries = deliveryService(lane);
  return async (event: SQSEvent) => {
    const plan = await deliverBatch(
      event.Records.map(({ messageId, body }) => ({ messageId, body })),
      (tasks) => webhooks.current(tasks),
      deliveries,
      {
        maxHopSeconds: config.RETRY_HOP_MAX_SECONDS,
        onRecordError: (messageId, error) =>
          logger.error('a delivery failed before it was settled; its message comes back', {
            messageId,
            error: error as Error,
          }),
      },
    );
    return batchResponse(await executeDeliveryPlan(plan, targets));
  };
}

/** SQS keeps a received message hidden for at most 12 hours; a little less leaves room for the clock. */
const MAX_HIDE_SECONDS = 12 * 3600 - 60;

/**
 * The ordered lane's queue (SQS FIFO, one message group per webhook) → deliverOrderedBatch → its plan carried out.
 * No attempt starts once the rest of the function's time could not hold a whole one.
 */
export function orderedDeliverHandler() {
  const deliveries = deliveryService('ordered');
  const states = new DynamoOrderedDeliveryStates(documentClient, config.TABLE_NAME);
  const orderedQueueUrl = required(config.ORDERED_DELIVERIES_QUEUE_URL, 'ORDERED_DELIVERIES_QUEUE_URL');
  return async (event: SQSEvent, context?: { getRemainingTimeInMillis?: () => number }) => {
    const remainingMs = context?.getRemainingTimeInMillis?.() ?? FUNCTION_TIMEOUT_SECONDS.deliver * 1000;
    const plan = await deliverOrderedBatch(
      event.Records.map(({ messageId, receiptHandle, body, attributes }) => ({
        messageId,
        receiptHandle,
        body,
        groupId: attributes.MessageGroupId ?? messageId,
      })),
      (tasks) => webhooks.current(tasks),
      (tasks) => states.of(tasks),
      deliveries,
      {
        maxHideSeconds: MAX_HIDE_SECONDS,
        startAttemptsBeforeMs: Date.now() + remainingMs - (config.SEND_TIMEOUT_SECONDS + 5) * 1000,
        onRecordError: (messageId, error) =>
          logger.error('an ordered delivery failed before it was settled; its group waits for it', {
            messageId,
            error: error as Error,
          }),
      },
    );
    return batchResponse(await executeOrderedPlan(plan, { ...targets, orderedQueueUrl }));
  };
}
