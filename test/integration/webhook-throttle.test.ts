import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Receiver } from '../../local/receiver';
import { waitFor } from '../helpers/pipeline';
import { pipelineSuite } from '../helpers/pipeline-suite';

const suite = pipelineSuite();

/** The most requests the receiver saw within any one second. */
const busiestSecond = (times: number[]) =>
  Math.max(...times.map((start) => times.filter((time) => time >= start && time < start + 1000).length));

describe('throttleRate', () => {
  it(
    'never sends a 2/s webhook more than 2 (+1) deliveries in any second, drops none, and leaves its sibling ' +
      'unthrottled',
    async () => {
      // Prepare
      const { platform, sqs } = suite;
      const tenant = await platform.newTenant('throttle');
      const [throttled, sibling] = [await suite.receiver(), await suite.receiver()];
      const create = (receiver: Receiver, extra: Record<string, unknown>) =>
        platform.request('POST', '/v2/webhooks', {
          key: tenant.key,
          body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], ...extra },
        });
      const created = await create(throttled, { throttleRate: 2 });
      await create(sibling, {});
      const ids = Array.from({ length: 20 }, () => `evt_${randomUUID().replaceAll('-', '')}`);

      // Act
      await sqs.publishBatch(
        ids
          .slice(0, 10)
          .map((id) => JSON.stringify({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: {} })),
      );
      await sqs.publishBatch(
        ids
          .slice(10)
          .map((id) => JSON.stringify({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: {} })),
      );

      // Assess
      await waitFor(() => sibling.deliveries.length === 20, { what: "the sibling's 20 deliveries" });
      const siblingDone = Date.now();
      await waitFor(() => new Set(throttled.deliveries.map((delivery) => delivery.eventId)).size === 20, {
        timeoutMs: 30_000,
        what: 'all 20 throttled deliveries',
      });
      expect(created.body.throttleRate).toBe(2);
      expect(busiestSecond(throttled.deliveries.map((delivery) => delivery.receivedAt))).toBeLessThanOrEqual(3);
      // 20 at 2/s take about 10 s; the sibling had all of its own long before
      expect(Math.max(...throttled.deliveries.map((delivery) => delivery.receivedAt))).toBeGreaterThan(
        siblingDone + 5000,
      );
    },
  );

  it.each([0, 1001, 2.5, '5'])('refuses a throttleRate of %j with a 400 naming the field', async (throttleRate) => {
    const { platform } = suite;
    const tenant = await platform.newTenant('throttle');
    const response = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: 'https://example.com/h', events: ['verification.completed'], throttleRate },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ path: 'throttleRate' })]);
  });
});
