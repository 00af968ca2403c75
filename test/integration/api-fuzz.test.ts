import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeliveryTask } from '../../lambdas/core/delivery/delivery';
import { createEventCatalog } from '../../lambdas/core/events/event-catalog';

const EVENT_TYPES = createEventCatalog().types;
import type { SqsHandler } from '../../local/sqs-poller';
import { aDeliveryRecord, anEvent } from '../helpers/factories';
import { seedLog } from '../helpers/log-seed';
import { sleep, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let tenant: { tenantId: string; key: string };
let existingId: string;
/** A webhook only the send routes name (no PUT or DELETE reaches it), so they keep being accepted. */
let senderId: string;
const SEEDED_EVENT = 'evt_fuzz_1';

/**
 * What reached the pipeline's consumers: test events at fan-out, manual attempts at deliver (which here only
 * counts them: no request leaves the machine, and no delivery changes the webhook's state under the property),
 * recovery jobs at Recover.
 */
const consumed = { testEvents: 0, manualAttempts: 0, recoveryJobs: 0 };
function countConsumed(name: 'fan-out' | 'deliver' | 'recover', handler: SqsHandler): SqsHandler {
  return async (event: SQSEvent, context) => {
    if (name === 'fan-out')
      consumed.testEvents += event.Records.filter((record) => record.body.includes('"test":true')).length;
    if (name === 'recover') consumed.recoveryJobs += event.Records.length;
    if (name !== 'deliver') return handler(event, context);
    consumed.manualAttempts += event.Records.filter(
      (record) => parseDeliveryTask(record.body)?.trigger === 'manual',
    ).length;
  };
}

beforeAll(async () => {
  platform = await startTestPlatform({ MAX_WEBHOOKS_PER_TENANT: '20' }, { wrapConsumer: countConsumed });
  tenant = await platform.newTenant('fuzz');
  existingId = (
    await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: 'https://example.com/a', events: ['document.uploaded'] },
    })
  ).body.id;
  senderId = (
    await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: 'https://example.com/b', events: ['document.uploaded'] },
    })
  ).body.id;
  // a delivered (not failed) delivery: a retry of it is accepted, and recoveries find nothing to queue
  const receivedAt = new Date(Date.now() - 60_000).toISOString();
  await seedLog(platform, {
    events: [
      anEvent({
        tenantId: tenant.tenantId,
        eventId: SEEDED_EVENT,
        receivedAt,
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
        webhookIds: [senderId],
      }),
    ],
    deliveries: [
      aDeliveryRecord({
        tenantId: tenant.tenantId,
        webhookId: senderId,
        eventId: SEEDED_EVENT,
        createdAt: receivedAt,
        updatedAt: receivedAt,
      }),
    ],
  });
});
afterAll(() => platform.stop());

