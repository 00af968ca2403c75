import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { startIdentityProvider, type IdentityProvider } from '../helpers/identity-provider';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

const CATALOG = [
  {
    name: 'order.paid',
    description: 'An order was paid in full',
    example: { orderId: 'o_1', amount: 1200 },
    schema: {
      type: 'object',
      required: ['orderId', 'amount'],
      properties: { orderId: { type: 'string' }, amount: { type: 'integer', minimum: 1 } },
    },
  },
  { name: 'order.shipped', description: 'An order left the warehouse', example: { orderId: 'o_1' } },
  {
    name: 'link.shared',
    description: 'A link was shared (schemas with format, pattern and items, as teams write them)',
    example: { link: 'https://example.com/a', tag: 'summer sale', codes: ['a1'] },
    schema: {
      type: 'object',
      properties: {
        link: { type: 'string', format: 'url' },
        tag: { type: 'string', pattern: '^(\\w+\\s?)*$' },
        codes: { type: 'array', items: { type: 'string' } },
      },
    },
  },
];

/**
 * A team's platform, as the local stack runs it: its own catalog (EVENT_CATALOG_FILE), whose types replace the
 * product's and whose schemas fan-out holds events to, and its own sign-in (JWT mode): every request below carries
 * a token of the team's identity provider, none of our API keys.
 */
