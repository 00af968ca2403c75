import { spawnSync } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type ReceivedDelivery, type Receiver } from '../../local/receiver';
import { verifyWebhook } from '../../verify';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let sqs: ReturnType<typeof producer>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  sqs = producer(platform);
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await platform.stop();
});

async function keyedWebhook(withKey = true) {
  const tenant = await platform.newTenant('ed25519');
  const receiver = await startReceiver();
  receivers.push(receiver);
  const { status, body: webhook } = await platform.request('POST', '/v2/webhooks', {
    key: tenant.key,
    body: {
      url: `${receiver.url}/hooks`,
      events: ['verification.completed'],
      ...(withKey ? { signing: { ed25519: true } } : {}),
    },
  });
  expect(status).toBe(201);
  const deliverOne = async (): Promise<ReceivedDelivery> => {
    const id = `evt_${randomUUID().replaceAll('-', '')}`;
    await sqs.publish({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: { n: 1 } });
    return waitFor(() => receiver.deliveries.find((delivery) => delivery.eventId === id), {
      what: `the delivery of ${id}`,
    });
  };
  return { tenant, webhook, deliverOne };
}

/** The public-keys route as a receiver calls it: no credential at all. */
const publicKeys = (webhookId: string) => platform.request('GET', `/v2/webhooks/${webhookId}/public-keys`);

const headersOf = (delivery: ReceivedDelivery) =>
  Object.fromEntries(
    ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(delivery.headers[name])]),
  );

