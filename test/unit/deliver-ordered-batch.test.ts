import { describe, expect, it, vi } from 'vitest';
import {
  deliverOrderedBatch,
  waitingReason,
  type OrderedDeliveryState,
  type OrderedMessage,
} from '../../lambdas/core/delivery/deliver-ordered-batch';
import { DeliveryService } from '../../lambdas/core/delivery/delivery-service';
import { WebhookHealth, type WebhookHealthStore } from '../../lambdas/core/delivery/webhook-health';
import { WebhookThrottle } from '../../lambdas/core/webhooks/webhook-throttle';
import { aTask, aWebhook } from '../helpers/factories';
import { httpDestinationOver, type StubAnswer } from '../helpers/http-destination-stub';

const now = new Date('2026-12-01T12:00:00.000Z');

function setup(answer: (body: string) => StubAnswer, states = new Map<string, OrderedDeliveryState>()) {
  const store: WebhookHealthStore = {
    disable: vi.fn(),
    recordFailure: vi.fn(async (webhook) => ({ ...webhook, consecutiveFailures: 1, failingSince: now.toISOString() })),
    openBreaker: vi.fn().mockResolvedValue(true),
    claimProbe: vi.fn().mockResolvedValue(true),
    recordSuccess: vi.fn(),
    markSlow: vi.fn(),
    claimCertificateNotice: vi.fn(),
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
    { lane: 'ordered', retrySchedule: [5, 300], now: () => now, random: () => 0.5 },
  );
  const webhook = aWebhook();
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
      },
    );
  return { send, run, webhook };
}

const message = (index: number): OrderedMessage => {
  const task = aTask({ eventId: `evt_${index}`, payload: `{"n":${index}}` });
  return { messageId: `m${index}`, receiptHandle: `r${index}`, body: JSON.stringify(task), groupId: task.webhookId };
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

  it('logs the deliveries behind a waiting head as pending, with the event they wait behind, once per head', async () => {
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

  it('takes the attempt number and due time from the delivery record: a head not due yet is hidden again without an attempt', async () => {
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
});
