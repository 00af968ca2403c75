import { ed25519 } from '@noble/curves/ed25519.js';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DeliveryService } from '../../lambdas/core/delivery/delivery-service';
import { newSigningKey } from '../../lambdas/core/webhooks/signing-keys';
import { WebhookThrottle, type ThrottleStore } from '../../lambdas/core/webhooks/webhook-throttle';
import { verifyWebhook } from '../../verify';
import { startVerification, UNVERIFIED_DELIVERY_REASON } from '../../lambdas/core/webhooks/endpoint-verification';
import { WebhookHealth, type DeliveryLane, type WebhookHealthStore } from '../../lambdas/core/delivery/webhook-health';
import { aTask, aWebhook, TEST_SECRET } from '../helpers/factories';
import { httpDestinationOver, type StubAnswer, type StubSend } from '../helpers/http-destination-stub';
import { testSealer } from '../helpers/test-sealer';
import type { ErasedTenants } from '../../lambdas/core/access/tenant-erasure';
import { ERASED_EVENT_REASON } from '../../lambdas/core/events/event-erasure';

const schedule = [5, 300];
const AUTO_DISABLE_AFTER = 5 * 24 * 3600;
// whole seconds, recent enough for the verifier's 5-minute tolerance
const now = new Date(Math.floor(Date.now() / 1000) * 1000);

function setup(
  result: StubAnswer,
  lane: DeliveryLane = 'fast',
  reserve: ThrottleStore['reserve'] = async (_webhook, nowMs) => nowMs,
  erasedTenants?: ErasedTenants,
) {
  const store = {
    disable: vi.fn<WebhookHealthStore['disable']>().mockResolvedValue(),
    recordFailure: vi.fn<WebhookHealthStore['recordFailure']>().mockImplementation(async (webhook, at) => ({
      ...webhook,
      failingSince: webhook.failingSince ?? at,
      consecutiveFailures: (webhook.consecutiveFailures ?? 0) + 1,
    })),
    openBreaker: vi.fn<WebhookHealthStore['openBreaker']>().mockResolvedValue(true),
    claimProbe: vi.fn<WebhookHealthStore['claimProbe']>().mockResolvedValue(true),
    recordSuccess: vi.fn<WebhookHealthStore['recordSuccess']>().mockResolvedValue(),
    markSlow: vi.fn<WebhookHealthStore['markSlow']>().mockResolvedValue(),
  };
  const send = vi.fn<StubSend>().mockResolvedValue(result);
  const health = new WebhookHealth(store, {
    breaker: { failureThreshold: 3, probeInitialSeconds: 30, probeMaxSeconds: 100 },
    autoDisableAfterSeconds: AUTO_DISABLE_AFTER,
    slowAnswerMs: 3000,
    slowLaneHoldSeconds: 3600,
  });
  const service = new DeliveryService(httpDestinationOver(send), health, new WebhookThrottle({ reserve }), {
    lane,
    retrySchedule: schedule,
    now: () => now,
    random: () => 0.5,
    ...(erasedTenants ? { erasedTenants } : {}),
  });
  return { ports: { ...store, send }, service };
}

