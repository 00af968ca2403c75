import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/pipeline';
import { usePlatform } from '../helpers/platform-fixture';

// compressed: every wait leaves the in-flight state and hops at most 1 s at a time
const SCHEDULE = [2, 3];
const local = usePlatform(
  { RETRY_IN_FLIGHT_MAX_SECONDS: '0', RETRY_HOP_MAX_SECONDS: '1' },
  { retryScheduleSeconds: SCHEDULE, deliverConcurrency: 2 },
);

describe('Retry hops (docs/design.md §9)', () => {
  it('makes each attempt at its due time across delayed hops, then dead-letters the delivery with its ' +
    'reason', async () => {
    // Prepare
    const { platform, sqs } = local;
    const receiver = await local.receiver({ status: 500, failRate: 1 });
    const tenant = await platform.newTenant();
    await local.webhookAt(receiver, tenant.key);

    // Act
    await sqs.publish({
      tenantId: tenant.tenantId,
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      type: 'document.uploaded',
      data: {},
    });

    // Assess
    await waitFor(() => receiver.deliveries.length === 3, { timeoutMs: 20_000, what: 'three attempts' });
    const gaps = receiver.deliveries
      .slice(1)
      .map((delivery, index) => (delivery.receivedAt - receiver.deliveries[index]!.receivedAt) / 1000);
    for (const [index, gap] of gaps.entries()) {
      // ±20 % jitter, rounded to whole seconds; deliverBatch attempts a message that comes back less than a
      // second before its due time rather than pay for another whole-second hop; long polling adds up to a second
      // the other way
      expect(gap).toBeGreaterThan(Math.round(SCHEDULE[index]! * 0.8) - 1);
      expect(gap).toBeLessThanOrEqual(Math.ceil(SCHEDULE[index]! * 1.2) + 1.5);
    }
    const [dead] = await waitFor(
      async () => {
        const messages = await sqs.drain(platform.queues.deliveries.dlqUrl);
        return messages.length > 0 && messages;
      },
      { what: 'the dead letter' },
    );
    expect(dead!.MessageAttributes?.failureReason?.StringValue).toBe(
      'exhausted: 3 of 3 attempts failed; the last: HTTP 500',
    );
  }, 60_000);
});
