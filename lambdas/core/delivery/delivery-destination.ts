import type { DeliveryTask } from './delivery';
import type { Webhook } from '../webhooks/webhook';

/**
 * What an attempt observed, for the delivery log and the slow lane. Every field is optional: a destination
 * without HTTP (a queue, a bus) has no status code or response to show.
 */
export interface AttemptCapture {
  /** The receiver's HTTP status, when one answered. */
  statusCode?: number;
  /** The start of the receiver's answer (the log keeps at most 1 KB). */
  response?: string;
  /** How long the attempt took; measured by the caller when absent. */
  durationMs?: number;
  /** No complete answer came within the lane's time limit: the webhook's later attempts go through the slow lane. */
  timedOut?: boolean;
}

/** How one attempt ended, whatever the kind of destination. */
export type AttemptOutcome =
  | ({ kind: 'delivered' } & AttemptCapture)
  | ({
      kind: 'failed';
      /** Why, as the delivery log shows it (`HTTP 500`, `connection_refused`, `AccessDenied: …`). */
      reason: string;
      /** The receiver asked to be tried again no sooner than this (HTTP's Retry-After). */
      retryAfterSeconds?: number;
      /** Retrying cannot help (the destination refuses this message for good): dead-lettered now, with its reason. */
      permanent?: boolean;
    } & AttemptCapture)
  /** The receiver wants no more deliveries (HTTP 410): the webhook is switched off. */
  | ({ kind: 'gone'; reason: string } & AttemptCapture);

/**
 * One attempt to make: the delivery, its webhook as read for this batch, and when the attempt began (it is signed with
 * that time).
 */
export interface DeliveryAttemptRequest {
  task: DeliveryTask;
  webhook: Webhook;
  startedAt: Date;
}

/**
 * The port every kind of destination implements (HTTP, and queues or buses of the customer's): one attempt,
 * and what became of it. Everything else (retries, the breaker, the slow lane, throttling, ordering, the log,
 * the DLQ) is the core's and the same for every kind.
 */
export interface DeliveryDestination {
  attempt(delivery: DeliveryAttemptRequest): Promise<AttemptOutcome>;
}

/** The User-Agent of every request the platform makes to an endpoint. */
export const USER_AGENT = 'Webhooks/1.0';
