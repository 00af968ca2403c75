import type { DeliveryAttempt, DeliveryTask } from './delivery';
import type { AttemptOutcome, DeliveryDestination } from './delivery-destination';
import { planOutcome, type DeliveryResult } from './delivery-plan';
import { waitsLittle, type DeliveryLane, type WebhookHealth } from './webhook-health';
import { awaitingVerification, UNVERIFIED_DELIVERY_REASON } from '../webhooks/endpoint-verification';
import type { WebhookThrottle } from '../webhooks/webhook-throttle';
import type { Webhook } from '../webhooks/webhook';
import type { ErasedTenants } from '../access/tenant-erasure';
import { ERASED_EVENT_REASON } from '../events/event-erasure';

export interface DeliveryServiceOptions {
  /** The lane this service sends from: its queue is where the deliveries it handles came from. */
  lane: DeliveryLane;
  retrySchedule: readonly number[];
  now?: () => Date;
  random?: () => number;
  /** Asked only when a delivery's webhook is gone: an erased tenant's deliveries are dropped with nothing written. */
  erasedTenants?: ErasedTenants;
}

/**
 * One delivery: whether its webhook can take it, whether its health lets an attempt go now and its throttle
 * when, the attempt itself (through the destination port: HTTP or any other kind), and the next step
 * (`planOutcome`: done, retry after the schedule's delay, or the DLQ with its reason). Health rules are
 * WebhookHealth's; this service only asks and reports.
 */
export class DeliveryService {
  private readonly now: () => Date;

  constructor(
    private readonly destination: DeliveryDestination,
    private readonly health: WebhookHealth,
    private readonly throttle: WebhookThrottle,
    private readonly options: DeliveryServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  get lane(): DeliveryLane {
    return this.options.lane;
  }

  /**
   * @param webhook the webhook as stored when the batch was read (not as it was at fan-out): deleted or paused
   *   webhooks are skipped, and the current secret and URL are used.
   */
  async deliver(task: DeliveryTask, webhook: Webhook | undefined): Promise<DeliveryResult> {
    if (!webhook || webhook.tenantId !== task.tenantId) {
      if (!webhook && (await this.options.erasedTenants?.isErased(task)))
        return { decision: { action: 'done' }, notices: [] };
      return {
        decision: { action: 'done' },
        ...(task.trigger === 'manual' ? {} : { record: { status: 'skipped', reason: 'the webhook was deleted' } }),
        notices: [],
      };
    }
    // its event's payload was erased: nothing of it is sent any more (docs/design.md §16)
    if (webhook.erasedEvents?.[task.eventId])
      return {
        decision: { action: 'done' },
        ...(task.trigger === 'manual' ? {} : { record: { status: 'skipped', reason: ERASED_EVENT_REASON } }),
        notices: [],
      };
    const inactive = inactiveResult(webhook);
    // a manual attempt that cannot go leaves the record as it was, so a later recovery still finds it failed
    if (inactive) return task.trigger === 'manual' ? { ...inactive, record: undefined } : inactive;
    // nothing but the challenge reaches an endpoint that has not consented (docs/design.md §18); the log keeps the
    // delivery as skipped, with the reason, and recover sends it once the endpoint is verified
    if (awaitingVerification(webhook))
      return {
        decision: { action: 'done' },
        ...(task.trigger === 'manual' ? {} : { record: { status: 'skipped', reason: UNVERIFIED_DELIVERY_REASON } }),
        notices: [],
      };
    // a retry its owner asked for goes whatever the breaker says; a recovered delivery waits like any
    const admission = await this.health.admit(
      webhook,
      this.now(),
      this.lane,
      task.trigger === 'manual' && !task.recoveryId,
    );
    if (admission.kind === 'postpone')
      return { decision: { action: 'postpone', untilMs: admission.untilMs }, notices: [], lane: admission.lane };
    if (admission.kind === 'forward') return { decision: { action: 'forward' }, notices: [], lane: admission.lane };
    const held = task.throttleSlotAt
      ? { at: task.throttleSlotAt, rate: task.throttleSlotRate, since: task.throttleSlotSince }
      : undefined;
    const slot = await this.throttle.admit(webhook, this.now(), held);
    if (slot.kind === 'at')
      return {
        decision: {
          action: 'postpone',
          untilMs: slot.slotMs,
          slotReserved: true,
          slotRate: webhook.throttleRate,
          ...(webhook.throttleRateSince ? { slotSince: webhook.throttleRateSince } : {}),
        },
        notices: [],
      };
    if (slot.kind === 'refused') {
      // a manual attempt that cannot go leaves the record as it was, so a later recovery still finds it failed
      const record = task.trigger === 'manual' ? undefined : { status: 'failed' as const, reason: slot.reason };
      return { decision: { action: 'dead-letter', reason: slot.reason }, ...(record ? { record } : {}), notices: [] };
    }

    const startedAt = this.now();
    const outcome = await this.destination.attempt({ task, webhook, startedAt });
    const durationMs = outcome.durationMs ?? this.now().getTime() - startedAt.getTime();
    const lane = await this.health.answered(webhook, { durationMs, timedOut: outcome.timedOut }, startedAt);
    const attempt = attemptOf(task, outcome, durationMs, startedAt, waitsLittle(this.lane) && lane === 'slow');
    return planOutcome(outcome, { task, webhook, attempt, lane }, this.health, this.options);
  }
}

/** A switched-off webhook takes no attempt: skipped when its owner paused it, parked when the platform disabled it. */
function inactiveResult(webhook: Webhook): DeliveryResult | undefined {
  if (!webhook.active && webhook.disabledReason) {
    // switched off by the platform, not by its owner: park the delivery so it can be replayed once re-activated
    const reason = `disabled: the webhook was disabled (${webhook.disabledReason})`;
    return { decision: { action: 'dead-letter', reason }, record: { status: 'failed', reason }, notices: [] };
  }
  if (!webhook.active)
    return {
      decision: { action: 'done' },
      record: { status: 'skipped', reason: 'the webhook is not active' },
      notices: [],
    };
  return undefined;
}

/**
 * The attempt as the log records it. A failure with no status code to show has its reason as the error (a
 * refused connection, a timeout, a queue that denied access).
 */
function attemptOf(
  task: DeliveryTask,
  outcome: AttemptOutcome,
  durationMs: number,
  startedAt: Date,
  movedToSlowLane: boolean,
): DeliveryAttempt {
  const error = outcome.kind === 'failed' && outcome.statusCode === undefined ? outcome.reason : undefined;
  return {
    at: startedAt.toISOString(),
    trigger: task.trigger === 'manual' ? 'manual' : 'scheduled',
    durationMs,
    ...(outcome.statusCode !== undefined ? { statusCode: outcome.statusCode } : {}),
    ...(error !== undefined
      ? { error: movedToSlowLane ? `${error}; later attempts go through the slow lane` : error }
      : {}),
    ...(outcome.response ? { response: outcome.response } : {}),
  };
}
