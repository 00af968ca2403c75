import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exampleReceiver, type ReceivedEvent } from '../../examples/receiver/receiver';
import { describe, expect, it } from 'vitest';
import type { Receiver } from '../../local/receiver';
import { UNVERIFIED_DELIVERY_REASON } from '../../lambdas/core/webhooks/endpoint-verification';
import { deliveryRecord, sleep, waitFor } from '../helpers/pipeline';
import { pipelineSuite } from '../helpers/pipeline-suite';
import { signedRequest } from '../helpers/admin-requests';

const ORIGIN = 'webhooks.test.example';
// four challenges a second apart: OPTIONS, POST, OPTIONS, POST, then the run has failed
const suite = pipelineSuite({
  ENDPOINT_VERIFICATION: 'handshake',
  VERIFICATION_ORIGIN: ORIGIN,
  VERIFICATION_RETRY_SECONDS: '1,1,1',
});

const newEventId = () => `evt_${randomUUID().replaceAll('-', '')}`;

async function setup(prefix = 'verify') {
  const { platform, sqs } = suite;
  const tenant = await platform.newTenant(prefix);
  const create = async (receiver: Receiver, extra: Record<string, unknown> = {}) => {
    const response = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], ...extra },
    });
    expect(response.status).toBe(201);
    // a receiver checks the challenge's signature once it knows the secret, as a real one would
    receiver.secrets.push(response.body.secret);
    return response.body;
  };
  const webhook = async (id: string) => (await platform.request('GET', `/v2/webhooks/${id}`, { key: tenant.key })).body;
  const publish = async (id = newEventId()) => {
    await sqs.publish({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: { verificationId: 'v' } });
    return id;
  };
  const stateOf = async (id: string, state: string) => (await webhook(id)).verification.state === state;
  return { platform, tenant, create, webhook, publish, stateOf };
}

