import { describe, expect, it } from 'vitest';
import type { DeliveryTask } from '../../lambdas/core/delivery/delivery';
import type { DeliveryRecord } from '../../lambdas/core/log/delivery-log';
import type { StoredEvent } from '../../lambdas/core/events/stored-event';
import type { RecoveryJob } from '../../lambdas/core/delivery/queue-ports';
import { RecoveryService } from '../../lambdas/core/recovery/recovery-service';
import { parseRecoveryJob, RecoveryWorker, type RecoveryStore } from '../../lambdas/core/recovery/recovery-worker';
import type { RecoveryLocks } from '../../lambdas/core/recovery/manual-attempts';
import type { Webhook } from '../../lambdas/core/webhooks/webhook';
import { aDeliveryRecord, aWebhook, anEvent } from '../helpers/factories';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const webhook = aWebhook({ tenantId: 'acme', id: 'webhook_01JD0000000000000000000001' });

/** Recovery locks in memory, with the repository's rule: one holder per webhook until released. */
function memoryLocks() {
  const held = new Map<string, string>();
  const locks: RecoveryLocks = {
    acquire: async (_tenantId, webhookId, recoveryId) => {
      const running = held.get(webhookId);
      if (running) return { acquired: false, runningRecoveryId: running };
      held.set(webhookId, recoveryId);
      return { acquired: true };
    },
    renew: async (_tenantId, webhookId, recoveryId) => held.get(webhookId) === recoveryId,
    release: async (_tenantId, webhookId, recoveryId) =>
      void (held.get(webhookId) === recoveryId && held.delete(webhookId)),
  };
  return { locks, held };
}

function recoveryService(stored: Webhook | undefined = webhook, { locks } = memoryLocks()) {
  const jobs: RecoveryJob[] = [];
  const service = new RecoveryService({
    webhooks: { get: async (tenantId, id) => (stored?.tenantId === tenantId && stored.id === id ? stored : undefined) },
    jobs: { send: async (job) => void jobs.push(job) },
    locks,
    now: () => NOW,
  });
  return { service, jobs };
}

describe('RecoveryService.start', () => {
  it('queues one job for the window, until defaulting to now, and answers with it', async () => {
    // Prepare
    const { service, jobs } = recoveryService();

    // Act
    const started = await service.start('acme', webhook.id, { since: '2026-02-28T12:00:00+01:00' });

    // Assess
    expect(started).toEqual({
      recoveryId: expect.stringMatching(/^rcv_/),
      since: '2026-02-28T11:00:00.000Z',
      until: NOW.toISOString(),
    });
    expect(jobs).toEqual([
      {
        recoveryId: started.recoveryId,
        tenantId: 'acme',
        webhookId: webhook.id,
        since: started.since,
        until: started.until,
      },
    ]);
  });

  it.each([
    [
      'since after until',
      { since: '2026-02-28T00:00:00Z', until: '2026-02-27T00:00:00Z' },
      'since',
      /must not be after until/,
    ],
    [
      'since in the future (until defaults to now)',
      { since: '2026-03-02T00:00:00Z' },
      'since',
      /must not be after until/,
    ],
    ['since more than 14 days back', { since: '2026-02-15T11:59:59Z' }, 'since', /within the last 14 days/],
    [
      'until in the future',
      { since: '2026-02-28T00:00:00Z', until: '2026-03-01T12:00:01Z' },
      'until',
      /must not be in the future/,
    ],
    ['an instant past year 9999 once normalised', { since: '9999-12-31T23:59:59-23:59' }, 'since', /ISO-8601|year/],
    ['since not an instant', { since: '2026-02-28' }, 'since', /ISO-8601/],
    ['since missing', {}, 'since', /./],
    ['an unknown field', { since: '2026-02-28T00:00:00Z', cursor: 'x' }, 'cursor', /unknown field/],
  ])('refuses %s, queueing nothing', async (_, body, path, message) => {
    // Prepare
    const { service, jobs } = recoveryService();

    // Act
    const attempt = service.start('acme', webhook.id, body);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      code: 'validation_error',
      details: [expect.objectContaining({ path, message: expect.stringMatching(message) })],
    });
    expect(jobs).toEqual([]);
  });

  it(
    'refuses a second recovery of a webhook while the first runs (409 naming it), and starts one once it ' + 'ended',
    async () => {
      // Prepare
      const lockState = memoryLocks();
      const { service, jobs } = recoveryService(webhook, lockState);
      const first = await service.start('acme', webhook.id, { since: '2026-03-01T00:00:00Z' });

      // Act
      const second = service.start('acme', webhook.id, { since: '2026-03-01T00:00:00Z' });

      // Assess
      await expect(second).rejects.toMatchObject({
        code: 'recovery_in_progress',
        message: expect.stringContaining(first.recoveryId),
      });
      expect(jobs).toHaveLength(1);
      await lockState.locks.release('acme', webhook.id, first.recoveryId);
      await expect(service.start('acme', webhook.id, { since: '2026-03-01T00:00:00Z' })).resolves.toMatchObject({
        recoveryId: expect.stringMatching(/^rcv_/),
      });
    },
  );

  it('accepts since exactly 14 days back', async () => {
    // Prepare
    const { service } = recoveryService();

    // Act
    const started = await service.start('acme', webhook.id, { since: '2026-02-15T12:00:00Z' });

    // Assess
    expect(started.since).toBe('2026-02-15T12:00:00.000Z');
  });

  it.each([
    ["another tenant's webhook", 'other', webhook, 'not_found'],
    ['a paused webhook', 'acme', { ...webhook, active: false }, 'webhook_inactive'],
  ])('refuses %s', async (_, tenantId, stored, code) => {
    // Prepare
    const { service, jobs } = recoveryService(stored);

    // Act
    const attempt = service.start(tenantId, webhook.id, { since: '2026-03-01T00:00:00Z' });

    // Assess
    await expect(attempt).rejects.toMatchObject({ code });
    expect(jobs).toEqual([]);
  });
});

