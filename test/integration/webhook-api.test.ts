import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

const MAX_WEBHOOKS = 6;
const validBody = { url: 'https://example.com/hooks', events: ['verification.completed'] };

let platform: TestPlatform;
let tenant: { tenantId: string; key: string };

beforeAll(async () => {
  platform = await startTestPlatform({ MAX_WEBHOOKS_PER_TENANT: String(MAX_WEBHOOKS), POWERTOOLS_LOG_LEVEL: 'DEBUG' });
  tenant = await platform.newTenant();
});
afterAll(() => platform.stop());

const create = (key: string, body: unknown = validBody) => platform.request('POST', '/v2/webhooks', { key, body });
const listAll = async (key: string) => (await platform.request('GET', '/v2/webhooks?limit=100', { key })).body.data;

function expectError(response: { status: number; body: any }, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.body.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
  expect(Array.isArray(response.body.error.details)).toBe(true);
}

describe('POST /v2/webhooks', () => {
  it('creates a webhook and returns it with its secret and a Location header', async () => {
    // Act
    const response = await create(tenant.key, {
      ...validBody,
      events: ['verification.completed', 'verification.completed'],
      description: 'prod',
    });

    // Assess
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^webhook_[0-9A-Z]{26}$/),
      url: validBody.url,
      destination: null,
      auth: null,
      tls: null,
      headers: {},
      throttleRate: null,
      ordering: 'none',
      publicKey: null,
      events: ['verification.completed'],
      filter: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
      active: true,
      description: 'prod',
      health: { state: 'healthy', failingSince: null, consecutiveFailures: 0 },
      verification: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: response.body.createdAt,
    });
    expect(response.headers.get('location')).toBe(`/v2/webhooks/${response.body.id}`);
    const fetched = await platform.request('GET', `/v2/webhooks/${response.body.id}`, { key: tenant.key });
    // the secret is shown once, by create: reading the webhook again shows everything else
    const { secret: _shownOnce, ...withoutSecret } = response.body;
    expect(fetched.body).toEqual(withoutSecret);
  });

  it('keeps a custom secret that is whsec_ + base64 of 24 to 64 bytes', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const response = await create(tenant.key, { ...validBody, secret });
    expect(response.status).toBe(201);
    expect(response.body.secret).toBe(secret);
  });

  it.each([
    ['an unknown field', { ...validBody, evnets: ['verification.completed'] }, 'evnets'],
    ['no events', { ...validBody, events: [] }, 'events'],
    ['an unknown event type', { ...validBody, events: ['verification.done'] }, 'events.0'],
    ['a missing url', { events: ['verification.completed'] }, 'url'],
    ['credentials in the url', { ...validBody, url: 'https://user:pw@example.com/hooks' }, 'url'],
    ['a url over 2048 characters', { ...validBody, url: `https://example.com/${'a'.repeat(2048)}` }, 'url'],
    ['a private address', { ...validBody, url: 'https://10.1.2.3/hooks' }, 'url'],
    ['the metadata address', { ...validBody, url: 'http://169.254.169.254/latest' }, 'url'],
    ['a secret of 16 bytes', { ...validBody, secret: `whsec_${Buffer.alloc(16).toString('base64')}` }, 'secret'],
    ['a url-safe base64 secret', { ...validBody, secret: 'whsec_' + '-'.repeat(32) }, 'secret'],
    ['a description over 512 characters', { ...validBody, description: 'x'.repeat(513) }, 'description'],
    ['active that is not a boolean', { ...validBody, active: 'yes' }, 'active'],
  ])('refuses %s with validation_error and stores nothing', async (_, body, path) => {
    // Prepare
    const before = await listAll(tenant.key);

    // Act
    const response = await create(tenant.key, body);

    // Assess
    expectError(response, 400, 'validation_error');
    expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
    expect(await listAll(tenant.key)).toEqual(before);
  });

  it(
    'answers malformed JSON with invalid_json, a wrong content type with 415 and a body over 64 KB with ' + '413',
    async () => {
      const before = await listAll(tenant.key);
      const headers = { 'content-type': 'application/json' };
      expectError(
        await platform.request('POST', '/v2/webhooks', { key: tenant.key, rawBody: '{"url":', headers }),
        400,
        'invalid_json',
      );
      expectError(
        await platform.request('POST', '/v2/webhooks', {
          key: tenant.key,
          rawBody: JSON.stringify(validBody),
          headers: { 'content-type': 'text/plain' },
        }),
        415,
        'unsupported_media_type',
      );
      expectError(
        await create(tenant.key, { ...validBody, description: 'x'.repeat(70_000) }),
        413,
        'payload_too_large',
      );
      expect(await listAll(tenant.key)).toEqual(before);
    },
  );

  it('refuses a description of bytes that are not UTF-8 (invalid_json), and a URL with a line break', async () => {
    // Prepare: "café" in Latin-1, as a misconfigured client sends it
    const before = await listAll(tenant.key);
    const latin1 = Buffer.concat([
      Buffer.from(JSON.stringify({ ...validBody, description: 'caf' }).slice(0, -2)),
      Buffer.from([0xe9]),
      Buffer.from('"}'),
    ]);

    // Act
    const bytes = await fetch(`${platform.apiUrl}/v2/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' },
      body: latin1,
    });
    const split = await create(tenant.key, { ...validBody, url: 'https://example.com/ok\r\nHost: x' });

    // Assess
    expect(bytes.status).toBe(400);
    expect(((await bytes.json()) as { error: unknown }).error).toMatchObject({
      code: 'invalid_json',
      message: expect.stringMatching(/UTF-8/),
    });
    expectError(split, 400, 'validation_error');
    expect(split.body.error.details).toEqual([
      { path: 'url', message: 'must not contain spaces or control characters (tabs, line breaks)' },
    ]);
    expect(await listAll(tenant.key)).toEqual(before);
  });

  it('refuses a webhook past the per-tenant limit with limit_exceeded, even when created concurrently', async () => {
    // Prepare
    const crowded = await platform.newTenant('crowded');

    // Act
    const responses = await Promise.all(Array.from({ length: MAX_WEBHOOKS + 3 }, () => create(crowded.key)));

    // Assess
    expect(responses.filter((response) => response.status === 201)).toHaveLength(MAX_WEBHOOKS);
    for (const refused of responses.filter((response) => response.status !== 201))
      expectError(refused, 409, 'limit_exceeded');
    expect(await listAll(crowded.key)).toHaveLength(MAX_WEBHOOKS);

    // a deletion frees a place
    const [first] = await listAll(crowded.key);
    expect((await platform.request('DELETE', `/v2/webhooks/${first.id}`, { key: crowded.key })).status).toBe(204);
    expect((await create(crowded.key)).status).toBe(201);
  });
});

describe('Authentication', () => {
  it.each([
    ['no Authorization header', {}],
    ['a malformed header', { authorization: 'Token abc' }],
    ['an unknown key', { authorization: 'Bearer whk_unknownunknownunknown' }],
  ])('refuses %s with 401 unauthorized on every route', async (_, headers) => {
    for (const [method, path] of [
      ['GET', '/v2/webhooks'],
      ['POST', '/v2/webhooks'],
      ['GET', '/v2/webhooks/webhook_01JD0000000000000000000000'],
      ['PUT', '/v2/webhooks/webhook_01JD0000000000000000000000'],
      ['DELETE', '/v2/webhooks/webhook_01JD0000000000000000000000'],
      ['POST', '/v2/webhooks/webhook_01JD0000000000000000000000/rotate-secret'],
      ['GET', '/v2/event-types'],
    ]) {
      const body = method === 'POST' || method === 'PUT' ? validBody : undefined;
      expectError(await platform.request(method!, path!, { headers, body }), 401, 'unauthorized');
    }
  });

  it('refuses a revoked key', async () => {
    // Prepare
    const revoked = await platform.newTenant('revoked');
    expect((await platform.request('GET', '/v2/webhooks', { key: revoked.key })).status).toBe(200);

    // Act
    const { hashApiKey } = await import('../../lambdas/core/access/api-keys');
    await platform.apiKeys.revoke(hashApiKey(revoked.key));

    // Assess
    expectError(await platform.request('GET', '/v2/webhooks', { key: revoked.key }), 401, 'unauthorized');
  });
});

describe('Tenant isolation', () => {
  it('gives another tenant 404 on every route for a webhook it does not own, and never lists it', async () => {
    // Prepare
    const owner = await platform.newTenant('owner');
    const intruder = await platform.newTenant('intruder');
    const { body: webhook } = await create(owner.key);
    await create(intruder.key);
    const path = `/v2/webhooks/${webhook.id}`;

    // Act / Assess
    expectError(await platform.request('GET', path, { key: intruder.key }), 404, 'not_found');
    expectError(await platform.request('PUT', path, { key: intruder.key, body: { active: false } }), 404, 'not_found');
    expectError(await platform.request('DELETE', path, { key: intruder.key }), 404, 'not_found');
    expectError(
      await platform.request('POST', `${path}/rotate-secret`, { key: intruder.key, body: {} }),
      404,
      'not_found',
    );
    expect((await listAll(intruder.key)).map((item: { id: string }) => item.id)).not.toContain(webhook.id);
    const untouched = await platform.request('GET', path, { key: owner.key });
    const { secret: _shownOnce, ...asRead } = webhook;
    expect(untouched.body).toEqual(asRead);
  });
});

describe('GET /v2/webhooks', () => {
  let lister: { tenantId: string; key: string };
  const created: any[] = [];

  beforeAll(async () => {
    lister = await platform.newTenant('lister');
    const bodies = [
      { url: 'https://a.example.com/1', events: ['verification.completed'] },
      { url: 'https://a.example.com/2', events: ['document.uploaded'], active: false },
      { url: 'https://a.example.com/3', events: ['verification.completed', 'document.uploaded'] },
      { url: 'https://a.example.com/4', events: ['biometric.captured'] },
      { url: 'https://a.example.com/5', events: ['verification.completed'], active: false },
    ];
    for (const body of bodies) created.push((await create(lister.key, body)).body);
  });

  it('pages through every webhook in creation order with limit and cursor, without secrets', async () => {
    // Act
    const pages: any[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const { body } = await platform.request('GET', `/v2/webhooks${query}`, { key: lister.key });
      pages.push(body);
      cursor = body.nextCursor;
    } while (cursor);

    // Assess
    expect(pages.map((page) => page.data.length)).toEqual([2, 2, 1]);
    expect(pages.map((page) => page.hasMore)).toEqual([true, true, false]);
    expect(pages.at(-1).nextCursor).toBeNull();
    const listed = pages.flatMap((page) => page.data);
    expect(listed.map((item) => item.id)).toEqual(created.map((item) => item.id));
    for (const item of listed) expect(item).not.toHaveProperty('secret');
  });

  it('filters by event and by active, and pages within the filter', async () => {
    const byEvent = await platform.request('GET', '/v2/webhooks?event=verification.completed&limit=2', {
      key: lister.key,
    });
    expect(byEvent.body.data.map((item: any) => item.url)).toEqual([
      'https://a.example.com/1',
      'https://a.example.com/3',
    ]);
    expect(byEvent.body.hasMore).toBe(true);
    const next = await platform.request(
      'GET',
      `/v2/webhooks?event=verification.completed&limit=2&cursor=${byEvent.body.nextCursor}`,
      { key: lister.key },
    );
    expect(next.body.data.map((item: any) => item.url)).toEqual(['https://a.example.com/5']);
    expect(next.body.hasMore).toBe(false);

    const inactive = await platform.request('GET', '/v2/webhooks?active=false', { key: lister.key });
    expect(inactive.body.data.map((item: any) => item.url)).toEqual([
      'https://a.example.com/2',
      'https://a.example.com/5',
    ]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from('{"after":"TENANT#other"}').toString('base64url')}`, 'cursor'],
    ['event=nope', 'event'],
    ['active=maybe', 'active'],
    ['limt=5', 'limt'],
  ])('refuses ?%s with validation_error', async (query, path) => {
    const response = await platform.request('GET', `/v2/webhooks?${query}`, { key: lister.key });
    expectError(response, 400, 'validation_error');
    expect(response.body.error.details[0].path).toBe(path);
  });
});

