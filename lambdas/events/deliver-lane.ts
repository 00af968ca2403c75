import type { SQSEvent } from 'aws-lambda';
import { loadConfig, required } from '../adapters/config';
import { FUNCTION_TIMEOUT_SECONDS } from '../platform-settings';
import { DynamoDeliveryLogWriter } from '../adapters/delivery-log-writer';
import { documentClient } from '../adapters/dynamo-client';
import { DestinationRegistry } from '../adapters/destinations/registry';
import { DynamoOAuth2TokenRepository } from '../adapters/oauth2-token-repository';
import { GuardedHttpClient } from '../adapters/guarded-http-client';
import { HttpVerificationProbe } from '../adapters/verification-probe';
import { DynamoVerificationRepository } from '../adapters/verification-repository';
import { logger } from '../adapters/observability';
import { secretSealerFor, signingSecretSealerFor } from '../adapters/secret-sealer-instance';
import { sqsClient } from '../adapters/sqs-client';
import { ORDERED_POSITION_ATTRIBUTE, SqsQueues } from '../adapters/sqs-queues';
import { DynamoWebhookHealthRepository } from '../adapters/webhook-health-repository';
import { DynamoWebhookThrottleRepository } from '../adapters/webhook-throttle-repository';
import { DynamoOrderedDeliveryStates } from '../adapters/ordered-delivery-states';
import { DynamoErasedTenants } from '../adapters/erased-tenants';
import { deliverBatch } from '../core/delivery/deliver-batch';
import { deliverOrderedBatch, queuePosition } from '../core/delivery/deliver-ordered-batch';
import { DeliveryService } from '../core/delivery/delivery-service';
import { parseVerificationTask, type VerificationTask } from '../core/webhooks/endpoint-verification';
import { EndpointVerifier } from '../core/delivery/endpoint-verifier';
import { waitsLittle, WebhookHealth, type DeliveryLane } from '../core/delivery/webhook-health';
import { WebhookThrottle } from '../core/webhooks/webhook-throttle';
import { batchResponse } from './batch-outbox';
import { executeDeliveryPlan, executeOrderedPlan, type DeliveryPlanTargets } from './delivery-plan-executor';
import { verifyEndpoints } from './verify-endpoints';

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
const signing = { secrets: signingSecretSealerFor(config, documentClient, config.TABLE_NAME), privateKeys: sealer };
const tokens = new DynamoOAuth2TokenRepository(documentClient, config.TABLE_NAME);
const erasedTenants = new DynamoErasedTenants(documentClient, config.TABLE_NAME);
const throttle = new WebhookThrottle(new DynamoWebhookThrottleRepository(documentClient, config.TABLE_NAME));

/**
 * One lane's use case: the fast and ordered lanes wait fastLaneSendTimeoutSeconds for an answer, the slow lanes
 * (normal and ordered) the whole send timeout.
 */
function sendTimeoutSeconds(lane: DeliveryLane): number {
  return waitsLittle(lane) ? fastLaneSeconds : config.SEND_TIMEOUT_SECONDS;
}

function deliveryService(lane: DeliveryLane): DeliveryService {
  const timeoutSeconds = sendTimeoutSeconds(lane);
  const destinations = new DestinationRegistry({
    policy: { allowHttp: config.ALLOW_HTTP_URLS, allowLoopback: config.ALLOW_LOOPBACK_URLS },
    limits: {
      connectTimeoutMs: Math.min(config.CONNECT_TIMEOUT_SECONDS, timeoutSeconds) * 1000,
      totalTimeoutMs: timeoutSeconds * 1000,
    },
    sealer,
    tokens,
    signing,
  });
  return new DeliveryService(destinations, health, throttle, {
    lane,
    retrySchedule: config.RETRY_SCHEDULE_SECONDS,
    erasedTenants,
  });
}

/**
 * Endpoint verification's challenges (docs/design.md §18) go out from the fast lane, through the same SSRF guard as
 * deliveries and within its time limit: a challenge is a send to a tenant's endpoint like any delivery.
 */
function endpointVerifier(): EndpointVerifier {
  const client = new GuardedHttpClient(
    { allowHttp: config.ALLOW_HTTP_URLS, allowLoopback: config.ALLOW_LOOPBACK_URLS },
    {
      limits: {
        connectTimeoutMs: Math.min(config.CONNECT_TIMEOUT_SECONDS, fastLaneSeconds) * 1000,
        totalTimeoutMs: fastLaneSeconds * 1000,
      },
    },
  );
  return new EndpointVerifier(
    new DynamoVerificationRepository(documentClient, config.TABLE_NAME),
    new HttpVerificationProbe(client),
    {
      origin: config.VERIFICATION_ORIGIN,
      retrySeconds: config.VERIFICATION_RETRY_SECONDS,
      maxHopSeconds: config.RETRY_HOP_MAX_SECONDS,
      sealers: signing,
    },
  );
}

