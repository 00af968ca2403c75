import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Receiver } from '../../local/receiver';
import { deliveryRecord, waitFor } from '../helpers/pipeline';
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

  it('binds a new rate at once: after the PUT, deliveries go at it, not behind old reservations', async () => {
    // Prepare: a 1/s webhook with a backlog of 12 deliveries (12 s of reservations)
    const { platform, sqs } = suite;
    const tenant = await platform.newTenant('throttle');
    const receiver = await suite.receiver();
    const created = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], throttleRate: 1 },
    });
    const publish = (ids: string[]) =>
      sqs.publishBatch(
        ids.map((id) => JSON.stringify({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: {} })),
      );
    const backlog = Array.from({ length: 12 }, (_, index) => `evt_backlog_${index}_${randomUUID().slice(0, 8)}`);
    await publish(backlog.slice(0, 6));
    await publish(backlog.slice(6));
    await waitFor(() => receiver.deliveries.length >= 1, { what: 'the first of the backlog' });

    // Act
    const raised = await platform.request('PUT', `/v2/webhooks/${created.body.id}`, {
      key: tenant.key,
      body: { throttleRate: 100 },
    });
    const answeredAt = Date.now();
    const fresh = Array.from({ length: 5 }, (_, index) => `evt_fresh_${index}_${randomUUID().slice(0, 8)}`);
    await publish(fresh);

    // Assess: the five new ones within a few seconds, while the 1/s backlog would have held them about 12 s
    const received = (ids: string[]) => receiver.deliveries.filter((delivery) => ids.includes(delivery.eventId));
    await waitFor(() => new Set(received(fresh).map((delivery) => delivery.eventId)).size === 5, {
      what: 'the five deliveries published after the PUT',
    });
    expect(raised.status).toBe(200);
    expect(Math.max(...received(fresh).map((delivery) => delivery.receivedAt)) - answeredAt).toBeLessThan(5_000);
    await waitFor(() => new Set(received(backlog).map((delivery) => delivery.eventId)).size === 12, {
      timeoutMs: 30_000,
      what: 'the whole backlog',
    });
  });

  it("removes the webhook's throttle item with the webhook", async () => {
    // Prepare: a throttled webhook that has reserved a slot
    const { platform, sqs } = suite;
    const tenant = await platform.newTenant('throttle');
    const receiver = await suite.receiver();
    const created = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], throttleRate: 5 },
    });
    await sqs.publish({ tenantId: tenant.tenantId, type: 'verification.completed', data: {} });
    await waitFor(() => receiver.deliveries.length === 1, { what: 'the delivery' });
    const key = { pk: `TENANT#${tenant.tenantId}`, sk: `THROTTLE#${created.body.id}` };
    const throttleItem = () =>
      platform.documentClient.send(new GetCommand({ TableName: platform.tableName, Key: key })).then((r) => r.Item);
    expect(await throttleItem()).toMatchObject({ throttleRate: 5 });

    // Act
    const deleted = await platform.request('DELETE', `/v2/webhooks/${created.body.id}`, { key: tenant.key });

    // Assess
    expect(deleted.status).toBe(204);
    expect(await throttleItem()).toBeUndefined();
  });

  it('dead-letters with its reason, logged failed, a delivery whose backlog would hold it over 900 s', async () => {
    // Prepare: a 1/s webhook whose next free slot is 1,000 s away (a backlog of 1,000 deliveries)
    const { platform, sqs } = suite;
    const tenant = await platform.newTenant('throttle');
    const receiver = await suite.receiver();
    const created = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], throttleRate: 1 },
    });
    await platform.documentClient.send(
      new PutCommand({
        TableName: platform.tableName,
        Item: {
          pk: `TENANT#${tenant.tenantId}`,
          sk: `THROTTLE#${created.body.id}`,
          nextSlotMs: Date.now() + 1_000_000,
          throttleRate: 1,
        },
      }),
    );
    const id = `evt_${randomUUID().replaceAll('-', '')}`;

    // Act
    await sqs.publish({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: {} });

    // Assess
    const reason = "throttled: the webhook's backlog at 1/s would hold this delivery more than 900 s";
    const parked = await waitFor(
      async () => (await sqs.peek(platform.queues.deliveries.dlqUrl)).find((message) => message.Body?.includes(id)),
      { what: 'the delivery in the DLQ' },
    );
    expect(parked.MessageAttributes?.failureReason?.StringValue).toBe(reason);
    expect(await deliveryRecord(platform, created.body.id, id)).toMatchObject({ status: 'failed', reason });
    expect(receiver.deliveries).toEqual([]);
  });

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
