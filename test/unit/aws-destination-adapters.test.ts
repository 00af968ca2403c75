import { testSigningSealers } from '../helpers/test-sealer';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { DestinationSessions } from '../../lambdas/adapters/destination-sessions';
import {
  attemptSend,
  clientSettings,
  type AwsDestinationContext,
} from '../../lambdas/adapters/destinations/aws-attempt';
import { EventBridgeDestination, EVENT_SOURCE } from '../../lambdas/adapters/destinations/eventbridge-destination';
import { SnsDestination } from '../../lambdas/adapters/destinations/sns-destination';
import { queueUrlOf, SqsDestination } from '../../lambdas/adapters/destinations/sqs-destination';
import { newSigningKey } from '../../lambdas/core/webhooks/signing-keys';
import { verifyWebhook } from '../../verify';
import { aTask, aWebhook, TEST_SECRET } from '../helpers/factories';

const ROLE = 'arn:aws:iam::111111111111:role/Webhooks-DestinationsRole';
const QUEUE = 'arn:aws:sqs:eu-west-1:222222222222:orders';
const BUS = 'arn:aws:events:eu-central-1:222222222222:event-bus/orders';
// now: the signature is verified with Standard Webhooks' tolerance
const startedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
const limits = { connectTimeoutMs: 1000, totalTimeoutMs: 3000 };

const sts = mockClient(STSClient);
const sqs = mockClient(SQSClient);
const sns = mockClient(SNSClient);
const eventBridge = mockClient(EventBridgeClient);
afterEach(() => {
  for (const mock of [sts, sqs, sns, eventBridge]) mock.reset();
});

function sessionCredentials(expiresInMs: number, key = 'ASIA1') {
  return {
    Credentials: {
      AccessKeyId: key,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + expiresInMs),
    },
  };
}

const context = (roleArn?: string): AwsDestinationContext => ({
  sessions: new DestinationSessions({ roleArn, sts: new STSClient({ region: 'us-east-1' }) }),
  limits,
});

describe('Destination sessions', () => {
  it('assume the destinations role once per tenant, tagged with the tenant, and renew before expiry', async () => {
    let now = Date.now();
    sts.on(AssumeRoleCommand).resolves(sessionCredentials(3_600_000));
    const sessions = new DestinationSessions({ roleArn: ROLE, sts: new STSClient({}), now: () => now });
    const provider = sessions.credentialsFor('tenant-b')!;

    const [first, second] = await Promise.all([provider(), provider()]);
    expect(first).toEqual(second);
    expect(first.accessKeyId).toBe('ASIA1');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'webhooks-tenant-b',
      DurationSeconds: 3600,
      Tags: [{ Key: 'tenantId', Value: 'tenant-b' }],
    });
    await sessions.credentialsFor('tenant-a')!();
    expect(sts.commandCalls(AssumeRoleCommand)[1]!.args[0].input.Tags).toEqual([
      { Key: 'tenantId', Value: 'tenant-a' },
    ]);

    now += 56 * 60_000;
    await provider();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(3);
  });

  it('ask again after a refused AssumeRole; use the function’s own credentials without a role (local)', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(new Error('not allowed'), { name: 'AccessDenied' }))
      .resolves(sessionCredentials(3_600_000));
    const sessions = new DestinationSessions({ roleArn: ROLE, sts: new STSClient({}) });
    await expect(sessions.credentialsFor('t')!()).rejects.toThrow('not allowed');
    await expect(sessions.credentialsFor('t')!()).resolves.toMatchObject({ accessKeyId: 'ASIA1' });
    expect(new DestinationSessions({}).credentialsFor('t')).toBeUndefined();
  });
});

describe('SQS destination', () => {
  it('sends the envelope with the Standard Webhooks id, timestamp and signature as attributes', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    const webhook = aWebhook({ url: undefined, destination: { type: 'sqs', queueArn: QUEUE } });
    const task = aTask();

    const outcome = await new SqsDestination(context(), testSigningSealers()).attempt({ task, webhook, startedAt });

    expect(outcome.kind).toBe('delivered');
    const input = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(input.QueueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/222222222222/orders');
    expect(input.MessageBody).toBe(task.payload);
    expect(input.MessageGroupId).toBeUndefined();
    const attribute = (name: string) => input.MessageAttributes![name]!.StringValue!;
    expect(attribute('webhook-id')).toBe(task.eventId);
    expect(attribute('webhook-timestamp')).toBe(String(startedAt.getTime() / 1000));
    const verified = new StandardWebhook(TEST_SECRET).verify(task.payload, {
      'webhook-id': attribute('webhook-id'),
      'webhook-timestamp': attribute('webhook-timestamp'),
      'webhook-signature': attribute('webhook-signature'),
    });
    expect(verified).toBeDefined();
  });

  it('groups a FIFO queue by webhook and de-duplicates by event id', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const webhook = aWebhook({ url: undefined, destination: { type: 'sqs', queueArn: `${QUEUE}.fifo` } });
    await new SqsDestination(context(), testSigningSealers()).attempt({ task: aTask(), webhook, startedAt });
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input).toMatchObject({
      MessageGroupId: webhook.id,
      MessageDeduplicationId: 'evt_1',
    });
    expect(queueUrlOf('arn:aws-cn:sqs:cn-north-1:222222222222:q').url).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/222222222222/q',
    );
  });

  it('reports a refusal as a failed attempt in the service’s words, retried; too large fails for good', async () => {
    sqs.on(SendMessageCommand).rejects(
      Object.assign(new Error('User: arn:aws:sts::111111111111:assumed-role/R/webhooks-t is not authorized'), {
        name: 'AccessDenied',
      }),
    );
    const webhook = aWebhook({ url: undefined, destination: { type: 'sqs', queueArn: QUEUE } });
    const denied = await new SqsDestination(context(), testSigningSealers()).attempt({
      task: aTask(),
      webhook,
      startedAt,
    });
    expect(denied).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^AccessDenied: User: /) });
    expect(denied).not.toHaveProperty('permanent');

    const large = aTask({ payload: JSON.stringify({ id: 'evt_1', type: 't', data: 'x'.repeat(262_144) }) });
    const tooLarge = await new SqsDestination(context(), testSigningSealers()).attempt({
      task: large,
      webhook,
      startedAt,
    });
    expect(tooLarge).toMatchObject({ kind: 'failed', permanent: true, reason: expect.stringMatching(/^too_large: /) });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('gives each client the tenant’s role session when the deployment has a role, and one SDK attempt', async () => {
    sts.on(AssumeRoleCommand).resolves(sessionCredentials(3_600_000));
    const settings = clientSettings(context(ROLE), 'tenant-b', 'eu-west-1');
    expect(settings).toMatchObject({ region: 'eu-west-1', maxAttempts: 1 });
    await expect(settings.credentials!()).resolves.toMatchObject({ accessKeyId: 'ASIA1' });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input.Tags).toEqual([
      { Key: 'tenantId', Value: 'tenant-b' },
    ]);
    expect(clientSettings(context(), 'tenant-b', 'eu-west-1')).not.toHaveProperty('credentials');
  });
});

