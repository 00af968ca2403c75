import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { moveMessages } from '../../local/redrive';
import { startReceiver, type Receiver } from '../../local/receiver';
import type { SqsHandler } from '../../local/sqs-poller';
import { deliveryRecord, producer, sleep, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

// compressed schedule: 3 attempts, 1 s then 3 s apart; a crashed batch comes back after 2 s
const RETRY_SCHEDULE = [1, 3];
const consumerControl = {
  crashDeliver: false,
  crashAfterDeliverOnce: false,
  holdDeliver: undefined as Promise<void> | undefined,
  fanOutBatches: 0,
};

let platform: TestPlatform;
let sqs: ReturnType<typeof producer>;
const receivers: Receiver[] = [];

function wrapConsumer(name: 'fan-out' | 'deliver', handler: SqsHandler): SqsHandler {
  if (name === 'fan-out') {
    return async (event, context) => {
      const response = await handler(event, context);
      consumerControl.fanOutBatches += 1;
      return response;
    };
  }
  return async (event, context) => {
    await consumerControl.holdDeliver;
    if (consumerControl.crashDeliver) throw new Error('deliver crashed (test)');
    const response = await handler(event, context);
    if (consumerControl.crashAfterDeliverOnce) {
      consumerControl.crashAfterDeliverOnce = false;
      throw new Error('deliver crashed after sending (test)');
    }
    return response;
  };
}

beforeAll(async () => {
  platform = await startTestPlatform(
    {},
    { retryScheduleSeconds: RETRY_SCHEDULE, visibilityTimeoutSeconds: 2, wrapConsumer },
  );
  sqs = producer(platform);
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await platform.stop();
});
beforeEach(() => {
  Object.assign(consumerControl, { crashDeliver: false, crashAfterDeliverOnce: false, holdDeliver: undefined });
});

async function receiverFor(key: string, events: string[], behaviour: Receiver['behaviour'] = {}) {
  const receiver = await startReceiver({ behaviour });
  receivers.push(receiver);
  const { body: webhook } = await platform.request('POST', '/v2/webhooks', {
    key,
    body: { url: `${receiver.url}/hooks`, events },
  });
  receiver.secrets.push(webhook.secret);
  return { receiver, webhook };
}

const anEvent = (tenantId: string, type = 'verification.completed') => ({
  tenantId,
  id: `evt_${randomUUID().replaceAll('-', '')}`,
  type,
  data: { verificationId: 'ver_1', status: 'completed', metadata: { country: 'US' } },
});

describe('Delivery pipeline', () => {
  it("delivers a signed POST to every subscribed webhook of the event's tenant, and to no one else", async () => {
    // Prepare
    const acme = await platform.newTenant('acme');
    const globex = await platform.newTenant('globex');
    const subscribed = await receiverFor(acme.key, ['verification.completed']);
    const otherType = await receiverFor(acme.key, ['document.uploaded']);
    const otherTenant = await receiverFor(globex.key, ['verification.completed']);
    const event = anEvent(acme.tenantId);

    // Act
    await sqs.publish(event);

    // Assess
    const [delivery] = await waitFor(
      () => subscribed.receiver.deliveries.length > 0 && subscribed.receiver.deliveries,
      { what: 'the delivery' },
    );
    expect(JSON.parse(delivery!.body)).toEqual({ id: event.id, type: event.type, data: event.data });
    expect(delivery!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': event.id,
      'user-agent': expect.stringMatching(/^Webhooks\//),
    });
    expect(delivery!.headers['x-verifik-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(delivery).toMatchObject({ standardVerified: true, githubVerified: true });
    await sleep(500);
    expect(subscribed.receiver.deliveries).toHaveLength(1);
    expect(otherType.receiver.deliveries).toHaveLength(0);
    expect(otherTenant.receiver.deliveries).toHaveLength(0);
    const record = await waitFor(() => deliveryRecord(platform, subscribed.webhook.id, event.id));
    expect(record).toMatchObject({
      status: 'delivered',
      tenantId: acme.tenantId,
      eventType: event.type,
      attempts: [{ statusCode: 200, durationMs: expect.any(Number), at: expect.any(String) }],
    });
  });

  it('retries a failing receiver on its own clock, dead-letters it when exhausted, and never delays or repeats ' +
    "another webhook's delivery", async () => {
    // Prepare
    const tenant = await platform.newTenant();
    const healthy = await receiverFor(tenant.key, ['verification.completed']);
    const failing = await receiverFor(tenant.key, ['verification.completed'], { decide: () => ({ status: 500 }) });
    const event = anEvent(tenant.tenantId);

    // Act
    await sqs.publish(event);

    // Assess: the healthy receiver gets its delivery at once, and only once
    await waitFor(() => healthy.receiver.deliveries.length === 1, { what: 'the healthy delivery' });
    const dlqMessages = await waitFor(
      async () => {
        const record = await deliveryRecord(platform, failing.webhook.id, event.id);
        const parked = record?.status === 'failed' && (await sqs.peek(platform.queues.deliveries.dlqUrl));
        return parked && parked.length > 0 && parked;
      },
      { timeoutMs: 20_000, what: 'the failed delivery in the DLQ' },
    );
    expect(failing.receiver.deliveries).toHaveLength(3);
    expect(new Set(failing.receiver.deliveries.map((delivery) => delivery.webhookId))).toEqual(new Set([event.id]));
    expect(failing.receiver.deliveries.every((delivery) => delivery.standardVerified && delivery.githubVerified)).toBe(
      true,
    );
    expect(healthy.receiver.deliveries).toHaveLength(1);
    const gaps = failing.receiver.deliveries
      .slice(1)
      .map((delivery, index) => delivery.receivedAt - failing.receiver.deliveries[index]!.receivedAt);
    expect(gaps[0]).toBeGreaterThanOrEqual(700);
    expect(gaps[1]).toBeGreaterThanOrEqual(1900);
    const record = await deliveryRecord(platform, failing.webhook.id, event.id);
    expect(record!.attempts).toHaveLength(3);
    expect(record!.reason).toContain('exhausted: 3 of 3 attempts failed');
    expect(dlqMessages).toHaveLength(1);
    expect(JSON.parse(dlqMessages[0]!.Body!)).toMatchObject({ webhookId: failing.webhook.id, eventId: event.id });
    expect(dlqMessages[0]!.MessageAttributes?.failureReason?.StringValue).toContain('exhausted');

    // Act: the receiver recovers and the DLQ is replayed
    failing.receiver.behaviour.decide = undefined;
    const moved = await moveMessages(
      sqs.client,
      platform.queues.deliveries.dlqUrl,
      platform.queues.deliveries.queueUrl,
    );

    // Assess
    expect(moved).toBe(1);
    const replayed = await waitFor(
      async () => {
        const latest = await deliveryRecord(platform, failing.webhook.id, event.id);
        return latest?.status === 'delivered' && latest;
      },
      { what: 'the replayed delivery' },
    );
    // the log keeps the failed attempts before the replay's success
    expect(replayed.attempts.map((attempt: { statusCode: number }) => attempt.statusCode)).toEqual([
      500, 500, 500, 200,
    ]);
    expect(failing.receiver.deliveries.at(-1)).toMatchObject({
      answeredStatus: 200,
      webhookId: event.id,
      standardVerified: true,
    });
  }, 40_000);

  it('parks poison events in the events DLQ with their reason, without holding up the rest of the batch', async () => {
    // Prepare
    const tenant = await platform.newTenant();
    const { receiver } = await receiverFor(tenant.key, ['document.uploaded']);
    const good = anEvent(tenant.tenantId, 'document.uploaded');
    const poison = [
      'this is not json',
      JSON.stringify({ tenantId: tenant.tenantId, type: 'document.shredded', data: {} }),
      JSON.stringify({ type: 'document.uploaded', data: {} }),
      JSON.stringify({ tenantId: tenant.tenantId, type: 'document.uploaded', data: { blob: 'x'.repeat(300 * 1024) } }),
    ];

    // Act
    await sqs.publishBatch([poison[0]!, poison[1]!, JSON.stringify(good), poison[2]!]);
    await sqs.publish(poison[3]);

    // Assess
    await waitFor(() => receiver.deliveries.length === 1, { what: 'the good event' });
    const parked = await waitFor(
      async () => {
        const depth = await sqs.depth(platform.queues.events.dlqUrl);
        return depth === poison.length && sqs.drain(platform.queues.events.dlqUrl);
      },
      { what: 'the poison in the events DLQ' },
    );
    expect(parked.map((message) => message.Body).sort()).toEqual([...poison].sort());
    const reasons = parked.map((message) => message.MessageAttributes?.failureReason?.StringValue ?? '');
    expect(reasons.sort()).toEqual([
      expect.stringContaining('invalid_envelope: tenantId'),
      expect.stringContaining('invalid_envelope: type'),
      expect.stringContaining('invalid_json'),
      expect.stringContaining('too_large'),
    ]);
    // the whole batch is acknowledged once its handler returns (right after parking the poison): nothing is retried
    await waitFor(async () => (await sqs.depth(platform.queues.events.queueUrl)) === 0, {
      timeoutMs: 1500,
      what: 'the batch to be acknowledged, none of it retried',
    });
  });

  it('fans the same event id out once, however often it is published', async () => {
    const tenant = await platform.newTenant();
    const { receiver } = await receiverFor(tenant.key, ['verification.completed']);
    const event = anEvent(tenant.tenantId);
    await sqs.publish(event);
    await sqs.publish(event);
    await sqs.publishBatch([JSON.stringify(event), JSON.stringify(event)]);
    await waitFor(() => receiver.deliveries.length === 1);
    await sleep(1500);
    expect(receiver.deliveries).toHaveLength(1);
  });

  it(
    'skips deliveries of webhooks deleted or paused after fan-out, and signs with the secret current at ' + 'delivery',
    async () => {
      // Prepare
      const tenant = await platform.newTenant();
      const deleted = await receiverFor(tenant.key, ['biometric.captured']);
      const paused = await receiverFor(tenant.key, ['biometric.captured']);
      const rotated = await receiverFor(tenant.key, ['biometric.captured']);
      let release!: () => void;
      consumerControl.holdDeliver = new Promise((resolve) => (release = resolve));
      const fanOutsBefore = consumerControl.fanOutBatches;
      const event = anEvent(tenant.tenantId, 'biometric.captured');

      // Act
      await sqs.publish(event);
      await waitFor(() => consumerControl.fanOutBatches > fanOutsBefore, { what: 'fan-out' });
      await platform.request('DELETE', `/v2/webhooks/${deleted.webhook.id}`, { key: tenant.key });
      await platform.request('PUT', `/v2/webhooks/${paused.webhook.id}`, { key: tenant.key, body: { active: false } });
      const newSecret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
      await platform.documentClient.send(
        new UpdateCommand({
          TableName: platform.tableName,
          Key: { pk: `TENANT#${tenant.tenantId}`, sk: `WEBHOOK#${rotated.webhook.id}` },
          // the secret in clear, as before signing secrets were sealed: the deliver lane reads whichever it finds
          UpdateExpression: 'SET secret = :secret REMOVE sealedSecret',
          ExpressionAttributeValues: { ':secret': newSecret },
        }),
      );
      rotated.receiver.secrets.splice(0, 1, newSecret);
      release();

      // Assess
      await waitFor(() => rotated.receiver.deliveries.length === 1, { what: 'the delivery with the new secret' });
      expect(rotated.receiver.deliveries[0]).toMatchObject({ standardVerified: true, githubVerified: true });
      await waitFor(async () => (await deliveryRecord(platform, deleted.webhook.id, event.id))?.status === 'skipped');
      await waitFor(async () => (await deliveryRecord(platform, paused.webhook.id, event.id))?.status === 'skipped');
      expect(deleted.receiver.deliveries).toHaveLength(0);
      expect(paused.receiver.deliveries).toHaveLength(0);
    },
  );

  it('disables a webhook whose receiver answers 410 Gone, and parks the delivery without retrying', async () => {
    const tenant = await platform.newTenant();
    const gone = await receiverFor(tenant.key, ['verification.failed'], { decide: () => ({ status: 410 }) });
    const event = anEvent(tenant.tenantId, 'verification.failed');
    await sqs.publish(event);
    await waitFor(async () => (await deliveryRecord(platform, gone.webhook.id, event.id))?.status === 'failed');
    const { body: webhook } = await platform.request('GET', `/v2/webhooks/${gone.webhook.id}`, { key: tenant.key });
    expect(webhook).toMatchObject({ active: false, disabledReason: 'the endpoint answered 410 Gone' });
    await sleep(1500);
    expect(gone.receiver.deliveries).toHaveLength(1);
    const parked = await sqs.drain(platform.queues.deliveries.dlqUrl);
    expect(parked.map((message) => message.MessageAttributes?.failureReason?.StringValue)).toEqual([
      expect.stringContaining('gone'),
    ]);
  });

  it("waits as long as a 429's Retry-After asks, within the schedule's bounds", async () => {
    const tenant = await platform.newTenant();
    let calls = 0;
    const throttled = await receiverFor(tenant.key, ['verification.expired'], {
      decide: () => (++calls === 1 ? { status: 429, headers: { 'retry-after': '3' } } : { status: 200 }),
    });
    await sqs.publish(anEvent(tenant.tenantId, 'verification.expired'));
    await waitFor(() => throttled.receiver.deliveries.length === 2, { what: 'the retried delivery' });
    const [first, second] = throttled.receiver.deliveries;
    // Retry-After 3 s, jittered ±20 % and rounded to whole seconds (at least 2 s), instead of the schedule's 1 s
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1900);
  });

  it('loses nothing when the deliver function crashes: the batch comes back, and is redriven to the DLQ after ' +
    'maxReceiveCount', async () => {
    // Prepare
    const tenant = await platform.newTenant();
    const { receiver, webhook } = await receiverFor(tenant.key, ['verification.started']);
    consumerControl.crashDeliver = true;
    const event = anEvent(tenant.tenantId, 'verification.started');

    // Act
    await sqs.publish(event);

    // Assess: SQS's redrive policy moved it after 3 receives
    const parked = await waitFor(
      async () => {
        const messages = await sqs.drain(platform.queues.deliveries.dlqUrl);
        return messages.length > 0 && messages;
      },
      { timeoutMs: 30_000, what: 'the redriven message' },
    );
    expect(JSON.parse(parked[0]!.Body!)).toMatchObject({ webhookId: webhook.id, eventId: event.id });
    expect(receiver.deliveries).toHaveLength(0);
  }, 40_000);

  it('delivers again with the same webhook-id when the function crashes after sending (at least once)', async () => {
    const tenant = await platform.newTenant();
    const { receiver } = await receiverFor(tenant.key, ['document.uploaded']);
    consumerControl.crashAfterDeliverOnce = true;
    const event = anEvent(tenant.tenantId, 'document.uploaded');
    await sqs.publish(event);
    await waitFor(() => receiver.deliveries.length === 2, { what: 'the repeated delivery' });
    expect(receiver.deliveries.map((delivery) => delivery.webhookId)).toEqual([event.id, event.id]);
    await sleep(2500);
    expect(receiver.deliveries).toHaveLength(2);
  });
});
