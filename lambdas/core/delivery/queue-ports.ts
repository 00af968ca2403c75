import type { DeliveryTask } from './delivery';
import type { VerificationTask } from '../webhooks/endpoint-verification';
import type { EventType } from '../events/event-catalog';

/**
 * The queues the owner-triggered routes and the Recover function send to. Each send either takes every
 * message or throws: a request that answered 202 has queued its work.
 */
export interface DeliveryQueue {
  queue(tasks: readonly DeliveryTask[]): Promise<void>;
}

/** An event of the platform itself on the events queue (marked so fan-out accepts its reserved fields). */
export interface PlatformEventEnvelope {
  tenantId: string;
  id: string;
  type: EventType;
  data: Record<string, unknown>;
  /** Fan-out sends it to this webhook only. */
  webhookId: string;
  test: true;
}

export interface PlatformEventQueue {
  publish(envelope: PlatformEventEnvelope): Promise<void>;
}

/**
 * One page of a recovery (`POST /v2/webhooks/{id}/recover`): the webhook's failed deliveries whose event was
 * received in [since, until], starting after `cursor` (a delivery sort key) when set.
 */
export interface RecoveryJob {
  recoveryId: string;
  tenantId: string;
  webhookId: string;
  since: string;
  until: string;
  cursor?: string;
}

export interface RecoveryJobQueue {
  /** Queues the job, after `delaySeconds` (at most 900) when given. */
  send(job: RecoveryJob, delaySeconds?: number): Promise<void>;
}

/** Where a verification run's first challenge is queued (the deliveries queue: it is a send to the endpoint too). */
export interface VerificationQueue {
  start(task: VerificationTask): Promise<void>;
}