describe('Class: DeliveryService', () => {
  describe('Method: deliver', () => {
    let task: ReturnType<typeof aTask>;
    beforeEach(() => {
      task = aTask();
    });

    it('POSTs the payload signed with the current secret and records the delivery', async () => {
      // Prepare
      const { ports, service } = setup({ statusCode: 204, durationMs: 12 });

      // Act
      const { decision, record } = await service.deliver(task, aWebhook());

      // Assess
      expect(decision).toEqual({ action: 'done' });
      const [url, headers, body] = ports.send.mock.calls[0]!;
      expect(url).toBe('https://example.com/hooks');
      expect(body).toBe(task.payload);
      expect(headers).toMatchObject({
        'Content-Type': 'application/json',
        'webhook-id': 'evt_1',
        'webhook-timestamp': String(now.getTime() / 1000),
      });
      expect(() =>
        new StandardWebhook(TEST_SECRET).verify(body, {
          'webhook-id': headers['webhook-id']!,
          'webhook-timestamp': headers['webhook-timestamp']!,
          'webhook-signature': headers['webhook-signature']!,
        }),
      ).not.toThrow();
      expect(record).toEqual({
        status: 'delivered',
        attempt: { at: now.toISOString(), trigger: 'scheduled', statusCode: 204, durationMs: 12 },
      });
    });

    it('signs with the previous secret too while a rotation is in progress', async () => {
      const { ports, service } = setup({ statusCode: 200, durationMs: 1 });
      const previous = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
      await service.deliver(
        task,
        aWebhook({
          previousSecret: previous,
          previousSecretExpiresAt: new Date(now.getTime() + 3600_000).toISOString(),
        }),
      );
      expect(ports.send.mock.calls[0]![1]['webhook-signature']!.split(' ')).toHaveLength(2);
    });

    it('adds a v1a signature per ed25519 key, which @noble/curves and verify library accept, beside v1', async () => {
      // Prepare: the current key and a previous one still in its grace period
      const { ports, service } = setup({ statusCode: 200, durationMs: 1 });
      const sealer = testSealer();
      const [current, previous] = [await newSigningKey(aWebhook(), sealer), await newSigningKey(aWebhook(), sealer)];

      // Act
      await service.deliver(
        task,
        aWebhook({
          signingKey: current,
          previousSigningKey: previous,
          previousSigningKeyExpiresAt: new Date(now.getTime() + 60_000).toISOString(),
        }),
      );

      // Assess
      const [, headers, body] = ports.send.mock.calls[0]!;
      const entries = headers['webhook-signature']!.split(' ');
      expect(entries.map((entry) => entry.split(',')[0])).toEqual(['v1', 'v1a', 'v1a']);
      const content = new TextEncoder().encode(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`);
      for (const [index, { publicKey }] of [current, previous].entries()) {
        const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
        const signature = Buffer.from(entries[index + 1]!.slice('v1a,'.length), 'base64');
        expect(ed25519.verify(signature, content, raw)).toBe(true);
        await expect(verifyWebhook(body, headers, { publicKey }, { now })).resolves.toMatchObject({ scheme: 'v1a' });
      }
      await expect(verifyWebhook(body, headers, { secret: TEST_SECRET }, { now })).resolves.toMatchObject({
        scheme: 'v1',
      });
    });

    it('stops signing with the previous ed25519 key once its grace period is over', async () => {
      // Prepare
      const { ports, service } = setup({ statusCode: 200, durationMs: 1 });
      const sealer = testSealer();

      // Act
      await service.deliver(
        task,
        aWebhook({
          signingKey: await newSigningKey(aWebhook(), sealer),
          previousSigningKey: await newSigningKey(aWebhook(), sealer),
          previousSigningKeyExpiresAt: now.toISOString(),
        }),
      );

      // Assess
      expect(ports.send.mock.calls[0]![1]['webhook-signature']!.split(' ')).toHaveLength(2);
    });

    it('counts each failed attempt (the first starts the auto-disable clock); clears all on next success', async () => {
      const failing = setup({ statusCode: 500, durationMs: 1 });
      await failing.service.deliver(task, aWebhook());
      expect(failing.ports.recordFailure).toHaveBeenCalledWith(aWebhook(), now.toISOString());

      const recovered = setup({ statusCode: 200, durationMs: 1 });
      const { notices } = await recovered.service.deliver(
        { ...task, attempt: 2 },
        aWebhook({ failingSince: now.toISOString(), consecutiveFailures: 2 }),
      );
      expect(recovered.ports.recordSuccess).toHaveBeenCalledTimes(1);
      expect(notices).toEqual([expect.objectContaining({ kind: 'recovered', failingSince: now.toISOString() })]);
      await recovered.service.deliver(task, aWebhook());
      expect(recovered.ports.recordSuccess).toHaveBeenCalledTimes(1);
    });

    it('opens the breaker at the failure that reaches the threshold, not before', async () => {
      const { ports, service } = setup({ statusCode: 500, durationMs: 1 });
      await service.deliver(
        { ...task, attempt: 2 },
        aWebhook({ consecutiveFailures: 1, failingSince: now.toISOString() }),
      );
      expect(ports.openBreaker).not.toHaveBeenCalled();
      const { notices } = await service.deliver(
        { ...task, attempt: 2 },
        aWebhook({ consecutiveFailures: 2, failingSince: now.toISOString() }),
      );
      expect(ports.openBreaker).toHaveBeenCalledWith(
        expect.objectContaining({ consecutiveFailures: 3 }),
        new Date(now.getTime() + 30_000).toISOString(),
        30,
      );
      expect(notices).toContainEqual(expect.objectContaining({ kind: 'breaker-opened' }));
    });

    it('postpones without sending while the breaker is open, and lets one probe through when it is due', async () => {
      const open = setup({ statusCode: 200, durationMs: 1 });
      const later = new Date(now.getTime() + 10_000).toISOString();
      const waiting = await open.service.deliver(
        { ...task, attempt: 4 },
        aWebhook({ nextProbeAt: later, probeIntervalSeconds: 30 }),
      );
      expect(waiting).toEqual({
        decision: { action: 'postpone', untilMs: Date.parse(later) },
        notices: [],
        lane: 'fast',
      });
      expect(open.ports.send).not.toHaveBeenCalled();

      const due = new Date(now.getTime() - 1000).toISOString();
      const probing = await open.service.deliver(
        { ...task, attempt: 4 },
        aWebhook({ nextProbeAt: due, probeIntervalSeconds: 30, failingSince: due }),
      );
      expect(open.ports.claimProbe).toHaveBeenCalledWith(
        expect.anything(),
        due,
        new Date(now.getTime() + 60_000).toISOString(),
        60,
      );
      expect(probing.decision).toEqual({ action: 'done' });
      expect(open.ports.recordSuccess).toHaveBeenCalled();

      const lost = setup({ statusCode: 200, durationMs: 1 });
      lost.ports.claimProbe.mockResolvedValue(false);
      expect(
        (await lost.service.deliver({ ...task, attempt: 4 }, aWebhook({ nextProbeAt: due, probeIntervalSeconds: 80 })))
          .decision,
      ).toEqual({
        action: 'postpone',
        untilMs: now.getTime() + 100_000,
      });
      expect(lost.ports.send).not.toHaveBeenCalled();
    });

    it('sends a manual attempt whatever the breaker says, and never schedules a retry for it', async () => {
      const { ports, service } = setup({ statusCode: 500, durationMs: 1 });
      const result = await service.deliver(
        aTask({ trigger: 'manual' }),
        aWebhook({ nextProbeAt: new Date(now.getTime() + 60_000).toISOString() }),
      );
      expect(ports.send).toHaveBeenCalledTimes(1);
      expect(result.decision).toEqual({ action: 'done' });
      expect(result.record).toMatchObject({ status: 'failed', attempt: { trigger: 'manual', statusCode: 500 } });
    });

    it('holds a recovered delivery behind an open breaker, as any delivery, without sending it', async () => {
      // Prepare
      const { ports, service } = setup({ statusCode: 200, durationMs: 5 });
      const nextProbeAt = new Date(now.getTime() + 60_000).toISOString();

      // Act
      const result = await service.deliver(
        aTask({ trigger: 'manual', recoveryId: 'rcv_1' }),
        aWebhook({ nextProbeAt }),
      );

      // Assess
      expect(ports.send).not.toHaveBeenCalled();
      expect(result.decision).toEqual({ action: 'postpone', untilMs: Date.parse(nextProbeAt) });
      expect(result.record).toBeUndefined();
    });

    it(
      'leaves the record as it was when a manual attempt meets a paused or deleted webhook, so a later recovery ' +
        'finds it',
      async () => {
        const { ports, service } = setup({ statusCode: 200, durationMs: 5 });
        const paused = await service.deliver(aTask({ trigger: 'manual' }), aWebhook({ active: false }));
        const deleted = await service.deliver(aTask({ trigger: 'manual' }), undefined);
        expect(ports.send).not.toHaveBeenCalled();
        expect([paused.record, deleted.record]).toEqual([undefined, undefined]);
        expect([paused.decision, deleted.decision]).toEqual([{ action: 'done' }, { action: 'done' }]);
      },
    );

    it('disables a webhook whose deliveries have all failed for 5 days, and parks the delivery', async () => {
      // Prepare
      const { ports, service } = setup({ statusCode: 503, durationMs: 1 });
      const since = new Date(now.getTime() - AUTO_DISABLE_AFTER * 1000).toISOString();
      const webhook = aWebhook({ failingSince: since });

      // Act
      const { decision, record } = await service.deliver({ ...task, attempt: 2 }, webhook);

      // Assess
      expect(ports.disable).toHaveBeenCalledWith(webhook, `every delivery failed since ${since}`, now.toISOString());
      expect(decision).toMatchObject({ action: 'dead-letter', reason: expect.stringMatching(/^disabled: /) });
      expect(record).toMatchObject({ status: 'failed' });
    });

    it(
      'parks, without sending, the deliveries of a webhook the platform disabled, so they can be ' + 'replayed',
      async () => {
        const { ports, service } = setup({ statusCode: 200, durationMs: 1 });
        const { decision, record } = await service.deliver(
          task,
          aWebhook({ active: false, disabledReason: 'the endpoint answered 410 Gone' }),
        );
        expect(ports.send).not.toHaveBeenCalled();
        expect(decision).toEqual({
          action: 'dead-letter',
          reason: 'disabled: the webhook was disabled (the endpoint answered 410 Gone)',
        });
        expect(record).toMatchObject({ status: 'failed' });
      },
    );

    it(
      'skips, without sending, a delivery whose webhook was deleted, paused or belongs to another ' + 'tenant',
      async () => {
        for (const webhook of [undefined, aWebhook({ active: false }), aWebhook({ tenantId: 'other' })]) {
          const { ports, service } = setup({ statusCode: 200, durationMs: 1 });
          const { decision, record } = await service.deliver(task, webhook);
          expect(decision).toEqual({ action: 'done' });
          expect(ports.send).not.toHaveBeenCalled();
          expect(record).toMatchObject({ status: 'skipped', reason: expect.any(String) });
        }
      },
    );

    it('skips unsent a delivery whose event was erased, saying so; a manual one leaves the record', async () => {
      // Prepare
      const { ports, service } = setup({ statusCode: 200, durationMs: 1 });
      const webhook = aWebhook({ erasedEvents: { [task.eventId]: now.toISOString() } });

      // Act
      const scheduled = await service.deliver(task, webhook);
      const manual = await service.deliver({ ...task, trigger: 'manual' }, webhook);
      const other = await service.deliver({ ...task, eventId: 'evt_kept' }, webhook);

      // Assess
      expect(scheduled).toEqual({
        decision: { action: 'done' },
        record: { status: 'skipped', reason: ERASED_EVENT_REASON },
        notices: [],
      });
      expect(manual).toEqual({ decision: { action: 'done' }, notices: [] });
      expect(other.record).toMatchObject({ status: 'delivered' });
      expect(ports.send).toHaveBeenCalledTimes(1);
    });

    it('drops unsent, unlogged a delivery whose webhook went with its erased tenant; asks only then', async () => {
      // Prepare
      const isErased = vi
        .fn<ErasedTenants['isErased']>()
        .mockImplementation(async ({ tenantId }) => tenantId === 'gone');
      const { ports, service } = setup({ statusCode: 200, durationMs: 1 }, 'fast', undefined, { isErased });

      // Act
      const erased = await service.deliver({ ...task, tenantId: 'gone' }, undefined);
      const deleted = await service.deliver(task, undefined);
      await service.deliver(task, aWebhook());

      // Assess
      expect(erased).toEqual({ decision: { action: 'done' }, notices: [] });
      expect(deleted.record).toMatchObject({ status: 'skipped', reason: 'the webhook was deleted' });
      expect(isErased).toHaveBeenCalledTimes(2);
      expect(ports.send).toHaveBeenCalledTimes(1);
    });

    it("dead-letters unsent, with its reason, a throttled webhook's delivery with over 900 s of backlog", async () => {
      // Prepare: the store finds no slot within the longest wait
      const { ports, service } = setup({ statusCode: 204, durationMs: 1 }, 'fast', async () => undefined);
      const reason = "throttled: the webhook's backlog at 5/s would hold this delivery more than 900 s";

      // Act
      const scheduled = await service.deliver(task, aWebhook({ throttleRate: 5 }));
      const manual = await service.deliver({ ...task, trigger: 'manual' }, aWebhook({ throttleRate: 5 }));

      // Assess: a failed record recover finds; a manual attempt leaves the record as it was
      expect(ports.send).not.toHaveBeenCalled();
      expect(scheduled).toEqual({
        decision: { action: 'dead-letter', reason },
        record: { status: 'failed', reason },
        notices: [],
      });
      expect(manual).toEqual({ decision: { action: 'dead-letter', reason }, notices: [] });
    });

    it("skips unsent an unverified endpoint's deliveries, saying why; manual ones leave the record", async () => {
      const run = startVerification(now);
      for (const state of ['pending', 'failed'] as const) {
        const { ports, service } = setup({ statusCode: 200, durationMs: 1 });
        const webhook = aWebhook({ verification: { ...run, state } });
        const scheduled = await service.deliver(task, webhook);
        const manual = await service.deliver(aTask({ trigger: 'manual' }), webhook);
        expect(ports.send).not.toHaveBeenCalled();
        expect(scheduled).toEqual({
          decision: { action: 'done' },
          record: { status: 'skipped', reason: UNVERIFIED_DELIVERY_REASON },
          notices: [],
        });
        expect(manual.record).toBeUndefined();
      }
      const { ports, service } = setup({ statusCode: 200, durationMs: 1 });
      await service.deliver(task, aWebhook({ verification: { ...run, state: 'verified' } }));
      expect(ports.send).toHaveBeenCalledTimes(1);
    });

    it('asks for a retry after the scheduled delay and records the attempt as pending', async () => {
      const { service } = setup({ statusCode: 500, durationMs: 3, response: 'boom' });
      const { decision, record } = await service.deliver(task, aWebhook());
      expect(decision).toEqual({ action: 'retry', delaySeconds: 5 });
      expect(record).toEqual({
        status: 'pending',
        attempt: { at: now.toISOString(), trigger: 'scheduled', statusCode: 500, durationMs: 3, response: 'boom' },
        nextAttemptAt: new Date(now.getTime() + 5000).toISOString(),
      });
    });

    it("honours the receiver's Retry-After on 429", async () => {
      const { service } = setup({ statusCode: 429, retryAfter: '120', durationMs: 1 });
      expect((await service.deliver(task, aWebhook())).decision).toEqual({ action: 'retry', delaySeconds: 120 });
    });

    it('dead-letters the delivery and records it failed once the schedule is used up', async () => {
      const { service } = setup({ error: 'connection_refused', durationMs: 1 });
      const { decision, record } = await service.deliver({ ...task, attempt: 3 }, aWebhook());
      expect(decision).toEqual({
        action: 'dead-letter',
        reason: 'exhausted: 3 of 3 attempts failed; the last: connection_refused',
      });
      expect(record).toMatchObject({
        status: 'failed',
        reason: decision.action === 'dead-letter' ? decision.reason : '',
      });
    });

    it('disables the webhook on 410 Gone and dead-letters the delivery without retrying', async () => {
      const { ports, service } = setup({ statusCode: 410, durationMs: 1 });
      const webhook = aWebhook();
      const { decision, record } = await service.deliver(task, webhook);
      expect(decision).toMatchObject({ action: 'dead-letter', reason: expect.stringContaining('410') });
      expect(ports.disable).toHaveBeenCalledWith(webhook, 'the endpoint answered 410 Gone', now.toISOString());
      expect(record).toMatchObject({ status: 'failed' });
    });
  });

  describe('The slow lane (isolation from slow endpoints)', () => {
    const hour = 3600 * 1000;
    const slowUntil = (fromNowMs: number) => new Date(now.getTime() + fromNowMs).toISOString();

    it(
      "moves a webhook whose endpoint gave no answer within the fast lane's limit to the slow lane, for the " + 'hold',
      async () => {
        const { ports, service } = setup({
          error: 'timeout: no complete answer within 3000 ms',
          timedOut: true,
          durationMs: 3001,
        });
        const webhook = aWebhook();
        const result = await service.deliver(aTask(), webhook);
        expect(ports.markSlow).toHaveBeenCalledWith(webhook, slowUntil(hour));
        expect(result.lane).toBe('slow');
        expect(result.decision).toEqual({ action: 'retry', delaySeconds: 5 });
        expect(result.record?.attempt?.error).toBe(
          'timeout: no complete answer within 3000 ms; later attempts go through the slow lane',
        );
      },
    );

    it('forwards a delivery to a webhook in the slow lane without an attempt or a log entry', async () => {
      const { ports, service } = setup({ statusCode: 200, durationMs: 1 });
      const result = await service.deliver({ ...aTask(), attempt: 2 }, aWebhook({ slowLaneUntil: slowUntil(60_000) }));
      expect(result).toEqual({ decision: { action: 'forward' }, notices: [], lane: 'slow' });
      expect(ports.send).not.toHaveBeenCalled();
    });

    it(
      'keeps a webhook that stays slow in the slow lane with one write per half hold, not one per ' + 'delivery',
      async () => {
        const slowAnswer = { statusCode: 200, durationMs: 8000 };
        const renewing = setup(slowAnswer, 'slow');
        await renewing.service.deliver(aTask(), aWebhook({ slowLaneUntil: slowUntil(hour / 2 - 1000) }));
        expect(renewing.ports.markSlow).toHaveBeenCalledWith(expect.anything(), slowUntil(hour));
        const holding = setup(slowAnswer, 'slow');
        await holding.service.deliver(aTask(), aWebhook({ slowLaneUntil: slowUntil(hour / 2 + 1000) }));
        expect(holding.ports.markSlow).not.toHaveBeenCalled();
      },
    );

    it('sends the retries of a webhook whose hold is over back to the fast lane', async () => {
      const { ports, service } = setup({ statusCode: 500, durationMs: 20 }, 'slow');
      const result = await service.deliver(aTask(), aWebhook({ slowLaneUntil: slowUntil(-1000) }));
      expect(result.lane).toBe('fast');
      expect(result.record?.attempt?.error).toBeUndefined();
      expect(ports.markSlow).not.toHaveBeenCalled();
    });

    it(
      'sends a delivery the fast lane gets for a slow webhook with an open breaker straight to its wait in the slow ' +
        'lane',
      async () => {
        const { ports, service } = setup({ statusCode: 200, durationMs: 1 });
        const result = await service.deliver(
          aTask(),
          aWebhook({ slowLaneUntil: slowUntil(hour), nextProbeAt: slowUntil(20_000) }),
        );
        expect(result).toEqual({
          decision: { action: 'postpone', untilMs: now.getTime() + 20_000 },
          notices: [],
          lane: 'slow',
        });
        expect(ports.send).not.toHaveBeenCalled();
      },
    );

    it('leaves the probe of a slow webhook to the slow lane, without claiming it in the fast lane', async () => {
      const { ports, service } = setup({ statusCode: 200, durationMs: 1 });
      const result = await service.deliver(
        aTask(),
        aWebhook({ slowLaneUntil: slowUntil(hour), nextProbeAt: slowUntil(-1000), probeIntervalSeconds: 30 }),
      );
      expect(result).toEqual({ decision: { action: 'forward' }, notices: [], lane: 'slow' });
      expect(ports.claimProbe).not.toHaveBeenCalled();
    });

    it('postpones the deliveries of a slow webhook whose breaker is open in the slow lane', async () => {
      const { ports, service } = setup({ statusCode: 200, durationMs: 1 }, 'slow');
      const result = await service.deliver(
        aTask(),
        aWebhook({ slowLaneUntil: slowUntil(hour), nextProbeAt: slowUntil(20_000) }),
      );
      expect(result).toEqual({
        decision: { action: 'postpone', untilMs: now.getTime() + 20_000 },
        notices: [],
        lane: 'slow',
      });
      expect(ports.send).not.toHaveBeenCalled();
    });
  });
});