describe('PUT /v2/webhooks/{id}', () => {
  it('changes only the fields given and moves updatedAt', async () => {
    // Prepare
    const { body: webhook } = await create(tenant.key, { ...validBody, description: 'before' });

    // Act
    const response = await platform.request('PUT', `/v2/webhooks/${webhook.id}`, {
      key: tenant.key,
      body: { events: ['document.uploaded'], description: null },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      url: webhook.url,
      events: ['document.uploaded'],
      description: null,
      active: true,
    });
    expect(response.body).not.toHaveProperty('secret');
    expect(response.body.updatedAt > webhook.updatedAt).toBe(true);
  });

  it('clears disabledReason when a webhook is re-activated', async () => {
    // Prepare
    const { body: webhook } = await create(tenant.key);
    await platform.documentClient.send(
      new UpdateCommand({
        TableName: platform.tableName,
        Key: { pk: `TENANT#${tenant.tenantId}`, sk: `WEBHOOK#${webhook.id}` },
        UpdateExpression: 'SET active = :false, disabledReason = :reason',
        ExpressionAttributeValues: { ':false': false, ':reason': 'endpoint answered 410 Gone' },
      }),
    );
    const disabled = await platform.request('GET', `/v2/webhooks/${webhook.id}`, { key: tenant.key });
    expect(disabled.body).toMatchObject({ active: false, disabledReason: 'endpoint answered 410 Gone' });

    // Act
    const response = await platform.request('PUT', `/v2/webhooks/${webhook.id}`, {
      key: tenant.key,
      body: { active: true },
    });

    // Assess
    expect(response.body.active).toBe(true);
    expect(response.body).not.toHaveProperty('disabledReason');
  });

  it('refuses an empty change, a secret change and unknown fields, and changes nothing', async () => {
    const { body: webhook } = await create(tenant.key);
    for (const body of [
      {},
      { secret: `whsec_${Buffer.alloc(24).toString('base64')}` },
      { url: 'ftp://example.com' },
      { id: 'webhook_x' },
    ]) {
      expectError(
        await platform.request('PUT', `/v2/webhooks/${webhook.id}`, { key: tenant.key, body }),
        400,
        'validation_error',
      );
    }
    const { secret: _shownOnce, ...asRead } = webhook;
    expect((await platform.request('GET', `/v2/webhooks/${webhook.id}`, { key: tenant.key })).body).toEqual(asRead);
  });

  it('keeps both changes when two updates of different fields race', async () => {
    for (let round = 0; round < 5; round += 1) {
      // Prepare
      const { body: webhook } = await create(tenant.key);
      const path = `/v2/webhooks/${webhook.id}`;

      // Act
      await Promise.all([
        platform.request('PUT', path, { key: tenant.key, body: { url: `https://example.com/race-${round}` } }),
        platform.request('PUT', path, { key: tenant.key, body: { description: `race ${round}` } }),
        platform.request('PUT', path, { key: tenant.key, body: { events: ['biometric.captured'] } }),
      ]);

      // Assess
      const { body } = await platform.request('GET', path, { key: tenant.key });
      expect(body).toMatchObject({
        url: `https://example.com/race-${round}`,
        description: `race ${round}`,
        events: ['biometric.captured'],
      });
      await platform.request('DELETE', path, { key: tenant.key });
    }
  });

  it('answers 404 for a webhook that does not exist', async () => {
    const response = await platform.request('PUT', '/v2/webhooks/webhook_01JD0000000000000000000000', {
      key: tenant.key,
      body: { active: false },
    });
    expectError(response, 404, 'not_found');
  });
});

