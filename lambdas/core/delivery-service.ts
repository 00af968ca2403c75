import { classify, type Outcome, type SendResult } from './delivery-outcome';
import type { DeliveryAttempt, DeliveryStatus, DeliveryTask } from './delivery';
import type { DeliveryNotice } from './delivery-notice';
import { awaitingVerification, UNVERIFIED_DELIVERY_REASON } from './endpoint-verification';
import { maxAttempts, nextDelaySeconds } from './retry-schedule';
import { signatureHeaders } from './signing';
import type { DeliveryLane, WebhookHealth } from './webhook-health';
import type { WebhookThrottle } from './webhook-throttle';
import { signingSecrets, type Webhook } from './webhook';

export const USER_AGENT = 'Webhooks/1.0';

export interface DeliveryRecordUpdate {
  status: DeliveryStatus;
  attempt?: DeliveryAttempt;
  nextAttemptAt?: string;
  reason?: string;
}

/** POSTs one signed delivery; the HTTP adapter implements it. */
export interface DeliverySender {
  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
}

export type DeliveryDecision =
  | { action: 'done' }
  | { action: 'retry'; delaySeconds: number }
  | { action: 'dead-letter'; reason: string }
  /**
   * No attempt was made (an open breaker, or a throttled webhook's slot later than now): try again at `untilMs`
   * with the same attempt number; `slotReserved` when that time is a throttle slot the delivery now holds.
   */
  | { action: 'postpone'; untilMs: number; slotReserved?: true }
  /** The webhook's deliveries go through the slow lane: no attempt was made here; send it there now. */
  | { action: 'forward' };

/**
 * What became of one delivery: what to do with its queue message, and what the delivery log must say (the
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
  /** The lane this service sends from: its queue is where the deliveries it handles came from. */
  lane: DeliveryLane;
  retrySchedule: readonly number[];
  now?: () => Date;
  random?: () => number;
}

const describeAttempt = (attempt: DeliveryAttempt) => attempt.error ?? `HTTP ${attempt.statusCode}`;

/**
 * One delivery: whether its webhook can take it, whether its health lets an attempt go now and its throttle
 * when, the signed attempt itself, and the next step (done, retry after the schedule's delay, or the DLQ with its reason). Health rules
 * are WebhookHealth's; this service only asks and reports.
 */
export class DeliveryService {
  private readonly now: () => Date;

  constructor(
    private readonly sender: DeliverySender,
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
      return {
        decision: { action: 'done' },
        ...(task.trigger === 'manual' ? {} : { record: { status: 'skipped', reason: 'the webhook was deleted' } }),
        notices: [],
      };
    }
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
    const slot = await this.throttle.admit(webhook, this.now(), task.throttleSlotAt);
    if (slot.kind === 'at')
      return { decision: { action: 'postpone', untilMs: slot.slotMs, slotReserved: true }, notices: [] };

    const startedAt = this.now();
    const result = await this.send(task, webhook, startedAt);
    const lane = await this.health.answered(webhook, result, startedAt);
    const attempt = attemptOf(task, result, startedAt, this.lane === 'fast' && lane === 'slow');
    return this.settle(task, webhook, attempt, classify(result, startedAt), lane);
  }

  private send(task: DeliveryTask, webhook: Webhook, startedAt: Date): Promise<SendResult> {
    // the webhook's own headers first: the platform's names are reserved, and its values win whatever the store holds
    const headers = {
      ...webhook.headers,
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      ...signatureHeaders({
        messageId: task.eventId,
        timestamp: startedAt,
        body: task.payload,
        secrets: signingSecrets(webhook, startedAt),
      }),
    };
    return this.sender.send(webhook.url, headers, task.payload);
  }

  /** What the attempt's outcome means for the webhook's health, then for the delivery. */
  private async settle(
    task: DeliveryTask,
    webhook: Webhook,
    attempt: DeliveryAttempt,
    outcome: Outcome,
    lane: DeliveryLane,
  ): Promise<DeliveryResult> {
    const at = new Date(attempt.at);
    if (outcome.kind === 'delivered') {
      return {
        decision: { action: 'done' },
        record: { status: 'delivered', attempt },
        notices: await this.health.delivered(webhook),
      };
    }
    if (outcome.kind === 'gone') {
      const { reason, notices } = await this.health.gone(webhook, at);
      return {
        decision: { action: 'dead-letter', reason: `gone: ${reason}; the webhook was disabled` },
        record: { status: 'failed', attempt, reason },
        notices,
      };
    }
    const { disabledReason, notices } = await this.health.failed(webhook, at);
    if (disabledReason) {
      return {
        decision: { action: 'dead-letter', reason: `disabled: ${disabledReason}; the webhook was disabled` },
        record: { status: 'failed', attempt, reason: disabledReason },
        notices,
      };
    }
    if (task.trigger === 'manual') {
      // an attempt its owner asked for is not retried on its own (as Svix): the owner sees the answer and decides
      return {
        decision: { action: 'done' },
        record: { status: 'failed', attempt, reason: `manual attempt failed: ${describeAttempt(attempt)}` },
        notices,
      };
    }
    return this.nextStep(task, webhook, attempt, outcome.retryAfterSeconds, notices, lane);
  }

  /** A failed scheduled attempt: retried after the schedule's next delay, or exhausted. */
  private nextStep(
    task: DeliveryTask,
    webhook: Webhook,
    attempt: DeliveryAttempt,
    retryAfterSeconds: number | undefined,
    notices: DeliveryNotice[],
    lane: DeliveryLane,
  ): DeliveryResult {
    const attemptNumber = task.attempt ?? 1;
    const delaySeconds = nextDelaySeconds(attemptNumber, this.options.retrySchedule, {
      retryAfterSeconds,
      random: this.options.random,
    });
    if (delaySeconds === undefined) {
      const reason = `exhausted: ${attemptNumber} of ${maxAttempts(this.options.retrySchedule)} attempts failed; the last: ${describeAttempt(attempt)}`;
      const exhausted: DeliveryNotice = {
        kind: 'exhausted',
        webhook,
        eventId: task.eventId,
        eventType: task.eventType,
        attemptCount: attemptNumber,
        lastAttempt: attempt,
      };
      return {
        decision: { action: 'dead-letter', reason },
        record: { status: 'failed', attempt, reason },
        notices: [...notices, exhausted],
      };
    }
    const nextAttemptAt = new Date(Date.parse(attempt.at) + delaySeconds * 1000).toISOString();
    return {
      decision: { action: 'retry', delaySeconds },
      record: { status: 'pending', attempt, nextAttemptAt },
      notices,
      lane,
    };
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

function attemptOf(task: DeliveryTask, result: SendResult, startedAt: Date, movedToSlowLane: boolean): DeliveryAttempt {
  return {
    at: startedAt.toISOString(),
    trigger: task.trigger === 'manual' ? 'manual' : 'scheduled',
    durationMs: result.durationMs,
    ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
    ...(result.error !== undefined
      ? { error: movedToSlowLane ? `${result.error}; later attempts go through the slow lane` : result.error }
      : {}),
    ...(result.response ? { response: result.response } : {}),
  };
}
