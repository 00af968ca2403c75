import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ed25519 } from '@noble/curves/ed25519.js';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { localClientConfig } from '../../local/local-settings';
import { verifyWebhook } from '../../verify';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let sqs: SQSClient;
const receivers: Receiver[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  sqs = new SQSClient(localClientConfig(process.env.AWS_ENDPOINT_URL_SQS!));
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await platform.stop();
});

const aSecret = (fill: number) => `whsec_${Buffer.alloc(32, fill).toString('base64')}`;

/** The webhook's item as anyone who can read the table sees it. */
async function rawItem(tenantId: string, webhookId: string) {
  const { Item } = await platform.documentClient.send(
    new GetCommand({ TableName: platform.tableName, Key: { pk: `TENANT#${tenantId}`, sk: `WEBHOOK#${webhookId}` } }),
  );
  return Item!;
}

/** Neither the secret nor its key bytes (base64 or hex) are anywhere in the item. */
function expectNoSecretIn(item: Record<string, unknown>, secret: string) {
  const text = JSON.stringify(item);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  for (const form of [secret, secret.slice('whsec_'.length), key.toString('base64url'), key.toString('hex')])
    expect(text).not.toContain(form);
}

const signatureHeaders = (headers: Record<string, unknown>) =>
  Object.fromEntries(
    ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(headers[name])]),
  );

