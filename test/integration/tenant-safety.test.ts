import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryLogWriter } from '../../lambdas/adapters/delivery-log-writer';
import { aTask } from '../helpers/factories';
import { deliveryRecord, waitFor } from '../helpers/pipeline';
import { pipelineSuite } from '../helpers/pipeline-suite';

/**
 * Findings of the tenant-safety audit, each against the local stack: what one tenant can no longer do to the others.
 */
// two attempts a second apart, so that failed deliveries are quick to make; a breaker that stays closed
const suite = pipelineSuite({ BREAKER_FAILURE_THRESHOLD: '1000' }, { retryScheduleSeconds: [1] });
const servers: Server[] = [];
afterAll(() => {
  for (const server of servers) server.close();
});

async function tenantWithWebhook(url?: string) {
  const tenant = await suite.platform.newTenant('safety');
  const receiver = await suite.receiver();
  const { body: webhook } = await suite.platform.request('POST', '/v2/webhooks', {
    key: tenant.key,
    body: { url: url ?? `${receiver.url}/hooks`, events: ['verification.completed'] },
  });
  const publish = async () => {
    const id = `evt_${randomUUID().replaceAll('-', '')}`;
    await suite.sqs.publish({
      tenantId: tenant.tenantId,
      id,
      type: 'verification.completed',
      data: { verificationId: 'ver_1' },
    });
    return id;
  };
  const detail = async (eventId: string) =>
    (await suite.platform.request('GET', `/v2/webhooks/${webhook.id}/deliveries/${eventId}`, { key: tenant.key })).body;
  return { tenant, webhook, receiver, publish, detail };
}

