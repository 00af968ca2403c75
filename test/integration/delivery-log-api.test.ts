import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../lambdas/core/log/delivery-log';
import type { StoredEvent } from '../../lambdas/core/events/stored-event';
import { aDeliveryRecord, anEvent } from '../helpers/factories';
import { seedLog } from '../helpers/log-seed';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let owner: { tenantId: string; key: string };
let stranger: { tenantId: string; key: string };
let webhookId: string;
let siblingId: string;

const HOUR = 3_600_000;
const START = Date.now() - 10 * HOUR;
/** The i-th event of the seeded history: one an hour, the newest an hour ago. */
const at = (index: number) => new Date(START + index * HOUR).toISOString();
const eventId = (index: number) => `evt_log_${index}`;
const inThirtyDays = Math.floor(Date.now() / 1000) + 30 * 86_400;

function expectError(response: { status: number; body: any }, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.body.error).toMatchObject({
    code,
    message: expect.any(String),
    details: expect.any(Array),
    requestId: expect.any(String),
  });
}

const get = (path: string, key = owner.key) => platform.request('GET', path, { key });

beforeAll(async () => {
  platform = await startTestPlatform();
  owner = await platform.newTenant('owner');
  stranger = await platform.newTenant('stranger');
  const create = (events: string[]) =>
    platform.request('POST', '/v2/webhooks', { key: owner.key, body: { url: 'https://example.com/hooks', events } });
  webhookId = (await create(['verification.completed', 'document.uploaded'])).body.id;
  siblingId = (await create(['verification.completed'])).body.id;

  // events 1..9: odd ones verification.completed (to both webhooks), even ones document.uploaded (to the first only)
  const events: StoredEvent[] = [];
  const deliveries: DeliveryRecord[] = [];
  for (let index = 1; index <= 9; index += 1) {
    const type = index % 2 ? 'verification.completed' : 'document.uploaded';
    const webhookIds = index % 2 ? [webhookId, siblingId] : [webhookId];
    events.push(
      anEvent({
        tenantId: owner.tenantId,
        eventId: eventId(index),
        type,
        receivedAt: at(index),
        expiresAt: inThirtyDays,
        webhookIds,
        data: { n: index },
      }),
    );
    const failed = index % 3 === 0;
    deliveries.push(
      aDeliveryRecord({
        tenantId: owner.tenantId,
        webhookId,
        eventId: eventId(index),
        eventType: type,
        status: failed ? 'failed' : 'delivered',
        attempts: failed
          ? [
              {
                at: at(index),
                trigger: 'scheduled',
                statusCode: 503,
                durationMs: 40,
                response: 'down for maintenance',
              },
              { at: at(index), trigger: 'manual', error: 'connect ECONNREFUSED', durationMs: 3 },
            ]
          : [{ at: at(index), trigger: 'scheduled', statusCode: 204, durationMs: 12 }],
        createdAt: at(index),
        updatedAt: at(index),
      }),
    );
  }
  // the sibling has logged only event 1; event 3, 5, 7, 9 are queued for it but not yet attempted
  deliveries.push(
    aDeliveryRecord({
      tenantId: owner.tenantId,
      webhookId: siblingId,
      eventId: eventId(1),
      status: 'skipped',
      reason: 'webhook paused',
      attempts: [],
      createdAt: at(1),
      updatedAt: at(1),
    }),
  );
  // an event past the 30-day retention that TTL has not removed yet, with its delivery
  const expiredAt = new Date(Date.now() - 31 * 86_400_000).toISOString();
  events.push(
    anEvent({
      tenantId: owner.tenantId,
      eventId: 'evt_expired',
      receivedAt: expiredAt,
      expiresAt: Math.floor(Date.now() / 1000) - 86_400,
      webhookIds: [webhookId],
    }),
  );
  deliveries.push(
    aDeliveryRecord({
      tenantId: owner.tenantId,
      webhookId,
      eventId: 'evt_expired',
      createdAt: expiredAt,
      updatedAt: expiredAt,
    }),
  );
  await seedLog(platform, { events, deliveries });
});
afterAll(() => platform.stop());

