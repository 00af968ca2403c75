import { describe, expect, it, vi } from 'vitest';
import type { Erasure } from '../../lambdas/core/access/erasure-resources';
import {
  emptyCounts,
  ErasureWorker,
  TenantErasureService,
  type ErasurePage,
  type ErasurePhase,
  type ErasureStore,
} from '../../lambdas/core/access/tenant-erasure';
import {
  ERASED_EVENT_HORIZON_DAYS,
  EventErasureService,
  MAX_ERASED_EVENTS,
  type EventErasureStore,
} from '../../lambdas/core/events/event-erasure';
import { anEvent } from '../helpers/factories';

const NOW = new Date('2026-12-05T09:00:00.000Z');

/** An in-memory table of one tenant's items by phase, with the counting rule of the real store (countOnce). */
function memoryStore(
  items: Record<ErasurePhase, { key: string; kind: 'events' | 'deliveries' | 'webhooks' | 'tenant' }[]>,
) {
  const erasures = new Map<string, Erasure>();
  let lastPage = new Set<string>();
  const store: ErasureStore & { items: typeof items } = {
    items,
    start: vi.fn(async (erasure: Erasure) => {
      const running = [...erasures.values()].find((e) => e.tenantId === erasure.tenantId && e.status === 'running');
      if (running) return { started: false as const, runningErasureId: running.erasureId };
      erasures.set(erasure.erasureId, structuredClone(erasure));
      return { started: true as const };
    }),
    seal: vi.fn(async () => ['webhook_1']),
    get: async (id) => structuredClone(erasures.get(id)),
    markerOf: vi.fn(async () => undefined),
    nextPage: async (_erasure, phase, limit) => ({ items: items[phase].slice(0, limit) }),
    countOnce: async (id, phase, page) => {
      const erasure = erasures.get(id)!;
      erasure.phase = phase;
      for (const { key, kind } of page.items as ErasurePage<string>['items'])
        if (kind && !lastPage.has(key)) erasure.removed[kind] += 1;
      lastPage = new Set((page.items as ErasurePage<string>['items']).map(({ key }) => key));
    },
    remove: async (page) => {
      const gone = new Set((page.items as ErasurePage<string>['items']).map(({ key }) => key));
      for (const phase of Object.keys(items) as ErasurePhase[])
        items[phase] = items[phase].filter(({ key }) => !gone.has(key));
    },
    itemsLeft: async () => Object.values(items).flat().length,
    finish: async (id, check) => {
      Object.assign(erasures.get(id)!, { status: 'completed', check, finishedAt: check.checkedAt });
    },
  };
  return store;
}

const tenantItems = () => ({
  events: [1, 2, 3, 4, 5].map((n) => ({ key: `evt_${n}`, kind: 'events' as const })),
  deliveries: [1, 2, 3].map((n) => ({ key: `rec_${n}`, kind: 'deliveries' as const })),
  tenantItems: [{ key: 'webhook_1', kind: 'webhooks' as const }],
  tenant: [{ key: 'tenant', kind: 'tenant' as const }],
});

function erasureService(store: ErasureStore, known = true) {
  const jobs = { send: vi.fn(async () => undefined) };
  const service = new TenantErasureService({
    tenants: { get: async (id) => (known ? { id, settings: {}, createdAt: '', updatedAt: '' } : undefined) },
    footprint: { webhookCount: async () => 0, hasApiKeys: async () => false },
    store,
    jobs,
    now: () => NOW,
  });
  return { service, jobs };
}

describe('Class: TenantErasureService', () => {
  it('records the erasure, seals the tenant and queues the job, in that order, before answering', async () => {
    // Prepare
    const store = memoryStore(tenantItems());
    const { service, jobs } = erasureService(store);

    // Act
    const erasure = await service.begin('acme');

    // Assess
    expect(erasure).toMatchObject({ tenantId: 'acme', status: 'running', webhookIds: ['webhook_1'] });
    expect(erasure.erasureId).toMatch(/^ers_/);
    expect(store.seal).toHaveBeenCalledWith('acme', erasure.erasureId);
    expect(jobs.send).toHaveBeenCalledWith({ erasureId: erasure.erasureId });
  });

  it('refuses a malformed tenant id (400), unknown tenant (404), second erasure while one runs (409)', async () => {
    // Prepare
    const store = memoryStore(tenantItems());
    const { service } = erasureService(store);
    const unknown = erasureService(memoryStore(tenantItems()), false).service;
    const first = await service.begin('acme');

    // Act & Assess
    await expect(service.begin('-acme')).rejects.toMatchObject({ code: 'validation_error' });
    await expect(unknown.begin('nobody')).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.begin('acme')).rejects.toMatchObject({
      code: 'erasure_in_progress',
      runningErasureId: first.erasureId,
    });
  });
});

