import { testSigningSealers } from '../helpers/test-sealer';
import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationSessions } from '../../lambdas/adapters/destination-sessions';
import type { AwsDestinationContext } from '../../lambdas/adapters/destinations/aws-attempt';
import { SnsDestination } from '../../lambdas/adapters/destinations/sns-destination';
import { SqsDestination } from '../../lambdas/adapters/destinations/sqs-destination';
import { LOCAL_DESTINATIONS_ROLE_ARN, localClientConfig } from '../../local/local-settings';
import { aTask, aWebhook, TEST_SECRET } from '../helpers/factories';
import { deliveryRecord, producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let sqs: SQSClient;
let sns: SNSClient;
// locally nothing assumes the role: the adapters send to fauxqs with the local credentials (AWS_ENDPOINT_URL_SQS/SNS)
const context: AwsDestinationContext = {
  sessions: new DestinationSessions({}),
  limits: { connectTimeoutMs: 2000, totalTimeoutMs: 5000 },
};

beforeAll(async () => {
  platform = await startTestPlatform();
  sqs = new SQSClient(localClientConfig(process.env.AWS_ENDPOINT_URL_SQS!));
  sns = new SNSClient(localClientConfig(process.env.AWS_ENDPOINT_URL_SNS!));
});
afterAll(async () => {
  await platform.stop();
});

/** A customer's own queue in fauxqs (account 000000000000), and its ARN. */
async function customerQueue() {
  const { QueueUrl: url } = await sqs.send(
    new CreateQueueCommand({ QueueName: `customer-${randomUUID().slice(0, 8)}` }),
  );
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url: url!, arn: Attributes!.QueueArn! };
}

/** What a consumer of the customer's queue reads: one message, with its attributes. */
async function receiveOne(queueUrl: string): Promise<Message> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 5 }),
  );
  expect(Messages).toHaveLength(1);
  return Messages![0]!;
}

function expectSignedEnvelope(message: Message, payload: string, eventId: string) {
  expect(message.Body).toBe(payload);
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  expect(attribute('webhook-id')).toBe(eventId);
  // verifies as an HTTP delivery does: the same envelope, id, timestamp and signature
  new StandardWebhook(TEST_SECRET).verify(payload, {
    'webhook-id': attribute('webhook-id')!,
    'webhook-timestamp': attribute('webhook-timestamp')!,
    'webhook-signature': attribute('webhook-signature')!,
  });
}

