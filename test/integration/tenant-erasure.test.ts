import { describe, expect, it } from 'vitest';
import { DynamoErasureRepository } from '../../lambdas/adapters/erasure-repository';
import { ErasureWorker, type ErasureStore } from '../../lambdas/core/access/tenant-erasure';
import type { Receiver } from '../../local/receiver';
import {
  ADMIN_ENVIRONMENT,
  backendOf,
  completedErasure,
  deliverInvocationLog,
  erasureGate,
  refusal,
  tenantItemsLeft,
  type Backend,
} from '../helpers/erasure';
import { waitFor } from '../helpers/pipeline';
import { usePlatform } from '../helpers/platform-fixture';

/**
 * Tenant erasure on the local stack (docs/design.md §16): the team's backend signs with the local admin credential
 * through the generated admin client; receivers are real HTTP servers. Retries come every second, so a failing
 * receiver always has deliveries queued.
 */
const gate = erasureGate();
const deliverLog = deliverInvocationLog();
const local = usePlatform(ADMIN_ENVIRONMENT, {
  retryScheduleSeconds: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  wrapConsumer: (name, handler) => deliverLog.wrap(name, gate.wrap(name, handler)),
});

/** A tenant with a tenant item, a key, a portal link and two webhooks (one throttled, one signing with ed25519). */
async function populatedTenant(backend: Backend, tenantId: string, receiver: Receiver) {
  await backend.putTenant(tenantId, { name: `${tenantId} Inc` });
  const key = (await backend.createApiKey(tenantId, { name: 'integration' })).data;
  await backend.createPortalLink(tenantId, { ttlSeconds: 600 });
  const webhooks = [];
  for (const extra of [{ throttleRate: 100 }, { signing: { ed25519: true } }]) {
    const { data } = await backend.createWebhook(tenantId, {
      url: `${receiver.url}/hooks`,
      events: ['document.uploaded'],
      ...extra,
    });
    receiver.secrets.push(data.secret!);
    webhooks.push(data);
  }
  return { key, webhookIds: webhooks.map((webhook) => webhook.id) };
}

const publish = (tenantId: string, id: string) =>
  local.sqs.publish({ tenantId, id, type: 'document.uploaded', data: { n: id } });

const queuedDeliveries = async () => {
  const { queues } = local.platform;
  const depths = await Promise.all(
    [queues.deliveries, queues.slowDeliveries, queues.orderedDeliveries].map(({ queueUrl }) =>
      local.sqs.depth(queueUrl),
    ),
  );
  return depths.reduce((sum, depth) => sum + depth, 0);
};

