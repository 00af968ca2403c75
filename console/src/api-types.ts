/**
 * The API's response shapes, from the same modules the handlers answer with (types only: nothing of
 * lambdas/core is bundled). Where a route's module has not landed in lambdas/core yet, its shape from
 * DESIGN §6b/§9 is written here, marked: import it once it has.
 */
export type { ErrorDetail } from '../../lambdas/core/errors';
export type { EventTypeDescription, EventType } from '../../lambdas/core/event-catalog';

export type { DeliveryStatus } from '../../lambdas/core/delivery';
import type { DeliveryStatus } from '../../lambdas/core/delivery';

// a value, not a type: written here so that the bundle takes nothing from lambdas/core
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'skipped'];

export type { WebhookResource as Webhook, WebhookHealth } from '../../lambdas/core/webhook';
export type { EventFilter as Filter } from '../../lambdas/core/event-filter';

export type { Page } from '../../lambdas/core/log-queries';

export type { DeliverySummary, DeliveryDetail, LastAttempt, AttemptResource as Attempt } from '../../lambdas/core/delivery-log';
export type { EventSummary, EventDetail } from '../../lambdas/core/event-log-service';

/** DESIGN §6b (not in lambdas/core yet): the answers of test, retry and recover. */
export interface Accepted {
  eventId: string;
}

export interface RecoveryStarted {
  recoveryId: string;
  since: string;
  until: string;
}
