import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer, sleep, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

// a one-second "5 days", so the clock runs out within the compressed retry schedule
let platform: TestPlatform;
let sqs: ReturnType<typeof producer>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  platform = await startTestPlatform(
    { AUTO_DISABLE_AFTER_SECONDS: '1' },
    { retryScheduleSeconds: [1, 1, 1, 1], visibilityTimeoutSeconds: 2 },
  );
  sqs = producer(platform);
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await platform.stop();
});

async function webhookWith(behaviour: Receiver['behaviour']) {
  const tenant = await platform.newTenant();
  const receiver = await startReceiver({ behaviour });
  receivers.push(receiver);
  const { body: webhook } = await platform.request('POST', '/v2/webhooks', {
    key: tenant.key,
    body: { url: `${receiver.url}/h`, events: ['document.uploaded'] },
  });
  const stored = async () =>
    (
      await platform.documentClient.send(
        new GetCommand({
          TableName: platform.tableName,
          Key: { pk: `TENANT#${tenant.tenantId}`, sk: `WEBHOOK#${webhook.id}` },
        }),
      )
    ).Item!;
  const publish = (id: string) => sqs.publish({ tenantId: tenant.tenantId, id, type: 'document.uploaded', data: {} });
  return { tenant, receiver, webhook, stored, publish };
}

describe('Auto-disable', () => {
  it(
    'disables a webhook once all its deliveries have failed for the configured time, and parks its deliveries for ' +
      'replay',
    async () => {
      // Prepare
      const { tenant, receiver, webhook, stored, publish } = await webhookWith({ decide: () => ({ status: 500 }) });

      // Act
      await publish('evt_auto_1');

      // Assess: disabled with its reason, the failing delivery parked, fewer attempts than the schedule allows
      const disabled = await waitFor(
        async () => {
          const item = await stored();
          return item.active === false && item;
        },
        { what: 'the webhook to be disabled' },
      );
      expect(disabled.disabledReason).toMatch(/^every delivery failed since /);
      expect(disabled).not.toHaveProperty('failingSince');
      const parked = await waitFor(async () => {
        const messages = await sqs.peek(platform.queues.deliveries.dlqUrl);
        return messages.length > 0 && messages;
      });
      expect(parked[0]!.MessageAttributes?.failureReason?.StringValue).toMatch(/^disabled: every delivery failed/);
      expect(receiver.deliveries.length).toBeLessThan(5);
      const { body: resource } = await platform.request('GET', `/v2/webhooks/${webhook.id}`, { key: tenant.key });
      expect(resource).toMatchObject({ active: false, disabledReason: disabled.disabledReason });

      // Act: a later event, while the webhook is disabled
      const sentBefore = receiver.deliveries.length;
      await publish('evt_auto_2');

      // Assess: stored (for replay), but a disabled webhook is no longer a subscriber
      await waitFor(
        async () =>
          (
            await platform.documentClient.send(
              new GetCommand({
                TableName: platform.tableName,
                Key: { pk: `EVENT#${tenant.tenantId}#evt_auto_2`, sk: 'EVENT' },
              }),
            )
          ).Item,
        { what: 'the event to be stored' },
      );
      await sleep(1000);
      expect(receiver.deliveries.length).toBe(sentBefore);
    },
  );

  it('stops the clock when a delivery succeeds again', async () => {
    let calls = 0;
    const { stored, publish, receiver } = await webhookWith({
      decide: () => (++calls === 1 ? { status: 500 } : { status: 200 }),
    });
    await publish('evt_recover_1');
    await waitFor(() => receiver.deliveries.length === 2, { what: 'the successful retry' });
    await waitFor(async () => !('failingSince' in (await stored())), { what: 'the clock to stop' });
    expect(await stored()).toMatchObject({ active: true });
  });
});
