import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/adapters/table-keys';
import { ROUTES } from '../../lambdas/api/routes';
import { aDeliveryRecord, anEvent } from '../helpers/factories';
import { seedLog } from '../helpers/log-seed';
import { openApiValidator } from '../helpers/openapi-validator';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

interface Exchange {
  method: string;
  path: string;
  status: number;
  /** Defaults to the tenant's key; null sends none. */
  key?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

const MAX_WEBHOOKS = 5;
let platform: TestPlatform;
let key: string;
let ids: { webhook: string; doomed: string; paused: string; event: string };
const validator = openApiValidator();
/** `operationId status` of every exchange that matched the description. */
const answered = new Set<string>();

beforeAll(async () => {
  // endpoint verification on, so that POST …/verify answers; every webhook points at loopback, so no challenge leaves
  platform = await startTestPlatform({
    MAX_WEBHOOKS_PER_TENANT: String(MAX_WEBHOOKS),
    ENDPOINT_VERIFICATION: 'handshake',
  });
  const tenant = await platform.newTenant();
  key = tenant.key;
  // a loopback port nothing listens on: the retries and tests these exchanges queue fail at once, and stay local
  const create = async (active = true) =>
    (
      await platform.request('POST', '/v2/webhooks', {
        key,
        body: { url: 'http://127.0.0.1:9/hooks', events: ['verification.completed'], active },
      })
    ).body.id as string;
  ids = { webhook: await create(), doomed: await create(), paused: await create(false), event: 'evt_openapi_1' };
  // as if created while verification was off: never held back (the pending run's steps then change nothing)
  for (const id of [ids.webhook, ids.doomed, ids.paused])
    await platform.documentClient.send(
      new UpdateCommand({
        TableName: platform.tableName,
        Key: { pk: keys.tenant(tenant.tenantId), sk: keys.webhook(id) },
        UpdateExpression: 'REMOVE verification',
      }),
    );
  const receivedAt = new Date(Date.now() - 60_000).toISOString();
  await seedLog(platform, {
    events: [
      anEvent({
        tenantId: tenant.tenantId,
        eventId: ids.event,
        receivedAt,
        expiresAt: Math.floor(Date.now() / 1000) + 86_400,
        webhookIds: [ids.webhook],
      }),
    ],
    deliveries: [
      aDeliveryRecord({
        tenantId: tenant.tenantId,
        webhookId: ids.webhook,
        eventId: ids.event,
        status: 'failed',
        attempts: [
          { at: receivedAt, trigger: 'scheduled', statusCode: 500, durationMs: 20, response: 'boom' },
          { at: receivedAt, trigger: 'manual', error: 'timeout', durationMs: 15_000 },
        ],
        reason: 'retries exhausted',
        createdAt: receivedAt,
        updatedAt: receivedAt,
      }),
    ],
  });
});
afterAll(() => platform.stop());

const missingWebhook = 'webhook_01JD0000000000000000000000';

/** Every route, answering with success and with each error a caller can cause on the local stack. */
const exchanges = (): Exchange[] => [
  {
    method: 'POST',
    path: '/v2/webhooks',
    status: 201,
    body: { url: 'http://127.0.0.1:9/a', events: ['document.uploaded'], filter: { projectId: ['p1', 2, true] } },
  },
  { method: 'POST', path: '/v2/webhooks', status: 400, body: { url: 'ftp://x', events: [] } },
  {
    method: 'POST',
    path: '/v2/webhooks',
    status: 400,
    rawBody: '{"url":',
    headers: { 'content-type': 'application/json' },
  },
  { method: 'POST', path: '/v2/webhooks', status: 415, rawBody: 'url=x', headers: { 'content-type': 'text/plain' } },
  {
    method: 'POST',
    path: '/v2/webhooks',
    status: 413,
    body: { url: 'https://example.com/a', events: ['document.uploaded'], description: 'x'.repeat(70_000) },
  },
  { method: 'POST', path: '/v2/webhooks', status: 401, key: null, body: {} },
  {
    method: 'POST',
    path: '/v2/webhooks',
    status: 201,
    body: { url: 'https://example.com/b', events: ['document.uploaded'] },
  },
  {
    method: 'POST',
    path: '/v2/webhooks',
    status: 409,
    body: { url: 'https://example.com/c', events: ['document.uploaded'] },
  },
  { method: 'GET', path: '/v2/webhooks?limit=2', status: 200 },
  { method: 'GET', path: '/v2/webhooks?limit=0', status: 400 },
  { method: 'GET', path: '/v2/webhooks', status: 401, key: 'not-a-key' },
  { method: 'GET', path: `/v2/webhooks/${ids.webhook}`, status: 200 },
  { method: 'GET', path: `/v2/webhooks/${missingWebhook}`, status: 404 },
  { method: 'PUT', path: `/v2/webhooks/${ids.webhook}`, status: 200, body: { description: 'described', filter: null } },
  { method: 'PUT', path: `/v2/webhooks/${ids.webhook}`, status: 400, body: {} },
  { method: 'PUT', path: `/v2/webhooks/${missingWebhook}`, status: 404, body: { active: false } },
  { method: 'POST', path: `/v2/webhooks/${ids.webhook}/rotate-secret`, status: 200, body: { gracePeriodSeconds: 60 } },
  { method: 'POST', path: `/v2/webhooks/${ids.webhook}/rotate-secret`, status: 400, body: { gracePeriodSeconds: -1 } },
  { method: 'POST', path: `/v2/webhooks/${missingWebhook}/rotate-secret`, status: 404, body: {} },
  { method: 'PUT', path: `/v2/webhooks/${ids.webhook}`, status: 200, body: { signing: { ed25519: true } } },
  {
    method: 'POST',
    path: `/v2/webhooks/${ids.webhook}/rotate-secret`,
    status: 200,
    body: { type: 'ed25519', gracePeriodSeconds: 60 },
  },
  { method: 'GET', path: `/v2/webhooks/${ids.webhook}/public-keys`, status: 200, key: null },
  { method: 'GET', path: `/v2/webhooks/${missingWebhook}/public-keys`, status: 404, key: null },
  {
    method: 'GET',
    path: `/v2/destination-policy?type=sqs&arn=${encodeURIComponent('arn:aws:sqs:eu-west-1:222222222222:orders')}`,
    status: 200,
  },
  { method: 'GET', path: '/v2/destination-policy?type=queue&arn=x', status: 400 },
  { method: 'GET', path: '/v2/event-types', status: 200 },
  { method: 'GET', path: '/v2/event-types', status: 401, key: null },
  { method: 'GET', path: `/v2/webhooks/${ids.webhook}/deliveries?status=failed`, status: 200 },
  {
    method: 'GET',
    path: `/v2/webhooks/${ids.webhook}/deliveries?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z`,
    status: 400,
  },
  { method: 'GET', path: `/v2/webhooks/${ids.webhook}/deliveries?cursor=forged`, status: 400 },
  { method: 'GET', path: `/v2/webhooks/${missingWebhook}/deliveries`, status: 404 },
  { method: 'GET', path: `/v2/webhooks/${ids.webhook}/deliveries/${ids.event}`, status: 200 },
  { method: 'GET', path: `/v2/webhooks/${ids.webhook}/deliveries/evt_missing`, status: 404 },
  { method: 'POST', path: `/v2/webhooks/${ids.webhook}/deliveries/${ids.event}/retry`, status: 202 },
  { method: 'POST', path: `/v2/webhooks/${ids.webhook}/deliveries/evt_missing/retry`, status: 404 },
  { method: 'POST', path: `/v2/webhooks/${ids.paused}/deliveries/${ids.event}/retry`, status: 409 },
  {
    method: 'POST',
    path: `/v2/webhooks/${ids.webhook}/test`,
    status: 202,
    body: { eventType: 'verification.completed' },
  },
  { method: 'POST', path: `/v2/webhooks/${ids.webhook}/test`, status: 400, body: { eventType: 'nope' } },
  { method: 'POST', path: `/v2/webhooks/${ids.paused}/test`, status: 409, body: {} },
  { method: 'POST', path: `/v2/webhooks/${missingWebhook}/test`, status: 404, body: {} },
  {
    method: 'POST',
    path: `/v2/webhooks/${ids.webhook}/recover`,
    status: 202,
    body: { since: new Date(Date.now() - 3_600_000).toISOString() },
  },
  { method: 'POST', path: `/v2/webhooks/${ids.webhook}/recover`, status: 400, body: { since: '2020-01-01T00:00:00Z' } },
  {
    method: 'POST',
    path: `/v2/webhooks/${ids.paused}/recover`,
    status: 409,
    body: { since: new Date(Date.now() - 3_600_000).toISOString() },
  },
  { method: 'GET', path: '/v2/events?limit=1', status: 200 },
  { method: 'GET', path: '/v2/events?type=nope', status: 400 },
  { method: 'GET', path: `/v2/events/${ids.event}`, status: 200 },
  { method: 'GET', path: '/v2/events/evt_missing', status: 404 },
  { method: 'POST', path: `/v2/webhooks/${ids.doomed}/verify`, status: 202 },
  { method: 'POST', path: `/v2/webhooks/${ids.doomed}/verify`, status: 429 },
  { method: 'POST', path: `/v2/webhooks/${missingWebhook}/verify`, status: 404 },
  { method: 'DELETE', path: `/v2/webhooks/${ids.doomed}`, status: 204 },
  { method: 'DELETE', path: `/v2/webhooks/${ids.doomed}`, status: 404 },
];

describe('The local API against docs/openapi.yaml', () => {
  it('answers every exchange with a status and a body the description lists for the route', async () => {
    const failures: string[] = [];
    for (const exchange of exchanges()) {
      const response = await platform.request(exchange.method, exchange.path, {
        ...(exchange.key !== null ? { key: exchange.key ?? key } : {}),
        ...(exchange.body !== undefined ? { body: exchange.body } : {}),
        ...(exchange.rawBody !== undefined ? { rawBody: exchange.rawBody } : {}),
        ...(exchange.headers ? { headers: exchange.headers } : {}),
      });
      const label = `${exchange.method} ${exchange.path.slice(0, 80)} -> ${response.status}`;
      if (response.status !== exchange.status) {
        failures.push(`${label}: expected ${exchange.status} ${JSON.stringify(response.body)?.slice(0, 200)}`);
        continue;
      }
      const { operationId, problems } = validator.check(exchange.method, exchange.path, response.status, response.body);
      if (problems.length) failures.push(`${label}: ${problems.join('; ')}`);
      else answered.add(`${operationId} ${response.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('has exercised every route with its success and at least one error', () => {
    // the admin surface has its own description (docs/openapi-admin.yaml) and its own tests (admin-api, admin-client)
    for (const route of ROUTES.filter((candidate) => candidate.surface === 'tenant')) {
      const operationId = route.name[0]!.toLowerCase() + route.name.slice(1);
      const statuses = [...answered]
        .filter((entry) => entry.startsWith(`${operationId} `))
        .map((entry) => Number(entry.split(' ')[1]));
      expect({
        route: route.name,
        success: statuses.some((status) => status < 300),
        error: statuses.some((status) => status >= 400),
      }).toEqual({
        route: route.name,
        success: true,
        error: true,
      });
    }
  });

  it('would notice a response the description does not allow', () => {
    expect(
      validator.check('GET', `/v2/events/${ids.event}`, 200, {
        id: 'evt',
        type: 'verification.completed',
        receivedAt: 'now',
        extra: 1,
      }).problems,
    ).not.toEqual([]);
    expect(validator.check('GET', '/v2/events', 418, {}).problems).toEqual([
      'status 418 is not described for listEvents',
    ]);
  });
});