/** A webhook's delivery log in memory, read as DynamoDB would: ordered by key, `limit` items read per page. */
function memoryStore(records: DeliveryRecord[], events: StoredEvent[]): RecoveryStore {
  const key = (record: DeliveryRecord) => `DELIVERY#${record.createdAt}#${record.eventId}`;
  return {
    failedDeliveries: async (webhookId, { since, until, after, limit }) => {
      const inWindow = records
        .filter(
          (record) =>
            record.webhookId === webhookId &&
            key(record) >= `DELIVERY#${since}` &&
            key(record) <= `DELIVERY#${until}#~`,
        )
        .sort((a, b) => key(a).localeCompare(key(b)))
        .filter((record) => after === undefined || key(record) > after);
      const read = inWindow.slice(0, limit);
      return {
        deliveries: read.filter((record) => record.status === 'failed'),
        ...(inWindow.length > limit ? { next: key(read.at(-1)!) } : {}),
      };
    },
    events: async (tenantId, eventIds) =>
      events.filter((event) => event.tenantId === tenantId && eventIds.includes(event.eventId)),
    claimForRecovery: async (candidates, recoveryId) =>
      candidates.filter((record) => {
        const id = `${record.webhookId}|${record.eventId}`;
        if (claims.get(id) === recoveryId) return false;
        claims.set(id, recoveryId);
        return true;
      }),
  };
}
const claims = new Map<string, string>();

