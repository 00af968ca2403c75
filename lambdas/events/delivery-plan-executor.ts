import type { DynamoDeliveryLogWriter } from '../adapters/delivery-log-writer';
import { publishDeliveryMetrics } from '../adapters/delivery-metrics';
import { logger } from '../adapters/observability';
import type { SqsQueues } from '../adapters/sqs-queues';
import type { DeliveryLogEntry, DeliveryPlan } from '../core/delivery/deliver-batch';
import type { OrderedPlan } from '../core/delivery/deliver-ordered-batch';
import type { DeliveryNotice } from '../core/delivery/delivery-notice';
import { operationalEvent } from '../core/events/operational-events';
import type { DeliveryLane } from '../core/delivery/webhook-health';
import { BatchOutbox } from './batch-outbox';

export interface DeliveryPlanTargets {
  deliveryLog: DynamoDeliveryLogWriter;
  queues: SqsQueues;
  /** Where each lane's messages go (the ordered lane's are never re-sent: they wait in flight). */
  laneQueueUrls: Record<Exclude<DeliveryLane, 'ordered'>, string> & { ordered?: string };
  deliveriesDlqUrl: string;
  /** Operational events go to the platform's own events queue. */
  platformEventsQueueUrl: string;
}

/**
 * Carries out a batch's plan, in this order: the delivery log, then the dead letters and re-sends of the
 * records whose log was written (a record whose log could not be written comes back whole, and nothing is sent
 * for it), then the operational events. Answers the messages that must come back; each comes back alone.
 */
export async function executeDeliveryPlan(plan: DeliveryPlan, targets: DeliveryPlanTargets): Promise<string[]> {
  const unlogged = await logThenPark(plan, targets);
  const outbox = new BatchOutbox();
  for (const { fromMessageId, task, body, delaySeconds, lane } of plan.requeues) {
    const queueUrl = lane === 'ordered' ? undefined : targets.laneQueueUrls[lane];
    if (queueUrl && !unlogged.has(fromMessageId))
      outbox.add(queueUrl, fromMessageId, { body, groupId: task.tenantId, delaySeconds });
  }
  const { failed, refused } = await outbox.flush(targets.queues);
  await publishOperationalEvents(plan.notices, targets);
  return [...plan.failedMessageIds, ...unlogged, ...failed, ...refused.keys()];
}

/**
 * Carries out an ordered-lane batch's plan: the log, the dead letters, then the waits. A waiting head is hidden
 * until it is due (a change SQS refuses only brings it back early, when it is found not due and hidden again) and
 * the messages behind it are handed back at once (FIFO keeps them behind the head while it is in flight).
 */
export async function executeOrderedPlan(
  plan: OrderedPlan,
  targets: DeliveryPlanTargets & { orderedQueueUrl: string },
): Promise<string[]> {
  const unlogged = await logThenPark(plan, targets);
  const waits = [
    ...plan.hides.map(({ receiptHandle, seconds }) => ({ receiptHandle, seconds })),
    ...plan.released.map((receiptHandle) => ({ receiptHandle, seconds: 0 })),
  ];
  const refusedWaits = await targets.queues.changeVisibility(targets.orderedQueueUrl, waits);
  if (refusedWaits.length)
    logger.warn(
      "ordered lane: SQS did not change the visibility of some messages; they come back at the queue's timeout",
      { count: refusedWaits.length },
    );
  await publishOperationalEvents(plan.notices, targets);
  return [...plan.failedMessageIds, ...unlogged];
}

/**
 * The log first (a record that cannot be written for now makes its message come back whole, so nothing is sent
 * for it), then the dead letters of the records whose log was written. Answers the messages whose log was not.
 */
async function logThenPark(
  plan: {
    log: DeliveryLogEntry[];
    deadLetters: { fromMessageId: string; body: string; reason: string }[];
    notices: DeliveryNotice[];
    requeues?: unknown[];
  },
  targets: DeliveryPlanTargets,
): Promise<Set<string>> {
  const unlogged = await targets.deliveryLog.recordAll(plan.log);
  publishDeliveryMetrics(plan);
  const outbox = new BatchOutbox();
  for (const { fromMessageId, body, reason } of plan.deadLetters) {
    if (unlogged.has(fromMessageId)) continue;
    logger.warn('delivery dead-lettered', { messageId: fromMessageId, reason });
    outbox.add(targets.deliveriesDlqUrl, fromMessageId, { body, attributes: { failureReason: reason } });
  }
  const { failed, refused } = await outbox.flush(targets.queues);
  return new Set([...unlogged, ...failed, ...refused.keys()]);
}

/**
 * Operational events go through fan-out like any event, from the platform's own events queue. Their delivery already happened, so one
 * that cannot be queued is logged as an error rather than sending the delivery again.
 */
export async function publishOperationalEvents(
  notices: DeliveryNotice[],
  { queues, platformEventsQueueUrl }: Pick<DeliveryPlanTargets, 'queues' | 'platformEventsQueueUrl'>,
): Promise<void> {
  const outbox = new BatchOutbox();
  for (const notice of notices) {
    if (notice.kind === 'breaker-opened')
      logger.warn('circuit breaker opened', { webhookId: notice.webhook.id, tenantId: notice.webhook.tenantId });
    const envelope = operationalEvent(notice);
    if (envelope) {
      outbox.add(platformEventsQueueUrl, `${notice.kind}:${notice.webhook.id}`, {
        body: JSON.stringify(envelope),
        groupId: envelope.tenantId,
      });
    }
  }
  const { failed, refused } = await outbox.flush(queues);
  if (failed.size || refused.size)
    logger.error('operational events could not be queued', { kinds: [...failed, ...refused.keys()] });
}
