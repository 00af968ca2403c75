import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_ENVIRONMENT,
  backendOf,
  completedErasure,
  deliverInvocationLog,
  refusal,
  tenantItemsLeft,
} from '../helpers/erasure';
import { launchChromium, newConsolePage } from '../helpers/browser';
import { waitFor } from '../helpers/pipeline';
import { usePlatform } from '../helpers/platform-fixture';

/**
 * Issue 27's "Done when", on the local stack as a team's backend meets it: every admin call signed with the local
 * admin credential by the generated admin client (the AWS SDK's signer), real HTTP receivers, a real Chromium for
 * the portal link. Retries come every second, so a receiver that fails always has deliveries queued.
 */
const deliverLog = deliverInvocationLog();
const local = usePlatform(ADMIN_ENVIRONMENT, {
  retryScheduleSeconds: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  wrapConsumer: deliverLog.wrap,
});
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('Issue 27, done when', () => {
  it('a backend sets acme up (limit, key, portal link, webhooks), delivers, erases one payload, then erases acme ' +
    "while its deliveries are queued, and another tenant's deliveries go on", { timeout: 120_000 }, async () => {
    const backend = backendOf(local.platform);
    // acme's receiver takes the first event, then fails everything: its later deliveries wait as queued retries
    const acmeReceiver = await local.receiver({
      decide: (delivery) => ({ status: delivery.eventId === 'evt_first' ? 200 : 503 }),
    });
    const globexReceiver = await local.receiver({});
    const publish = (tenantId: string, id: string) =>
      local.sqs.publish({ tenantId, id, type: 'document.uploaded', data: { note: `payload of ${id}` } });

    // the tenant, its key and its portal link
    const tenant = await backend.putTenant('acme', { name: 'Acme', settings: { maxWebhooks: 2 } });
    const key = await backend.createApiKey('acme', { name: 'acme integration' });
    const link = await backend.createPortalLink('acme', { ttlSeconds: 600 });
    const { page, context, problems } = await newConsolePage(browser);
    await page.goto(link.data.url);
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();

    // webhooks for acme through /admin/tenants/acme/v2/webhooks; a third is over its limit
    const webhooks: { id: string }[] = [];
    for (const path of ['/projects', '/billing']) {
      const { data } = await backend.createWebhook('acme', {
        url: `${acmeReceiver.url}${path}`,
        events: ['document.uploaded'],
      });
      acmeReceiver.secrets.push(data.secret!);
      webhooks.push(data);
    }
    const third = await backend
      .createWebhook('acme', { url: `${acmeReceiver.url}/third`, events: ['document.uploaded'] })
      .catch(refusal);

    // an event delivered, then its payload erased
    await publish('acme', 'evt_first');
    await waitFor(() => acmeReceiver.deliveries.filter((d) => d.eventId === 'evt_first').length === 2, {
      what: 'evt_first at both webhooks',
    });
    await waitFor(
      async () => (await backend.getDelivery('acme', webhooks[0]!.id, 'evt_first')).data.status === 'delivered',
      { what: 'the delivered record' },
    );
    const erasedEvent = await backend.eraseEvent('acme', 'evt_first');
    const eventAfter = await backend.getEvent('acme', 'evt_first');
    const deliveryAfter = await backend.getDelivery('acme', webhooks[0]!.id, 'evt_first');

    // another tenant, delivering all along
    const { data: globexWebhook } = await backend.createWebhook('globex', {
      url: `${globexReceiver.url}/hooks`,
      events: ['document.uploaded'],
    });
    globexReceiver.secrets.push(globexWebhook.secret!);

    // acme's deliveries queued (failing, waiting for their retries), then acme erased
    for (let n = 1; n <= 5; n++) await publish('acme', `evt_queued_${n}`);
    await waitFor(() => acmeReceiver.deliveries.filter((d) => d.eventId.startsWith('evt_queued')).length >= 12, {
      what: "acme's queued deliveries and their first retries",
    });
    const erasure = await backend.eraseTenant('acme');
    const answeredAt = Date.now();
    for (let n = 1; n <= 5; n++) await publish('globex', `evt_globex_${n}`);
    const done = await completedErasure(backend, erasure.data.erasureId);
    await waitFor(() => globexReceiver.deliveries.length >= 5, { what: "globex's deliveries" });
    const { queues } = local.platform;
    await waitFor(
      async () =>
        (await local.sqs.depth(queues.deliveries.queueUrl)) +
          (await local.sqs.depth(queues.slowDeliveries.queueUrl)) ===
        0,
      { what: "acme's queued deliveries to be dropped" },
    );

    // Assess: the setup
    expect(tenant.status).toBe(201);
    expect(tenant.data.settings).toEqual({ maxWebhooks: 2 });
    expect(key.data.key).toMatch(/^whk_/);
    expect(link.data.url).toContain('/console#token=whp_');
    expect(third).toMatchObject({ status: 409, error: { error: { code: 'limit_exceeded' } } });
    // one event's payload: the receiver had it, the log keeps that it went there, erased
    expect(acmeReceiver.deliveries.find((d) => d.eventId === 'evt_first')?.body).toContain('payload of evt_first');
    expect(erasedEvent.status).toBe(204);
    expect(eventAfter.data).toMatchObject({ id: 'evt_first', erased: true });
    expect(eventAfter.data.deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    expect(deliveryAfter.data).toMatchObject({ status: 'delivered', erased: true });
    expect(deliveryAfter.data).not.toHaveProperty('payload');
    // the tenant: no attempt begun after the 202 (one under way at it may still arrive), every item counted, none left
    expect(erasure.status).toBe(202);
    expect(deliverLog.begunAfter(acmeReceiver.deliveries, answeredAt)).toEqual([]);
    expect(done).toMatchObject({
      status: 'completed',
      removed: {
        tenant: 1,
        webhooks: 2,
        apiKeys: 1,
        portalTokens: 1,
        events: 6,
        deliveries: 12,
        webhookCount: 1,
        // sealed HMAC secrets (design.md §18): the tenant's data key goes with it
        signingSecretsKey: 1,
        other: 0,
      },
      check: { itemsLeft: 0 },
    });
    expect(
      await tenantItemsLeft(local.platform, 'acme', {
        webhookIds: webhooks.map((webhook) => webhook.id),
        keyHashes: [key.data.keyHash],
      }),
    ).toEqual([]);
    expect(await local.platform.request('GET', '/v2/webhooks', { key: key.data.key })).toMatchObject({ status: 401 });
    // globex: every delivery made, meanwhile
    expect(globexReceiver.deliveries.map((d) => d.eventId).sort()).toEqual(
      [1, 2, 3, 4, 5].map((n) => `evt_globex_${n}`),
    );
    console.info('acme erasure', JSON.stringify(done));
  });
});
