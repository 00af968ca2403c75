import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

const CATALOG = [
  {
    name: 'order.paid',
    description: 'An order was paid in full',
    example: { orderId: 'o_1', amount: 1200 },
    schema: { type: 'object', required: ['orderId', 'amount'], properties: { orderId: { type: 'string' }, amount: { type: 'integer', minimum: 1 } } },
  },
  { name: 'order.shipped', description: 'An order left the warehouse', example: { orderId: 'o_1' } },
];

/** A team's own catalog (EVENT_CATALOG_FILE): its types replace the product's, and fan-out holds events to their schemas. */
describe('A team\'s event catalog with JSON Schemas', () => {
  const directory = mkdtempSync(join(tmpdir(), 'webhooks-catalog-'));
  let platform: TestPlatform;
  let receiver: Receiver;
  let key: string;
  let tenantId: string;

  beforeAll(async () => {
    writeFileSync(join(directory, 'catalog.json'), JSON.stringify(CATALOG));
    platform = await startTestPlatform({ EVENT_CATALOG_FILE: join(directory, 'catalog.json') });
    receiver = await startReceiver();
    ({ key, tenantId } = await platform.newTenant('shop'));
  });
  afterAll(async () => {
    await receiver.stop();
    await platform.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('lists the team\'s types with their schemas, then the operational ones, and none of the product\'s', async () => {
    // Act
    const response = await platform.request('GET', '/v2/event-types', { key });

    // Assess
    expect(response.body.data.map((type: { name: string }) => type.name)).toEqual(['order.paid', 'order.shipped', 'webhook.disabled', 'delivery.exhausted', 'delivery.recovered']);
    expect(response.body.data[0]).toEqual({ ...CATALOG[0], operational: false });
    expect(response.body.data[1].schema).toBeUndefined();
  });

  it('takes webhooks for the team\'s types and refuses the product\'s', async () => {
    // Act
    const refused = await platform.request('POST', '/v2/webhooks', { key, body: { url: `${receiver.url}/x`, events: ['verification.completed'] } });

    // Assess
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.error.details)).toContain('unknown event type; expected one of order.paid, order.shipped');
  });

  it('delivers an event whose data matches its schema, and parks one that does not with the path and the rule', async () => {
    // Prepare
    const webhook = (await platform.request('POST', '/v2/webhooks', { key, body: { url: `${receiver.url}/orders`, events: ['order.paid'] } })).body;
    receiver.secrets.push(webhook.secret);
    const sqs = producer(platform);

    // Act
    await sqs.publish({ tenantId, type: 'order.paid', data: { orderId: 'o_ok', amount: 300 } });
    await sqs.publish({ tenantId, type: 'order.paid', data: { orderId: 'o_bad', amount: 0 } });

    // Assess
    const delivered = await waitFor(() => receiver.deliveries.find((d) => d.path === '/orders'), { what: 'the valid event' });
    expect(JSON.parse(delivered.body).data.orderId).toBe('o_ok');
    const parked = await waitFor(async () => (await sqs.drain(platform.queues.events.dlqUrl)).at(0), { what: 'the invalid event in the DLQ' });
    expect(parked.MessageAttributes?.failureReason?.StringValue).toMatch(/^schema_violation: data does not match the schema of order\.paid: \/amount minimum: /);
    expect(receiver.deliveries.filter((d) => d.path === '/orders')).toHaveLength(1);
  });

  it('sends a test event with the type\'s example', async () => {
    // Prepare
    const webhook = (await platform.request('POST', '/v2/webhooks', { key, body: { url: `${receiver.url}/shipped`, events: ['order.shipped'] } })).body;

    // Act
    const tested = await platform.request('POST', `/v2/webhooks/${webhook.id}/test`, { key, body: {} });

    // Assess
    expect(tested.status).toBe(202);
    const delivery = await waitFor(() => receiver.deliveries.find((d) => d.path === '/shipped'), { what: 'the test event' });
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'order.shipped', test: true, data: { orderId: 'o_1' } });
  });
});