describe('DELETE /admin/tenants/{tenantId}', () => {
  it("drops its queued deliveries after the 202, removes each item (counts, none left); others' go on", async () => {
    // Prepare: tenant A's receiver fails every attempt, so its deliveries keep coming back as queued retries
    const backend = backendOf(local.platform);
    const tenantA = `erase-a-${Date.now()}`;
    const tenantB = `erase-b-${Date.now()}`;
    const failing = await local.receiver({ status: 503, failRate: 1 });
    const healthy = await local.receiver({});
    const a = await populatedTenant(backend, tenantA, failing);
    const b = await populatedTenant(backend, tenantB, healthy);
    for (let n = 0; n < 5; n++) await publish(tenantA, `evt_a${n}`);
    await waitFor(() => failing.deliveries.length >= 12, { what: "tenant A's first attempts and retries" });

    // Act: the worker is held until A's queued retries have come back to a deliver lane after the answer, so only
    // the seal (not the removal of the webhooks) stands between them and the receiver
    gate.close();
    const answer = await backend.eraseTenant(tenantA);
    const answeredAt = Date.now();
    const queuedAtAnswer = await queuedDeliveries();
    for (let n = 0; n < 5; n++) await publish(tenantB, `evt_b${n}`);
    await waitFor(
      () =>
        deliverLog.invocations.some(
          ({ startedAt, endedAt, eventIds }) =>
            startedAt > answeredAt && endedAt !== undefined && eventIds.some((id) => id.startsWith('evt_a')),
        ),
      { what: "one of tenant A's retries handled after the answer" },
    );
    gate.release();
    const erasure = await completedErasure(backend, answer.data.erasureId);
    await waitFor(() => healthy.deliveries.length >= 10, { what: "tenant B's deliveries" });
    await waitFor(async () => (await queuedDeliveries()) === 0, { what: 'the queued deliveries to be dropped' });

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.data).toMatchObject({
      tenantId: tenantA,
      status: 'running',
      statusPath: `/admin/erasures/${answer.data.erasureId}`,
    });
    expect(queuedAtAnswer).toBeGreaterThan(0);
    expect(deliverLog.begunAfter(failing.deliveries, answeredAt)).toEqual([]);
    expect(erasure).toMatchObject({
      status: 'completed',
      removed: {
        tenant: 1,
        webhooks: 2,
        publicKeys: 1,
        apiKeys: 1,
        portalTokens: 1,
        events: 5,
        deliveries: 10,
        throttleSlots: 1,
        webhookCount: 1,
        // sealed HMAC secrets (design.md §18): the tenant's data key goes with it
        signingSecretsKey: 1,
        other: 0,
      },
      check: { itemsLeft: 0 },
    });
    expect(
      await tenantItemsLeft(local.platform, tenantA, { webhookIds: a.webhookIds, keyHashes: [a.key.keyHash] }),
    ).toEqual([]);
    expect(new Set(healthy.deliveries.map((delivery) => delivery.eventId))).toEqual(
      new Set(['evt_b0', 'evt_b1', 'evt_b2', 'evt_b3', 'evt_b4']),
    );
    expect((await backend.getTenant(tenantB)).data).toMatchObject({ webhookCount: 2, implicit: false });
    const bLeft = await tenantItemsLeft(local.platform, tenantB, {
      webhookIds: b.webhookIds,
      keyHashes: [b.key.keyHash],
    });
    expect(bLeft.length).toBeGreaterThan(0);
  });

  it("refuses the tenant's key, its webhooks and a new webhook once the erasure is answered", async () => {
    // Prepare: the worker is held, so the tenant stays sealed but not yet removed
    const backend = backendOf(local.platform);
    const receiver = await local.receiver({});
    const tenantId = `erase-sealed-${Date.now()}`;
    const { key, webhookIds } = await populatedTenant(backend, tenantId, receiver);
    gate.close();

    try {
      // Act
      const { data } = await backend.eraseTenant(tenantId);
      const withKey = await local.platform.request('GET', '/v2/webhooks', { key: key.key });
      const listed = await backend.listWebhooks(tenantId);
      const read = await backend.getWebhook(tenantId, webhookIds[0]!).catch(refusal);
      const created = await backend
        .createWebhook(tenantId, { url: `${receiver.url}/hooks`, events: ['document.uploaded'] })
        .catch(refusal);
      const again = await backend.eraseTenant(tenantId).catch(refusal);

      // Assess
      expect(withKey.status).toBe(401);
      expect(listed.data.data).toEqual([]);
      expect(read).toMatchObject({ status: 404 });
      expect(created).toMatchObject({ status: 409, error: { error: { code: 'tenant_erased' } } });
      expect(again).toMatchObject({ status: 409, error: { error: { code: 'erasure_in_progress' } } });
      expect((again as unknown as { error: { error: { message: string } } }).error.error.message).toContain(
        data.erasureId,
      );
    } finally {
      gate.release();
    }
  });

  it('answers 404 for an unknown tenant, 400 for a bad id; erases a tenant existing only by its keys', async () => {
    // Prepare
    const backend = backendOf(local.platform);
    const implicit = await local.platform.newTenant('implicit');

    // Act
    const unknown = await backend.eraseTenant(`nobody-${Date.now()}`).catch(refusal);
    const malformed = await backend.eraseTenant('-not-an-id').catch(refusal);
    const unknownErasure = await backend.getErasure('ers_01J00000000000000000000000').catch(refusal);
    const started = await backend.eraseTenant(implicit.tenantId);
    const erasure = await completedErasure(backend, started.data.erasureId);
    const afterwards = await backend.eraseTenant(implicit.tenantId).catch(refusal);

    // Assess
    expect(unknown).toMatchObject({ status: 404, error: { error: { code: 'not_found' } } });
    expect(malformed).toMatchObject({ status: 400, error: { error: { code: 'validation_error' } } });
    expect(unknownErasure).toMatchObject({ status: 404 });
    expect(erasure).toMatchObject({ removed: { apiKeys: 1, tenant: 0 }, check: { itemsLeft: 0 } });
    expect(afterwards).toMatchObject({ status: 404 });
  });

  it('resumes a run that crashed after counting a page or mid-deletes, and counts each item once', async () => {
    // Prepare: the worker is held, and this test runs the erasure itself with a store that fails on cue
    const backend = backendOf(local.platform);
    const receiver = await local.receiver({});
    const tenantId = `erase-crash-${Date.now()}`;
    const { key, webhookIds } = await populatedTenant(backend, tenantId, receiver);
    for (let n = 0; n < 7; n++) await publish(tenantId, `evt_c${n}`);
    await waitFor(() => receiver.deliveries.length >= 14, { what: 'the deliveries' });
    gate.close();
    const { erasureId } = (await backend.eraseTenant(tenantId)).data;
    const store = new DynamoErasureRepository(local.platform.documentClient, local.platform.tableName);
    let removes = 0;
    const crashing: ErasureStore = Object.assign(Object.create(store) as ErasureStore, {
      remove: async (page: Parameters<ErasureStore['remove']>[0]) => {
        removes += 1;
        if (removes === 2) throw new Error('crash after counting, before the deletes');
        if (removes === 4) {
          await store.remove({ items: page.items.slice(0, Math.ceil(page.items.length / 2)) });
          throw new Error('crash half-way through the deletes');
        }
        return store.remove(page);
      },
    });
    const worker = new ErasureWorker(crashing, { pageSize: 3 });

    try {
      // Act
      await expect(worker.run({ erasureId })).rejects.toThrow('before the deletes');
      await expect(worker.run({ erasureId })).rejects.toThrow('half-way');
      await expect(worker.run({ erasureId })).resolves.toBe('completed');
    } finally {
      gate.release();
    }
    const erasure = await completedErasure(backend, erasureId);

    // Assess
    expect(erasure).toMatchObject({
      removed: { events: 7, deliveries: 14, webhooks: 2, publicKeys: 1, apiKeys: 1, portalTokens: 1, tenant: 1 },
      check: { itemsLeft: 0 },
    });
    expect(await tenantItemsLeft(local.platform, tenantId, { webhookIds, keyHashes: [key.keyHash] })).toEqual([]);
  });
});