/**
 * A lane's queue → deliverBatch (one attempt per due record) → the plan carried out; the verification steps the
 * fast lane's queue also carries go to verifyEndpoints. The response is built here.
 */
export function deliverHandler(lane: DeliveryLane) {
  const deliveries = deliveryService(lane);
  const verifier = lane === 'fast' ? endpointVerifier() : undefined;
  return async (event: SQSEvent) => {
    const steps: { messageId: string; task: VerificationTask }[] = [];
    const messages: { messageId: string; body: string }[] = [];
    for (const { messageId, body } of event.Records) {
      const task = verifier && parseVerificationTask(body);
      if (task) steps.push({ messageId, task });
      else messages.push({ messageId, body });
    }
    const verifying = verifier
      ? verifyEndpoints(steps, verifier, {
          queues: targets.queues,
          deliveriesQueueUrl: targets.laneQueueUrls.fast,
          platformEventsQueueUrl: targets.platformEventsQueueUrl,
        })
      : Promise.resolve([]);
    const plan = await deliverBatch(messages, (tasks) => webhooks.current(tasks), deliveries, {
      maxHopSeconds: config.RETRY_HOP_MAX_SECONDS,
      onRecordError: (messageId, error) =>
        logger.error('a delivery failed before it was settled; its message comes back', {
          messageId,
          error: error as Error,
        }),
    });
    const [delivered, verified] = await Promise.all([executeDeliveryPlan(plan, targets), verifying]);
    return batchResponse([...delivered, ...verified]);
  };
}

/** SQS keeps a received message hidden for at most 12 hours; a little less leaves room for the clock. */
const MAX_HIDE_SECONDS = 12 * 3600 - 60;

/**
 * An ordered lane's queue (SQS FIFO, one message group per webhook) → deliverOrderedBatch → its plan carried out.
 * The ordered lane (`ordered`) reads the queue fan-out sends to and forwards the deliveries of a webhook in the slow
 * ordered lane there, in order; the slow ordered lane (`ordered-slow`) reads those and waits the whole send timeout.
 * No attempt starts once the rest of the function's time could not hold a whole one.
 */
export function orderedDeliverHandler(lane: 'ordered' | 'ordered-slow') {
  const deliveries = deliveryService(lane);
  const states = new DynamoOrderedDeliveryStates(documentClient, config.TABLE_NAME);
  const orderedQueue = required(config.ORDERED_DELIVERIES_QUEUE_URL, 'ORDERED_DELIVERIES_QUEUE_URL');
  const slowOrderedQueueUrl = required(config.SLOW_ORDERED_DELIVERIES_QUEUE_URL, 'SLOW_ORDERED_DELIVERIES_QUEUE_URL');
  const orderedQueueUrl = lane === 'ordered' ? orderedQueue : slowOrderedQueueUrl;
  return async (event: SQSEvent, context?: { getRemainingTimeInMillis?: () => number }) => {
    const remainingMs = context?.getRemainingTimeInMillis?.() ?? FUNCTION_TIMEOUT_SECONDS.deliver * 1000;
    const plan = await deliverOrderedBatch(
      event.Records.map(({ messageId, receiptHandle, body, attributes, messageAttributes }) => {
        // the ordered queue's own sequence number, or the one a forwarded delivery carries from there
        const sequenceNumber =
          lane === 'ordered' ? attributes.SequenceNumber : messageAttributes[ORDERED_POSITION_ATTRIBUTE]?.stringValue;
        return {
          messageId,
          receiptHandle,
          body,
          groupId: attributes.MessageGroupId ?? messageId,
          ...(sequenceNumber ? { position: queuePosition(sequenceNumber) } : {}),
        };
      }),
      (tasks) => webhooks.current(tasks),
      (tasks) => states.of(tasks),
      deliveries,
      {
        maxHideSeconds: MAX_HIDE_SECONDS,
        startAttemptsBeforeMs: Date.now() + remainingMs - (sendTimeoutSeconds(lane) + 5) * 1000,
        onRecordError: (messageId, error) =>
          logger.error('an ordered delivery failed before it was settled; its group waits for it', {
            messageId,
            error: error as Error,
          }),
        ...(lane === 'ordered' ? { laneOf: (webhook, now) => health.orderedLaneOf(webhook, now) } : {}),
      },
    );
    return batchResponse(
      await executeOrderedPlan(plan, { ...targets, orderedQueueUrl, slowOrderedQueueUrl, positions: webhooks }),
    );
  };
}
