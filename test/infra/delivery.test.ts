import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE_SECONDS,
  DELIVERIES_QUEUE,
  EVENTS_QUEUE,
  FUNCTION_TIMEOUT_SECONDS,
  ORDERED_DELIVERIES_QUEUE,
  SLOW_DELIVERIES_QUEUE,
} from '../../lambdas/platform-settings';
import { Delivery } from '../../lib/delivery';
import { readConfig } from '../../lib/stack-config';
import { Storage } from '../../lib/storage';
import {
  actionsOn,
  queueIdsOf,
  resourceByPrefix,
  resourcesOfType,
  stringLike,
  synthesizeWebhooks,
  tableGrantsOf,
} from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

// a producer in another stack, given access the way the README tells teams to
let producer: Stack;
const { template } = synthesizeWebhooks(({ app, stack }) => {
  producer = new Stack(app, 'Producer');
  stack.platform.grantPublish(new Role(producer, 'ProducerRole', { assumedBy: new AccountRootPrincipal() }));
});

const queues = queueIdsOf(template);
const fanOutId = resourceByPrefix(template, 'AWS::Lambda::Function', 'DeliveryFanOut')[0];
const deliverId = resourceByPrefix(template, 'AWS::Lambda::Function', 'DeliveryDeliver')[0];
const deliverSlowLaneId = resourceByPrefix(template, 'AWS::Lambda::Function', 'DeliveryDeliverSlowLane')[0];
const [tableId] = resourceByPrefix(template, 'AWS::DynamoDB::GlobalTable', 'StorageTable');
const resources = template.toJSON().Resources;

