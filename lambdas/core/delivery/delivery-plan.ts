import { serializeTask, type DeliveryAttempt, type DeliveryStatus, type DeliveryTask } from './delivery';
import type { AttemptOutcome } from './delivery-destination';
import type { DeliveryNotice } from './delivery-notice';
import { isOperational } from '../events/event-catalog';
import { maxAttempts, nextDelaySeconds } from './retry-schedule';
import type { DeliveryLane, WebhookHealth } from './webhook-health';
import type { Webhook } from '../webhooks/webhook';

export interface DeliveryRecordUpdate {
  status: DeliveryStatus;
  attempt?: DeliveryAttempt;
  nextAttemptAt?: string;
  reason?: string;
}

export type DeliveryDecision =
  | { action: 'done' }
  | { action: 'retry'; delaySeconds: number }
  | { action: 'dead-letter'; reason: string }
  /**
   * No attempt was made (an open breaker, or a throttled webhook's slot later than now): try again at `untilMs`
   * with the same attempt number; `slotReserved` when that time is a throttle slot the delivery now holds.
   */
  /** `slotRate`: the throttle rate the held slot was reserved under (a change of rate makes it reserve again). */
  | { action: 'postpone'; untilMs: number; slotReserved?: true; slotRate?: number | null; slotSince?: string }
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

export interface SettledAttempt {
  task: DeliveryTask;
  webhook: Webhook;
  /** The attempt as the log records it. */
  attempt: DeliveryAttempt;
  /** The lane the delivery's next message belongs in, after what the answer said about the webhook's speed. */
  lane: DeliveryLane;
}

export interface RetryPolicy {
  /** The deployment's schedule: a task that carries its tenant's own is retried on that one. */
  retrySchedule: readonly number[];
  random?: () => number;
}

/** How the log and the DLQ describe an attempt: its error when no status tells it, else its status. */
export const describeAttempt = (attempt: DeliveryAttempt) => attempt.error ?? `HTTP ${attempt.statusCode}`;

/**
 * The one rule from an attempt's outcome to the delivery's next step, for every lane and every kind of
 * destination: the breaker and auto-disable count it (WebhookHealth), then the delivery is done, retried after
 * the schedule's delay (or the receiver's Retry-After), or dead-lettered with its reason (gone, disabled,
 * exhausted, or refused for good).
 */
export async function planOutcome(
  outcome: AttemptOutcome,
  { task, webhook, attempt, lane }: SettledAttempt,
  health: WebhookHealth,
  policy: RetryPolicy,
): Promise<DeliveryResult> {
  const at = new Date(attempt.at);
  if (outcome.kind === 'delivered') {
    return {
      decision: { action: 'done' },
      record: { status: 'delivered', attempt },
      notices: await health.delivered(webhook),
    };
  }
  if (outcome.kind === 'gone') {
    const { reason, notices } = await health.gone(webhook, at, outcome.reason);
    return {
      decision: { action: 'dead-letter', reason: `gone: ${reason}; the webhook was disabled` },
      record: { status: 'failed', attempt, reason },
      notices,
    };
  }
  const { disabledReason, notices } = await health.failed(webhook, at);
  // every failure names the lane the webhook now belongs in: the ordered lane forwards the deliveries behind it
  if (disabledReason) {
    return {
      decision: { action: 'dead-letter', reason: `disabled: ${disabledReason}; the webhook was disabled` },
      record: { status: 'failed', attempt, reason: disabledReason },
      notices,
      lane,
    };
  }
  if (task.trigger === 'manual') {
    // an attempt its owner asked for is not retried on its own (as Svix): the owner sees the answer and decides
    return {
      decision: { action: 'done' },
      record: { status: 'failed', attempt, reason: `manual attempt failed: ${describeAttempt(attempt)}` },
      notices,
      lane,
    };
  }
  const attemptNumber = task.attempt ?? 1;
  // the tenant's own schedule, carried by the task from fan-out, or the deployment's
  const schedule = task.retrySchedule ?? policy.retrySchedule;
  const delaySeconds = outcome.permanent
    ? undefined
    : nextDelaySeconds(attemptNumber, schedule, {
        retryAfterSeconds: outcome.retryAfterSeconds,
        random: policy.random,
      });
  if (delaySeconds === undefined) {
    const reason = outcome.permanent
      ? `refused: ${describeAttempt(attempt)}; retrying cannot help`
      : `exhausted: ${attemptNumber} of ${maxAttempts(schedule)} attempts failed; ` +
        `the last: ${describeAttempt(attempt)}`;
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
      lane,
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

/**
 * What a delivery's message becomes, the same in every lane; lanes differ only in how they wait for `next`
 * (the normal lanes re-send the message with a delay, the ordered lane keeps it in flight, hidden).
 */
export interface DeliveryStep {
  /** What the delivery log must say (absent when no attempt was made and nothing changed). */
  record?: DeliveryRecordUpdate;
  notices: DeliveryNotice[];
  /** Park the delivery in the DLQ: a replay starts its schedule again, and its log keeps the earlier attempts. */
  deadLetter?: { body: string; reason: string };
  /** Try again at `dueMs` in `lane` as `task` (a retry, a postponement, a forward); absent once settled. */
  next?: {
    task: DeliveryTask;
    dueMs: number;
    lane: DeliveryLane;
    /** `dueMs` is a throttle slot the delivery holds: it must come back no later than that. */
    slotReserved: boolean;
  };
}

/** The step for a delivery handled in `lane` at `nowMs`, from the service's result. */
export function stepOf(task: DeliveryTask, result: DeliveryResult, lane: DeliveryLane, nowMs: number): DeliveryStep {
  const { decision, record, lane: nextLane = lane } = result;
  // a delivery of an operational event never produces another one (no loops, no storms)
  const notices = isOperational(task.eventType)
    ? result.notices.filter((notice) => notice.kind === 'breaker-opened')
    : result.notices;
  // a throttle slot is held for one attempt: every next message reserves its own, but for a postponement to it
  const { throttleSlotAt: _heldSlot, throttleSlotRate: _heldRate, throttleSlotSince: _heldSince, ...unslotted } = task;
  const step: DeliveryStep = { ...(record ? { record } : {}), notices };
  const next = (nextTask: DeliveryTask, dueMs: number, slotReserved = false) => ({
    ...step,
    next: { task: nextTask, dueMs, lane: nextLane, slotReserved },
  });
  switch (decision.action) {
    case 'done':
      return step;
    case 'postpone':
      return decision.slotReserved
        ? next(
            {
              ...unslotted,
              throttleSlotAt: new Date(decision.untilMs).toISOString(),
              ...(decision.slotRate ? { throttleSlotRate: decision.slotRate } : {}),
              ...(decision.slotSince ? { throttleSlotSince: decision.slotSince } : {}),
            },
            decision.untilMs,
            true,
          )
        : next(unslotted, decision.untilMs);
    case 'forward':
      return next(unslotted, nowMs);
    case 'dead-letter': {
      const { attempt: _attempt, dueAt: _dueAt, ...replayable } = unslotted;
      return {
        ...step,
        deadLetter: { body: serializeTask({ ...replayable, deadLettered: true }), reason: decision.reason },
      };
    }
    case 'retry':
      return next(
        { ...unslotted, attempt: (task.attempt ?? 1) + 1, trigger: 'scheduled' },
        nowMs + decision.delaySeconds * 1000,
      );
  }
}