describe('DELETE /v2/webhooks/{id}', () => {
  it('deletes with 204, after which the webhook is gone and a second delete is 404', async () => {
    const { body: webhook } = await create(tenant.key);
    const path = `/v2/webhooks/${webhook.id}`;
    const deleted = await platform.request('DELETE', path, { key: tenant.key });
    expect(deleted.status).toBe(204);
    expectError(await platform.request('GET', path, { key: tenant.key }), 404, 'not_found');
    expectError(await platform.request('DELETE', path, { key: tenant.key }), 404, 'not_found');
    expectError(await platform.request('DELETE', '/v2/webhooks/not-an-id', { key: tenant.key }), 404, 'not_found');
  });
});

describe('Secrets in logs', () => {
  it('never writes a webhook secret to the logs, even at DEBUG level', async () => {
    // Prepare
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const secret = `whsec_${Buffer.alloc(30, 9).toString('base64')}`;

    // Act
    try {
      const { body } = await create(tenant.key, { ...validBody, secret });
      await platform.request('GET', `/v2/webhooks/${body.id}`, { key: tenant.key });
      await platform.request('PUT', `/v2/webhooks/${body.id}`, { key: tenant.key, body: { url: 'not a url' } });
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }

    // Assess
    expect(written.length).toBeGreaterThan(0);
    expect(written.join('')).not.toContain(secret);
  });
});
