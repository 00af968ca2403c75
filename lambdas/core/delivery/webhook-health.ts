import type { DeliveryNotice } from './delivery-notice';
import type { Webhook } from '../webhooks/webhook';

/**
 * The deliveries queue and its function are the fast lane; a webhook whose endpoint answers slowly or hangs has
 * its deliveries moved to the slow lane, a queue and function of their own (docs/design.md §9, Isolation), so
 * that its attempts cannot hold the fast lane's bounded concurrency while they wait. Webhooks with
 * `ordering: "fifo"` have the same pair on SQS FIFO queues: the ordered lane, and the slow ordered lane it
 * forwards a slow webhook's deliveries to, in order.
 */
export type DeliveryLane = 'fast' | 'slow' | 'ordered' | 'ordered-slow';

/** The lanes that wait only the fast lane's send timeout for an answer (a slower one moves the webhook out). */
export const waitsLittle = (lane: DeliveryLane) => lane === 'fast' || lane === 'ordered';

/**
 * The writes that keep a webhook's delivery health, shared by every deliver container (stored with the
 * webhook). The one adapter behind it also reads the webhooks a batch needs: nothing else writes these fields.
 */
export interface WebhookHealthStore {
  /** Switches the webhook off with its reason and forgets its health (nothing happens once it is deleted). */
  disable(webhook: Webhook, reason: string, at: string): Promise<void>;
  /**
   * Counts a failed attempt (the first of a run also starts the auto-disable clock); the webhook as stored now,
   * undefined once deleted.
   */
  recordFailure(webhook: Webhook, at: string): Promise<Webhook | undefined>;
  /** Opens the breaker unless another container did first; true when this call opened it. */
  openBreaker(webhook: Webhook, nextProbeAt: string, intervalSeconds: number): Promise<boolean>;
  /** Claims the probe due at `observedNextProbeAt` by moving it on; false when another container claimed it. */
  claimProbe(
    webhook: Webhook,
    observedNextProbeAt: string,
    nextProbeAt: string,
    intervalSeconds: number,
  ): Promise<boolean>;
  /** The first success after failures: clears the failure count, the auto-disable clock and the breaker. */
  recordSuccess(webhook: Webhook): Promise<void>;
  /** Sends the webhook's deliveries through the slow lane until `until`. */
  markSlow(webhook: Webhook, until: string): Promise<void>;
}

export interface BreakerSettings {
  /** Consecutive failed attempts that open the breaker (10). */
  failureThreshold: number;
  /** Wait before the first probe (30 s); it doubles while probes fail... */
  probeInitialSeconds: number;
  /** ...up to this (1 h). */
  probeMaxSeconds: number;
}

export interface HealthSettings {
  breaker: BreakerSettings;
  /** A webhook whose deliveries have all failed for this long is disabled (5 days). */
  autoDisableAfterSeconds: number;
  /** An attempt without a complete answer within this (the fast lane's send timeout) is a slow one. */
  slowAnswerMs: number;
  /** How long a webhook stays in the slow lane after its last slow attempt. */
  slowLaneHoldSeconds: number;
}

/** Whether an attempt may be made now, from the lane asking. */
export type Admission =
  | { kind: 'attempt' }
  /** The breaker is open: no attempt; try again at `untilMs`, in `lane`, with the same attempt number. */
  | { kind: 'postpone'; untilMs: number; lane: DeliveryLane }
  /** The webhook belongs in the slow lane: no attempt here; send it there now. */
  | { kind: 'forward'; lane: DeliveryLane };

/** What a failed attempt did to its webhook. */
export interface FailureEffects {
  /** Set when this failure switched the webhook off (auto-disable). */
  disabledReason?: string;
  notices: DeliveryNotice[];
}

type BreakerGate =
  | { kind: 'closed' }
  /** One attempt may go: the caller must first claim it, so that only one container probes. */
  | { kind: 'probe'; observedNextProbeAt: string; nextProbeAt: string; intervalSeconds: number }
  | { kind: 'wait'; untilMs: number };

/**
 * The rules of a webhook's delivery health, in one place: the circuit breaker (10 failures open it, one probe
 * per interval doubling from 30 s to 1 h, the first success closes it), auto-disable (every delivery failed for
 * 5 days, or a 410), and the slow lane (an answer slower than the fast lane's limit moves the webhook there for
 * an hour). The deliver use case asks before an attempt (admit) and reports after it (answered, then one of
 * delivered, gone, failed); the store writes what changed.
 */
export class WebhookHealth {
  constructor(
    private readonly store: WebhookHealthStore,
    private readonly settings: HealthSettings,
  ) {}

  /** The lane a webhook's deliveries belong in at `now`. */
  laneOf(webhook: Webhook, now: Date): DeliveryLane {
    return webhook.slowLaneUntil !== undefined && Date.parse(webhook.slowLaneUntil) > now.getTime() ? 'slow' : 'fast';
  }

  /**
   * The ordered lane an ordered webhook's deliveries belong in at `now`: the slow one while the webhook is slow, and
   * after that until the slow ordered lane has settled every delivery the ordered lane sent it (positions in the
   * ordered queue, SQS sequence numbers), so that no delivery overtakes one still waiting there.
   */
  orderedLaneOf(webhook: Webhook, now: Date): 'ordered' | 'ordered-slow' {
    if (this.laneOf(webhook, now) === 'slow') return 'ordered-slow';
    const forwarded = webhook.slowOrderedForwardedThrough;
    const settled = webhook.slowOrderedSettledThrough;
    return forwarded !== undefined && (settled === undefined || settled < forwarded) ? 'ordered-slow' : 'ordered';
  }

