import { describe, expect, it, vi } from 'vitest';
import type { AttemptOutcome, DeliveryDestination } from '../../lambdas/core/delivery/delivery-destination';
import { stepOf } from '../../lambdas/core/delivery/delivery-plan';
import { DeliveryService } from '../../lambdas/core/delivery/delivery-service';
import { WebhookHealth, type WebhookHealthStore } from '../../lambdas/core/delivery/webhook-health';
import { WebhookThrottle } from '../../lambdas/core/webhooks/webhook-throttle';
import { aTask, aWebhook } from '../helpers/factories';

const now = new Date('2026-12-01T12:00:00.000Z');

/** A destination without HTTP (as a queue is): no status code, no response, no duration of its own. */
function serviceOver(outcome: AttemptOutcome) {
  const store: WebhookHealthStore = {
    disable: vi.fn(),
    recordFailure: vi.fn(async (webhook) => ({ ...webhook, consecutiveFailures: 1, failingSince: now.toISOString() })),
    openBreaker: vi.fn().mockResolvedValue(true),
    claimProbe: vi.fn().mockResolvedValue(true),
    recordSuccess: vi.fn(),
    markSlow: vi.fn(),
  };
  const destination: DeliveryDestination = { attempt: vi.fn().mockResolvedValue(outcome) };
  const health = new WebhookHealth(store, {
    breaker: { failureThreshold: 10, probeInitialSeconds: 30, probeMaxSeconds: 3600 },
    autoDisableAfterSeconds: 86400,
    slowAnswerMs: 3000,
    slowLaneHoldSeconds: 3600,
  });
  const service = new DeliveryService(
    destination,
    health,
    new WebhookThrottle({ reserve: async (_w, nowMs) => nowMs }),
    {
      lane: 'fast',
      retrySchedule: [5, 300],
      now: () => now,
      random: () => 0.5,
    },
  );
  return { service, store };
}

describe('Function: planOutcome (through DeliveryService, with a destination that is not HTTP)', () => {
  it('records a status-less failure under its reason, retries it on the schedule, counted by the breaker', async () => {
    const { service, store } = serviceOver({ kind: 'failed', reason: 'AccessDenied: not allowed to send' });
    const result = await service.deliver(aTask(), aWebhook());
    expect(result.decision).toEqual({ action: 'retry', delaySeconds: 5 });
    expect(result.record).toEqual({
      status: 'pending',
      attempt: {
        at: now.toISOString(),
        trigger: 'scheduled',
        durationMs: 0,
        error: 'AccessDenied: not allowed to send',
      },
      nextAttemptAt: new Date(now.getTime() + 5000).toISOString(),
    });
    expect(store.recordFailure).toHaveBeenCalledTimes(1);
  });

  it('dead-letters a failure retrying cannot help at once, with its reason, and tells the tenant', async () => {
    const { service, store } = serviceOver({ kind: 'failed', reason: 'InvalidParameterValue', permanent: true });
    const result = await service.deliver(aTask(), aWebhook());
    expect(result.decision).toEqual({
      action: 'dead-letter',
      reason: 'refused: InvalidParameterValue; retrying cannot help',
    });
    expect(result.record).toMatchObject({
      status: 'failed',
      reason: 'refused: InvalidParameterValue; retrying cannot help',
    });
    expect(result.notices).toEqual([expect.objectContaining({ kind: 'exhausted', attemptCount: 1 })]);
    expect(store.recordFailure).toHaveBeenCalledTimes(1);
  });

  it("disables the webhook with the destination's own reason when it is gone", async () => {
    const { service, store } = serviceOver({ kind: 'gone', reason: 'the queue does not exist' });
    const webhook = aWebhook();
    const result = await service.deliver(aTask(), webhook);
    expect(store.disable).toHaveBeenCalledWith(webhook, 'the queue does not exist', now.toISOString());
    expect(result.decision).toEqual({
      action: 'dead-letter',
      reason: 'gone: the queue does not exist; the webhook was disabled',
    });
  });
});

describe('Function: stepOf', () => {
  const nowMs = now.getTime();

  it('turns a retry into the next attempt, due after the delay, in the lane the service named', () => {
    const task = aTask({ attempt: 2, throttleSlotAt: now.toISOString() });
    const step = stepOf(
      task,
      { decision: { action: 'retry', delaySeconds: 30 }, notices: [], lane: 'slow' },
      'fast',
      nowMs,
    );
    expect(step.next).toEqual({
      task: { ...aTask(), attempt: 3, trigger: 'scheduled' },
      dueMs: nowMs + 30_000,
      lane: 'slow',
      slotReserved: false,
    });
  });

  it('parks a dead letter without its attempt number, so a replay starts the schedule again', () => {
    const step = stepOf(
      aTask({ attempt: 3, dueAt: now.toISOString() }),
      { decision: { action: 'dead-letter', reason: 'exhausted' }, notices: [] },
      'ordered',
      nowMs,
    );
    expect(step.next).toBeUndefined();
    expect(step.deadLetter).toEqual({
      body: JSON.stringify({ ...aTask(), deadLettered: true }),
      reason: 'exhausted',
    });
  });

  it('keeps a throttle slot the delivery reserved, and only for that postponement', () => {
    const untilMs = nowMs + 2500;
    const step = stepOf(
      aTask(),
      { decision: { action: 'postpone', untilMs, slotReserved: true }, notices: [] },
      'fast',
      nowMs,
    );
    expect(step.next).toMatchObject({ dueMs: untilMs, slotReserved: true });
    expect(step.next?.task.throttleSlotAt).toBe(new Date(untilMs).toISOString());
  });
});

describe("Function: planOutcome with a tenant's own retry schedule (carried by the task)", () => {
  it("retries on the tenant's schedule, logs its next attempt from it and exhausts after it", async () => {
    const { service } = serviceOver({ kind: 'failed', reason: 'HTTP 500' });
    const own = { retrySchedule: [1, 1] };

    const second = await service.deliver(aTask({ ...own, attempt: 2 }), aWebhook());
    const third = await service.deliver(aTask({ ...own, attempt: 3 }), aWebhook());
    const deployments = await service.deliver(aTask({ attempt: 2 }), aWebhook());

    expect(second.decision).toEqual({ action: 'retry', delaySeconds: 1 });
    expect(second.record?.nextAttemptAt).toBe(new Date(now.getTime() + 1000).toISOString());
    expect(third.decision).toMatchObject({
      action: 'dead-letter',
      reason: expect.stringMatching(/^exhausted: 3 of 3/),
    });
    // a task without one keeps the deployment's [5, 300]
    expect(deployments.decision).toEqual({ action: 'retry', delaySeconds: 300 });
  });

  it("keeps the tenant's schedule in the next message and a dead letter (a replay retries on it again)", async () => {
    const { service } = serviceOver({ kind: 'failed', reason: 'HTTP 500' });
    const task = aTask({ retrySchedule: [1, 1], retentionDays: 7 });
    const retried = stepOf(task, await service.deliver(task, aWebhook()), 'fast', now.getTime());
    const exhausted = stepOf(
      { ...task, attempt: 3 },
      await service.deliver({ ...task, attempt: 3 }, aWebhook()),
      'fast',
      now.getTime(),
    );
    expect(retried.next?.task).toMatchObject({ retrySchedule: [1, 1], retentionDays: 7, attempt: 2 });
    expect(JSON.parse(exhausted.deadLetter!.body)).toMatchObject({ retrySchedule: [1, 1], retentionDays: 7 });
  });
});