describe('SNS destination', () => {
  it('signs attributes with v1 and, for a webhook with an ed25519 key, v1a (verify entry accepts both)', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const sealers = testSigningSealers();
    const base = aWebhook({
      url: undefined,
      destination: { type: 'sns', topicArn: 'arn:aws:sns:us-east-1:222222222222:orders' },
    });
    const signingKey = await newSigningKey(base, sealers.privateKeys);
    const destination = new SnsDestination(context(), sealers);

    await destination.attempt({ task: aTask(), webhook: { ...base, signingKey }, startedAt });

    const attributes = Object.fromEntries(
      Object.entries(sns.commandCalls(PublishCommand)[0]!.args[0].input.MessageAttributes!).map(([name, value]) => [
        name,
        value.StringValue!,
      ]),
    );
    expect(attributes['webhook-signature']!.split(' ').map((entry) => entry.split(',')[0])).toEqual(['v1', 'v1a']);
    await expect(verifyWebhook(aTask().payload, attributes, { secret: TEST_SECRET })).resolves.toBeDefined();
    await expect(
      verifyWebhook(aTask().payload, attributes, { publicKey: signingKey.publicKey }),
    ).resolves.toMatchObject({ scheme: 'v1a' });
  });

  it('publishes the envelope with the signature attributes; NotFound is a failed attempt', async () => {
    sns
      .on(PublishCommand)
      .resolvesOnce({ MessageId: 'm' })
      .rejects(Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' }));
    const topicArn = 'arn:aws:sns:us-east-1:222222222222:orders';
    const webhook = aWebhook({ url: undefined, destination: { type: 'sns', topicArn } });
    const destination = new SnsDestination(context(), testSigningSealers());

    expect((await destination.attempt({ task: aTask(), webhook, startedAt })).kind).toBe('delivered');
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ TopicArn: topicArn, Message: aTask().payload });
    expect(Object.keys(input.MessageAttributes!)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(await destination.attempt({ task: aTask(), webhook, startedAt })).toMatchObject({
      kind: 'failed',
      reason: 'NotFoundException: Topic does not exist',
    });
  });
});

describe('EventBridge destination (stubbed client: no emulator runs EventBridge)', () => {
  const webhook = (detailType?: string) =>
    aWebhook({
      url: undefined,
      destination: { type: 'eventbridge', eventBusArn: BUS, ...(detailType ? { detailType } : {}) },
    });

  it('puts the envelope as detail, the event type (or detailType) as detail-type, no signature', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    const destination = new EventBridgeDestination(context());
    expect((await destination.attempt({ task: aTask(), webhook: webhook(), startedAt })).kind).toBe('delivered');
    await destination.attempt({ task: aTask(), webhook: webhook('Order'), startedAt });
    const [first, second] = eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries![0]!);
    expect(first).toEqual({
      EventBusName: BUS,
      Source: EVENT_SOURCE,
      DetailType: 'verification.completed',
      Detail: aTask().payload,
      Time: startedAt,
    });
    expect(second!.DetailType).toBe('Order');
  });

  it('reports an entry the bus refused, and an AccessDeniedException, as failed attempts', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'nope' }] })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const destination = new EventBridgeDestination(context());
    expect(await destination.attempt({ task: aTask(), webhook: webhook(), startedAt })).toMatchObject({
      kind: 'failed',
      reason: 'AccessDeniedException: nope',
    });
    expect(await destination.attempt({ task: aTask(), webhook: webhook(), startedAt })).toMatchObject({
      kind: 'failed',
      reason: 'AccessDeniedException: denied',
    });
  });

  it('cuts an attempt off at the lane’s time limit', async () => {
    // the abort signal every adapter passes to its client's send
    const hanging = (signal: AbortSignal) =>
      new Promise<undefined>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    expect(await attemptSend({ connectTimeoutMs: 50, totalTimeoutMs: 100 }, hanging)).toMatchObject({
      kind: 'failed',
      timedOut: true,
      reason: 'timeout: no answer within 100 ms',
    });
  });
});
