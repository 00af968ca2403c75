/** The API's response shapes, from the same modules the handlers answer with (types only: nothing of lambdas/core is bundled). */
export type { ErrorDetail } from '../../lambdas/core/errors';
export type { EventTypeDescription, EventType } from '../../lambdas/core/event-catalog';

export type { DeliveryStatus } from '../../lambdas/core/delivery';
import type { DeliveryStatus } from '../../lambdas/core/delivery';

// a value, not a type: written here so that the bundle takes nothing from lambdas/core
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'skipped'];

export type { WebhookResource as Webhook, WebhookHealth } from '../../lambdas/core/webhook';
export type { EventFilter as Filter } from '../../lambdas/core/event-filter';

export type { Page } from '../../lambdas/core/log-queries';

export type {
  DeliverySummary,
  DeliveryDetail,
  LastAttempt,
  AttemptResource as Attempt,
} from '../../lambdas/core/delivery-log';
export type { EventSummary, EventDetail } from '../../lambdas/core/event-log-service';

export type { QueuedRetry } from '../../lambdas/core/retry-delivery-service';
export type { StartedRecovery } from '../../lambdas/core/recovery-service';

/** The answer of `POST /v2/webhooks/{id}/test` (its service returns it inline). */
export interface SentTest {
  eventId: string;
}