  /**
   * Before an attempt from `from`: an open breaker postpones it (in the lane the webhook belongs to: one hop, not
   * two), a webhook of the slow lane has the fast lane's deliveries forwarded there (every attempt to it, probes
   * included, is made there), and a due probe goes only if this container claims it. A retry its owner asked
   * for one by one passes the breaker.
   */
  async admit(webhook: Webhook, now: Date, from: DeliveryLane, passesBreaker: boolean): Promise<Admission> {
    const lane = this.laneOf(webhook, now);
    const gate = passesBreaker ? ({ kind: 'closed' } as const) : this.breakerGate(webhook, now);
    if (gate.kind === 'wait') return { kind: 'postpone', untilMs: gate.untilMs, lane };
    if (from === 'fast' && lane === 'slow') return { kind: 'forward', lane };
    if (
      gate.kind === 'probe' &&
      !(await this.store.claimProbe(webhook, gate.observedNextProbeAt, gate.nextProbeAt, gate.intervalSeconds))
    ) {
      return { kind: 'postpone', untilMs: Date.parse(gate.nextProbeAt), lane };
    }
    return { kind: 'attempt' };
  }

  /**
   * After any answer (or none): a slow one puts the webhook in the slow lane, or keeps it there. The hold is
   * renewed once half of it has passed, so a webhook that stays slow costs one write per half-hold, not one per
   * delivery. Answers the lane the delivery's next message belongs in.
   */
  async answered(
    webhook: Webhook,
    result: { durationMs: number; timedOut?: boolean },
    startedAt: Date,
  ): Promise<DeliveryLane> {
    const { slowAnswerMs, slowLaneHoldSeconds } = this.settings;
    const slowAnswer = result.timedOut === true || result.durationMs > slowAnswerMs;
    const wasSlow = this.laneOf(webhook, startedAt) === 'slow';
    const holdLeftMs = wasSlow ? Date.parse(webhook.slowLaneUntil!) - startedAt.getTime() : 0;
    if (slowAnswer && holdLeftMs < (slowLaneHoldSeconds * 1000) / 2) {
      await this.store.markSlow(webhook, new Date(startedAt.getTime() + slowLaneHoldSeconds * 1000).toISOString());
    }
    return slowAnswer || wasSlow ? 'slow' : 'fast';
  }

  /** A success: the first after failures resets the breaker and the clock, and tells the tenant it recovered. */
  async delivered(webhook: Webhook): Promise<DeliveryNotice[]> {
    if (!webhook.failingSince && !webhook.consecutiveFailures && !webhook.nextProbeAt) return [];
    await this.store.recordSuccess(webhook);
    return webhook.failingSince ? [{ kind: 'recovered', webhook, failingSince: webhook.failingSince }] : [];
  }

  /** The receiver wants no more (HTTP 410 Gone): the webhook is switched off with the destination's reason. */
  async gone(webhook: Webhook, at: Date, reason: string): Promise<{ reason: string; notices: DeliveryNotice[] }> {
    await this.store.disable(webhook, reason, at.toISOString());
    return { reason, notices: [{ kind: 'disabled', webhook, reason }] };
  }

  /** A failed attempt: counted; disables the webhook once every delivery failed long enough, or opens its breaker. */
  async failed(webhook: Webhook, at: Date): Promise<FailureEffects> {
    const counted = (await this.store.recordFailure(webhook, at.toISOString())) ?? webhook;
    const failingSince = counted.failingSince ?? at.toISOString();
    if (at.getTime() - Date.parse(failingSince) >= this.settings.autoDisableAfterSeconds * 1000) {
      const reason = `every delivery failed since ${failingSince}`;
      await this.store.disable(webhook, reason, at.toISOString());
      return { disabledReason: reason, notices: [{ kind: 'disabled', webhook, reason }] };
    }
    const { breaker } = this.settings;
    if (!counted.nextProbeAt && (counted.consecutiveFailures ?? 0) >= breaker.failureThreshold) {
      const nextProbeAt = new Date(at.getTime() + breaker.probeInitialSeconds * 1000).toISOString();
      if (await this.store.openBreaker(counted, nextProbeAt, breaker.probeInitialSeconds))
        return { notices: [{ kind: 'breaker-opened', webhook }] };
    }
    return { notices: [] };
  }

  private breakerGate(webhook: Webhook, now: Date): BreakerGate {
    if (!webhook.nextProbeAt) return { kind: 'closed' };
    const due = Date.parse(webhook.nextProbeAt);
    if (now.getTime() < due) return { kind: 'wait', untilMs: due };
    // the interval doubles at each probe, so that while probes keep failing they come ever less often
    const { probeInitialSeconds, probeMaxSeconds } = this.settings.breaker;
    const intervalSeconds = Math.min(probeMaxSeconds, 2 * (webhook.probeIntervalSeconds ?? probeInitialSeconds));
    return {
      kind: 'probe',
      observedNextProbeAt: webhook.nextProbeAt,
      nextProbeAt: new Date(now.getTime() + intervalSeconds * 1000).toISOString(),
      intervalSeconds,
    };
  }
}