describe('AWS destinations on fauxqs', () => {
  it("delivers into a customer's SQS queue: the envelope, with the signature attributes", async () => {
    const queue = await customerQueue();
    const task = aTask({ eventId: `evt_${randomUUID().slice(0, 8)}` });
    const webhook = aWebhook({ url: undefined, destination: { type: 'sqs', queueArn: queue.arn } });

    const outcome = await new SqsDestination(context, testSigningSealers()).attempt({
      task,
      webhook,
      startedAt: new Date(),
    });

    expect(outcome.kind).toBe('delivered');
    expectSignedEnvelope(await receiveOne(queue.url), task.payload, task.eventId);
  });

  it('delivers into an SNS topic that a queue subscribes to (raw delivery keeps the attributes)', async () => {
    const queue = await customerQueue();
    const { TopicArn: topicArn } = await sns.send(
      new CreateTopicCommand({ Name: `customer-${randomUUID().slice(0, 8)}` }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    const task = aTask({ eventId: `evt_${randomUUID().slice(0, 8)}` });
    const webhook = aWebhook({ url: undefined, destination: { type: 'sns', topicArn: topicArn! } });

    const outcome = await new SnsDestination(context, testSigningSealers()).attempt({
      task,
      webhook,
      startedAt: new Date(),
    });

    expect(outcome.kind).toBe('delivered');
    expectSignedEnvelope(await receiveOne(queue.url), task.payload, task.eventId);
  });

  it('reports a queue that does not exist as a failed attempt with the reason', async () => {
    const webhook = aWebhook({
      url: undefined,
      destination: { type: 'sqs', queueArn: 'arn:aws:sqs:us-east-1:000000000000:no-such-queue' },
    });
    const outcome = await new SqsDestination(context, testSigningSealers()).attempt({
      task: aTask(),
      webhook,
      startedAt: new Date(),
    });
    expect(outcome).toMatchObject({
      kind: 'failed',
      reason: expect.stringMatching(/NonExistentQueue|QueueDoesNotExist/),
    });
  });
});

describe('The API for AWS destinations', () => {
  it('creates a webhook with a destination and no url, and lets a url replace it', async () => {
    const tenant = await platform.newTenant('dest');
    const queue = await customerQueue();
    const created = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { destination: { type: 'sqs', queueArn: queue.arn }, events: ['verification.completed'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: null, destination: { type: 'sqs', queueArn: queue.arn } });

    const list = await platform.request('GET', '/v2/webhooks', { key: tenant.key });
    expect(list.body.data[0]).toMatchObject({ url: null, destination: { type: 'sqs', queueArn: queue.arn } });

    const updated = await platform.request('PUT', `/v2/webhooks/${created.body.id}`, {
      key: tenant.key,
      body: { url: 'http://127.0.0.1:9/hooks' },
    });
    expect(updated.body).toMatchObject({ url: 'http://127.0.0.1:9/hooks', destination: null });
    const back = await platform.request('PUT', `/v2/webhooks/${created.body.id}`, {
      key: tenant.key,
      body: { destination: { type: 'eventbridge', eventBusArn: 'arn:aws:events:us-east-1:000000000000:event-bus/b' } },
    });
    expect(back.body).toMatchObject({ url: null, destination: { type: 'eventbridge' } });
  });

  it("refuses the platform's own account, a wrong ARN, and both url and destination, changing nothing", async () => {
    const tenant = await platform.newTenant('dest');
    const create = (body: Record<string, unknown>) =>
      platform.request('POST', '/v2/webhooks', {
        key: tenant.key,
        body: { events: ['verification.completed'], ...body },
      });

    const platformAccount = await create({
      destination: { type: 'sqs', queueArn: 'arn:aws:sqs:us-east-1:111111111111:platform-deliveries' },
    });
    expect(platformAccount.status).toBe(400);
    expect(platformAccount.body.error).toMatchObject({
      code: 'validation_error',
      details: [{ path: 'destination.queueArn', message: expect.stringContaining("platform's account is refused") }],
    });
    const wrongService = await create({
      destination: { type: 'sqs', queueArn: 'arn:aws:sns:us-east-1:000000000000:t' },
    });
    expect(wrongService.status).toBe(400);
    const both = await create({
      url: 'http://127.0.0.1:9/hooks',
      destination: { type: 'sns', topicArn: 'arn:aws:sns:us-east-1:000000000000:t' },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch('give exactly one of url (an HTTPS endpoint) or destination');
    const list = await platform.request('GET', '/v2/webhooks', { key: tenant.key });
    expect(list.body.data).toEqual([]);
  });

  it('gives the resource policy for this tenant, and refuses an ARN it would not deliver to', async () => {
    const tenant = await platform.newTenant('dest');
    const arn = 'arn:aws:sqs:us-east-1:000000000000:orders';
    const answer = await platform.request('GET', `/v2/destination-policy?type=sqs&arn=${encodeURIComponent(arn)}`, {
      key: tenant.key,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.policy.Statement).toEqual([
      {
        Sid: 'ServerlessWebhooksDelivery',
        Effect: 'Allow',
        Principal: { AWS: LOCAL_DESTINATIONS_ROLE_ARN },
        Action: 'sqs:SendMessage',
        Resource: arn,
        Condition: { StringEquals: { 'aws:PrincipalTag/tenantId': tenant.tenantId } },
      },
    ]);
    const refused = await platform.request('GET', `/v2/destination-policy?type=sns&arn=${encodeURIComponent(arn)}`, {
      key: tenant.key,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toBe('arn');
  });
});

describe('The pipeline into AWS destinations', () => {
  async function destinationWebhook(queueArn: string) {
    const tenant = await platform.newTenant('dest');
    const created = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { destination: { type: 'sqs', queueArn }, events: ['verification.completed'] },
    });
    expect(created.status).toBe(201);
    const publish = async () => {
      const id = `evt_${randomUUID().replaceAll('-', '')}`;
      await producer(platform).publish({
        tenantId: tenant.tenantId,
        id,
        type: 'verification.completed',
        data: { verificationId: 'ver_1' },
      });
      return id;
    };
    return { webhook: created.body, publish };
  }

  it("delivers a published event into the customer's queue, signed, and logs it delivered", async () => {
    const queue = await customerQueue();
    const { webhook, publish } = await destinationWebhook(queue.arn);

    const eventId = await publish();

    const message = await waitFor(
      async () =>
        (
          await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: queue.url, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
          )
        ).Messages?.[0],
      { what: 'the message in the customer queue' },
    );
    expect(JSON.parse(message.Body!)).toMatchObject({ id: eventId, type: 'verification.completed' });
    new StandardWebhook(webhook.secret).verify(message.Body!, {
      'webhook-id': message.MessageAttributes!['webhook-id']!.StringValue!,
      'webhook-timestamp': message.MessageAttributes!['webhook-timestamp']!.StringValue!,
      'webhook-signature': message.MessageAttributes!['webhook-signature']!.StringValue!,
    });
    const record = await waitFor(
      async () => {
        const item = await deliveryRecord(platform, webhook.id, eventId);
        return item?.status === 'delivered' && item;
      },
      { what: 'the delivered record' },
    );
    expect(record.attempts).toHaveLength(1);
  });

  it('records a send into a missing queue as a failed attempt with its reason, to be retried', async () => {
    const { webhook, publish } = await destinationWebhook(
      `arn:aws:sqs:us-east-1:000000000000:missing-${randomUUID().slice(0, 8)}`,
    );

    const eventId = await publish();

    const record = await waitFor(
      async () => {
        const item = await deliveryRecord(platform, webhook.id, eventId);
        return item?.attempts?.length && item;
      },
      { what: 'the failed attempt' },
    );
    expect(record.status).toBe('pending');
    expect(record.attempts[0].error).toMatch(/NonExistentQueue|QueueDoesNotExist/);
    expect(record.nextAttemptAt).toBeDefined();
  });
});
