import { breakerGate, firstProbe, shouldOpen, type BreakerGate, type BreakerSettings } from './circuit-breaker';
import { classify, type SendResult } from './delivery-outcome';
import type { DeliveryAttempt, DeliveryStatus, DeliveryTask } from './delivery';
import type { EventType } from './event-catalog';
import { maxAttempts, nextDelaySeconds } from './retry-schedule';
import { signatureHeaders } from './signing';
import { signingSecrets, type Webhook } from './webhook';

export const USER_AGENT = 'Webhooks/1.0';

export interface DeliveryRecordUpdate {
  status: DeliveryStatus;
  attempt?: DeliveryAttempt;
  nextAttemptAt?: string;
  reason?: string;
}

/** What delivering needs from the outside world; adapters implement it over HTTP and DynamoDB. */
export interface DeliveryPorts {
  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
  disableWebhook(webhook: Webhook, reason: string): Promise<void>;
  /** Counts a failed attempt (and starts the auto-disable clock at the first); answers the webhook as stored now. */
  recordFailure(webhook: Webhook, at: string): Promise<Webhook>;
  /** Opens the breaker unless another container did first; true when this call opened it. */
  openBreaker(webhook: Webhook, nextProbeAt: string, intervalSeconds: number): Promise<boolean>;
  /** Claims the probe due at `observedNextProbeAt` by moving it on; false when another container claimed it. */
  claimProbe(webhook: Webhook, observedNextProbeAt: string, nextProbeAt: string, intervalSeconds: number): Promise<boolean>;
  /** The first success after failures: clears the failure count, the auto-disable clock and the breaker. */
  recordSuccess(webhook: Webhook): Promise<void>;
  /** Sends the webhook's deliveries through the slow lane until `until`. */
  markSlow(webhook: Webhook, until: string): Promise<void>;
}

/**
 * The deliveries queue and its function are the fast lane; a webhook whose endpoint answers slowly or hangs has
 * its deliveries moved to the slow lane, a queue and function of their own (DESIGN §9, Isolation), so that its
 * attempts cannot hold the fast lane's bounded concurrency while they wait.
 */
export type DeliveryLane = 'fast' | 'slow';

export interface SlowLaneSettings {
  /** The lane this service sends from. */
  lane: DeliveryLane;
  /** An attempt without a complete answer within this (the fast lane's send timeout) is a slow one. */
  slowAnswerMs: number;
  /** How long a webhook stays in the slow lane after its last slow attempt. */
  holdSeconds: number;
}

const inSlowLane = (webhook: Webhook, now: Date) => webhook.slowLaneUntil !== undefined && Date.parse(webhook.slowLaneUntil) > now.getTime();

export type DeliveryDecision =
  | { action: 'done' }
  | { action: 'retry'; delaySeconds: number }
  | { action: 'dead-letter'; reason: string }
  /** The breaker is open: no attempt was made; try again at `untilMs` with the same attempt number. */
  | { action: 'postpone'; untilMs: number }
  /** The webhook's deliveries go through the slow lane: no attempt was made here; send it there now. */
  | { action: 'forward' };

/** What happened that the tenant or an operator should hear about (operational events, metrics). */
export type DeliveryNotice =
  | { kind: 'breaker-opened'; webhook: Webhook }
  | { kind: 'recovered'; webhook: Webhook; failingSince: string }
  | { kind: 'disabled'; webhook: Webhook; reason: string }
  | { kind: 'exhausted'; webhook: Webhook; eventId: string; eventType: EventType; attemptCount: number; lastAttempt: DeliveryAttempt };

/**
 * What became of one attempt: what to do with the queue message, and what the delivery log must say (the
 * caller writes the log for a whole batch at once, one write per attempt; nothing when no attempt was made).
 */
export interface DeliveryResult {
  decision: DeliveryDecision;
  record?: DeliveryRecordUpdate;
  notices: DeliveryNotice[];
  /** The lane the delivery's next message belongs in (a retry, a postponement, a forward); absent: this one. */
  lane?: DeliveryLane;
}

