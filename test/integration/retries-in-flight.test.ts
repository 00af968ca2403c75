import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERIES_QUEUE } from '../../lambdas/platform-settings';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

const DELIVER_CONCURRENCY = 2;
let platform: TestPlatform;
let sqs: ReturnType<typeof producer>;
let receiver: Receiver;

beforeAll(async () => {
  // the default schedule (5 s, then 300 s...); the breaker kept shut so that every delivery makes its attempts
  platform = await startTestPlatform(
    { BREAKER_FAILURE_THRESHOLD: '100000' },
    { deliverConcurrency: DELIVER_CONCURRENCY },
  );
  sqs = producer(platform);
  receiver = await startReceiver({ behaviour: { status: 500, failRate: 1 } });
});
afterAll(async () => {
  await receiver.stop();
  await platform.stop();
});

async function counts() {
  const { Attributes = {} } = await sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: platform.queues.deliveries.queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
  };
}

describe('Retries outside the in-flight state (docs/design.md §9)', () => {
  it('keeps 300 failing deliveries waiting for their 300 s retry as delayed messages, not in flight', async () => {
    // Prepare
    const tenant = await platform.newTenant();
    await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: `${receiver.url}/hooks`, events: ['document.uploaded'] },
    });

    // Act: 300 events, each one delivery; each fails at once and again 5 s later
    for (let start = 0; start < 300; start += 10) {
      await sqs.publishBatch(
        Array.from({ length: 10 }, () =>
          JSON.stringify({
            tenantId: tenant.tenantId,
            id: `evt_${randomUUID().replaceAll('-', '')}`,
            type: 'document.uploaded',
            data: {},
          }),
        ),
      );
    }

    // Assess
    await waitFor(() => receiver.deliveries.length >= 600, {
      timeoutMs: 90_000,
      what: 'two failed attempts per delivery',
    });
    const settled = await waitFor(
      async () => {
        const now = await counts();
        return now.delayed + now.inFlight + now.visible === 300 && now.delayed >= 290 && now;
      },
      { timeoutMs: 30_000, what: 'the deliveries to wait as delayed messages' },
    );
    console.log('deliveries queue after the second failure', settled);
    expect(settled.inFlight).toBeLessThanOrEqual(DELIVER_CONCURRENCY * DELIVERIES_QUEUE.batchSize);
    expect(receiver.deliveries.length).toBe(600);
  }, 150_000);
});