describe('A delivery record stays bounded', () => {
  it(
    'keeps 25 attempts (the first 5, the latest 20) and counts them all, at a few KB after 150 attempts with 3 KB ' +
      'answers',
    async () => {
      // Prepare: what 150 attempts whose receiver answered 1,024 invalid UTF-8 bytes (each decoded to 3 bytes of
      // U+FFFD) would write
      const writer = new DynamoDeliveryLogWriter(suite.platform.documentClient, suite.platform.tableName, 30);
      const task = aTask({
        webhookId: `webhook_${randomUUID().replaceAll('-', '').slice(0, 26)}`,
        eventId: `evt_${randomUUID().replaceAll('-', '')}`,
      });
      const answer = Buffer.alloc(1024, 0xff).toString('utf8');
      const attempt = (index: number) => ({
        at: new Date(Date.now() + index).toISOString(),
        trigger: 'manual' as const,
        statusCode: 500,
        durationMs: index,
        response: answer,
      });

      // Act
      await writer.recordAll([
        { fromMessageId: 'm0', task, update: { status: 'failed', attempt: attempt(0) }, firstWrite: true },
      ]);
      for (let index = 1; index < 150; index += 1) {
        expect(
          await writer.recordAll([
            {
              fromMessageId: `m${index}`,
              task,
              update: { status: 'failed', attempt: attempt(index) },
              firstWrite: false,
            },
          ]),
        ).toEqual(new Set());
      }

      // Assess
      const { Item } = await suite.platform.documentClient.send(
        new GetCommand({
          TableName: suite.platform.tableName,
          Key: { pk: `WEBHOOK#${task.webhookId}`, sk: `DELIVERY#${task.receivedAt}#${task.eventId}` },
        }),
      );
      expect(Item!.attemptCount).toBe(150);
      expect(Item!.attempts.map((kept: { durationMs: number }) => kept.durationMs)).toEqual([
        0,
        1,
        2,
        3,
        4,
        ...Array.from({ length: 20 }, (_, index) => 130 + index),
      ]);
      for (const kept of Item!.attempts) expect(Buffer.byteLength(kept.response)).toBeLessThanOrEqual(1024);
      const itemBytes = Buffer.byteLength(JSON.stringify(marshall(Item!)));
      expect(itemBytes).toBeLessThan(40_000);
    },
  );

  it("keeps the receiver's answer to 1,024 bytes of UTF-8, also when it is not UTF-8 at all", async () => {
    // Prepare: an endpoint answering 500 with 2 KB of bytes that are not UTF-8
    const server = createServer((_, response) => {
      response.writeHead(500, { 'content-type': 'application/octet-stream' });
      response.end(Buffer.alloc(2048, 0xff));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { publish, detail } = await tenantWithWebhook(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    );

    // Act
    const eventId = await publish();

    // Assess
    const delivery = await waitFor(
      async () => {
        const found = await detail(eventId);
        return found?.status === 'failed' && found;
      },
      { what: 'the failed delivery' },
    );
    expect(Buffer.byteLength(delivery.attempts[0].response)).toBeLessThanOrEqual(1024);
    expect(delivery.attempts[0].response.length).toBeGreaterThan(300);
  });
});

describe('Manual actions are bounded', () => {
  it(
    'runs one recovery per webhook: of five concurrent requests one is accepted, four are 409, and each failed ' +
      'delivery is sent once',
    async () => {
      // Prepare: 6 failed deliveries, then the endpoint recovers
      const { tenant, webhook, receiver, publish, detail } = await tenantWithWebhook();
      receiver.behaviour = { failRate: 1, status: 500 };
      const failed = await Promise.all(Array.from({ length: 6 }, () => publish()));
      for (const eventId of failed)
        await waitFor(async () => (await detail(eventId))?.status === 'failed', { what: `${eventId} to fail` });
      receiver.behaviour = {};
      const since = new Date(Date.now() - 3600_000).toISOString();

      // Act
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          suite.platform.request('POST', `/v2/webhooks/${webhook.id}/recover`, { key: tenant.key, body: { since } }),
        ),
      );

      // Assess
      expect(answers.map((answer) => answer.status).sort()).toEqual([202, 409, 409, 409, 409]);
      const accepted = answers.find((answer) => answer.status === 202)!.body;
      for (const refused of answers.filter((answer) => answer.status === 409)) {
        expect(refused.body.error).toMatchObject({
          code: 'recovery_in_progress',
          message: expect.stringContaining(accepted.recoveryId),
        });
      }
      for (const eventId of failed)
        await waitFor(async () => (await detail(eventId))?.status === 'delivered', { what: `${eventId} recovered` });
      const sentAfterRecovery = receiver.deliveries.filter((delivery) => delivery.answeredStatus === 200);
      expect(sentAfterRecovery.map((delivery) => delivery.eventId).sort()).toEqual([...failed].sort());
      // the recovery ended, so the webhook can be recovered again
      await waitFor(
        async () =>
          (
            await suite.platform.request('POST', `/v2/webhooks/${webhook.id}/recover`, {
              key: tenant.key,
              body: { since },
            })
          ).status === 202,
        {
          what: 'a second recovery once the first ended',
        },
      );
    },
  );

  it(
    'throttles the manual retry of one delivery: a second one within 30 s is 429 rate_limited with Retry-After, and ' +
      'sends nothing',
    async () => {
      // Prepare
      const { tenant, webhook, receiver, publish, detail } = await tenantWithWebhook();
      const eventId = await publish();
      await waitFor(async () => (await detail(eventId))?.status === 'delivered', { what: 'the delivery' });
      const retry = () =>
        suite.platform.request('POST', `/v2/webhooks/${webhook.id}/deliveries/${eventId}/retry`, { key: tenant.key });

      // Act
      const first = await retry();
      const second = await retry();

      // Assess
      expect(first.status).toBe(202);
      expect(second.status).toBe(429);
      expect(second.body.error).toMatchObject({
        code: 'rate_limited',
        message: expect.stringMatching(/retried less than 30 s ago/),
      });
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(30);
      await waitFor(() => receiver.deliveries.filter((delivery) => delivery.eventId === eventId).length === 2, {
        what: 'the one manual attempt',
      });
    },
  );
});