/** Whether @noble/curves accepts one of the delivery's v1a signatures with this public key. */
function nobleAccepts(publicKey: string, delivery: ReceivedDelivery): boolean {
  const headers = headersOf(delivery);
  const content = new TextEncoder().encode(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${delivery.body}`);
  const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
  return headers['webhook-signature']!.split(' ')
    .filter((entry) => entry.startsWith('v1a,'))
    .some((entry) => ed25519.verify(Buffer.from(entry.slice(4), 'base64'), content, raw));
}

/** The README's Python snippet, run as written, or undefined where python3 with `cryptography` is missing. */
function pythonAccepts(publicKey: string, delivery: ReceivedDelivery): boolean | undefined {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const snippet = /<!-- receiver-snippet:python -->\n```python\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(snippet).toBeDefined();
  const harness =
    `${snippet}\nimport json, sys\nd = json.load(sys.stdin)\n` +
    'print(verify_v1a(d["publicKey"], d["headers"], d["body"].encode()))\n';
  const run = spawnSync('python3', ['-c', harness], {
    input: JSON.stringify({ publicKey, headers: headersOf(delivery), body: delivery.body }),
    encoding: 'utf8',
  });
  if (run.error || /No module named 'cryptography'/.test(run.stderr)) return undefined;
  expect(run.stderr).toBe('');
  return run.stdout.trim() === 'True';
}
const hasPython = spawnSync('python3', ['-c', 'import cryptography']).status === 0;

describe('ed25519 signatures (v1a)', () => {
  it('signs every delivery with v1 and v1a: verify, @noble/curves, the README Python snippet accept it', async () => {
    // Prepare
    const { webhook, deliverOne } = await keyedWebhook();

    // Act
    const delivery = await deliverOne();

    // Assess
    expect(webhook.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(
      String(delivery.headers['webhook-signature'])
        .split(' ')
        .map((entry) => entry.split(',')[0]),
    ).toEqual(['v1', 'v1a']);
    await expect(verifyWebhook(delivery.body, delivery.headers, { secret: webhook.secret })).resolves.toMatchObject({
      scheme: 'v1',
    });
    await expect(
      verifyWebhook(delivery.body, delivery.headers, { publicKey: webhook.publicKey }),
    ).resolves.toMatchObject({ scheme: 'v1a', id: delivery.eventId });
    expect(nobleAccepts(webhook.publicKey, delivery)).toBe(true);
    expect(pythonAccepts(webhook.publicKey, delivery)).toBe(hasPython ? true : undefined);
  });

  it('publishes the public key without a credential, and nothing else of the webhook', async () => {
    // Prepare
    const { webhook } = await keyedWebhook();

    // Act
    const { status, headers, body } = await publicKeys(webhook.id);

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({ webhookId: webhook.id, data: [{ publicKey: webhook.publicKey, expiresAt: null }] });
    expect(headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('rotates the key pair: both keys sign and are published for the grace period, the secret stays', async () => {
    // Prepare
    const { tenant, webhook, deliverOne } = await keyedWebhook();

    // Act
    const rotated = await platform.request('POST', `/v2/webhooks/${webhook.id}/rotate-secret`, {
      key: tenant.key,
      body: { type: 'ed25519', gracePeriodSeconds: 3600 },
    });
    const delivery = await deliverOne();
    const published = await publicKeys(webhook.id);

    // Assess
    expect(rotated.status).toBe(200);
    // the HMAC secret stays (shown only by an HMAC rotation) and still signs
    expect(rotated.body).not.toHaveProperty('secret');
    await expect(verifyWebhook(delivery.body, delivery.headers, { secret: webhook.secret })).resolves.toBeDefined();
    expect(rotated.body.publicKey).not.toBe(webhook.publicKey);
    expect(String(delivery.headers['webhook-signature']).split(' ')).toHaveLength(3);
    for (const publicKey of [rotated.body.publicKey, webhook.publicKey]) {
      expect(nobleAccepts(publicKey, delivery)).toBe(true);
      await expect(verifyWebhook(delivery.body, delivery.headers, { publicKey })).resolves.toBeDefined();
    }
    expect(published.body.data).toEqual([
      { publicKey: rotated.body.publicKey, expiresAt: null },
      { publicKey: webhook.publicKey, expiresAt: expect.any(String) },
    ]);
  });

  it('keeps the private key only sealed in the table', async () => {
    // Prepare
    const { tenant, webhook } = await keyedWebhook();

    // Act
    const { Item } = await platform.documentClient.send(
      new GetCommand({
        TableName: platform.tableName,
        Key: { pk: `TENANT#${tenant.tenantId}`, sk: `WEBHOOK#${webhook.id}` },
      }),
    );

    // Assess: an envelope (v1:<data key>:<iv>:<ciphertext>), none of whose parts is the private key
    const sealed = Item!.signingKey.sealedPrivateKey as string;
    expect(Item!.signingKey.publicKey).toBe(webhook.publicKey);
    expect(sealed).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/);
    const x = Buffer.from(webhook.publicKey.slice('whpk_'.length), 'base64').toString('base64url');
    for (const d of sealed.split(':').slice(1)) {
      expect(() => createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d, x }, format: 'jwk' })).toThrow();
    }
  });

  it('answers 404 for a webhook without a key, one whose key was removed, a deleted one, a malformed id', async () => {
    // Prepare
    const plain = await keyedWebhook(false);
    const removed = await keyedWebhook();
    const deleted = await keyedWebhook();

    // Act
    const update = await platform.request('PUT', `/v2/webhooks/${removed.webhook.id}`, {
      key: removed.tenant.key,
      body: { signing: { ed25519: false } },
    });
    await platform.request('DELETE', `/v2/webhooks/${deleted.webhook.id}`, { key: deleted.tenant.key });
    const delivery = await removed.deliverOne();

    // Assess
    expect(plain.webhook.publicKey).toBeNull();
    expect(update.body.publicKey).toBeNull();
    expect(String(delivery.headers['webhook-signature'])).not.toContain('v1a,');
    for (const id of [plain.webhook.id, removed.webhook.id, deleted.webhook.id, 'not-a-webhook']) {
      const { status, body } = await publicKeys(id);
      expect(status).toBe(404);
      expect(body.error).toMatchObject({ code: 'not_found', message: 'No public keys are published for this webhook' });
    }
  });
});
