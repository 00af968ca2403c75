import type { DynamoDeliveryLogWriter } from '../adapters/delivery-log-writer';
import { publishDeliveryMetrics } from '../adapters/delivery-metrics';
import { logger } from '../adapters/observability';
import type { SqsQueues } from '../adapters/sqs-queues';
import type { DeliveryPlan } from '../core/deliver-batch';
import type { DeliveryNotice } from '../core/delivery-notice';
import { operationalEvent } from '../core/operational-events';
import type { DeliveryLane } from '../core/webhook-health';
import { BatchOutbox } from './batch-outbox';

export interface DeliveryPlanTargets {
  deliveryLog: DynamoDeliveryLogWriter;
  queues: SqsQueues;
  laneQueueUrls: Record<DeliveryLane, string>;
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
  const unlogged = await targets.deliveryLog.recordAll(plan.log);
  publishDeliveryMetrics(plan);

  const outbox = new BatchOutbox();
  for (const { fromMessageId, body, reason } of plan.deadLetters) {
    if (unlogged.has(fromMessageId)) continue;
    logger.warn('delivery dead-lettered', { messageId: fromMessageId, reason });
    outbox.add(targets.deliveriesDlqUrl, fromMessageId, { body, attributes: { failureReason: reason } });
  }
  for (const { fromMessageId, task, body, delaySeconds, lane } of plan.requeues) {
    if (!unlogged.has(fromMessageId)) outbox.add(targets.laneQueueUrls[lane], fromMessageId, { body, groupId: task.tenantId, delaySeconds });
  }
  const { failed, refused } = await outbox.flush(targets.queues);
  await publishOperationalEvents(plan.notices, targets);
  return [...plan.failedMessageIds, ...unlogged, ...failed, ...refused.keys()];
}

/**
 * Operational events go through fan-out like any event, from the platform's own events queue. Their delivery already happened, so one
 * that cannot be queued is logged as an error rather than sending the delivery again.
 */
async function publishOperationalEvents(notices: DeliveryNotice[], { queues, platformEventsQueueUrl }: DeliveryPlanTargets): Promise<void> {
  const outbox = new BatchOutbox();
  for (const notice of notices) {
    if (notice.kind === 'breaker-opened') logger.warn('circuit breaker opened', { webhookId: notice.webhook.id, tenantId: notice.webhook.tenantId });
    const envelope = operationalEvent(notice);
    if (envelope) {
      outbox.add(platformEventsQueueUrl, `${notice.kind}:${notice.webhook.id}`, { body: JSON.stringify(envelope), groupId: envelope.tenantId });
    }
  }
  const { failed, refused } = await outbox.flush(queues);
  if (failed.size || refused.size) logger.error('operational events could not be queued', { kinds: [...failed, ...refused.keys()] });
}