describe('Construct: Delivery', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it.each([
    ['events', queues.events, queues.eventsDlq, EVENTS_QUEUE.maxReceiveCount],
    ['deliveries', queues.deliveries, queues.deliveriesDlq, DELIVERIES_QUEUE.maxReceiveCount],
    ['slow deliveries', queues.slowDeliveries, queues.deliveriesDlq, DELIVERIES_QUEUE.maxReceiveCount],
  ])('redrives the %s queue to its DLQ after its receive count', (_, queueId, dlqId, maxReceiveCount) => {
    // Prepare
    const redrivePolicy = { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount };

    // Act
    const queue = resources[queueId];

    // Assess
    expect(queue.Properties.RedrivePolicy).toEqual(redrivePolicy);
  });

  it(
    'runs ordered webhooks through a high-throughput FIFO queue that fan-out sends to and only DeliverOrdered ' +
      'consumes',
    () => {
      // Act
      const queue = resources[queues.orderedDeliveries].Properties;
      const orderedId = resourceByPrefix(template, 'AWS::Lambda::Function', 'DeliveryDeliverOrdered')[0];

      // Assess
      expect(queue).toMatchObject({
        FifoQueue: true,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
      });
      expect(actionsOn(template, fanOutId, queues.orderedDeliveries)).toEqual(['sqs:SendMessage']);
      expect(actionsOn(template, orderedId, queues.orderedDeliveries)).toEqual(
        expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage']),
      );
      expect(actionsOn(template, deliverId, queues.orderedDeliveries)).toEqual([]);
      // it never re-sends: its waits stay in flight
      expect(actionsOn(template, orderedId, queues.deliveries)).toEqual([]);
      expect(actionsOn(template, orderedId, queues.slowDeliveries)).toEqual([]);
      expect(actionsOn(template, orderedId, queues.deliveriesDlq)).toEqual(['sqs:SendMessage']);
    },
  );

  it(
    'isolates slow ordered webhooks on a FIFO queue of their own (issue 24 §3): only DeliverOrdered sends there, ' +
      'only DeliverOrderedSlowLane consumes it, and it shares the ordered DLQ',
    () => {
      // Act
      const queue = resources[queues.slowOrderedDeliveries].Properties;
      const orderedId = resourceByPrefix(template, 'AWS::Lambda::Function', 'DeliveryDeliverOrdered')[0];
      const slowOrderedId = resourceByPrefix(template, 'AWS::Lambda::Function', 'DeliveryDeliverOrderedSlowLane')[0];

      // Assess
      expect(queue).toMatchObject({
        FifoQueue: true,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [queues.orderedDeliveriesDlq, 'Arn'] },
          maxReceiveCount: ORDERED_DELIVERIES_QUEUE.maxReceiveCount,
        },
      });
      expect(actionsOn(template, orderedId, queues.slowOrderedDeliveries)).toEqual(['sqs:SendMessage']);
      expect(actionsOn(template, slowOrderedId, queues.slowOrderedDeliveries)).toEqual(
        expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage']),
      );
      expect(actionsOn(template, slowOrderedId, queues.slowOrderedDeliveries)).not.toContain('sqs:SendMessage');
      for (const other of [fanOutId, deliverId, deliverSlowLaneId])
        expect(actionsOn(template, other, queues.slowOrderedDeliveries)).toEqual([]);
      // it sends nowhere but the deliveries DLQ and the platform's events
      expect(actionsOn(template, slowOrderedId, queues.orderedDeliveries)).toEqual([]);
      expect(actionsOn(template, slowOrderedId, queues.deliveries)).toEqual([]);
      expect(actionsOn(template, slowOrderedId, queues.deliveriesDlq)).toEqual(['sqs:SendMessage']);
      expect(resources[slowOrderedId].Properties.Environment.Variables.SLOW_ORDERED_DELIVERIES_QUEUE_URL).toEqual({
        Ref: queues.slowOrderedDeliveries,
      });
    },
  );

  it("lets CloudFormation name the queues, with the settings' retention and visibility", () => {
    // Prepare
    const settings = {
      [queues.events]: EVENTS_QUEUE,
      [queues.eventsDlq]: EVENTS_QUEUE.dlq,
      [queues.deliveries]: DELIVERIES_QUEUE,
      [queues.deliveriesDlq]: DELIVERIES_QUEUE.dlq,
      [queues.slowDeliveries]: SLOW_DELIVERIES_QUEUE,
    };

    // Act
    const properties = Object.keys(settings).map((queueId) => resources[queueId].Properties);

    // Assess
    Object.values(settings).forEach((expected, index) => {
      expect(properties[index]).toMatchObject({
        MessageRetentionPeriod: expected.retentionSeconds,
        VisibilityTimeout: expected.visibilityTimeoutSeconds,
      });
      expect(properties[index].QueueName).toBeUndefined();
    });
  });

  it('encrypts every queue and refuses requests without TLS', () => {
    // Prepare
    const denyInsecure = {
      Effect: 'Deny',
      Action: 'sqs:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };

    // Act
    const all = resourcesOfType(template, 'AWS::SQS::Queue');
    const policies = resourcesOfType(template, 'AWS::SQS::QueuePolicy');

    // Assess: the events, deliveries and recoveries queues and their DLQs, the slow lane's, the platform events queue,
    // the ordered lane and its DLQ, the slow ordered lane's, the erasures queue and its DLQ
    expect(all).toHaveLength(13);
    for (const [queueId, queue] of all) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      const policy = policies.find(([, p]) => p.Properties.Queues.some((q: { Ref: string }) => q.Ref === queueId));
      expect(policy?.[1].Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining(denyInsecure));
    }
  });

  it.each([
    ['fan-out', () => fanOutId, queues.events, EVENTS_QUEUE, FUNCTION_TIMEOUT_SECONDS.fanOut],
    ['deliver', () => deliverId, queues.deliveries, DELIVERIES_QUEUE, FUNCTION_TIMEOUT_SECONDS.deliver],
  ] as const)(
    'feeds %s from its queue in bounded batches, reporting partial failures',
    (_, functionId, queueId, settings, timeout) => {
      // Prepare
      const mapping = {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionName: { Ref: functionId() },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: settings.batchSize,
        MaximumBatchingWindowInSeconds: settings.maxBatchingWindowSeconds,
        ScalingConfig: { MaximumConcurrency: settings.maxConcurrency },
      };

      // Act
      const fn = resources[functionId()];

      // Assess
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', mapping);
      expect(fn.Properties.Timeout).toBe(timeout);
    },
  );

  it('configures both functions: table, queues, retry schedule, cache, URL policy, retention, auto-disable', () => {
    // Prepare
    const shared = {
      TABLE_NAME: { Ref: tableId },
      DELIVERIES_QUEUE_URL: { Ref: queues.deliveries },
      RETRY_SCHEDULE_SECONDS: DEFAULT_RETRY_SCHEDULE_SECONDS.join(','),
      ALLOW_HTTP_URLS: 'false',
      ALLOW_LOOPBACK_URLS: 'false',
      EVENT_RETENTION_DAYS: '30',
      AUTO_DISABLE_AFTER_SECONDS: '432000',
    };

    // Act
    const fanOut = resources[fanOutId].Properties.Environment.Variables;
    const deliver = resources[deliverId].Properties.Environment.Variables;

    // Assess
    expect(fanOut).toMatchObject({ ...shared, EVENTS_DLQ_URL: { Ref: queues.eventsDlq } });
    expect(deliver).toMatchObject({ ...shared, DELIVERIES_DLQ_URL: { Ref: queues.deliveriesDlq } });
  });

  it(
    'gives both deliver lanes their circuit breaker, timeouts and lanes from context, and fan-out none of ' + 'them',
    () => {
      // Prepare
      const expected = {
        BREAKER_FAILURE_THRESHOLD: '10',
        BREAKER_PROBE_INITIAL_SECONDS: '30',
        BREAKER_PROBE_MAX_SECONDS: '3600',
        CONNECT_TIMEOUT_SECONDS: '5',
        SEND_TIMEOUT_SECONDS: '15',
        FAST_LANE_SEND_TIMEOUT_SECONDS: '3',
        SLOW_LANE_HOLD_SECONDS: '3600',
        DELIVERIES_QUEUE_URL: { Ref: queues.deliveries },
        SLOW_DELIVERIES_QUEUE_URL: { Ref: queues.slowDeliveries },
      };

      // Act
      const deliver = resources[deliverId].Properties.Environment.Variables;
      const deliverSlowLane = resources[deliverSlowLaneId].Properties.Environment.Variables;
      const fanOut = resources[fanOutId].Properties.Environment.Variables;

      // Assess
      expect(deliver).toMatchObject(expected);
      expect(deliverSlowLane).toMatchObject(expected);
      for (const name of Object.keys(expected).filter((name) => name !== 'DELIVERIES_QUEUE_URL'))
        expect(fanOut[name]).toBeUndefined();
    },
  );

  it("feeds each lane's queue to its own function, with its own bounded concurrency", () => {
    // Prepare
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(
      ([, mapping]) => mapping.Properties,
    );

    // Act
    const consumerOf = (queueId: string) =>
      mappings.find((mapping) => mapping.EventSourceArn['Fn::GetAtt'][0] === queueId);

    // Assess
    expect(consumerOf(queues.deliveries)).toMatchObject({
      FunctionName: { Ref: deliverId },
      ScalingConfig: { MaximumConcurrency: DELIVERIES_QUEUE.maxConcurrency },
    });
    expect(consumerOf(queues.slowDeliveries)).toMatchObject({
      FunctionName: { Ref: deliverSlowLaneId },
      ScalingConfig: { MaximumConcurrency: SLOW_DELIVERIES_QUEUE.maxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('lets fan-out write the table, queue deliveries and park poison events, nothing more', () => {
    // Prepare
    const on = (resourceId: string) => actionsOn(template, fanOutId, resourceId);

    // Act
    const grants = {
      table: on(tableId),
      deliveries: on(queues.deliveries),
      eventsDlq: on(queues.eventsDlq),
      deliveriesDlq: on(queues.deliveriesDlq),
    };

    // Assess
    expect(grants.table).not.toContain('dynamodb:Scan');
    expect(grants.deliveries).toEqual(['sqs:SendMessage']);
    expect(grants.eventsDlq).toEqual(['sqs:SendMessage']);
    expect(grants.deliveriesDlq).toEqual([]);
  });

  it.each([
    ['deliver', () => deliverId, () => queues.deliveries, () => queues.slowDeliveries],
    ['deliver (slow lane)', () => deliverSlowLaneId, () => queues.slowDeliveries, () => queues.deliveries],
  ])(
    'lets %s consume its lane, re-send to either lane, publish operational events to the platform queue and park ' +
      'exhausted ones, nothing more',
    (_, functionId, ownQueue, otherLane) => {
      // Prepare
      const on = (resourceId: string) => actionsOn(template, functionId(), resourceId);

      // Act
      const grants = {
        table: on(tableId),
        deliveries: on(ownQueue()),
        otherLane: on(otherLane()),
        deliveriesDlq: on(queues.deliveriesDlq),
        events: on(queues.events),
        platformEvents: on(queues.platformEvents),
      };

      // Assess
      expect(grants.table).not.toContain('dynamodb:Scan');
      // every retry is re-sent with DelaySeconds (docs/design.md §9); the event source mapping receives and deletes
      expect(new Set(grants.deliveries)).toEqual(
        new Set([
          'sqs:ChangeMessageVisibility',
          'sqs:SendMessage',
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
        ]),
      );
      // forwards and retries to the other lane
      expect(grants.otherLane).toEqual(['sqs:SendMessage']);
      expect(grants.deliveriesDlq).toEqual(['sqs:SendMessage']);
      // operational events (docs/design.md §6e) go through the platform's own queue, never the producers' one
      expect(grants.platformEvents).toEqual(['sqs:SendMessage']);
      expect(grants.events).toEqual([]);
    },
  );

  it(
    'lets fan-out read webhooks and their version (TENANT#) and record events (EVENT#), and touch nothing else of ' +
      'the table',
    () => {
      // Prepare
      const expected = [
        { actions: ['dynamodb:GetItem', 'dynamodb:Query'], index: undefined, leadingKeys: ['TENANT#*'] },
        { actions: ['dynamodb:UpdateItem'], index: undefined, leadingKeys: ['EVENT#*#*'] },
      ];

      // Act
      const grants = tableGrantsOf(template, fanOutId, tableId);

      // Assess
      expect(grants).toEqual(expected);
      expect(grants.some((grant) => grant.leadingKeys!.some((pattern) => stringLike(pattern, 'APIKEY#abc')))).toBe(
        false,
      );
    },
  );

  it('lets deliver keep webhook state, OAuth2 token (TENANT#), log (WEBHOOK#), read ERASURES; no events/keys', () => {
    // Prepare
    const expected = [
      {
        actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
        index: undefined,
        leadingKeys: ['TENANT#*'],
      },
      {
        actions: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        index: undefined,
        leadingKeys: ['WEBHOOK#*'],
      },
      // whether a tenant whose webhook is gone was erased: the delivery is then dropped as erased (design.md §16)
      { actions: ['dynamodb:GetItem'], index: undefined, leadingKeys: ['ERASURES'] },
    ];

    // Act
    const grants = tableGrantsOf(template, deliverId, tableId);

    // Assess
    expect(grants).toEqual(expect.arrayContaining(expected));
    expect(grants).toHaveLength(expected.length);
    expect(grants.some((grant) => grant.leadingKeys!.some((pattern) => stringLike(pattern, 'APIKEY#abc')))).toBe(false);
  });

  it('grantPublish lets a producer in another stack send events, and not receive them', () => {
    // Prepare
    const producerTemplate = Template.fromStack(producer);

    // Act
    const [, policy] = resourcesOfType(producerTemplate, 'AWS::IAM::Policy')[0]!;
    const [statement] = policy.Properties.PolicyDocument.Statement;

    // Assess
    expect(statement.Action).toContain('sqs:SendMessage');
    expect(statement.Action).not.toContain('sqs:ReceiveMessage');
    expect(JSON.stringify(statement.Resource)).toContain(queues.events);
  });

  it('outputs the events queue URL and ARN, both DLQ URLs and where a deliveries replay goes', () => {
    // Prepare
    const expected = {
      EventsQueueUrl: { Ref: queues.events },
      EventsQueueArn: { 'Fn::GetAtt': [queues.events, 'Arn'] },
      EventsDlqUrl: { Ref: queues.eventsDlq },
      DeliveriesDlqUrl: { Ref: queues.deliveriesDlq },
      DeliveriesQueueUrl: { Ref: queues.deliveries },
    };

    // Act
    const outputs = template.toJSON().Outputs;

    // Assess
    for (const [name, value] of Object.entries(expected)) expect(outputs[name].Value).toEqual(value);
  });

  it('refuses a retry schedule that outlasts the retention of events and delivery records', () => {
    // Prepare
    const stack = new Stack(new App());
    const config = { ...readConfig(stack), retryScheduleSeconds: Array(70).fill(12 * 3600) };

    // Act
    const storage = new Storage(stack, 'Storage', { config });
    const build = () =>
      new Delivery(stack, 'Delivery', { table: storage.table, secretsKey: storage.secretsKey, config });

    // Assess
    expect(build).toThrow(/past the retention of events and delivery records/);
  });
});
