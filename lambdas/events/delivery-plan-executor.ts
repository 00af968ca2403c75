import type { DynamoDeliveryLogWriter } from '../adapters/delivery-log-writer';
import { publishDeliveryMetrics } from '../adapters/delivery-metrics';
import { logger } from '../adapters/observability';
import { ORDERED_POSITION_ATTRIBUTE, type SqsQueues } from '../adapters/sqs-queues';
import type { DynamoWebhookHealthRepository } from '../adapters/webhook-health-repository';
import type { DeliveryLogEntry, DeliveryPlan } from '../core/delivery/deliver-batch';
import type { OrderedMessage, OrderedPlan } from '../core/delivery/deliver-ordered-batch';
import type { DeliveryNotice } from '../core/delivery/delivery-notice';
import { operationalEvent } from '../core/events/operational-events';
import { BatchOutbox } from './batch-outbox';

export interface DeliveryPlanTargets {
  deliveryLog: DynamoDeliveryLogWriter;
  queues: SqsQueues;
  /** Where each lane's messages go (the ordered lanes' are never re-sent: they wait in flight). */
  laneQueueUrls: Record<'fast' | 'slow', string>;
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
    const queueUrl = lane === 'fast' || lane === 'slow' ? targets.laneQueueUrls[lane] : undefined;
    if (queueUrl && !unlogged.has(fromMessageId))
      outbox.add(queueUrl, fromMessageId, { body, groupId: task.tenantId, delaySeconds });
  }
  const { failed, refused } = await outbox.flush(targets.queues);
  await publishOperationalEvents(plan.notices, targets);
  return [...plan.failedMessageIds, ...unlogged, ...failed, ...refused.keys()];
}

export interface OrderedPlanTargets extends DeliveryPlanTargets {
  /** The queue this lane reads: its waits are visibility changes there. */
  orderedQueueUrl: string;
  /** Where the ordered lane forwards the deliveries of a webhook in the slow ordered lane. */
  slowOrderedQueueUrl: string;
  /** Where each webhook stands between the two ordered lanes. */
  positions: Pick<DynamoWebhookHealthRepository, 'noteForwarded' | 'noteSettled'>;
}

/**
 * Carries out an ordered-lane batch's plan: the log, the dead letters, the forwards to the slow ordered lane, then
 * the waits. A waiting head is hidden until it is due (a change SQS refuses only brings it back early, when it is
 * found not due and hidden again) and the messages behind it are handed back at once (FIFO keeps them behind the
 * head while it is in flight); so is a forward's rest from the first message that could not be sent. Last, how
 * far the slow ordered lane has settled each webhook's deliveries.
 */
export async function executeOrderedPlan(plan: OrderedPlan, targets: OrderedPlanTargets): Promise<string[]> {
  const unlogged = await logThenPark(plan, targets);
  const unforwarded = (
    await Promise.all(plan.forwards.map((forward) => forwardInOrder(forward, unlogged, targets)))
  ).flat();
  const waits = [
    ...plan.hides.map(({ receiptHandle, seconds }) => ({ receiptHandle, seconds })),
    ...[...plan.released, ...unforwarded.map((message) => message.receiptHandle)].map((receiptHandle) => ({
      receiptHandle,
      seconds: 0,
    })),
  ];
  const refusedWaits = await targets.queues.changeVisibility(targets.orderedQueueUrl, waits);
  if (refusedWaits.length)
    logger.warn(
      "ordered lane: SQS did not change the visibility of some messages; they come back at the queue's timeout",
      { count: refusedWaits.length },
    );
  const returned = new Set([...plan.failedMessageIds, ...unlogged, ...unforwarded.map((message) => message.messageId)]);
  await Promise.all(plan.settled.map((settled) => recordSettled(settled, returned, targets)));
  await publishOperationalEvents(plan.notices, targets);
  return [...returned];
}

/**
 * Sends a webhook's messages to the slow ordered lane one after the other, after recording how far it forwarded
 * (so the ordered lane keeps forwarding until that lane has settled them). One request per message: a batch request
 * may take a later message and refuse an earlier one of the same group, which would put them out of order. Answers
 * the messages not sent, from the first that was not on: they come back to the ordered lane, in order. The
 * deduplication id is the message's own id, so a crash's second forward of the same message is dropped by SQS.
 */
async function forwardInOrder(
  { webhook, through, messages }: OrderedPlan['forwards'][number],
  unlogged: Set<string>,
  targets: OrderedPlanTargets,
): Promise<OrderedMessage[]> {
  try {
    await targets.positions.noteForwarded(webhook, through);
  } catch (error) {
    logger.error('ordered lane: could not record a forward; its messages come back', { error: error as Error });
    return messages;
  }
  for (const [index, message] of messages.entries()) {
    if (unlogged.has(message.messageId)) return messages.slice(index);
    const refusals = await targets.queues.send(targets.slowOrderedQueueUrl, [
      {
        body: message.body,
        groupId: message.groupId,
        deduplicationId: message.messageId,
        attributes: { [ORDERED_POSITION_ATTRIBUTE]: message.position! },
      },
    ]);
    if (refusals.size) {
      logger.error('ordered lane: a forward to the slow ordered lane failed; the rest of its group comes back', {
        webhookId: webhook.id,
        reason: [...refusals.values()][0]!.reason,
      });
      return messages.slice(index);
    }
  }
  return [];
}

/**
 * Records how far the slow ordered lane settled a webhook's deliveries: through the last message of the settled run
 * that is acknowledged (one coming back is not settled for the ordered lane). A failed write only keeps the webhook
 * in the slow ordered lane until a later one.
 */
async function recordSettled(
  { webhook, messages }: OrderedPlan['settled'][number],
  returned: Set<string>,
  targets: OrderedPlanTargets,
): Promise<void> {
  const firstReturned = messages.findIndex((message) => returned.has(message.messageId));
  const last = (firstReturned === -1 ? messages : messages.slice(0, firstReturned)).at(-1);
  if (!last) return;
  try {
    await targets.positions.noteSettled(webhook, last.position);
  } catch (error) {
    logger.warn('slow ordered lane: could not record how far it settled; the webhook stays in it meanwhile', {
      webhookId: webhook.id,
      error: error as Error,
    });
  }
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
 * Operational events go through fan-out like any event, from the platform's own events queue. Their delivery already
 * happened, so one
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
