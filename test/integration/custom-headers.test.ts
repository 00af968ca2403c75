import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let sqs: ReturnType<typeof producer>;
let receiver: Receiver;

beforeAll(async () => {
  platform = await startTestPlatform();
  sqs = producer(platform);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.stop();
  await platform.stop();
});

const headers = { Authorization: 'Bearer gateway-key-123', 'X-Team': 'payments  eu' };

async function webhookWith(body: Record<string, unknown>) {
  const tenant = await platform.newTenant('headers');
  const created = await platform.request('POST', '/v2/webhooks', {
    key: tenant.key,
    body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], ...body },
  });
  const publish = async () => {
    const id = `evt_${randomUUID().replaceAll('-', '')}`;
    await sqs.publish({
      tenantId: tenant.tenantId,
      id,
      type: 'verification.completed',
      data: { verificationId: 'ver_1' },
    });
    return waitFor(() => receiver.deliveries.find((delivery) => delivery.eventId === id), {
      what: `the delivery of ${id}`,
    });
  };
  return { tenant, created, publish };
}

describe('Custom headers of a webhook', () => {
  it('sends them with every delivery, next to the signatures, which still verify', async () => {
    const { created, publish } = await webhookWith({ headers });
    receiver.secrets.push(created.body.secret);

    const delivery = await publish();

    expect(delivery.headers.authorization).toBe('Bearer gateway-key-123');
    expect(delivery.headers['x-team']).toBe('payments  eu');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.standardVerified).toBe(true);
    expect(delivery.githubVerified).toBe(true);
  });

  it('shows them with the webhook, like its secret, and never in the list or in the delivery log', async () => {
    const { tenant, created, publish } = await webhookWith({ headers });
    const delivery = await publish();

    const shown = await platform.request('GET', `/v2/webhooks/${created.body.id}`, { key: tenant.key });
    const listed = await platform.request('GET', '/v2/webhooks', { key: tenant.key });
    const logged = await waitFor(async () => {
      const response = await platform.request('GET', `/v2/webhooks/${created.body.id}/deliveries/${delivery.eventId}`, {
        key: tenant.key,
      });
      return response.body?.status === 'delivered' && response;
    });

    expect(created.body.headers).toEqual(headers);
    expect(shown.body.headers).toEqual(headers);
    expect(listed.body.data[0]).not.toHaveProperty('headers');
    expect(JSON.stringify(listed.body)).not.toContain('gateway-key-123');
    expect(JSON.stringify(logged.body)).not.toContain('gateway-key-123');
  });

  it('replaces them on update, and removes them with null, from the next delivery on', async () => {
    const { tenant, created, publish } = await webhookWith({ headers });

    const replaced = await platform.request('PUT', `/v2/webhooks/${created.body.id}`, {
      key: tenant.key,
      body: { headers: { 'X-Only': 'this' } },
    });
    const afterReplace = await publish();
    const removed = await platform.request('PUT', `/v2/webhooks/${created.body.id}`, {
      key: tenant.key,
      body: { headers: null },
    });
    const afterRemove = await publish();

    expect(replaced.body.headers).toEqual({ 'X-Only': 'this' });
    expect(afterReplace.headers['x-only']).toBe('this');
    expect(afterReplace.headers['x-team']).toBeUndefined();
    expect(removed.body.headers).toEqual({});
    expect(afterRemove.headers['x-only']).toBeUndefined();
  });

  it.each([
    ['Content-Type', 'application/xml', /reserved/],
    ['webhook-signature', 'v1,forged', /reserved: the platform sets the webhook-\* headers/],
    ['X-Verifik-Signature', 'sha256=00', /reserved/],
    ['Transfer-Encoding', 'chunked', /reserved/],
    ['Host', 'evil.example', /reserved/],
    ['Bad Name', 'x', /must be an HTTP header name/],
    ['X-Split', 'a\r\nX-Injected: 1', /visible ASCII/],
    ['X-Long', 'v'.repeat(1025), /at most 1024 characters/],
    // a 500 internal_error once: the document client could not store the map
    ['constructor', 'x', /"constructor" is never accepted as a key/],
    ['X-HTTP-Method-Override', 'DELETE', /another method/],
    ['X-Method-Override', 'PUT', /another method/],
    ['Origin', 'https://evil.example', /proxies and the route/],
    ['Via', '1.1 proxy', /proxies and the route/],
    ['Proxy', 'http://evil.example', /proxies and the route/],
    ['Max-Forwards', '0', /proxies and the route/],
    ['Range', 'bytes=0-1', /framed, encoded or conditioned/],
    ['Content-Range', 'bytes 0-1/2', /framed, encoded or conditioned/],
    ['If-Match', '"x"', /framed, encoded or conditioned/],
    ['Date', 'Tue, 15 Nov 1994 08:12:31 GMT', /framed, encoded or conditioned/],
    ['Accept-Encoding', 'gzip', /framed, encoded or conditioned/],
  ])('refuses %j with a 400 that says why, and creates nothing', async (name, value, message) => {
    const { tenant, created } = await webhookWith({ headers: { [name]: value } });

    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({
      code: 'validation_error',
      details: [{ path: expect.stringContaining('headers'), message: expect.stringMatching(message) }],
    });
    expect((await platform.request('GET', '/v2/webhooks', { key: tenant.key })).body.data).toEqual([]);
  });

  it('refuses headers over 4 KB in all, which a default Node receiver would answer with 431', async () => {
    const large = Object.fromEntries(Array.from({ length: 5 }, (_, index) => [`X-H${index}`, 'v'.repeat(1000)]));
    const { tenant, created } = await webhookWith({ headers: large });
    expect(created.status).toBe(400);
    expect(created.body.error.details).toEqual([
      {
        path: 'headers',
        message: 'must total at most 4096 bytes of names and values (receivers refuse larger headers with 431)',
      },
    ]);
    const update = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], headers: { 'X-H0': 'v'.repeat(1000) } },
    });
    expect(update.status).toBe(201);
  });

  it('keeps a webhook item a few KB whatever its owner PUTs: largest headers, filter, description, URL', async () => {
    // Prepare: each field at its limit (4 KB of headers, a filter just under 4 KB of JSON)
    const { tenant, created } = await webhookWith({});
    const largest = {
      url: `${receiver.url}/${'p'.repeat(2000)}`,
      description: 'd'.repeat(512),
      headers: Object.fromEntries(Array.from({ length: 4 }, (_, index) => [`X-H${index}`, 'v'.repeat(1000)])),
      filter: Object.fromEntries(
        Array.from({ length: 10 }, (_, path) => [`p${path}`, Array.from({ length: 3 }, () => 'f'.repeat(120))]),
      ),
    };

    // Act: twice, as the audit did
    for (let round = 0; round < 2; round += 1) {
      const updated = await platform.request('PUT', `/v2/webhooks/${created.body.id}`, {
        key: tenant.key,
        body: largest,
      });
      expect(updated.status).toBe(200);
    }

    // Assess: the stored item, as DynamoDB sizes it roughly (its JSON), under 16 KB (it reached 89 KB)
    const { Item } = await platform.documentClient.send(
      new GetCommand({
        TableName: platform.tableName,
        Key: { pk: `TENANT#${tenant.tenantId}`, sk: `WEBHOOK#${created.body.id}` },
      }),
    );
    expect(Item?.headers).toEqual(largest.headers);
    expect(Buffer.byteLength(JSON.stringify(Item))).toBeLessThan(16_384);
  });

  it('refuses more than 20 headers, and the same name twice in other cases', async () => {
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`X-H${index}`, 'v']));
    expect((await webhookWith({ headers: many })).created.body.error.details).toEqual([
      { path: 'headers', message: 'must hold at most 20 headers' },
    ]);
    expect((await webhookWith({ headers: { 'X-A': '1', 'x-a': '2' } })).created.body.error.details).toEqual([
      { path: 'headers.x-a', message: 'names a header twice (names are case-insensitive)' },
    ]);
  });
});