describe('GET /v2/webhooks/{webhookId}/deliveries', () => {
  it('lists newest first and walks every page with the cursor, each delivery once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await get(`/v2/webhooks/${webhookId}/deliveries?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      seen.push(...response.body.data.map((item: { eventId: string }) => item.eventId));
      expect(response.body.hasMore).toBe(response.body.nextCursor !== null);
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor);

    expect(pages).toBe(3);
    // the expired one is left out: the window starts no earlier than the retention
    expect(seen).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1].map(eventId));
  });

  it('shows each item with its attempt count and last attempt', async () => {
    const { body } = await get(`/v2/webhooks/${webhookId}/deliveries?limit=1&until=${at(6)}`);
    expect(body.data).toEqual([
      {
        eventId: eventId(6),
        eventType: 'document.uploaded',
        status: 'failed',
        attemptCount: 2,
        lastAttempt: { at: at(6), statusCode: null, durationMs: 3, error: 'connect ECONNREFUSED' },
        nextAttemptAt: null,
        createdAt: at(6),
        updatedAt: at(6),
      },
    ]);
  });

  it.each([
    ['status=failed', [9, 6, 3]],
    ['eventType=document.uploaded', [8, 6, 4, 2]],
    ['status=delivered&eventType=verification.completed', [7, 5, 1]],
    [`since=${encodeURIComponent(at(3))}&until=${encodeURIComponent(at(5))}`, [5, 4, 3]],
    [`since=${encodeURIComponent(at(8))}`, [9, 8]],
  ])('filters with %s', async (query, expected) => {
    const { status, body } = await get(`/v2/webhooks/${webhookId}/deliveries?${query}`);
    expect(status).toBe(200);
    expect(body.data.map((item: { eventId: string }) => item.eventId)).toEqual(expected.map(eventId));
  });

  it('pages a filtered list with its cursor', async () => {
    const first = await get(`/v2/webhooks/${webhookId}/deliveries?status=delivered&limit=3`);
    const second = await get(
      `/v2/webhooks/${webhookId}/deliveries?status=delivered&limit=3&cursor=${first.body.nextCursor}`,
    );
    expect(first.body.data.map((item: { eventId: string }) => item.eventId)).toEqual([8, 7, 5].map(eventId));
    expect(second.body.data.map((item: { eventId: string }) => item.eventId)).toEqual([4, 2, 1].map(eventId));
    expect(second.body).toMatchObject({ hasMore: false, nextCursor: null });
  });

  it.each([
    ['since after until', `since=${at(5)}&until=${at(4)}`, 'since'],
    ['an unknown status', 'status=lost', 'status'],
    ['a date without a time zone', 'since=2026-01-01T00:00:00', 'since'],
    ['a limit out of range', 'limit=0', 'limit'],
    [
      'a tampered cursor',
      `cursor=${Buffer.from('{"after":"2026-01-01T00:00:00.000Z#evt\\u0000"}').toString('base64url')}`,
      'cursor',
    ],
    ['a cursor that is not one', 'cursor=abc', 'cursor'],
  ])('refuses %s with a validation_error naming the parameter', async (_, query, path) => {
    const response = await get(`/v2/webhooks/${webhookId}/deliveries?${query}`);
    expectError(response, 400, 'validation_error');
    expect(response.body.error.details[0].path).toBe(path);
  });

  it('follows a cursor into a changed window without failing', async () => {
    const first = await get(`/v2/webhooks/${webhookId}/deliveries?limit=2`);
    const older = await get(
      `/v2/webhooks/${webhookId}/deliveries?limit=2&until=${encodeURIComponent(at(3))}&cursor=${first.body.nextCursor}`,
    );
    const newer = await get(
      `/v2/webhooks/${webhookId}/deliveries?limit=2&since=${encodeURIComponent(at(9))}&cursor=${first.body.nextCursor}`,
    );
    expect(older.body.data.map((item: { eventId: string }) => item.eventId)).toEqual([3, 2].map(eventId));
    expect(newer.body).toEqual({ data: [], hasMore: false, nextCursor: null });
  });
});

describe('A window entirely older than the retention', () => {
  it.each([() => `/v2/webhooks/${webhookId}/deliveries`, () => '/v2/events'])(
    'is an empty page, not an error (%#)',
    async (path) => {
      const { status, body } = await get(`${path()}?until=2020-01-01T00:00:00Z`);
      expect(status).toBe(200);
      expect(body).toEqual({ data: [], hasMore: false, nextCursor: null });
    },
  );
});

