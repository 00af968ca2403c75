import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/adapters/table-keys';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer, sleep, waitFor } from '../helpers/pipeline';
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

const projectFilter = (projectId: string) => ({ projectId: [projectId] });

async function subscriber(key: string, filter?: Record<string, unknown>) {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const body = { url: `${receiver.url}/hooks`, events: ['verification.completed'], ...(filter ? { filter } : {}) };
  const created = await platform.request('POST', '/v2/webhooks', { key, body });
  expect(created.status).toBe(201);
  receiver.secrets.push(created.body.secret);
  return { receiver, webhook: created.body };
}

const verificationEvent = (tenantId: string, projectId: string) => ({
  tenantId,
  id: `evt_${randomUUID().replaceAll('-', '')}`,
  type: 'verification.completed',
  data: {
    verificationId: 'ver_1',
    userId: 'user_1',
    projectId,
    status: 'completed',
    metadata: { documentType: 'passport', country: 'US' },
  },
});

const eventIdsAt = (receiver: Receiver) => receiver.deliveries.map((delivery) => delivery.eventId).sort();

describe('Webhook filters through the API', () => {
  it('shows the filter in the create, get, list and update answers, and null once removed', async () => {
    // Prepare
    const tenant = await platform.newTenant();
    const filter = { projectId: ['proj_A', 'proj_B'], 'metadata.country': ['US'], 'metadata.attempt': [1, true] };

    // Act
    const created = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: 'https://example.com/h', events: ['verification.completed'], filter },
    });
    const path = `/v2/webhooks/${created.body.id}`;
    const fetched = await platform.request('GET', path, { key: tenant.key });
    const listed = await platform.request('GET', '/v2/webhooks', { key: tenant.key });
    const replaced = await platform.request('PUT', path, {
      key: tenant.key,
      body: { filter: { projectId: ['proj_C'] } },
    });
    const removed = await platform.request('PUT', path, { key: tenant.key, body: { filter: null } });

    // Assess
    expect(created.status).toBe(201);
    expect(created.body.filter).toEqual(filter);
    expect(fetched.body.filter).toEqual(filter);
    expect(listed.body.data[0].filter).toEqual(filter);
    expect(replaced.body.filter).toEqual({ projectId: ['proj_C'] });
    expect(removed.status).toBe(200);
    expect(removed.body.filter).toBeNull();
    expect((await platform.request('GET', path, { key: tenant.key })).body.filter).toBeNull();
    const { Item } = await platform.documentClient.send(
      new GetCommand({
        TableName: platform.tableName,
        Key: { pk: keys.tenant(tenant.tenantId), sk: keys.webhook(created.body.id) },
      }),
    );
    expect(Item).not.toHaveProperty('filter');
  });

  it('shows filter: null for a webhook created without one', async () => {
    const tenant = await platform.newTenant();
    const created = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: 'https://example.com/h', events: ['verification.completed'] },
    });
    expect(created.body.filter).toBeNull();
  });

  it.each([
    ['an empty segment', { 'metadata..country': ['US'] }, ['filter.metadata..country']],
    [
      'more than 10 paths',
      Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`key${index}`, ['x']])),
      ['filter'],
    ],
    ['an empty list', { projectId: [] }, ['filter.projectId']],
    ['an object among the values', { projectId: ['a', 'b', 'c', { id: 'p' }] }, ['filter.projectId.3']],
    ['an array among the values', { projectId: [['p']] }, ['filter.projectId.0']],
    [
      'more than 50 values',
      { projectId: Array.from({ length: 51 }, (_, index) => `proj_${index}`) },
      ['filter.projectId'],
    ],
    ['six segments', { 'a.b.c.d.e.f': ['x'] }, ['filter.a.b.c.d.e.f']],
  ])('refuses %s with validation_error on create and update, and changes nothing', async (_, filter, paths) => {
    // Prepare
    const tenant = await platform.newTenant();
    const existing = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: 'https://example.com/h', events: ['verification.completed'], filter: projectFilter('proj_A') },
    });

    // Act
    const created = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: 'https://example.com/h', events: ['verification.completed'], filter },
    });
    const updated = await platform.request('PUT', `/v2/webhooks/${existing.body.id}`, {
      key: tenant.key,
      body: { filter, description: 'changed' },
    });

    // Assess
    for (const response of [created, updated]) {
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_error');
      expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(paths);
    }
    const listed = await platform.request('GET', '/v2/webhooks', { key: tenant.key });
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).toMatchObject({ filter: projectFilter('proj_A'), description: null });
  });
});

describe('Webhook filters in fan-out', () => {
  it('delivers each event only to the webhooks whose filter it passes, and to the unfiltered one', async () => {
    // Prepare
    const tenant = await platform.newTenant('projects');
    const projectA = await subscriber(tenant.key, projectFilter('proj_A'));
    const projectB = await subscriber(tenant.key, projectFilter('proj_B'));
    const everything = await subscriber(tenant.key);
    const [forA, forB, forNeither] = [
      verificationEvent(tenant.tenantId, 'proj_A'),
      verificationEvent(tenant.tenantId, 'proj_B'),
      verificationEvent(tenant.tenantId, 'proj_C'),
    ];

    // Act
    for (const event of [forA, forB, forNeither]) await sqs.publish(event);

    // Assess
    await waitFor(
      () =>
        everything.receiver.deliveries.length === 3 &&
        projectA.receiver.deliveries.length === 1 &&
        projectB.receiver.deliveries.length === 1,
      {
        what: 'the five deliveries',
      },
    );
    await sleep(1000); // anything wrongly queued would arrive by now
    expect(eventIdsAt(projectA.receiver)).toEqual([forA.id]);
    expect(eventIdsAt(projectB.receiver)).toEqual([forB.id]);
    expect(eventIdsAt(everything.receiver)).toEqual([forA.id, forB.id, forNeither.id].sort());
    for (const { receiver } of [projectA, projectB, everything]) {
      for (const delivery of receiver.deliveries)
        expect(delivery).toMatchObject({ standardVerified: true, githubVerified: true });
    }
  });

  it('delivers every event again once the filter is removed with null', async () => {
    // Prepare
    const tenant = await platform.newTenant('unfilter');
    const scoped = await subscriber(tenant.key, projectFilter('proj_A'));
    const witness = await subscriber(tenant.key);
    const before = verificationEvent(tenant.tenantId, 'proj_B');
    await sqs.publish(before);
    await waitFor(() => witness.receiver.deliveries.length === 1, { what: 'fan-out of the event before the change' });

    // Act
    const removed = await platform.request('PUT', `/v2/webhooks/${scoped.webhook.id}`, {
      key: tenant.key,
      body: { filter: null },
    });
    const after = verificationEvent(tenant.tenantId, 'proj_B');
    await sqs.publish(after);

    // Assess
    expect(removed.body.filter).toBeNull();
    await waitFor(() => scoped.receiver.deliveries.length > 0, { what: 'the delivery after the filter was removed' });
    await sleep(500);
    expect(eventIdsAt(scoped.receiver)).toEqual([after.id]);
  });
});