/** Runs a recovery to its end, as the recoveries queue would: each job's continuation is the next message. */
async function runRecovery(
  store: RecoveryStore,
  stored: Webhook | null = webhook,
  { budget = Infinity, replayFirstPage = false } = {},
) {
  const queued: DeliveryTask[] = [];
  const delays: (number | undefined)[] = [];
  const recoveryId = `rcv_${Math.random()}`;
  const first: RecoveryJob = {
    recoveryId,
    tenantId: 'acme',
    webhookId: webhook.id,
    since: '2026-02-20T00:00:00.000Z',
    until: '2026-03-01T00:00:00.000Z',
  };
  const pending: RecoveryJob[] = replayFirstPage ? [first, first] : [first];
  const { locks, held } = memoryLocks();
  held.set(webhook.id, recoveryId);
  let left = budget;
  const worker = new RecoveryWorker({
    webhooks: { get: async () => stored ?? undefined },
    store,
    deliveries: { queue: async (tasks) => void queued.push(...tasks) },
    jobs: { send: async (job, delaySeconds) => void (delaySeconds ? delays.push(delaySeconds) : pending.push(job)) },
    locks,
    limits: {
      takeFromBudget: async (_tenantId, count) => {
        if (count > left) return { ok: false, retryAfterSeconds: 1800 };
        left -= count;
        return { ok: true };
      },
    },
    now: () => NOW,
  });
  const reports = [];
  while (pending.length) reports.push(await worker.runPage(pending.shift()!));
  return { queued, reports, delays, lockHeld: held.has(webhook.id), recoveryId };
}

const at = (index: number) => new Date(Date.parse('2026-02-25T00:00:00.000Z') + index * 1000).toISOString();

