import { describe, expect, it, vi } from 'vitest';
import {
  deliverOrderedBatch,
  queuePosition,
  waitingReason,
  type OrderedDeliveryState,
  type OrderedMessage,
} from '../../lambdas/core/delivery/deliver-ordered-batch';
import { DeliveryService } from '../../lambdas/core/delivery/delivery-service';
import { WebhookHealth, type WebhookHealthStore } from '../../lambdas/core/delivery/webhook-health';
import { WebhookThrottle } from '../../lambdas/core/webhooks/webhook-throttle';
import type { Webhook } from '../../lambdas/core/webhooks/webhook';
import { aTask, aWebhook } from '../helpers/factories';
import { httpDestinationOver, type StubAnswer } from '../helpers/http-destination-stub';

const now = new Date('2026-12-01T12:00:00.000Z');

function setup(
  answer: (body: string) => StubAnswer,
  states = new Map<string, OrderedDeliveryState>(),
  { lane = 'ordered', webhook = aWebhook() }: { lane?: 'ordered' | 'ordered-slow'; webhook?: Webhook } = {},
) {
  const store: WebhookHealthStore = {
    disable: vi.fn(),
    recordFailure: vi.fn(async (webhook) => ({ ...webhook, consecutiveFailures: 1, failingSince: now.toISOString() })),
    openBreaker: vi.fn().mockResolvedValue(true),
    claimProbe: vi.fn().mockResolvedValue(true),
    recordSuccess: vi.fn(),
    markSlow: vi.fn(),
  };
  const send = vi.fn(async (_url: string, _headers: Record<string, string>, body: string) => answer(body));
  const health = new WebhookHealth(store, {
    breaker: { failureThreshold: 10, probeInitialSeconds: 30, probeMaxSeconds: 3600 },
    autoDisableAfterSeconds: 86400,
    slowAnswerMs: 3000,
    slowLaneHoldSeconds: 3600,
  });
  const service = new DeliveryService(
    httpDestinationOver(send),
    health,
    new WebhookThrottle({ reserve: async (_webhook, nowMs) => nowMs }),
    { lane, retrySchedule: [5, 300], now: () => now, random: () => 0.5 },
  );
  const run = (messages: OrderedMessage[]) =>
    deliverOrderedBatch(
      messages,
      async () => new Map([[webhook.id, webhook]]),
      async () => states,
      service,
      {
        maxHideSeconds: 43_000,
        startAttemptsBeforeMs: now.getTime() + 60_000,
        now: () => now,
        ...(lane === 'ordered' ? { laneOf: (hook: Webhook, at: Date) => health.orderedLaneOf(hook, at) } : {}),
      },
    );
  return { send, run, webhook, store };
}

const message = (index: number): OrderedMessage => {
  const task = aTask({ eventId: `evt_${index}`, payload: `{"n":${index}}` });
  return {
    messageId: `m${index}`,
    receiptHandle: `r${index}`,
    body: JSON.stringify(task),
    groupId: task.webhookId,
    position: queuePosition(String(1000 + index)),
  };
};

