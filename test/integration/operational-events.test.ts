import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer, sleep, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

const OPERATIONAL = ['webhook.disabled', 'delivery.exhausted', 'delivery.recovered'];
let platform: TestPlatform;
let sqs: ReturnType<typeof producer>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({}, { retryScheduleSeconds: [1, 1] });
  sqs = producer(platform);
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await platform.stop();
});

/**
 * A tenant with a webhook that fails as told and a sibling that only listens to operational events; both subscribe to
 * them.
 */
async function tenantWithSibling(answer: () => number) {
  const tenant = await platform.newTenant();
  const failing = await startReceiver({ behaviour: { decide: () => ({ status: answer() }) } });
  const sibling = await startReceiver({});
  receivers.push(failing, sibling);
  const create = async (receiver: Receiver, events: string[]) => {
    const { body } = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: `${receiver.url}/hooks`, events },
    });
    receiver.secrets.push(body.secret);
    return body as { id: string };
  };
  const webhook = await create(failing, ['document.uploaded', ...OPERATIONAL]);
  await create(sibling, OPERATIONAL);
  const publish = async () => {
    const id = `evt_${randomUUID().replaceAll('-', '')}`;
    await sqs.publish({ tenantId: tenant.tenantId, id, type: 'document.uploaded', data: {} });
    return id;
  };
  return { tenant, failing, sibling, webhook, publish };
}

const operational = (receiver: Receiver, type: string) =>
  receiver.deliveries.filter((delivery) => delivery.eventType === type).map((delivery) => JSON.parse(delivery.body));

describe('Operational events (docs/design.md §6e)', () => {
  it('tells a sibling webhook that a webhook was disabled (410 Gone), and never tells the disabled one', async () => {
    const { failing, sibling, webhook, publish } = await tenantWithSibling(() => 410);
    await publish();
    const [event] = await waitFor(
      () => operational(sibling, 'webhook.disabled').length > 0 && operational(sibling, 'webhook.disabled'),
      { what: 'webhook.disabled' },
    );
    expect(event).toMatchObject({
      type: 'webhook.disabled',
      data: { webhookId: webhook.id, reason: 'the endpoint answered 410 Gone' },
    });
    expect(sibling.deliveries.every((delivery) => delivery.standardVerified && delivery.githubVerified)).toBe(true);
    await sleep(1000);
    expect(failing.deliveries.map((delivery) => delivery.eventType)).toEqual(['document.uploaded']);
  });

  it(
    'reports an exhausted delivery to the sibling with its last attempt, and never to the failing ' + 'webhook',
    async () => {
      const { failing, sibling, webhook, publish } = await tenantWithSibling(() => 500);
      const eventId = await publish();
      const [event] = await waitFor(
        () => operational(sibling, 'delivery.exhausted').length > 0 && operational(sibling, 'delivery.exhausted'),
        {
          what: 'delivery.exhausted',
        },
      );
      expect(event.data).toMatchObject({
        webhookId: webhook.id,
        eventId,
        eventType: 'document.uploaded',
        attemptCount: 3,
        lastAttempt: { statusCode: 500 },
      });
      await sleep(1000);
      expect(new Set(failing.deliveries.map((delivery) => delivery.eventType))).toEqual(new Set(['document.uploaded']));
    },
  );

  it('reports the first success after failures as delivery.recovered, once', async () => {
    let failures = 2;
    const { sibling, webhook, publish } = await tenantWithSibling(() => (failures-- > 0 ? 503 : 200));
    await publish();
    const [event] = await waitFor(
      () => operational(sibling, 'delivery.recovered').length > 0 && operational(sibling, 'delivery.recovered'),
      {
        what: 'delivery.recovered',
      },
    );
    expect(event.data).toEqual({ webhookId: webhook.id, failingSince: expect.any(String) });
    await publish();
    await sleep(1500);
    expect(operational(sibling, 'delivery.recovered')).toHaveLength(1);
  });

  it(
    "parks, with its reason, a producer message that claims to be the platform's (a forged webhook.disabled, a " +
      'forged test event)',
    async () => {
      // Prepare: any SQS client with SendMessage on the events queue, setting the attribute the platform once used
      const { tenant, webhook, sibling } = await tenantWithSibling(() => 200);
      const forged = [
        {
          tenantId: tenant.tenantId,
          id: `evt_${randomUUID().replaceAll('-', '')}`,
          type: 'webhook.disabled',
          data: { webhookId: webhook.id, reason: 'please re-enter your card at https://evil.example' },
        },
        {
          tenantId: tenant.tenantId,
          id: `evt_${randomUUID().replaceAll('-', '')}`,
          type: 'document.uploaded',
          data: {},
          webhookId: webhook.id,
          test: true,
        },
      ];

      // Act
      for (const envelope of forged) {
        await sqs.client.send(
          new SendMessageCommand({
            QueueUrl: platform.queues.events.queueUrl,
            MessageBody: JSON.stringify(envelope),
            MessageAttributes: { origin: { DataType: 'String', StringValue: 'platform' } },
          }),
        );
      }

      // Assess
      const parked = await waitFor(
        async () => {
          const messages = (await sqs.peek(platform.queues.events.dlqUrl)).filter((message) =>
            forged.some((envelope) => message.Body?.includes(envelope.id)),
          );
          return messages.length === forged.length && messages;
        },
        { what: 'both forgeries in the events DLQ' },
      );
      for (const message of parked)
        expect(message.MessageAttributes?.failureReason?.StringValue).toMatch(/^forged_origin: /);
      expect(
        sibling.deliveries.filter((delivery) => forged.some((envelope) => envelope.id === delivery.eventId)),
      ).toEqual([]);
    },
  );
});