describe('Endpoint verification (endpointVerification: handshake)', () => {
  it('a receiver that answers the OPTIONS handshake is verified, then receives deliveries', async () => {
    // Prepare
    const { create, webhook, publish, stateOf } = await setup();
    const receiver = await suite.receiver({ behaviour: { answers: 'handshake' } });

    // Act
    const created = await create(receiver);
    await waitFor(() => stateOf(created.id, 'verified'), { what: 'the handshake' });
    const eventId = await publish();

    // Assess
    await waitFor(() => receiver.deliveries.some((delivery) => delivery.eventId === eventId), { what: 'the event' });
    expect(created.verification).toMatchObject({ state: 'pending', attempts: 0, lastError: null });
    expect((await webhook(created.id)).verification).toMatchObject({
      state: 'verified',
      method: 'handshake',
      attempts: 1,
      verifiedAt: expect.any(String),
    });
    expect(receiver.challenges).toHaveLength(1);
    expect(receiver.challenges[0]).toMatchObject({ method: 'OPTIONS', path: '/hooks' });
    expect(receiver.challenges[0]!.headers['webhook-request-origin']).toBe(ORIGIN);
    expect(receiver.deliveries.every((delivery) => delivery.standardVerified)).toBe(true);
  });

  it('a receiver taking only POST echoes the signed challenge and is verified on the second challenge', async () => {
    // Prepare
    const { create, webhook, publish, stateOf } = await setup();
    const receiver = await suite.receiver({ behaviour: { answers: 'challenge' } });

    // Act
    const created = await create(receiver);
    await waitFor(() => stateOf(created.id, 'verified'), { what: 'the POST challenge' });
    const eventId = await publish();

    // Assess
    await waitFor(() => receiver.deliveries.some((delivery) => delivery.eventId === eventId), { what: 'the event' });
    expect((await webhook(created.id)).verification).toMatchObject({
      state: 'verified',
      method: 'challenge',
      attempts: 2,
    });
    // the handshake it ignored was answered like any request; the POST carried a valid signature
    expect(receiver.challenges).toEqual([expect.objectContaining({ method: 'POST', standardVerified: true })]);
  });

  it('a bystander answering 200 gets only challenges, then fails; recover sends its events once verified', async () => {
    // Prepare: the owner listens to webhook.verification_failed on a verified webhook of its own
    const { platform, tenant, create, webhook, publish, stateOf } = await setup('bystander');
    const owner = await suite.receiver();
    const ownerHook = await create(owner, { events: ['webhook.verification_failed'] });
    await waitFor(() => stateOf(ownerHook.id, 'verified'), { what: "the owner's webhook" });
    const bystander = await suite.receiver({ behaviour: { answers: 'none' } });

    // Act
    const created = await create(bystander);
    const eventId = await publish();
    await waitFor(() => stateOf(created.id, 'failed'), { what: 'the failed run' });
    await waitFor(async () => (await deliveryRecord(platform, created.id, eventId))?.status, { what: 'the log' });
    await sleep(1500); // anything sent after the run would arrive now

    // Assess: one request per challenge of the schedule, nothing else
    expect(bystander.deliveries.map((request) => request.eventType)).toEqual([
      '',
      'webhook.verification',
      '',
      'webhook.verification',
    ]);
    expect(bystander.deliveries.some((request) => request.eventId === eventId)).toBe(false);
    expect((await webhook(created.id)).verification).toMatchObject({
      state: 'failed',
      attempts: 4,
      lastError: 'POST answered 200 without echoing the challenge',
    });
    expect(await deliveryRecord(platform, created.id, eventId)).toMatchObject({
      status: 'skipped',
      reason: UNVERIFIED_DELIVERY_REASON,
    });
    await waitFor(() => owner.deliveries.some((delivery) => delivery.eventType === 'webhook.verification_failed'), {
      what: 'webhook.verification_failed',
    });
    const notice = owner.deliveries.find((delivery) => delivery.eventType === 'webhook.verification_failed')!;
    expect(JSON.parse(notice.body).data).toMatchObject({ webhookId: created.id, attempts: 4 });
    // test and recover refuse what would only be skipped
    const refused = await platform.request('POST', `/v2/webhooks/${created.id}/test`, { key: tenant.key, body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('endpoint_not_verified');

    // Act: the owner fixes the endpoint, verifies again, and recovers what was skipped
    bystander.behaviour.answers = 'both';
    const again = await platform.request('POST', `/v2/webhooks/${created.id}/verify`, { key: tenant.key });
    expect(again.status).toBe(202);
    expect(again.body.verification).toMatchObject({ state: 'pending', attempts: 0 });
    await waitFor(() => stateOf(created.id, 'verified'), { what: 'the second run' });
    const recovered = await platform.request('POST', `/v2/webhooks/${created.id}/recover`, {
      key: tenant.key,
      body: { since: new Date(Date.now() - 600_000).toISOString() },
    });

    // Assess
    expect(recovered.status).toBe(202);
    await waitFor(() => bystander.deliveries.some((delivery) => delivery.eventId === eventId), {
      what: 'the recovered event',
    });
    // a verified run may be started again at once (it stays bounded by its schedule)
    const restarted = await platform.request('POST', `/v2/webhooks/${created.id}/verify`, { key: tenant.key });
    expect(restarted.status).toBe(202);
  });

  it('a new URL is pending again: queued and new events wait, the new endpoint gets only the challenge', async () => {
    // Prepare
    const { platform, tenant, create, publish, stateOf } = await setup();
    const first = await suite.receiver();
    const second = await suite.receiver({ behaviour: { answers: 'none' } });
    const created = await create(first);
    await waitFor(() => stateOf(created.id, 'verified'), { what: 'the first endpoint' });
    second.secrets.push(created.secret);

    // Act
    const updated = await platform.request('PUT', `/v2/webhooks/${created.id}`, {
      key: tenant.key,
      body: { url: `${second.url}/hooks` },
    });
    const eventId = await publish();
    await waitFor(async () => (await deliveryRecord(platform, created.id, eventId))?.status, { what: 'the log' });

    // Assess
    expect(updated.body.verification).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await deliveryRecord(platform, created.id, eventId)).toMatchObject({ status: 'skipped' });
    expect(first.deliveries).toHaveLength(0);
    expect(second.deliveries.every((request) => request.eventId !== eventId)).toBe(true);
    // the same URL again is no change: the run is not restarted
    const same = await platform.request('PUT', `/v2/webhooks/${created.id}`, {
      key: tenant.key,
      body: { url: `${second.url}/hooks`, description: 'same endpoint' },
    });
    expect(same.body.verification.startedAt).toBe(updated.body.verification.startedAt);
  });

  it("WebHook-Allowed-Rate becomes the webhook's throttleRate, never above the tenant's", async () => {
    // Prepare
    const { create, webhook, stateOf } = await setup();
    const generous = await suite.receiver({ behaviour: { answers: 'handshake', allowedRate: 120 } });
    const strict = await suite.receiver({ behaviour: { answers: 'handshake', allowedRate: 6000 } });

    // Act
    const [open, capped] = [await create(generous), await create(strict, { throttleRate: 5 })];
    await waitFor(async () => (await stateOf(open.id, 'verified')) && stateOf(capped.id, 'verified'), {
      what: 'both handshakes',
    });

    // Assess
    expect((await webhook(open.id)).throttleRate).toBe(2);
    expect((await webhook(capped.id)).throttleRate).toBe(5);
  });

  it('a tenant with endpointVerification off is sent at once, with no challenge', async () => {
    // Prepare
    const { platform, tenant, create, publish } = await setup('unverified');
    const put = await signedRequest(platform.apiUrl, 'PUT', `/admin/tenants/${tenant.tenantId}`, {
      body: { settings: { endpointVerification: 'off' } },
    });
    expect(put.status).toBe(201);
    const receiver = await suite.receiver({ behaviour: { answers: 'none' } });

    // Act
    const created = await create(receiver);
    const eventId = await publish();

    // Assess
    expect(created.verification).toBeNull();
    await waitFor(() => receiver.deliveries.some((delivery) => delivery.eventId === eventId), { what: 'the event' });
    expect(receiver.challenges).toHaveLength(0);
    expect(receiver.deliveries.map((request) => request.eventType)).toEqual(['verification.completed']);
    const refused = await platform.request('POST', `/v2/webhooks/${created.id}/verify`, { key: tenant.key });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('verification_off');
  });

  it('POST …/verify is 404 for another tenant and 429 while a run has just started', async () => {
    const { platform, tenant, create } = await setup();
    const other = await platform.newTenant('other');
    const receiver = await suite.receiver({ behaviour: { answers: 'none' } });
    const created = await create(receiver);
    const foreign = await platform.request('POST', `/v2/webhooks/${created.id}/verify`, { key: other.key });
    const soon = await platform.request('POST', `/v2/webhooks/${created.id}/verify`, { key: tenant.key });
    expect(foreign.status).toBe(404);
    expect(soon.status).toBe(429);
    expect(soon.body.error.code).toBe('rate_limited');
    expect(Number(soon.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it("the README's receiver (examples/receiver) verifies itself either way and gets its events", async () => {
    // Prepare: the example as is, and behind a gateway that refuses OPTIONS (so it must echo the POST challenge)
    const { platform, tenant, publish, stateOf } = await setup('example');
    const secrets = new Map<string, string>();
    const received: ReceivedEvent[] = [];
    const servers = ['as-is', 'post-only'].map((mode) => {
      const handle = exampleReceiver(
        () => secrets.get(mode) ?? 'whsec_unknownunknownunknownunknownun',
        (event) => received.push(event),
      );
      return createServer((req, res) => {
        if (mode === 'post-only' && req.method === 'OPTIONS') {
          res.writeHead(405);
          res.end();
          return;
        }
        void handle(req, res);
      });
    });
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
    try {
      const ids: string[] = [];
      for (const [index, mode] of ['as-is', 'post-only'].entries()) {
        const { port } = servers[index]!.address() as AddressInfo;
        const created = await platform.request('POST', '/v2/webhooks', {
          key: tenant.key,
          body: { url: `http://127.0.0.1:${port}/`, events: ['verification.completed'] },
        });
        secrets.set(mode, created.body.secret);
        ids.push(created.body.id);
      }

      // Act
      await waitFor(async () => (await stateOf(ids[0]!, 'verified')) && stateOf(ids[1]!, 'verified'), {
        what: 'both example receivers',
      });
      const eventId = await publish();

      // Assess
      await waitFor(() => received.filter((event) => event.id === eventId).length === 2, { what: 'the event, twice' });
      const methods = await Promise.all(
        ids.map(async (id) => (await platform.request('GET', `/v2/webhooks/${id}`, { key: tenant.key })).body),
      );
      expect(methods.map((webhook) => webhook.verification.method)).toEqual(['handshake', 'challenge']);
    } finally {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });
});