describe('Hostile input changes nothing and is never a 500', () => {
  const create = (key: string, rawBody: string) =>
    suite.platform.request('POST', '/v2/webhooks', { key, rawBody, headers: { 'content-type': 'application/json' } });

  it.each([
    [
      'a lone surrogate in a filter path',
      '{"url":"https://example.com/h","events":["verification.completed"],"filter":{"\\ud800":["x"]}}',
      'filter.\ud800',
    ],
    [
      'a lone surrogate in a filter value',
      '{"url":"https://example.com/h","events":["verification.completed"],"filter":{"projectId":["\\udfff"]}}',
      'filter.projectId.0',
    ],
    [
      'a lone surrogate in the description',
      '{"url":"https://example.com/h","events":["verification.completed"],"description":"x\\ud800"}',
      'description',
    ],
  ])('refuses %s with a 400 that names the field', async (_, rawBody, path) => {
    const { key } = await suite.platform.newTenant('hostile');
    const response = await create(key, rawBody);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_error',
      details: [{ path, message: expect.stringMatching(/well-formed/) }],
    });
    expect((await suite.platform.request('GET', '/v2/webhooks', { key })).body.data).toEqual([]);
  });

  it('refuses __proto__ as a filter path with a message that says so', async () => {
    const { key } = await suite.platform.newTenant('hostile');
    const response = await create(
      key,
      '{"url":"https://example.com/h","events":["verification.completed"],"filter":{"__proto__":["x"]}}',
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_error',
      message: expect.stringMatching(/"__proto__" is never accepted as a key/),
    });
  });

  it('refuses a filter path or value longer than 256 characters', async () => {
    const { key } = await suite.platform.newTenant('hostile');
    const longPath = await suite.platform.request('POST', '/v2/webhooks', {
      key,
      body: { url: 'https://example.com/h', events: ['verification.completed'], filter: { ['p'.repeat(257)]: ['x'] } },
    });
    const longValue = await suite.platform.request('POST', '/v2/webhooks', {
      key,
      body: {
        url: 'https://example.com/h',
        events: ['verification.completed'],
        filter: { projectId: ['v'.repeat(257)] },
      },
    });
    expect(longPath.status).toBe(400);
    expect(longValue.body.error.details).toEqual([
      { path: 'filter.projectId.0', message: 'must be at most 256 characters' },
    ]);
  });

  it('refuses a recovery whose until is in the future, naming until', async () => {
    const { tenant, webhook } = await tenantWithWebhook();
    const response = await suite.platform.request('POST', `/v2/webhooks/${webhook.id}/recover`, {
      key: tenant.key,
      body: {
        since: new Date(Date.now() - 60_000).toISOString(),
        until: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ path: 'until', message: 'must not be in the future' }]);
  });
});

describe('A paused webhook keeps what a recovery will look for', () => {
  it('leaves a failed record failed when a manual attempt for it meets a paused webhook', async () => {
    // Prepare
    const { tenant, webhook, receiver, publish, detail } = await tenantWithWebhook();
    receiver.behaviour = { failRate: 1, status: 500 };
    const eventId = await publish();
    await waitFor(async () => (await detail(eventId))?.status === 'failed', { what: 'the failed delivery' });
    const retried = await suite.platform.request('POST', `/v2/webhooks/${webhook.id}/deliveries/${eventId}/retry`, {
      key: tenant.key,
    });

    // Act: paused right after the retry was queued, before deliver takes it
    await suite.platform.request('PUT', `/v2/webhooks/${webhook.id}`, { key: tenant.key, body: { active: false } });

    // Assess
    expect(retried.status).toBe(202);
    await waitFor(async () => (await suite.sqs.depth(suite.platform.queues.deliveries.queueUrl)) === 0, {
      what: 'deliver to take the manual attempt',
    });
    const record = await deliveryRecord(suite.platform, webhook.id, eventId);
    expect(record!.status).toBe('failed');
  });
});