export interface DeliveryServiceOptions {
  retrySchedule: readonly number[];
  /** A webhook whose deliveries have all failed for this long is disabled (DESIGN §9: 5 days). */
  autoDisableAfterSeconds: number;
  breaker: BreakerSettings;
  slowLane: SlowLaneSettings;
  now?: () => Date;
  random?: () => number;
}

const describe = (attempt: DeliveryAttempt) => attempt.error ?? `HTTP ${attempt.statusCode}`;

/** One attempt at one delivery, and what should happen to its queue message afterwards. */
export class DeliveryService {
  private readonly now: () => Date;

  constructor(
    private readonly ports: DeliveryPorts,
    private readonly options: DeliveryServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** The lane this service sends from: its queue is where the deliveries it handles came from. */
  get lane(): DeliveryLane {
    return this.options.slowLane.lane;
  }

  /**
   * @param webhook the webhook as it is now (not as it was at fan-out): deleted or paused webhooks are
   *   skipped, and a changed secret or URL is used.
   * @param attemptNumber 1 for the first try.
   */
  async deliver(task: DeliveryTask, webhook: Webhook | undefined, attemptNumber: number): Promise<DeliveryResult> {
    if (!webhook || webhook.tenantId !== task.tenantId) {
      return { decision: { action: 'done' }, record: { status: 'skipped', reason: 'the webhook was deleted' }, notices: [] };
    }
    if (!webhook.active && webhook.disabledReason) {
      // switched off by the platform, not by its owner: park the delivery so it can be replayed once re-activated
      const reason = `disabled: the webhook was disabled (${webhook.disabledReason})`;
      return { decision: { action: 'dead-letter', reason }, record: { status: 'failed', reason }, notices: [] };
    }
    if (!webhook.active) {
      return { decision: { action: 'done' }, record: { status: 'skipped', reason: 'the webhook is not active' }, notices: [] };
    }
    const manual = task.trigger === 'manual';
    const startedAt = this.now();
    const { slowLane } = this.options;
    const wasSlow = inSlowLane(webhook, startedAt);
    const waitingLane: DeliveryLane = wasSlow ? 'slow' : 'fast';
    // an attempt its owner asked for goes whatever the breaker says
    const gate: BreakerGate = manual ? { kind: 'closed' } : breakerGate(webhook, startedAt, this.options.breaker);
    // waiting on an open breaker: straight to the wait, in the lane the webhook belongs to (one hop, not two)
    if (gate.kind === 'wait') return { decision: { action: 'postpone', untilMs: gate.untilMs }, notices: [], lane: waitingLane };
    // every attempt to a slow webhook, a probe included, is made in the slow lane
    if (slowLane.lane === 'fast' && wasSlow) return { decision: { action: 'forward' }, notices: [], lane: 'slow' };
    if (gate.kind === 'probe' && !(await this.ports.claimProbe(webhook, gate.observedNextProbeAt, gate.nextProbeAt, gate.intervalSeconds))) {
      return { decision: { action: 'postpone', untilMs: Date.parse(gate.nextProbeAt) }, notices: [], lane: waitingLane };
    }

    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      ...signatureHeaders({ messageId: task.eventId, timestamp: startedAt, body: task.payload, secrets: signingSecrets(webhook, startedAt) }),
    };
    const result = await this.ports.send(webhook.url, headers, task.payload);
    const lane = await this.laneAfter(webhook, result, startedAt, wasSlow);
    const attempt: DeliveryAttempt = {
      at: startedAt.toISOString(),
      trigger: manual ? 'manual' : 'scheduled',
      durationMs: result.durationMs,
      ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
      ...(result.error !== undefined ? { error: slowLane.lane === 'fast' && lane === 'slow' ? `${result.error}; later attempts go through the slow lane` : result.error } : {}),
      ...(result.response ? { response: result.response } : {}),
    };

    const outcome = classify(result, startedAt);
    if (outcome.kind === 'delivered') {
      const notices: DeliveryNotice[] = [];
      if (webhook.failingSince || webhook.consecutiveFailures || webhook.nextProbeAt) {
        await this.ports.recordSuccess(webhook);
        if (webhook.failingSince) notices.push({ kind: 'recovered', webhook, failingSince: webhook.failingSince });
      }
      return { decision: { action: 'done' }, record: { status: 'delivered', attempt }, notices };
    }
    if (outcome.kind === 'gone') {
      const reason = 'the endpoint answered 410 Gone';
      await this.ports.disableWebhook(webhook, reason);
      return {
        decision: { action: 'dead-letter', reason: `gone: ${reason}; the webhook was disabled` },
        record: { status: 'failed', attempt, reason },
        notices: [{ kind: 'disabled', webhook, reason }],
      };
    }

    const notices: DeliveryNotice[] = [];
    const counted = await this.ports.recordFailure(webhook, attempt.at);
    const failingSince = counted.failingSince ?? attempt.at;
    if (startedAt.getTime() - Date.parse(failingSince) >= this.options.autoDisableAfterSeconds * 1000) {
      const reason = `every delivery failed since ${failingSince}`;
      await this.ports.disableWebhook(webhook, reason);
      return {
        decision: { action: 'dead-letter', reason: `disabled: ${reason}; the webhook was disabled` },
        record: { status: 'failed', attempt, reason },
        notices: [{ kind: 'disabled', webhook, reason }],
      };
    }
    if (shouldOpen(counted, this.options.breaker)) {
      const probe = firstProbe(startedAt, this.options.breaker);
      if (await this.ports.openBreaker(counted, probe.nextProbeAt, probe.intervalSeconds)) notices.push({ kind: 'breaker-opened', webhook });
    }
    if (manual) {
      // an attempt its owner asked for is not retried on its own (as Svix): the owner sees the answer and decides
      return { decision: { action: 'done' }, record: { status: 'failed', attempt, reason: `manual attempt failed: ${describe(attempt)}` }, notices };
    }
    const delaySeconds = nextDelaySeconds(attemptNumber, this.options.retrySchedule, {
      retryAfterSeconds: outcome.retryAfterSeconds,
      random: this.options.random,
    });
    if (delaySeconds === undefined) {
      const reason = `exhausted: ${attemptNumber} of ${maxAttempts(this.options.retrySchedule)} attempts failed; the last: ${describe(attempt)}`;
      notices.push({ kind: 'exhausted', webhook, eventId: task.eventId, eventType: task.eventType, attemptCount: attemptNumber, lastAttempt: attempt });
      return { decision: { action: 'dead-letter', reason }, record: { status: 'failed', attempt, reason }, notices };
    }
    const nextAttemptAt = new Date(startedAt.getTime() + delaySeconds * 1000).toISOString();
    return { decision: { action: 'retry', delaySeconds }, record: { status: 'pending', attempt, nextAttemptAt }, notices, lane };
  }

  /**
   * A slow answer (or none) puts the webhook in the slow lane, or keeps it there: the hold is renewed once half
   * of it has passed, so a webhook that stays slow costs one write per half-hold, not one per delivery.
   */
  private async laneAfter(webhook: Webhook, result: SendResult, startedAt: Date, wasSlow: boolean): Promise<DeliveryLane> {
    const { slowAnswerMs, holdSeconds } = this.options.slowLane;
    const slowAnswer = result.timedOut === true || result.durationMs > slowAnswerMs;
    const holdLeftMs = wasSlow ? Date.parse(webhook.slowLaneUntil!) - startedAt.getTime() : 0;
    if (slowAnswer && holdLeftMs < (holdSeconds * 1000) / 2) {
      await this.ports.markSlow(webhook, new Date(startedAt.getTime() + holdSeconds * 1000).toISOString());
    }
    return slowAnswer || wasSlow ? 'slow' : 'fast';
  }
}
