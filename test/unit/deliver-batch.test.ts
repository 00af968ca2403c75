import { describe, expect, it, vi } from 'vitest';
import { deliverBatch, type ReceivedDelivery } from '../../lambdas/core/delivery/deliver-batch';
import type { DeliveryTask } from '../../lambdas/core/delivery/delivery';
import { DeliveryService } from '../../lambdas/core/delivery/delivery-service';
import { WebhookThrottle, type ThrottleStore } from '../../lambdas/core/webhooks/webhook-throttle';
import { WebhookHealth, type DeliveryLane, type WebhookHealthStore } from '../../lambdas/core/delivery/webhook-health';
import type { Webhook } from '../../lambdas/core/webhooks/webhook';
import { aTask, aWebhook } from '../helpers/factories';
import { httpDestinationOver, type StubAnswer, type StubSend } from '../helpers/http-destination-stub';

const now = new Date('2026-11-26T12:00:00.000Z');
const schedule = [5, 300, 1800];

function setup(
  result: StubAnswer,
  webhook: Webhook | undefined = aWebhook(),
  lane: DeliveryLane = 'fast',
  reserve: ThrottleStore['reserve'] = async (_webhook, nowMs) => nowMs,
) {
  const store: WebhookHealthStore = {
    disable: vi.fn().mockResolvedValue(undefined),
    recordFailure: vi.fn(async (current: Webhook) => ({
      ...current,
      consecutiveFailures: 1,
      failingSince: now.toISOString(),
    })),
    openBreaker: vi.fn().mockResolvedValue(true),
    claimProbe: vi.fn().mockResolvedValue(true),
    recordSuccess: vi.fn().mockResolvedValue(undefined),
    markSlow: vi.fn().mockResolvedValue(undefined),
  };
  const sender = { send: vi.fn<StubSend>().mockResolvedValue(result) };
  const health = new WebhookHealth(store, {
    breaker: { failureThreshold: 10, probeInitialSeconds: 30, probeMaxSeconds: 3600 },
    autoDisableAfterSeconds: 5 * 86400,
    slowAnswerMs: 3000,
    slowLaneHoldSeconds: 3600,
  });
  const service = new DeliveryService(httpDestinationOver(sender.send), health, new WebhookThrottle({ reserve }), {
    lane,
    retrySchedule: schedule,
    now: () => now,
    random: () => 0.5,
  });
  const run = (messages: ReceivedDelivery[], webhooks = new Map([[aWebhook().id, webhook]])) =>
    deliverBatch(messages, async () => webhooks, service, { maxHopSeconds: 900, now: () => now });
  return { ports: { ...store, ...sender }, run };
}

const received = (task: Partial<DeliveryTask> = {}, messageId = 'm1'): ReceivedDelivery => ({
  messageId,
  body: JSON.stringify(aTask(task)),
});

