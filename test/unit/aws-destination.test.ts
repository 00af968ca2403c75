import { describe, expect, it } from 'vitest';
import {
  destinationPolicy,
  findDestinationProblem,
  parseDestinationArn,
  platformIdentity,
} from '../../lambdas/core/webhooks/aws-destination';
import { destinationPolicyFor } from '../../lambdas/core/webhooks/destination-policy';
import { ValidationError } from '../../lambdas/core/common/errors';
import { webhookSchemas } from '../../lambdas/core/webhooks/webhook-schemas';
import { createEventCatalog } from '../../lambdas/core/events/event-catalog';

const platform = platformIdentity('arn:aws:iam::111111111111:role/Webhooks-DestinationsRole');
const QUEUE = 'arn:aws:sqs:eu-west-1:222222222222:orders';
const TOPIC = 'arn:aws:sns:us-east-1:222222222222:orders.fifo';
const BUS = 'arn:aws:events:eu-central-1:222222222222:event-bus/orders';
const schemas = webhookSchemas(createEventCatalog(), { allowHttp: false, allowLoopback: false }, platform);
const events = ['verification.completed'];

describe('AWS destination ARNs', () => {
  it('reads partition, region, account and name of each kind', () => {
    expect(parseDestinationArn('sqs', QUEUE)).toEqual({
      partition: 'aws',
      service: 'sqs',
      region: 'eu-west-1',
      account: '222222222222',
      name: 'orders',
    });
    expect(parseDestinationArn('sns', TOPIC)).toMatchObject({ name: 'orders.fifo', region: 'us-east-1' });
    expect(parseDestinationArn('eventbridge', BUS)).toMatchObject({ service: 'events', name: 'orders' });
    expect(parseDestinationArn('sqs', 'arn:aws-us-gov:sqs:us-gov-west-1:222222222222:q')).toMatchObject({
      partition: 'aws-us-gov',
    });
  });

  it.each([
    ['sqs', 'https://sqs.eu-west-1.amazonaws.com/222222222222/orders', /must be an ARN/],
    ['sqs', 'arn:aws:sqs:eu-west-1:2222:orders', /must be an ARN/],
    ['sqs', 'arn:aws:sqs:EU:222222222222:orders', /must be an ARN/],
    ['sqs', 'arn:aws-xx:sqs:eu-west-1:222222222222:orders', /must be an ARN/],
    ['sqs', TOPIC, /must be an ARN of sqs/],
    ['sqs', 'arn:aws:sqs:eu-west-1:222222222222:orders/x', /queue name/],
    ['sqs', `arn:aws:sqs:eu-west-1:222222222222:${'q'.repeat(81)}`, /queue name/],
    ['sns', 'arn:aws:sns:eu-west-1:222222222222:orders:sub-id', /topic name/],
    ['eventbridge', 'arn:aws:events:eu-west-1:222222222222:rule/orders', /event-bus\//],
  ] as const)('refuses %s %s', (type, arn, problem) => {
    expect(findDestinationProblem(type, arn, platform)).toMatch(problem);
  });

  it("refuses the platform's own account (confused deputy), another partition, and any ARN without a role", () => {
    expect(findDestinationProblem('sqs', 'arn:aws:sqs:eu-west-1:111111111111:platform-queue', platform)).toMatch(
      "the platform's account is refused",
    );
    expect(findDestinationProblem('sqs', 'arn:aws-cn:sqs:cn-north-1:222222222222:orders', platform)).toMatch(
      "platform's partition",
    );
    expect(findDestinationProblem('sqs', QUEUE, undefined)).toMatch('not enabled');
    expect(findDestinationProblem('sqs', QUEUE, platform)).toBeUndefined();
  });
});

describe('The webhook destination field', () => {
  it('takes exactly one of url or destination', () => {
    expect(schemas.create.safeParse({ destination: { type: 'sqs', queueArn: QUEUE }, events }).success).toBe(true);
    const both = schemas.create.safeParse({
      url: 'https://example.com/hooks',
      destination: { type: 'sqs', queueArn: QUEUE },
      events,
    });
    expect(both.error?.issues[0]?.message).toMatch('exactly one of url');
    expect(schemas.create.safeParse({ events }).error?.issues[0]?.message).toMatch('exactly one of url');
    const update = schemas.update.safeParse({
      url: 'https://example.com/h',
      destination: { type: 'sns', topicArn: TOPIC },
    });
    expect(update.error?.issues[0]?.message).toMatch('exactly one of url');
    expect(schemas.update.safeParse({ destination: { type: 'sns', topicArn: TOPIC } }).success).toBe(true);
  });

  it('checks each kind by its own fields, refusing unknown ones and custom headers', () => {
    const fail = (destination: unknown, extra = {}) =>
      schemas.create.safeParse({ destination, events, ...extra }).error?.issues.map((issue) => issue.message);
    expect(fail({ type: 'sqs', topicArn: TOPIC })).toBeDefined();
    expect(fail({ type: 'kafka', queueArn: QUEUE })?.[0]).toMatch('sqs, sns, eventbridge');
    expect(fail({ type: 'sns', topicArn: QUEUE })?.[0]).toMatch('ARN of sns');
    expect(fail({ type: 'eventbridge', eventBusArn: BUS, detailType: '' })?.[0]).toMatch('must not be empty');
    expect(fail({ type: 'eventbridge', eventBusArn: BUS, detailType: 'x'.repeat(129) })?.[0]).toMatch('128');
    expect(fail({ type: 'sqs', queueArn: QUEUE }, { headers: { 'X-A': 'b' } })?.[0]).toMatch('custom headers');
    expect(fail({ type: 'eventbridge', eventBusArn: BUS, detailType: 'Order' })).toBeUndefined();
  });
});

describe('The destination policy a customer pastes', () => {
  it('admits the platform role for this tenant only, with the one action of its kind', () => {
    const policy = destinationPolicy('sqs', QUEUE, 'tenant-b', platform);
    expect(policy.policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ServerlessWebhooksDelivery',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:role/Webhooks-DestinationsRole' },
          Action: 'sqs:SendMessage',
          Resource: QUEUE,
          Condition: { StringEquals: { 'aws:PrincipalTag/tenantId': 'tenant-b' } },
        },
      ],
    });
    expect(policy.statement).toEqual(policy.policy.Statement[0]);
    expect(destinationPolicy('sns', TOPIC, 't', platform).statement.Action).toBe('sns:Publish');
    expect(destinationPolicy('eventbridge', BUS, 't', platform).statement.Action).toBe('events:PutEvents');
  });

  it('checks the query as a webhook destination is', () => {
    expect(destinationPolicyFor('t', { type: 'sqs', arn: QUEUE }, platform).arn).toBe(QUEUE);
    expect(() =>
      destinationPolicyFor('t', { type: 'sqs', arn: 'arn:aws:sqs:eu-west-1:111111111111:q' }, platform),
    ).toThrow(ValidationError);
    expect(() => destinationPolicyFor('t', { type: 'sqs', arn: QUEUE }, undefined)).toThrow('not enabled');
    expect(() => destinationPolicyFor('t', { type: 'ftp', arn: QUEUE }, platform)).toThrow('type');
  });
});
