/**
 * The API's response shapes, from the same modules the handlers answer with (types only: nothing of
 * lambdas/core is bundled). Where a route's module has not landed in lambdas/core yet, its shape from
 * DESIGN §6b/§9 is written here, marked: import it once it has.
 */
export type { ErrorDetail } from '../../lambdas/core/errors';
export type { EventTypeDescription, EventType } from '../../lambdas/core/event-catalog';
import type { WebhookResource } from '../../lambdas/core/webhook';

export type { DeliveryStatus } from '../../lambdas/core/delivery';
import type { DeliveryStatus } from '../../lambdas/core/delivery';

// a value, not a type: written here so that the bundle takes nothing from lambdas/core
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'skipped'];

/** DESIGN §9 (not in lambdas/core yet): the circuit breaker's view of a webhook. */
export interface WebhookHealth {
  state: 'healthy' | 'failing' | 'open';
  failingSince?: string | null;
  consecutiveFailures?: number;
}

export type Filter = Record<string, Array<string | number | boolean>>;

/** The webhook object; `filter` and `health` appear as their routes land (DESIGN §6d, §9). */
export type Webhook = WebhookResource & { filter?: Filter | null; health?: WebhookHealth };

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