describe('Function: deliverBatch', () => {
  it(
    'waits for even the shortest retry outside the in-flight state: re-sent with its delay, the next attempt in the ' +
      'body',
    async () => {
      const { run } = setup({ statusCode: 500, durationMs: 1 });
      const plan = await run([received()]);
      expect(plan.requeues).toEqual([
        expect.objectContaining({
          fromMessageId: 'm1',
          delaySeconds: 5,
          task: expect.objectContaining({ attempt: 2, dueAt: new Date(now.getTime() + 5000).toISOString() }),
        }),
      ]);
      expect(plan.failedMessageIds).toEqual([]);
      expect(plan.log).toEqual([
        expect.objectContaining({
          fromMessageId: 'm1',
          firstWrite: true,
          update: expect.objectContaining({ status: 'pending' }),
        }),
      ]);
    },
  );

  it(
    "keeps one record's failure from its batch-mates: a health write that throws fails only its own " + 'message',
    async () => {
      const { ports, run } = setup({ statusCode: 500, durationMs: 1 });
      const other = aWebhook({ id: 'webhook_other' });
      vi.mocked(ports.recordFailure).mockImplementation(async (current) => {
        if (current.id === other.id) throw new Error('ProvisionedThroughputExceededException');
        return { ...current, consecutiveFailures: 1 };
      });
      const plan = await run(
        [received({}, 'm1'), received({ webhookId: other.id }, 'm2')],
        new Map([
          [aWebhook().id, aWebhook()],
          [other.id, other],
        ]),
      );
      expect(plan.failedMessageIds).toEqual(['m2']);
      expect(plan.requeues).toEqual([
        expect.objectContaining({ fromMessageId: 'm1', task: expect.objectContaining({ attempt: 2 }) }),
      ]);
      expect(plan.log.map((entry) => entry.fromMessageId)).toEqual(['m1']);
    },
  );

  it(
    'takes a long wait out of flight: re-sent with a delay of at most 900 s, its due time and next attempt in the ' +
      'body',
    async () => {
      // the second attempt fails: the next is due in 300 s
      const { run } = setup({ statusCode: 500, durationMs: 1 });
      const plan = await run([received({ attempt: 2 })]);
      expect(plan.requeues).toEqual([
        expect.objectContaining({
          fromMessageId: 'm1',
          delaySeconds: 300,
          task: expect.objectContaining({ attempt: 3, dueAt: new Date(now.getTime() + 300_000).toISOString() }),
        }),
      ]);
      expect(plan.log[0]).toMatchObject({
        firstWrite: false,
        update: { status: 'pending', nextAttemptAt: new Date(now.getTime() + 300_000).toISOString() },
      });
    },
  );

  it('hops a message that is not due yet without an attempt or a log write, at most 900 s at a time', async () => {
    const { ports, run } = setup({ statusCode: 200, durationMs: 1 });
    const dueAt = new Date(now.getTime() + 1800_000).toISOString();
    const plan = await run([received({ attempt: 4, dueAt })]);
    expect(ports.send).not.toHaveBeenCalled();
    expect(plan.log).toEqual([]);
    expect(plan.requeues).toEqual([
      expect.objectContaining({ delaySeconds: 900, task: expect.objectContaining({ attempt: 4, dueAt }) }),
    ]);
  });

  it(
    'counts attempts from the body, not from SQS: a due re-sent message is attempt 4 on its first ' + 'receive',
    async () => {
      const { run } = setup({ statusCode: 500, durationMs: 1 });
      const plan = await run([received({ attempt: 4, dueAt: now.toISOString() })]);
      expect(plan.deadLetters).toEqual([
        expect.objectContaining({ reason: expect.stringMatching(/^exhausted: 4 of 4 attempts failed/) }),
      ]);
      // a replay from the DLQ starts the schedule again and keeps its log
      expect(JSON.parse(plan.deadLetters[0]!.body)).toMatchObject({ deadLettered: true });
      expect(JSON.parse(plan.deadLetters[0]!.body)).not.toHaveProperty('attempt');
    },
  );

  it(
    'postpones a delivery to an open breaker until its probe, with its attempt number unchanged and nothing ' +
      'logged',
    async () => {
      const nextProbeAt = new Date(now.getTime() + 60_000).toISOString();
      const { ports, run } = setup(
        { statusCode: 200, durationMs: 1 },
        aWebhook({ nextProbeAt, probeIntervalSeconds: 30 }),
      );
      const plan = await run([received({ attempt: 3, dueAt: now.toISOString() })]);
      expect(ports.send).not.toHaveBeenCalled();
      expect(plan.log).toEqual([]);
      expect(plan.requeues).toEqual([
        expect.objectContaining({
          delaySeconds: 60,
          task: expect.objectContaining({ attempt: 3, dueAt: nextProbeAt }),
        }),
      ]);
    },
  );

  it('re-sends a throttled delivery to just before its slot, holding slot and rate it was reserved at', async () => {
    // Prepare: the next free slot of a 2/s webhook is 10.5 s away
    const slotMs = now.getTime() + 10_500;
    const { run } = setup(
      { statusCode: 204, durationMs: 1 },
      aWebhook({ throttleRate: 2 }),
      'fast',
      async () => slotMs,
    );

    // Act
    const plan = await run([received()]);

    // Assess
    expect(plan.requeues).toEqual([
      expect.objectContaining({
        delaySeconds: 10,
        task: expect.objectContaining({ throttleSlotAt: new Date(slotMs).toISOString(), throttleSlotRate: 2 }),
      }),
    ]);
    expect(plan.log).toEqual([]);
  });

  it('dead-letters, with a reason, a message that is not a delivery', async () => {
    const { run } = setup({ statusCode: 200, durationMs: 1 });
    const plan = await run([{ ...received(), body: '{"hello":1}' }]);
    expect(plan.deadLetters).toEqual([
      { fromMessageId: 'm1', body: '{"hello":1}', reason: 'invalid_message: not a delivery this platform queued' },
    ]);
  });

  describe('the two lanes', () => {
    const inSlowLane = aWebhook({ slowLaneUntil: new Date(now.getTime() + 3600_000).toISOString() });

    it(
      'sends the retry of an attempt that timed out in the fast lane to the slow lane, not back into its own ' +
        'queue',
      async () => {
        const { run } = setup({
          error: 'timeout: no complete answer within 3000 ms',
          timedOut: true,
          durationMs: 3000,
        });
        const plan = await run([received()]);
        expect(plan.requeues).toEqual([
          expect.objectContaining({ lane: 'slow', delaySeconds: 5, task: expect.objectContaining({ attempt: 2 }) }),
        ]);
        expect(plan.log).toEqual([expect.objectContaining({ update: expect.objectContaining({ status: 'pending' }) })]);
      },
    );

    it(
      'forwards at once, with its attempt number and nothing logged, a delivery the fast lane gets for a slow ' +
        'webhook',
      async () => {
        const { ports, run } = setup({ statusCode: 200, durationMs: 1 }, inSlowLane);
        const plan = await run([received({ attempt: 2 })]);
        expect(ports.send).not.toHaveBeenCalled();
        expect(plan.log).toEqual([]);
        expect(plan.requeues).toEqual([
          expect.objectContaining({ lane: 'slow', delaySeconds: 0, task: expect.objectContaining({ attempt: 2 }) }),
        ]);
      },
    );

    it('keeps the retries of a slow webhook in the slow lane', async () => {
      const { run } = setup({ statusCode: 500, durationMs: 9000 }, inSlowLane, 'slow');
      const plan = await run([received()]);
      expect(plan.requeues).toEqual([
        expect.objectContaining({ lane: 'slow', delaySeconds: 5, task: expect.objectContaining({ attempt: 2 }) }),
      ]);
    });
  });
});