describe('GET /v2/webhooks/{webhookId}/deliveries/{eventId}', () => {
  it(
    'returns every attempt with its trigger, status code, duration, error and response, and the exact ' + 'payload',
    async () => {
      const { status, body } = await get(`/v2/webhooks/${webhookId}/deliveries/${eventId(3)}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ eventId: eventId(3), status: 'failed', attemptCount: 2 });
      expect(body.attempts).toEqual([
        { at: at(3), trigger: 'scheduled', statusCode: 503, durationMs: 40, response: 'down for maintenance' },
        { at: at(3), trigger: 'manual', error: 'connect ECONNREFUSED', durationMs: 3 },
      ]);
      expect(body.payload).toBe(JSON.stringify({ id: eventId(3), type: 'verification.completed', data: { n: 3 } }));
    },
  );

  it('shows a skipped delivery with its reason, and one queued but not attempted as pending', async () => {
    expect((await get(`/v2/webhooks/${siblingId}/deliveries/${eventId(1)}`)).body).toMatchObject({
      status: 'skipped',
      reason: 'webhook paused',
      attempts: [],
    });
    expect((await get(`/v2/webhooks/${siblingId}/deliveries/${eventId(5)}`)).body).toMatchObject({
      status: 'pending',
      attemptCount: 0,
      createdAt: at(5),
    });
  });

  it('says so when the event is past its retention, and 404s an event the webhook never got', async () => {
    const expired = await get(`/v2/webhooks/${webhookId}/deliveries/evt_expired`);
    expectError(expired, 404, 'not_found');
    expect(expired.body.error.message).toMatch(/past the 30-day retention/);
    expectError(await get(`/v2/webhooks/${siblingId}/deliveries/${eventId(2)}`), 404, 'not_found');
    expectError(await get(`/v2/webhooks/${webhookId}/deliveries/evt_never`), 404, 'not_found');
  });
});

describe('GET /v2/events', () => {
  it('lists the tenant events newest first with delivery counts, and pages with the cursor', async () => {
    const first = await get('/v2/events?limit=2');
    const second = await get(`/v2/events?limit=2&cursor=${first.body.nextCursor}`);
    expect(first.body).toEqual({
      data: [
        {
          id: eventId(9),
          type: 'verification.completed',
          receivedAt: at(9),
          deliveryCounts: { pending: 1, delivered: 0, failed: 1, skipped: 0 },
        },
        {
          id: eventId(8),
          type: 'document.uploaded',
          receivedAt: at(8),
          deliveryCounts: { pending: 0, delivered: 1, failed: 0, skipped: 0 },
        },
      ],
      hasMore: true,
      nextCursor: expect.any(String),
    });
    expect(second.body.data.map((event: { id: string }) => event.id)).toEqual([7, 6].map(eventId));
  });

  it.each([
    ['type=document.uploaded', [8, 6, 4, 2]],
    [`since=${encodeURIComponent(at(2))}&until=${encodeURIComponent(at(3))}`, [3, 2]],
    [`type=verification.completed&until=${encodeURIComponent(at(4))}`, [3, 1]],
  ])('filters with %s', async (query, expected) => {
    const { body } = await get(`/v2/events?${query}`);
    expect(body.data.map((event: { id: string }) => event.id)).toEqual(expected.map(eventId));
  });

  it('counts the deliveries of an event to each webhook: logged ones by status, queued ones as pending', async () => {
    const { body } = await get(`/v2/events?until=${encodeURIComponent(at(1))}`);
    expect(body.data).toEqual([
      expect.objectContaining({ id: eventId(1), deliveryCounts: { pending: 0, delivered: 1, failed: 0, skipped: 1 } }),
    ]);
  });

  it('refuses since after until and a tampered cursor', async () => {
    expectError(await get(`/v2/events?since=${at(5)}&until=${at(4)}`), 400, 'validation_error');
    expectError(await get('/v2/events?cursor=eyJhZnRlciI6MX0'), 400, 'validation_error');
  });

  it('shows a tenant none of the events of another', async () => {
    expect((await get('/v2/events', stranger.key)).body).toEqual({ data: [], hasMore: false, nextCursor: null });
  });
});

describe('GET /v2/events/{eventId}', () => {
  it('returns the event as delivered and where it went', async () => {
    const { status, body } = await get(`/v2/events/${eventId(1)}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      id: eventId(1),
      type: 'verification.completed',
      data: { n: 1 },
      receivedAt: at(1),
      deliveries: [
        { webhookId, status: 'delivered', attemptCount: 1 },
        { webhookId: siblingId, status: 'skipped', attemptCount: 0 },
      ],
    });
  });

  it('keeps integers past 2^53 and decimals exactly as the producer sent them', async () => {
    const data = '{"verificationId":"ver_big","count":12345678901234567890,"score":0.10,"neg":-9007199254740993}';
    const producer = await platform.newTenant('big-numbers');
    await seedLog(platform, {
      events: [
        {
          ...anEvent({ tenantId: producer.tenantId, eventId: 'evt_big', receivedAt: at(1), expiresAt: inThirtyDays }),
          payload: `{"id":"evt_big","type":"verification.completed","data":${data}}`,
        },
      ],
    });
    // read as text: a JSON.parse on this side would itself round the numbers
    const response = await fetch(`${platform.apiUrl}/v2/events/evt_big`, {
      headers: { authorization: `Bearer ${producer.key}` },
    });
    expect(await response.text()).toContain(`"data":${data}`);
  });

  it('says so when the event is past its retention', async () => {
    const response = await get('/v2/events/evt_expired');
    expectError(response, 404, 'not_found');
    expect(response.body.error.message).toMatch(/retention/);
  });
});

describe('Tenancy', () => {
  it.each([
    ['the delivery list', () => `/v2/webhooks/${webhookId}/deliveries`],
    ['a delivery', () => `/v2/webhooks/${webhookId}/deliveries/${eventId(1)}`],
    ['an event', () => `/v2/events/${eventId(1)}`],
  ])("answers 404 for %s of another tenant's webhook or event", async (_, path) => {
    expectError(await get(path(), stranger.key), 404, 'not_found');
  });
});