/** Everything the table holds for the tenant, hashed: what a rejected request must leave untouched. */
async function tenantState(): Promise<string> {
  const { Items = [] } = await platform.documentClient.send(
    new QueryCommand({
      TableName: platform.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenant.tenantId}` },
      ConsistentRead: true,
    }),
  );
  return createHash('sha256').update(JSON.stringify(Items)).digest('hex');
}

const validBody = {
  url: 'https://example.com/hooks',
  events: ['verification.completed'],
  description: 'd',
  active: true,
};

const jsonValue = fc.jsonValue({ maxDepth: 3 });
// filters: well-formed ones, each rule broken (empty segments, too deep, too many paths or values, values that are
// objects, arrays, null, unsafe integers or subnormal doubles), and anything else JSON can hold
const filterPath = fc.oneof(
  fc.constantFrom(
    'projectId',
    'metadata.country',
    'a.b.c.d.e',
    'a.b.c.d.e.f',
    '',
    '.x',
    'x.',
    'a..b',
    'constructor',
    'toString',
  ),
  fc.string({ maxLength: 12 }),
);
const filterValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(2 ** 53),
  fc.constant(5e-324),
  jsonValue,
);
const filter = fc.oneof(
  fc.dictionary(filterPath, fc.array(filterValue, { minLength: 1, maxLength: 3 }), { minKeys: 1, maxKeys: 3 }),
  fc.dictionary(filterPath, fc.array(filterValue, { maxLength: 55 }), { maxKeys: 12 }),
  fc.constant(null),
  jsonValue,
);
const mutatedBody = fc.oneof(
  { arbitrary: fc.constant(validBody), weight: 4 },
  fc.record({ url: fc.constant(validBody.url), events: fc.constant(validBody.events), filter }),
  fc.record(
    {
      secret: fc.constant(`whsec_${Buffer.alloc(32, 1).toString('base64')}`),
      gracePeriodSeconds: fc.oneof(fc.integer({ min: -10, max: 700_000 }), fc.double(), jsonValue),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      url: fc.oneof(
        fc.webUrl(),
        fc.string(),
        fc.constantFrom(
          'http://127.0.0.1/',
          'https://[::1]/',
          'https://0x7f.1/',
          'https://a:b@c.com/',
          'javascript:alert(1)',
        ),
        jsonValue,
      ),
      events: fc.oneof(fc.subarray([...EVENT_TYPES]), fc.array(fc.string()), jsonValue),
      description: fc.oneof(fc.string({ maxLength: 600 }), fc.constant(null), jsonValue),
      active: fc.oneof(fc.boolean(), jsonValue),
      secret: fc.oneof(fc.string(), fc.constant(`whsec_${Buffer.alloc(24).toString('base64')}`)),
      filter,
      gracePeriodSeconds: fc.oneof(fc.integer({ min: -10, max: 700_000 }), fc.double(), jsonValue),
      unexpected: jsonValue,
    },
    { requiredKeys: [] },
  ),
  // test and recover bodies: known and unknown types, windows reversed, too old, in the future, not instants
  fc.record({ eventType: fc.oneof(fc.constantFrom(...EVENT_TYPES), fc.string(), jsonValue) }, { requiredKeys: [] }),
  fc.record(
    {
      since: fc.oneof(
        fc
          .date({
            min: new Date(Date.now() - 20 * 86_400_000),
            max: new Date(Date.now() + 86_400_000),
            noInvalidDate: true,
          })
          .map((date) => date.toISOString()),
        fc.string(),
        jsonValue,
      ),
      until: fc.oneof(
        fc
          .date({
            min: new Date(Date.now() - 20 * 86_400_000),
            max: new Date(Date.now() + 86_400_000),
            noInvalidDate: true,
          })
          .map((date) => date.toISOString()),
        fc.string(),
        jsonValue,
      ),
      eventType: fc.constant('document.uploaded'),
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string(), jsonValue),
  jsonValue,
);
const rawBody = fc.oneof(
  { arbitrary: mutatedBody.map((body) => JSON.stringify(body)), weight: 3 },
  fc.string(),
  fc.constantFrom('', '{', '{"url":', 'null', '[]', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}'),
  fc
    .integer({ min: 60_000, max: 80_000 })
    .map((size) => JSON.stringify({ ...validBody, description: 'x'.repeat(size) })),
);
const path = fc.oneof(
  fc.constant('/v2/webhooks'),
  fc.constant('/v2/webhooks/__existing__'),
  fc.constant('/v2/webhooks/__existing__/rotate-secret'),
  fc.constantFrom(
    '/v2/webhooks/__sender__/test',
    '/v2/webhooks/__sender__/recover',
    `/v2/webhooks/__sender__/deliveries/${SEEDED_EVENT}/retry`,
  ),
  fc
    .oneof(fc.string(), fc.constantFrom('evt_1', 'evt.1', '%00'))
    .map((id) => `/v2/webhooks/__sender__/deliveries/${encodeURIComponent(id)}/retry`),
  fc.string().map((id) => `/v2/webhooks/${encodeURIComponent(id)}/${id.length % 2 ? 'test' : 'recover'}`),
  fc.constant('/v2/event-types'),
  fc.constantFrom('/v2/webhooks/__existing__/deliveries', '/v2/events'),
  fc
    .oneof(fc.string(), fc.constantFrom('evt_1', 'evt.1', '%00'))
    .map((id) => `/v2/webhooks/__existing__/deliveries/${encodeURIComponent(id)}`),
  fc.oneof(fc.string(), fc.constantFrom('evt_1', 'evt.1', '%00')).map((id) => `/v2/events/${encodeURIComponent(id)}`),
  fc.string().map((id) => `/v2/webhooks/${encodeURIComponent(id)}`),
  fc.constantFrom(
    '/v2/webhooks/webhook_01JD0000000000000000000000',
    '/v2/webhooks/..%2F..%2Fetc',
    '/v2/webhooks/%00',
    '/v2/webhooks/%',
    '/v2/webhooks/%E0%A4%A',
    '/v2/webhooks/',
    '/v1/webhooks',
    '/',
  ),
);
const query = fc.oneof(
  fc.constant(''),
  // windows at the edges of the retention: reversed once clamped, in the future, a single instant
  fc.constantFrom(
    '?until=2020-01-01T00:00:00Z',
    '?since=2100-01-01T00:00:00Z',
    '?since=2026-01-01T00:00:00Z&until=2026-01-01T00:00:00Z',
  ),
  fc
    .dictionary(
      fc.constantFrom('limit', 'cursor', 'event', 'active', 'status', 'eventType', 'type', 'since', 'until', 'x'),
      fc.oneof(
        fc.string(),
        fc.integer().map(String),
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        fc.constantFrom('failed', 'verification.completed'),
      ),
    )
    .map((params) => `?${new URLSearchParams(params)}`),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  path,
  query,
  contentType: fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 3 },
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'APPLICATION/JSON',
    ),
    fc.string(),
  ),
  authorized: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, fc.constant(false)),
  body: rawBody,
});

/** Requests the write routes of docs/design.md §6b accepted (202): each queued exactly one message. */
const accepted = { test: 0, retry: 0, recover: 0 };

describe('API under random and mutated requests', () => {
  it('never answers 5xx, always uses the error shape, and a rejected request never changes stored state', async () => {
    let requests = 0;
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, query, contentType, authorized, body }) => {
        requests += 1;
        const before = await tenantState();
        const headers: Record<string, string> = { 'content-type': contentType };
        if (authorized) headers.authorization = `Bearer ${tenant.key}`;
        const concretePath = path.replace('__existing__', existingId).replace('__sender__', senderId);
        const url = `${platform.apiUrl}${concretePath}${query}`;
        let response: Response;
        try {
          response = await fetch(url, {
            method,
            headers,
            body: method === 'GET' || method === 'DELETE' ? undefined : body,
          });
        } catch {
          return; // the client itself refused to send it (e.g. an invalid header value)
        }
        const text = await response.text();
        statuses.add(response.status);
        if (response.status === 202)
          accepted[path.endsWith('/test') ? 'test' : path.endsWith('/retry') ? 'retry' : 'recover'] += 1;
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          const parsed = JSON.parse(text);
          expect(parsed.error).toMatchObject({
            code: expect.any(String),
            message: expect.any(String),
            requestId: expect.any(String),
          });
          expect(Array.isArray(parsed.error.details)).toBe(true);
          expect(await tenantState()).toBe(before);
        }
      }),
      { numRuns: 2000 },
    );
    expect(requests).toBeGreaterThanOrEqual(2000);
    // the generator reached every kind of answer, so the property was tested, not dodged
    expect([...statuses]).toEqual(expect.arrayContaining([200, 201, 202, 400, 401, 404, 413, 415]));
  }, 240_000);

  it('queued one message per accepted send (test, retry, recover) and none for a rejected one', async () => {
    // Prepare: what the accepted requests queued has time to arrive
    const queued = () => ({
      testEvents: accepted.test,
      manualAttempts: accepted.retry,
      recoveryJobs: accepted.recover,
    });

    // Act
    await waitFor(() => JSON.stringify(consumed) === JSON.stringify(queued()), {
      timeoutMs: 20_000,
      what: `consumers to see ${JSON.stringify(queued())}, seen ${JSON.stringify(consumed)}`,
    }).catch(() => undefined);
    await sleep(1000);

    // Assess
    expect(consumed).toEqual(queued());
    expect(accepted.test + accepted.retry + accepted.recover).toBeGreaterThan(0);
  }, 30_000);
});