describe("A team's event catalog with JSON Schemas, in JWT mode", () => {
  const directory = mkdtempSync(join(tmpdir(), 'webhooks-catalog-'));
  const tenantId = 'shop-jwt';
  let idp: IdentityProvider;
  let platform: TestPlatform;
  let receiver: Receiver;
  let key: string;

  beforeAll(async () => {
    writeFileSync(join(directory, 'catalog.json'), JSON.stringify(CATALOG));
    idp = await startIdentityProvider();
    platform = await startTestPlatform({
      EVENT_CATALOG_FILE: join(directory, 'catalog.json'),
      AUTH_API_KEYS: 'false',
      AUTH_JWT_ISSUER: idp.issuer,
      AUTH_JWT_AUDIENCE: idp.audience,
      AUTH_JWT_TENANT_CLAIM: 'org_id',
      AUTH_JWT_JWKS_URL: idp.jwksUrl,
    });
    receiver = await startReceiver();
    key = await idp.mint({ org_id: tenantId, sub: 'user_shop' }, { expiresIn: '10m' });
  });
  afterAll(async () => {
    await receiver.stop();
    await platform.stop();
    await idp.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('refuses a token of another key and an API key', async () => {
    // Prepare
    const apiKey = (await platform.newTenant('keyed')).key;

    // Act
    const foreign = await platform.request('GET', '/v2/event-types', {
      key: await idp.mintWithForeignKey({ org_id: tenantId }),
    });
    const keyed = await platform.request('GET', '/v2/event-types', { key: apiKey });

    // Assess
    expect([foreign.status, keyed.status]).toEqual([401, 401]);
  });

  it("lists the team's types with their schemas, then the operational ones, and none of the product's", async () => {
    // Act
    const response = await platform.request('GET', '/v2/event-types', { key });

    // Assess
    expect(response.body.data.map((type: { name: string }) => type.name)).toEqual([
      'order.paid',
      'order.shipped',
      'link.shared',
      'webhook.disabled',
      'delivery.exhausted',
      'webhook.certificate_expiring',
      'delivery.recovered',
      'webhook.verified',
      'webhook.verification_failed',
    ]);
    expect(response.body.data[0]).toEqual({ ...CATALOG[0], operational: false });
    expect(response.body.data[1].schema).toBeUndefined();
  });

  it("takes webhooks for the team's types and refuses the product's", async () => {
    // Act
    const refused = await platform.request('POST', '/v2/webhooks', {
      key,
      body: { url: `${receiver.url}/x`, events: ['verification.completed'] },
    });

    // Assess
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.error.details)).toContain(
      'unknown event type; expected one of order.paid, order.shipped',
    );
  });

  it(
    'delivers an event whose data matches its schema, and parks one that does not with the path and the ' + 'rule',
    async () => {
      // Prepare
      const webhook = (
        await platform.request('POST', '/v2/webhooks', {
          key,
          body: { url: `${receiver.url}/orders`, events: ['order.paid'] },
        })
      ).body;
      receiver.secrets.push(webhook.secret);
      const sqs = producer(platform);

      // Act
      await sqs.publish({ tenantId, type: 'order.paid', data: { orderId: 'o_ok', amount: 300 } });
      await sqs.publish({ tenantId, type: 'order.paid', data: { orderId: 'o_bad', amount: 0 } });

      // Assess
      const delivered = await waitFor(() => receiver.deliveries.find((d) => d.path === '/orders'), {
        what: 'the valid event',
      });
      expect(JSON.parse(delivered.body).data.orderId).toBe('o_ok');
      const parked = await waitFor(async () => (await sqs.drain(platform.queues.events.dlqUrl)).at(0), {
        what: 'the invalid event in the DLQ',
      });
      expect(parked.MessageAttributes?.failureReason?.StringValue).toMatch(
        /^schema_violation: data does not match the schema of order\.paid: \/amount minimum: /,
      );
      expect(receiver.deliveries.filter((d) => d.path === '/orders')).toHaveLength(1);
    },
  );

  it('parks hostile data with its reason at once, and delivers its batch-mates of another tenant on time', async () => {
    // Prepare
    const otherTenant = 'shop-jwt-other';
    const otherKey = await idp.mint({ org_id: otherTenant, sub: 'user_other' }, { expiresIn: '10m' });
    for (const [owner, path] of [
      [key, '/links'],
      [otherKey, '/links-other'],
    ] as const) {
      const webhook = await platform.request('POST', '/v2/webhooks', {
        key: owner,
        body: { url: `${receiver.url}${path}`, events: ['link.shared'] },
      });
      receiver.secrets.push(webhook.body.secret);
    }
    const sqs = producer(platform);
    const hostile = [
      { link: `http://${'a'.repeat(40)}!` },
      { tag: `${'a'.repeat(28)}!` },
      { codes: Array.from({ length: 65_000 }, () => 7) }, // 130 KB
    ];
    const valid = Array.from({ length: 7 }, (_, index) => ({
      tenantId: index < 2 ? tenantId : otherTenant,
      id: `link_ok_${index}`,
      type: 'link.shared',
      data: { link: `https://example.com/${index}`, tag: 'summer sale' },
    }));

    // Act: one batch, the three hostile events first
    const started = Date.now();
    await sqs.publishBatch([
      ...hostile.map((data, index) =>
        JSON.stringify({ tenantId, id: `link_hostile_${index}`, type: 'link.shared', data }),
      ),
      ...valid.map((event) => JSON.stringify(event)),
    ]);

    // Assess: the valid ones within seconds (one 40-character link once stalled fan-out for minutes)
    await waitFor(() => receiver.deliveries.filter((d) => d.path.startsWith('/links')).length === 7, {
      what: 'the seven valid batch-mates',
      timeoutMs: 5_000,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    const parked = await waitFor(
      async () => {
        const messages = await sqs.peek(platform.queues.events.dlqUrl);
        return messages.length === 3 && messages;
      },
      { what: 'the three hostile events in the DLQ' },
    );
    expect(parked.map((message) => message.MessageAttributes?.failureReason?.StringValue).sort()).toEqual([
      expect.stringMatching(/^schema_violation: .*: \/codes\/0 type: must be string$/),
      expect.stringMatching(/^schema_violation: .*: \/link format: must match format "url"$/),
      expect.stringMatching(/^schema_violation: .*: \/tag pattern: must match pattern/),
    ]);
    await sqs.drain(platform.queues.events.dlqUrl);
  });

  it("sends a test event with the type's example", async () => {
    // Prepare
    const webhook = (
      await platform.request('POST', '/v2/webhooks', {
        key,
        body: { url: `${receiver.url}/shipped`, events: ['order.shipped'] },
      })
    ).body;

    // Act
    const tested = await platform.request('POST', `/v2/webhooks/${webhook.id}/test`, { key, body: {} });

    // Assess
    expect(tested.status).toBe(202);
    const delivery = await waitFor(() => receiver.deliveries.find((d) => d.path === '/shipped'), {
      what: 'the test event',
    });
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'order.shipped', test: true, data: { orderId: 'o_1' } });
  });
});