/** @noble/curves, independent of the platform's signer and of our verify entry, accepts one of the v1a entries. */
function nobleAccepts(publicKey: string, body: string, headers: Record<string, string>): boolean {
  const content = new TextEncoder().encode(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`);
  const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
  return headers['webhook-signature']!.split(' ')
    .filter((entry) => entry.startsWith('v1a,'))
    .some((entry) => ed25519.verify(Buffer.from(entry.slice(4), 'base64'), content, raw));
}

async function httpWebhook(body: Record<string, unknown> = {}) {
  const tenant = await platform.newTenant('sealed');
  const receiver = await startReceiver();
  receivers.push(receiver);
  const created = await platform.request('POST', '/v2/webhooks', {
    key: tenant.key,
    body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], ...body },
  });
  expect(created.status).toBe(201);
  const deliverOne = async () => {
    const id = `evt_${randomUUID().replaceAll('-', '')}`;
    await producer(platform).publish({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: {} });
    const delivery = await waitFor(() => receiver.deliveries.find((each) => each.eventId === id), {
      what: `the delivery of ${id}`,
    });
    return { body: delivery.body, headers: signatureHeaders(delivery.headers) };
  };
  return { tenant, webhook: created.body, deliverOne };
}

describe('HMAC signing secrets sealed at rest', () => {
  it('keeps no secret readable in the table, current or previous; shows it only on create and rotation', async () => {
    // Prepare
    const own = aSecret(1);
    const { tenant, webhook } = await httpWebhook({ secret: own });

    // Act
    const rotated = await platform.request('POST', `/v2/webhooks/${webhook.id}/rotate-secret`, {
      key: tenant.key,
      body: { gracePeriodSeconds: 3600 },
    });
    const item = await rawItem(tenant.tenantId, webhook.id);
    const got = await platform.request('GET', `/v2/webhooks/${webhook.id}`, { key: tenant.key });
    const listed = await platform.request('GET', '/v2/webhooks', { key: tenant.key });
    const updated = await platform.request('PUT', `/v2/webhooks/${webhook.id}`, {
      key: tenant.key,
      body: { description: 'x' },
    });

    // Assess
    expect(webhook.secret).toBe(own);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(item).not.toHaveProperty('secret');
    expect(item).not.toHaveProperty('previousSecret');
    expect(item.sealedSecret).toMatch(/^s1:/);
    expect(item.previousSealedSecret).toMatch(/^s1:/);
    expectNoSecretIn(item, own);
    expectNoSecretIn(item, rotated.body.secret);
    // the tenant's data key is stored once, encrypted: 32 bytes in clear would be the key itself
    const { Item: tenantKey } = await platform.documentClient.send(
      new GetCommand({ TableName: platform.tableName, Key: { pk: `TENANT#${tenant.tenantId}`, sk: 'SECRETSKEY' } }),
    );
    expect(tenantKey!.encryptedKey.length).toBeGreaterThan(32);
    for (const answer of [got.body, listed.body.data[0], updated.body]) expect(answer).not.toHaveProperty('secret');
  });

  it('signs deliveries standardwebhooks verifies with the current and, in the grace period, old secret', async () => {
    // Prepare
    const { tenant, webhook, deliverOne } = await httpWebhook();
    const before = await deliverOne();

    // Act
    const rotated = await platform.request('POST', `/v2/webhooks/${webhook.id}/rotate-secret`, {
      key: tenant.key,
      body: { gracePeriodSeconds: 3600 },
    });
    const after = await deliverOne();

    // Assess
    expect(() => new StandardWebhook(webhook.secret).verify(before.body, before.headers)).not.toThrow();
    expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const secret of [webhook.secret, rotated.body.secret])
      expect(() => new StandardWebhook(secret).verify(after.body, after.headers)).not.toThrow();
  });

  it('keeps signing a webhook whose secrets were stored in clear; seals them on its next write', async () => {
    // Prepare: the item as an older version wrote it, the secrets in clear (and the webhooks version raised, as
    // that version's writes did, so fan-out reads the item again)
    const { tenant, webhook, deliverOne } = await httpWebhook();
    const [clear, previous] = [aSecret(7), aSecret(8)];
    const pk = `TENANT#${tenant.tenantId}`;
    await platform.documentClient.send(
      new UpdateCommand({
        TableName: platform.tableName,
        Key: { pk, sk: `WEBHOOK#${webhook.id}` },
        UpdateExpression:
          'SET secret = :clear, previousSecret = :previous, previousSecretExpiresAt = :until REMOVE sealedSecret',
        ExpressionAttributeValues: {
          ':clear': clear,
          ':previous': previous,
          ':until': new Date(Date.now() + 3_600_000).toISOString(),
        },
      }),
    );
    await platform.documentClient.send(
      new UpdateCommand({
        TableName: platform.tableName,
        Key: { pk, sk: 'WEBHOOKCOUNT' },
        UpdateExpression: 'ADD webhooksVersion :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    const inClear = await deliverOne();

    // Act
    const updated = await platform.request('PUT', `/v2/webhooks/${webhook.id}`, {
      key: tenant.key,
      body: { description: 'any change' },
    });
    const item = await rawItem(tenant.tenantId, webhook.id);
    const sealed = await deliverOne();

    // Assess
    expect(updated.status).toBe(200);
    expect(item).not.toHaveProperty('secret');
    expect(item).not.toHaveProperty('previousSecret');
    expect(item.sealedSecret).toMatch(/^s1:/);
    expectNoSecretIn(item, clear);
    expectNoSecretIn(item, previous);
    for (const delivery of [inClear, sealed])
      for (const secret of [clear, previous])
        expect(() => new StandardWebhook(secret).verify(delivery.body, delivery.headers)).not.toThrow();
  });
});

describe('v1a beyond HTTP', () => {
  it('signs SQS message attributes with v1, v1a: standardwebhooks, @noble/curves, verify accept them', async () => {
    // Prepare
    const tenant = await platform.newTenant('sealed');
    const { QueueUrl: queueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `customer-${randomUUID().slice(0, 8)}` }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const created = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: {
        destination: { type: 'sqs', queueArn: Attributes!.QueueArn },
        events: ['verification.completed'],
        signing: { ed25519: true },
      },
    });
    expect(created.status).toBe(201);

    // Act
    const id = `evt_${randomUUID().replaceAll('-', '')}`;
    await producer(platform).publish({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: {} });
    const message = await waitFor(
      async () =>
        (
          await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
          )
        ).Messages?.[0],
      { what: 'the message in the customer queue' },
    );

    // Assess
    const headers = Object.fromEntries(
      Object.entries(message.MessageAttributes!).map(([name, value]) => [name, value.StringValue!]),
    );
    expect(headers['webhook-signature']!.split(' ').map((entry) => entry.split(',')[0])).toEqual(['v1', 'v1a']);
    expect(() => new StandardWebhook(created.body.secret).verify(message.Body!, headers)).not.toThrow();
    expect(nobleAccepts(created.body.publicKey, message.Body!, headers)).toBe(true);
    await expect(verifyWebhook(message.Body!, headers, { publicKey: created.body.publicKey })).resolves.toMatchObject({
      scheme: 'v1a',
      id,
    });
  });
});