describe('Function: deliverOrderedBatch', () => {
  it(
    'stops a group at its first failure: that head waits in flight for its retry, the rest goes back behind ' + 'it',
    async () => {
      // Prepare: the second of four fails
      const { send, run } = setup((body) =>
        body === '{"n":2}' ? { statusCode: 500, durationMs: 1 } : { statusCode: 200, durationMs: 1 },
      );

      // Act
      const plan = await run([1, 2, 3, 4].map(message));

      // Assess
      expect(send.mock.calls.map((call) => call[2])).toEqual(['{"n":1}', '{"n":2}']);
      expect(plan.hides).toEqual([{ messageId: 'm2', receiptHandle: 'r2', seconds: 5 }]);
      expect(plan.released).toEqual(['r3', 'r4']);
      expect(plan.failedMessageIds.sort()).toEqual(['m2', 'm3', 'm4']);
      expect(plan.log.map((entry) => [entry.task.eventId, entry.update.status])).toEqual([
        ['evt_1', 'delivered'],
        ['evt_2', 'pending'],
        ['evt_3', 'pending'],
        ['evt_4', 'pending'],
      ]);
    },
  );

  it('logs deliveries behind a waiting head as pending, with the event they wait behind, once per head', async () => {
    // Prepare: evt_3 was logged behind evt_1 before, evt_4 behind evt_2 already, evt_5 was delivered (a crash)
    const states = new Map([
      [`${aWebhook().id}|evt_3`, { status: 'pending' as const, scheduledAttempts: 0, reason: waitingReason('evt_1') }],
      [`${aWebhook().id}|evt_4`, { status: 'pending' as const, scheduledAttempts: 0, reason: waitingReason('evt_2') }],
      [`${aWebhook().id}|evt_5`, { status: 'delivered' as const, scheduledAttempts: 1 }],
    ]);
    const { run } = setup(() => ({ statusCode: 500, durationMs: 1 }), states);

    // Act
    const plan = await run([2, 3, 4, 5, 6].map(message));

    // Assess: no attempt for those behind; the log says why they wait, and writes nothing it already says
    const waiting = plan.log.filter((entry) => entry.task.eventId !== 'evt_2');
    expect(waiting.map((entry) => [entry.task.eventId, entry.update, entry.firstWrite])).toEqual([
      [
        'evt_3',
        { status: 'pending', reason: 'waiting behind event evt_2, which is not delivered yet (ordering: fifo)' },
        false,
      ],
      ['evt_6', { status: 'pending', reason: waitingReason('evt_2') }, true],
    ]);
    expect(plan.released).toEqual(['r3', 'r4', 'r5', 'r6']);
  });

  it('takes attempt number, due time from the record: a head not due yet is hidden again, unattempted', async () => {
    const states = new Map([
      [
        `${aWebhook().id}|evt_1`,
        {
          status: 'pending' as const,
          scheduledAttempts: 1,
          nextAttemptAt: new Date(now.getTime() + 120_000).toISOString(),
        },
      ],
    ]);
    const { send, run } = setup(() => ({ statusCode: 200, durationMs: 1 }), states);
    const plan = await run([message(1), message(2)]);
    expect(send).not.toHaveBeenCalled();
    expect(plan.hides).toEqual([{ messageId: 'm1', receiptHandle: 'r1', seconds: 120 }]);
    expect(plan.released).toEqual(['r2']);
  });

  it('counts the attempt from the record when it is due, and dead-letters once the schedule is used up', async () => {
    const states = new Map([
      [
        `${aWebhook().id}|evt_1`,
        { status: 'pending' as const, scheduledAttempts: 2, nextAttemptAt: now.toISOString() },
      ],
    ]);
    const { run } = setup(() => ({ statusCode: 500, durationMs: 1 }), states);
    const plan = await run([message(1)]);
    expect(plan.deadLetters).toEqual([
      expect.objectContaining({
        fromMessageId: 'm1',
        reason: expect.stringMatching(/^exhausted: 3 of 3 attempts failed/),
      }),
    ]);
    expect(plan.failedMessageIds).toEqual([]);
  });

  it(
    'acknowledges without a second send a message whose delivery the record says was delivered (a crash after the ' +
      'send)',
    async () => {
      const states = new Map([[`${aWebhook().id}|evt_1`, { status: 'delivered' as const, scheduledAttempts: 1 }]]);
      const { send, run } = setup(() => ({ statusCode: 200, durationMs: 1 }), states);
      const plan = await run([message(1), message(2)]);
      expect(send.mock.calls.map((call) => call[2])).toEqual(['{"n":2}']);
      expect(plan.failedMessageIds).toEqual([]);
    },
  );

  describe('isolation of slow ordered webhooks (issue 24 §3)', () => {
    const slowUntil = new Date(now.getTime() + 3_600_000).toISOString();

    it('forwards every message of a slow-lane webhook to the slow ordered lane, in order, unattempted', async () => {
      // Prepare
      const { send, run } = setup(() => ({ statusCode: 200, durationMs: 1 }), undefined, {
        webhook: aWebhook({ slowLaneUntil: slowUntil }),
      });

      // Act
      const plan = await run([1, 2, 3].map(message));

      // Assess
      expect(send).not.toHaveBeenCalled();
      expect(plan.forwards).toHaveLength(1);
      expect(plan.forwards[0]!.messages.map((forwarded) => forwarded.messageId)).toEqual(['m1', 'm2', 'm3']);
      expect(plan.forwards[0]!.through).toBe(queuePosition('1003'));
      expect(plan.failedMessageIds).toEqual([]);
      expect(plan.log).toEqual([]);
    });

    it('keeps forwarding after the hold ends until the slow ordered lane settled everything sent to it', async () => {
      // Prepare: not slow any more, but the slow ordered lane has settled only up to 1002 of the 1005 sent
      const behind = aWebhook({
        slowOrderedForwardedThrough: queuePosition('1005'),
        slowOrderedSettledThrough: queuePosition('1002'),
      });
      const caughtUp = aWebhook({
        slowOrderedForwardedThrough: queuePosition('1005'),
        slowOrderedSettledThrough: queuePosition('1005'),
      });

      // Act
      const whileBehind = await setup(() => ({ statusCode: 200, durationMs: 1 }), undefined, { webhook: behind }).run([
        message(6),
      ]);
      const once = setup(() => ({ statusCode: 200, durationMs: 1 }), undefined, { webhook: caughtUp });
      const afterwards = await once.run([message(6)]);

      // Assess
      expect(whileBehind.forwards.map((forward) => forward.through)).toEqual([queuePosition('1006')]);
      expect(afterwards.forwards).toEqual([]);
      expect(once.send).toHaveBeenCalledTimes(1);
    });

    it('waits only the fast timeout: a cut-off attempt moves its retry and group behind to the slow lane', async () => {
      // Prepare: the first answer does not come within the lane's limit
      const { send, run, store } = setup((body) =>
        body === '{"n":1}'
          ? { statusCode: undefined, durationMs: 3000, timedOut: true }
          : { statusCode: 200, durationMs: 1 },
      );

      // Act
      const plan = await run([1, 2, 3].map(message));

      // Assess: one attempt, logged pending with its retry; it and the rest are forwarded, nothing hidden here
      expect(send).toHaveBeenCalledTimes(1);
      expect(store.markSlow).toHaveBeenCalled();
      expect(plan.log.map((entry) => [entry.task.eventId, entry.update.status])).toEqual([['evt_1', 'pending']]);
      expect(plan.log[0]!.update.attempt?.error).toMatch(/later attempts go through the slow lane$/);
      expect(plan.forwards[0]!.messages.map((forwarded) => forwarded.messageId)).toEqual(['m1', 'm2', 'm3']);
      expect(plan.hides).toEqual([]);
      expect(plan.failedMessageIds).toEqual([]);
    });

    it("in the slow ordered lane: never forwards; reports each group's settled run with its positions", async () => {
      // Prepare: a slow webhook; the second delivery fails and waits
      const { send, run } = setup(
        (body) => (body === '{"n":2}' ? { statusCode: 500, durationMs: 1 } : { statusCode: 200, durationMs: 1 }),
        undefined,
        { lane: 'ordered-slow', webhook: aWebhook({ slowLaneUntil: slowUntil }) },
      );

      // Act
      const plan = await run([1, 2, 3].map(message));

      // Assess
      expect(send).toHaveBeenCalledTimes(2);
      expect(plan.forwards).toEqual([]);
      expect(plan.settled).toEqual([
        expect.objectContaining({ messages: [{ messageId: 'm1', position: queuePosition('1001') }] }),
      ]);
      expect(plan.hides.map((hide) => hide.messageId)).toEqual(['m2']);
    });
  });
});
