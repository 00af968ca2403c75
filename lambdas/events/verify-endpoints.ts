import { logger } from '../adapters/observability';
import type { SqsQueues } from '../adapters/sqs-queues';
import type { DeliveryNotice } from '../core/delivery/delivery-notice';
import type { VerificationTask } from '../core/webhooks/endpoint-verification';
import type { EndpointVerifier } from '../core/delivery/endpoint-verifier';
import { BatchOutbox } from './batch-outbox';
import { publishOperationalEvents } from './delivery-plan-executor';

export interface VerificationTargets {
  queues: SqsQueues;
  /** Where a run's next challenge waits: the queue the step came from (the fast lane's). */
  deliveriesQueueUrl: string;
  platformEventsQueueUrl: string;
}

/**
 * The verification steps of a deliveries-queue batch (docs/design.md §18): each sends one challenge (or hops on
 * towards its due time), then its next step is queued with its delay and the tenant told of a verified or failed
 * endpoint. A step that failed before it was settled, or whose next step SQS did not take, comes back alone.
 */
export async function verifyEndpoints(
  steps: readonly { messageId: string; task: VerificationTask }[],
  verifier: EndpointVerifier,
  targets: VerificationTargets,
): Promise<string[]> {
  if (steps.length === 0) return [];
  const failed: string[] = [];
  const notices: DeliveryNotice[] = [];
  const outbox = new BatchOutbox();
  await Promise.all(
    steps.map(async ({ messageId, task }) => {
      try {
        const { next, notice } = await verifier.verify(task);
        if (next)
          outbox.add(targets.deliveriesQueueUrl, messageId, {
            body: JSON.stringify(next.task),
            groupId: next.task.tenantId,
            delaySeconds: next.delaySeconds,
          });
        if (notice) {
          notices.push(notice);
          logger.info(notice.kind === 'verified' ? 'endpoint verified' : 'endpoint verification failed', {
            webhookId: task.webhookId,
            tenantId: task.tenantId,
            attempt: task.attempt,
          });
        }
      } catch (error) {
        logger.error('a verification step failed before it was settled; its message comes back', {
          messageId,
          webhookId: task.webhookId,
          error: error as Error,
        });
        failed.push(messageId);
      }
    }),
  );
  const sent = await outbox.flush(targets.queues);
  await publishOperationalEvents(notices, targets);
  return [...failed, ...sent.failed, ...sent.refused.keys()];
}