describe('Class: ErasureWorker', () => {
  it('deletes every phase in bounded pages, counts each kind and completes with the final check', async () => {
    // Prepare
    const store = memoryStore(tenantItems());
    const { erasureId } = await erasureService(store).service.begin('acme');

    // Act
    const outcome = await new ErasureWorker(store, { pageSize: 2, now: () => NOW }).run({ erasureId });

    // Assess
    expect(outcome).toBe('completed');
    expect(await store.get(erasureId)).toMatchObject({
      status: 'completed',
      removed: { ...emptyCounts(), events: 5, deliveries: 3, webhooks: 1, tenant: 1 },
      check: { itemsLeft: 0, checkedAt: NOW.toISOString() },
    });
  });

  it('stops at its page budget and asks to be sent on; the next run resumes where the table says', async () => {
    // Prepare
    const store = memoryStore(tenantItems());
    const { erasureId } = await erasureService(store).service.begin('acme');
    const worker = new ErasureWorker(store, { pageSize: 2, pagesPerRun: 2 });

    // Act
    const outcomes = [await worker.run({ erasureId })];
    while (outcomes.at(-1) === 'continue') outcomes.push(await worker.run({ erasureId }));

    // Assess
    expect(outcomes.slice(0, 2)).toEqual(['continue', 'continue']);
    expect(outcomes.at(-1)).toBe('completed');
    expect((await store.get(erasureId))?.removed).toMatchObject({ events: 5, deliveries: 3, webhooks: 1, tenant: 1 });
  });

  it('does nothing for a completed or unknown erasure', async () => {
    // Prepare
    const store = memoryStore(tenantItems());
    const { erasureId } = await erasureService(store).service.begin('acme');
    const worker = new ErasureWorker(store);
    await worker.run({ erasureId });

    // Act & Assess
    await expect(worker.run({ erasureId })).resolves.toBe('completed');
    await expect(worker.run({ erasureId: 'ers_01J00000000000000000000000' })).resolves.toBe('unknown');
  });
});

describe('Class: EventErasureService', () => {
  function eventStore(overrides: Partial<EventErasureStore> = {}) {
    const calls: string[] = [];
    const store: EventErasureStore = {
      get: async (tenantId, eventId) => anEvent({ tenantId, eventId, webhookIds: ['webhook_old'] }),
      webhookIds: async () => ['webhook_1'],
      markWebhooks: vi.fn(async () => {
        calls.push('mark');
        return {};
      }),
      erasePayload: vi.fn(async () => {
        calls.push('payload');
      }),
      eraseRecords: vi.fn(async () => {
        calls.push('records');
        return 2;
      }),
      ...overrides,
    };
    return { store, calls };
  }

  it("marks the webhooks first, so nothing more is sent, then erases the payload and records' answers", async () => {
    // Prepare
    const { store, calls } = eventStore();

    // Act
    const result = await new EventErasureService(store, { now: () => NOW }).erase('acme', 'evt_1');

    // Assess
    expect(result).toEqual({ deliveryRecords: 2 });
    expect(calls).toEqual(['mark', 'payload', 'records']);
    expect(store.markWebhooks).toHaveBeenCalledWith('acme', ['webhook_old', 'webhook_1'], {
      eventId: 'evt_1',
      at: NOW.toISOString(),
      prunedBefore: new Date(NOW.getTime() - ERASED_EVENT_HORIZON_DAYS * 86_400_000).toISOString(),
      cap: MAX_ERASED_EVENTS,
    });
  });

  it('refuses an unknown event (404), bad ids (400), a webhook full of marks (409); changes nothing', async () => {
    // Prepare
    const missing = eventStore({ get: async () => undefined });
    const full = eventStore({ markWebhooks: async () => ({ full: 'webhook_1' }) });

    // Act & Assess
    await expect(new EventErasureService(missing.store).erase('acme', 'evt_1')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(new EventErasureService(missing.store).erase('acme', 'evt.1')).rejects.toMatchObject({
      code: 'validation_error',
    });
    await expect(new EventErasureService(missing.store).erase('-acme', 'evt_1')).rejects.toMatchObject({
      code: 'validation_error',
    });
    await expect(new EventErasureService(full.store).erase('acme', 'evt_1')).rejects.toMatchObject({
      code: 'limit_exceeded',
    });
    expect(full.store.erasePayload).not.toHaveBeenCalled();
  });
});