describe('RecoveryWorker', () => {
  it(
    'queues every failed delivery of the window once, as a manual attempt with the stored payload, page after ' +
      'page',
    async () => {
      // Prepare: 250 deliveries, every other one failed, plus failures outside the window and of another tenant
      const records = Array.from({ length: 250 }, (_, index) =>
        aDeliveryRecord({
          tenantId: 'acme',
          webhookId: webhook.id,
          eventId: `evt_${index}`,
          status: index % 2 ? 'failed' : 'delivered',
          createdAt: at(index),
        }),
      );
      const outside = [
        aDeliveryRecord({
          webhookId: webhook.id,
          eventId: 'evt_before',
          status: 'failed',
          createdAt: '2026-02-19T23:59:59.999Z',
        }),
        aDeliveryRecord({
          webhookId: webhook.id,
          eventId: 'evt_after',
          status: 'failed',
          createdAt: '2026-03-01T00:00:00.001Z',
        }),
        aDeliveryRecord({
          tenantId: 'intruder',
          webhookId: webhook.id,
          eventId: 'evt_intruder',
          status: 'failed',
          createdAt: at(5),
        }),
      ];
      const events = [...records, ...outside].map((record) =>
        anEvent({
          tenantId: record.tenantId,
          eventId: record.eventId,
          receivedAt: record.createdAt,
          expiresAt: NOW.getTime() / 1000 + 3600,
        }),
      );

      // Act
      const { queued, reports, lockHeld, recoveryId } = await runRecovery(
        memoryStore([...records, ...outside], events),
      );

      // Assess
      const failedIds = records.filter((record) => record.status === 'failed').map((record) => record.eventId);
      expect(queued.map((task) => task.eventId).sort()).toEqual([...failedIds].sort());
      expect(queued[0]).toEqual({
        tenantId: 'acme',
        webhookId: webhook.id,
        eventId: 'evt_1',
        eventType: 'verification.completed',
        receivedAt: at(1),
        payload: events.find((event) => event.eventId === 'evt_1')!.payload,
        trigger: 'manual',
        recoveryId,
      });
      // 251 delivery records in the window (one of another tenant): three pages of at most 100
      expect(reports.map((report) => report.continued)).toEqual([true, true, false]);
      // the last page lets the webhook be recovered again
      expect(lockHeld).toBe(false);
    },
  );

  it(
    'queues each failed delivery once per recovery, even when a page is run twice (a crash after ' + 'queueing)',
    async () => {
      // Prepare
      const records = [0, 1, 2].map((index) =>
        aDeliveryRecord({
          tenantId: 'acme',
          webhookId: webhook.id,
          eventId: `evt_twice_${index}`,
          status: 'failed',
          createdAt: at(index),
        }),
      );
      const events = records.map((record) =>
        anEvent({
          tenantId: 'acme',
          eventId: record.eventId,
          receivedAt: record.createdAt,
          expiresAt: NOW.getTime() / 1000 + 3600,
        }),
      );

      // Act
      const { queued } = await runRecovery(memoryStore(records, events), webhook, { replayFirstPage: true });

      // Assess
      expect(queued.map((task) => task.eventId)).toEqual(['evt_twice_0', 'evt_twice_1', 'evt_twice_2']);
    },
  );

  it("waits, queueing nothing, while the tenant's hourly budget of manual attempts is spent", async () => {
    // Prepare
    const records = [0, 1].map((index) =>
      aDeliveryRecord({
        tenantId: 'acme',
        webhookId: webhook.id,
        eventId: `evt_budget_${index}`,
        status: 'failed',
        createdAt: at(index),
      }),
    );
    const events = records.map((record) =>
      anEvent({
        tenantId: 'acme',
        eventId: record.eventId,
        receivedAt: record.createdAt,
        expiresAt: NOW.getTime() / 1000 + 3600,
      }),
    );

    // Act
    const { queued, reports, delays, lockHeld } = await runRecovery(memoryStore(records, events), webhook, {
      budget: 1,
    });

    // Assess: the page is sent again after one SQS delay (900 s at most), and the recovery keeps its lock
    expect(queued).toEqual([]);
    expect(reports).toEqual([{ queued: 0, expired: 0, continued: true, deferredSeconds: 900 }]);
    expect(delays).toEqual([900]);
    expect(lockHeld).toBe(true);
  });

  it('skips failed deliveries whose event is past its retention', async () => {
    // Prepare
    const records = [0, 1].map((index) =>
      aDeliveryRecord({
        tenantId: 'acme',
        webhookId: webhook.id,
        eventId: `evt_${index}`,
        status: 'failed',
        createdAt: at(index),
      }),
    );
    const events = [
      anEvent({ tenantId: 'acme', eventId: 'evt_0', receivedAt: at(0), expiresAt: NOW.getTime() / 1000 - 1 }),
      anEvent({ tenantId: 'acme', eventId: 'evt_1', receivedAt: at(1), expiresAt: NOW.getTime() / 1000 + 1 }),
    ];

    // Act
    const { queued, reports } = await runRecovery(memoryStore(records, events));

    // Assess
    expect(queued.map((task) => task.eventId)).toEqual(['evt_1']);
    expect(reports).toEqual([{ queued: 1, expired: 1, continued: false }]);
  });

  it.each([
    ['deleted', null, 'the webhook was deleted'],
    ['paused', { ...webhook, active: false }, 'the webhook was paused or disabled'],
  ])('stops when the webhook was %s meanwhile', async (_, stored, stopped) => {
    // Prepare
    const records = [
      aDeliveryRecord({
        tenantId: 'acme',
        webhookId: webhook.id,
        eventId: 'evt_0',
        status: 'failed',
        createdAt: at(0),
      }),
    ];

    // Act
    const { queued, reports } = await runRecovery(
      memoryStore(records, [
        anEvent({ tenantId: 'acme', eventId: 'evt_0', receivedAt: at(0), expiresAt: NOW.getTime() / 1000 + 3600 }),
      ]),
      stored,
    );

    // Assess
    expect(queued).toEqual([]);
    expect(reports).toEqual([{ queued: 0, expired: 0, continued: false, stopped }]);
  });
});

describe('parseRecoveryJob', () => {
  it.each([
    ['not JSON', '{'],
    ['a delivery task', JSON.stringify({ tenantId: 'acme', webhookId: 'w', eventId: 'e' })],
    [
      'a cursor outside the delivery log',
      JSON.stringify({ recoveryId: 'r', tenantId: 'acme', webhookId: 'w', since: 's', until: 'u', cursor: 'TENANT#x' }),
    ],
  ])('refuses %s', (_, body) => {
    expect(parseRecoveryJob(body)).toBeUndefined();
  });

  it('reads a job with its cursor', () => {
    // Prepare
    const job = {
      recoveryId: 'rcv_1',
      tenantId: 'acme',
      webhookId: 'webhook_1',
      since: 's',
      until: 'u',
      cursor: 'DELIVERY#x',
    };

    // Act & Assess
    expect(parseRecoveryJob(JSON.stringify(job))).toEqual(job);
  });
});
