import { describe, expect, it } from 'vitest';
import { deliveryTasks, parseDeliveryTask, serializeTask } from '../../lambdas/core/delivery/delivery';
import { ValidationError } from '../../lambdas/core/common/errors';
import { createEventCatalog } from '../../lambdas/core/events/event-catalog';
import { parseEnvelope } from '../../lambdas/core/events/event-envelope';
import { DEFAULT_RETRY_SCHEDULE_SECONDS, ORDERED_DELIVERIES_QUEUE } from '../../lambdas/platform-settings';
import { TenantService, type TenantStore } from '../../lambdas/core/access/tenant-service';
import { aTask, aWebhook } from '../helpers/factories';

const deployment = {
  retryScheduleSeconds: DEFAULT_RETRY_SCHEDULE_SECONDS,
  eventRetentionDays: 30,
  orderedMaxReceiveCount: ORDERED_DELIVERIES_QUEUE.maxReceiveCount,
};

function service() {
  const store: TenantStore = {
    get: async () => undefined,
    put: async (id, changes, now) => ({
      tenant: { id, settings: changes.settings ?? {}, createdAt: now, updatedAt: now },
      created: true,
    }),
    list: async () => ({ tenants: [], hasMore: false }),
  };
  return new TenantService({
    store,
    footprint: { webhookCount: async () => 0, hasApiKeys: async () => false },
    events: { list: async () => ({ data: [], hasMore: false, nextCursor: null }) },
    catalog: createEventCatalog(),
    deployment,
  });
}

/** The details of the 400 a PUT with these settings answers, or undefined when it is accepted. */
async function refusal(settings: unknown) {
  try {
    await service().put('acme', { settings });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details;
  }
}

describe('Per-tenant retryScheduleSeconds and eventRetentionDays (PUT /admin/tenants/{id})', () => {
  it('accepts a schedule and a retention that fit each other, the deployment and the ordered lane', async () => {
    expect(await refusal({ retryScheduleSeconds: [1, 1] })).toBeUndefined();
    expect(await refusal({ retryScheduleSeconds: [60, 600, 3600], eventRetentionDays: 1 })).toBeUndefined();
    expect(await refusal({ eventRetentionDays: 90 })).toBeUndefined();
  });

  it('refuses as deployment-wide: delay not whole seconds or over 12 h, no delay, retention under a day', async () => {
    for (const [settings, path] of [
      [{ retryScheduleSeconds: [1.5] }, 'settings.retryScheduleSeconds.0'],
      [{ retryScheduleSeconds: [-1] }, 'settings.retryScheduleSeconds.0'],
      [{ retryScheduleSeconds: [43_201] }, 'settings.retryScheduleSeconds.0'],
      [{ retryScheduleSeconds: [] }, 'settings.retryScheduleSeconds'],
      [{ retryScheduleSeconds: '5,10' }, 'settings.retryScheduleSeconds'],
      [{ eventRetentionDays: 0 }, 'settings.eventRetentionDays'],
      [{ eventRetentionDays: 2.5 }, 'settings.eventRetentionDays'],
      [{ eventRetentionDays: 3651 }, 'settings.eventRetentionDays'],
    ] as const) {
      expect(await refusal(settings), JSON.stringify(settings)).toEqual([expect.objectContaining({ path })]);
    }
  });

  it("refuses a schedule outlasting the retention it runs under: the tenant's own, else the deployment's", async () => {
    // 12 h × 3 × 1.2 = 43.2 h, past one day
    expect(await refusal({ retryScheduleSeconds: [43_200, 43_200, 43_200], eventRetentionDays: 1 })).toEqual([
      expect.objectContaining({
        path: 'settings.retryScheduleSeconds',
        message: expect.stringMatching(/past the retention of events and delivery records \(86400 s\)/),
      }),
    ]);
    // the deployment's schedule (28 h, 34 h with jitter) does not fit in one day of retention
    expect(await refusal({ eventRetentionDays: 1 })).toEqual([
      expect.objectContaining({ path: 'settings.eventRetentionDays' }),
    ]);
  });

  it("refuses a schedule the ordered lane's redrive policy would cut short (issue 24)", async () => {
    // 33 attempts: 10 × 3 × 34 receives reach the ordered queue's maxReceiveCount of 1000
    expect(await refusal({ retryScheduleSeconds: Array.from({ length: 33 }, () => 0) })).toEqual([
      expect.objectContaining({
        path: 'settings.retryScheduleSeconds',
        message: expect.stringMatching(/ordered queue moves a message to its DLQ after 1000/),
      }),
    ]);
    expect(await refusal({ retryScheduleSeconds: Array.from({ length: 32 }, () => 0) })).toBeUndefined();
  });
});

describe("Delivery tasks carry the tenant's delivery settings", () => {
  const parsed = parseEnvelope(
    JSON.stringify({ tenantId: 'acme', id: 'evt_1', type: 'verification.completed', data: {} }),
    'm1',
    createEventCatalog(),
  );
  if (!parsed.ok) throw new Error(parsed.reason);

  it("adds the tenant's schedule and retention to each task, nothing for a tenant keeping the deployment's", () => {
    const webhooks = [aWebhook()];
    const [own] = deliveryTasks(parsed.event, 'now', webhooks, { retryScheduleSeconds: [1, 1], eventRetentionDays: 7 });
    const [plain] = deliveryTasks(parsed.event, 'now', webhooks, {});
    expect(own).toMatchObject({ retrySchedule: [1, 1], retentionDays: 7 });
    expect(Object.keys(plain!)).not.toContain('retrySchedule');
    expect(Object.keys(plain!)).not.toContain('retentionDays');
  });

  it('reads them back from a message, and refuses a message whose schedule or retention is not one', () => {
    const task = aTask({ retrySchedule: [1, 1], retentionDays: 7 });
    expect(parseDeliveryTask(serializeTask(task))).toEqual(task);
    expect(parseDeliveryTask(serializeTask({ ...task, retrySchedule: [] }))).toBeUndefined();
    expect(parseDeliveryTask(serializeTask({ ...task, retrySchedule: [1.5] }))).toBeUndefined();
    expect(parseDeliveryTask(serializeTask({ ...task, retentionDays: 0 }))).toBeUndefined();
  });
});
