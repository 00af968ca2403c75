import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import type { SqsHandler } from '../../local/sqs-poller';
import { producer, sleep, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

const FAILED = 300;
// two attempts one second apart, and a breaker that never opens, so the receiver's outage gives up 300
// deliveries quickly; the recoveries queue keeps its own visibility timeout
let platform: TestPlatform;
let receiver: Receiver;
let tenant: { tenantId: string; key: string };
/** Pages the Recover function ran (one job message each). */
const recoveryPages: string[] = [];

function countPages(name: 'fan-out' | 'deliver' | 'recover', handler: SqsHandler): SqsHandler {
  if (name !== 'recover') return handler;
  return (event: SQSEvent, context) => {
    recoveryPages.push(...event.Records.map((record) => record.body));
    return handler(event, context);
  };
}

beforeAll(async () => {
  platform = await startTestPlatform(
    { BREAKER_FAILURE_THRESHOLD: '100000' },
    { retryScheduleSeconds: [1], wrapConsumer: countPages },
  );
  tenant = await platform.newTenant('recover');
});
afterAll(async () => {
  await receiver?.stop();
  await platform.stop();
});

const failedCount = async (webhookId: string) => {
  let count = 0;
  let cursor: string | null = null;
  do {
    const query: string = `status=failed&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    const { body } = await platform.request('GET', `/v2/webhooks/${webhookId}/deliveries?${query}`, {
      key: tenant.key,
    });
    count += body.data.length;
    cursor = body.nextCursor;
  } while (cursor);
  return count;
};

describe('POST /v2/webhooks/{id}/recover', () => {
  it('re-queues 300 failed deliveries in the background, and each reaches the recovered receiver exactly ' +
    'once', async () => {
    // Prepare: the receiver is down while 300 events are published; every delivery is given up
    let down = true;
    receiver = await startReceiver({ behaviour: { decide: () => (down ? { status: 503 } : { status: 200 }) } });
    const { body: webhook } = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: `${receiver.url}/hooks`, events: ['verification.completed'] },
    });
    receiver.secrets.push(webhook.secret);
    const since = new Date(Date.now() - 1000).toISOString();
    const eventIds = Array.from({ length: FAILED }, (_, index) => `evt_recover_${String(index).padStart(3, '0')}`);
    const events = producer(platform);
    for (let start = 0; start < FAILED; start += 10) {
      await events.publishBatch(
        eventIds
          .slice(start, start + 10)
          .map((id) =>
            JSON.stringify({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: { n: id } }),
          ),
      );
    }
    await waitFor(async () => (await failedCount(webhook.id)) === FAILED, {
      timeoutMs: 120_000,
      what: `${FAILED} failed deliveries`,
    });
    down = false;
    const answeredBefore = receiver.deliveries.length;

    // Act
    const started = Date.now();
    const response = await platform.request('POST', `/v2/webhooks/${webhook.id}/recover`, {
      key: tenant.key,
      body: { since },
    });
    const answeredInMs = Date.now() - started;
    await waitFor(() => receiver.deliveries.filter((delivered) => delivered.answeredStatus === 200).length >= FAILED, {
      timeoutMs: 120_000,
      what: 'every recovered delivery',
    });
    await sleep(3000); // anything sent twice would arrive now

    // Assess: the answer came at once, before the work
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ recoveryId: expect.stringMatching(/^rcv_/), since, until: expect.any(String) });
    expect(answeredInMs).toBeLessThan(5000);
    // Assess: each delivery once, signed, after the recovery; the work ran in pages
    const recovered = receiver.deliveries.slice(answeredBefore);
    expect(
      recovered.every(
        (delivered) => delivered.answeredStatus === 200 && delivered.standardVerified && delivered.githubVerified,
      ),
    ).toBe(true);
    expect(recovered.map((delivered) => delivered.eventId).sort()).toEqual(eventIds);
    expect(recoveryPages.length).toBeGreaterThanOrEqual(FAILED / 100);
    // Assess: the log shows them delivered by a manual attempt
    expect(await failedCount(webhook.id)).toBe(0);
    const { body: one } = await platform.request('GET', `/v2/webhooks/${webhook.id}/deliveries/${eventIds[123]}`, {
      key: tenant.key,
    });
    expect(
      one.attempts.map((attempt: { trigger: string; statusCode: number }) => [attempt.trigger, attempt.statusCode]),
    ).toEqual([
      ['scheduled', 503],
      ['scheduled', 503],
      ['manual', 200],
    ]);
  }, 300_000);
});
