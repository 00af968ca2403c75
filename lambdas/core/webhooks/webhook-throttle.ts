import type { Webhook } from './webhook';

/** A webhook's `throttleRate`: deliveries per second, across every deliver container and both lanes. */
export const MIN_THROTTLE_RATE = 1;
export const MAX_THROTTLE_RATE = 1000;

/**
 * Longest a delivery may wait for its throttle slot: one SQS delay. A delivery that would wait longer (its webhook's
 * backlog is more than this many seconds at its rate) goes to the DLQ with its reason, to be recovered or replayed
 * once the backlog is worked off: a backlog is bounded, in time and so in count (rate × 900 deliveries).
 */
export const MAX_THROTTLE_WAIT_SECONDS = 900;

/**
 * The reservations of a throttled webhook's send times (the generic cell rate algorithm): each delivery reserves
 * the next free slot, one every 1/rate seconds, so deliveries beyond the rate are scheduled at exact times,
 * each its own, rather than woken together to race again. One write per delivery while the webhook is busy, for
 * throttled webhooks only.
 */
export interface ThrottleStore {
  /**
   * Reserves the webhook's next send slot at or after `nowMs`, spaced `intervalMs` from the previous one, and
   * answers the slot's time (ms); reserves nothing and answers undefined when that slot would be after `latestMs`.
   */
  reserve(webhook: Webhook, nowMs: number, intervalMs: number, latestMs: number): Promise<number | undefined>;
}

/**
 * A send slot a delivery holds, with the rate it was reserved at and since when the webhook had it: a slot of another
 * rate, or of an earlier setting of the same rate, is not taken.
 */
export interface HeldSlot {
  at: string;
  rate?: number;
  since?: string;
}

/** When an attempt to this webhook may be made: now, at a slot reserved for it, or never (the backlog is too long). */
export type ThrottleAdmission = { kind: 'now' } | { kind: 'at'; slotMs: number } | { kind: 'refused'; reason: string };

/**
 * How far ahead of its slot a delivery is still sent at once: SQS delays come in whole seconds, a local wait is finer.
 */
export const SLOT_WAIT_MAX_MS = 1000;

/** How late after its slot a delivery may still go, in intervals: later, it could bunch with the next slot's. */
const LATENESS_TOLERANCE = 0.25;
/** Reservations one delivery makes at most before it goes anyway (a machine so busy that every wait overruns). */
const MAX_RESERVATIONS = 3;

export class WebhookThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * A delivery to a webhook without a rate goes now. Otherwise it takes the slot it already holds (from an earlier
   * reservation, under the webhook's current setting: a slot reserved at another rate, or at this rate before it was
   * changed and set again, is given up, so a changed rate binds the deliveries that wait and a rate set again does not
   * add new slots beside old ones) or reserves one: a slot less than a second away is waited for here, a later one is
   * where the delivery waits, outside the in-flight state, with no attempt made or counted, and one more than
   * MAX_THROTTLE_WAIT_SECONDS away is refused. A slot missed by more than a quarter of an interval (a late message, a
   * busy machine) is given up for a new one, so that sends stay at least three quarters of an interval apart and a
   * receiver sees at most the rate, plus one, in any second.
   */
  async admit(webhook: Webhook, now: Date, held?: HeldSlot): Promise<ThrottleAdmission> {
    const rate = webhook.throttleRate;
    if (!rate) return { kind: 'now' };
    const intervalMs = 1000 / rate;
    const toleranceMs = intervalMs * LATENESS_TOLERANCE;
    const current = held && held.rate === rate && held.since === webhook.throttleRateSince;
    let slotMs = current ? Date.parse(held.at) : undefined;
    let nowMs = now.getTime();
    for (let reservations = 0; ; ) {
      if (slotMs === undefined || nowMs - slotMs > toleranceMs) {
        slotMs = await this.store.reserve(webhook, nowMs, intervalMs, nowMs + MAX_THROTTLE_WAIT_SECONDS * 1000);
        if (slotMs === undefined) {
          return {
            kind: 'refused',
            reason:
              `throttled: the webhook's backlog at ${rate}/s would hold this delivery more than ` +
              `${MAX_THROTTLE_WAIT_SECONDS} s`,
          };
        }
        reservations += 1;
      }
      const waitMs = slotMs - nowMs;
      if (waitMs >= SLOT_WAIT_MAX_MS) return { kind: 'at', slotMs };
      if (waitMs > 0) await this.sleep(waitMs);
      nowMs = this.clock();
      if (nowMs - slotMs <= toleranceMs || reservations >= MAX_RESERVATIONS) return { kind: 'now' };
    }
  }
}
