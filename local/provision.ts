import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DELIVERIES_QUEUE,
  EVENTS_QUEUE,
  ORDERED_DELIVERIES_QUEUE,
  SLOW_ORDERED_DELIVERIES_QUEUE,
  PLATFORM_EVENTS_QUEUE,
  RECOVERIES_QUEUE,
  ERASURES_QUEUE,
  SLOW_DELIVERIES_QUEUE,
  TABLE,
  type ConsumedQueueSettings,
} from '../lambdas/platform-settings';

const EVENTS_BY_TIME_ATTRIBUTES: AttributeDefinition[] = [
  { AttributeName: TABLE.eventsByTime.partitionKey, AttributeType: 'S' },
  { AttributeName: TABLE.eventsByTime.sortKey, AttributeType: 'S' },
];

const EVENTS_BY_TIME: GlobalSecondaryIndex = {
  IndexName: TABLE.eventsByTime.indexName,
  KeySchema: [
    { AttributeName: TABLE.eventsByTime.partitionKey, KeyType: 'HASH' },
    { AttributeName: TABLE.eventsByTime.sortKey, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...TABLE.eventsByTime.projectedAttributes] },
};

/**
 * Creates the table as lib/storage.ts defines it, unless it exists already (data kept on disk); a table kept
 * from before the EventsByTime index gets the index added.
 */
export async function provisionTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE.sortKey, AttributeType: 'S' },
          ...EVENTS_BY_TIME_ATTRIBUTES,
        ],
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [EVENTS_BY_TIME],
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await addMissingEventsIndex(client, tableName);
  }
}

async function addMissingEventsIndex(client: DynamoDBClient, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.GlobalSecondaryIndexes?.some((index) => index.IndexName === EVENTS_BY_TIME.IndexName)) return;
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      AttributeDefinitions: EVENTS_BY_TIME_ATTRIBUTES,
      GlobalSecondaryIndexUpdates: [{ Create: EVENTS_BY_TIME }],
    }),
  );
}

export interface QueuePair {
  queueUrl: string;
  dlqUrl: string;
}

/** A queue and its DLQ with the redrive policy lib/delivery.ts gives them. CreateQueue is idempotent. */
export async function provisionQueue(
  client: SQSClient,
  settings: ConsumedQueueSettings,
  prefix = '',
): Promise<QueuePair> {
  const { QueueUrl: dlqUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: prefix + settings.dlq.name,
      Attributes: {
        VisibilityTimeout: String(settings.dlq.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(settings.dlq.retentionSeconds),
        ...(settings.fifo ? { FifoQueue: 'true' } : {}),
      },
    }),
  );
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const { QueueUrl: queueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: prefix + settings.name,
      Attributes: {
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(settings.retentionSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes!.QueueArn,
          maxReceiveCount: settings.maxReceiveCount,
        }),
        ...(settings.fifo
          ? { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' }
          : {}),
      },
    }),
  );
  return { queueUrl: queueUrl!, dlqUrl: dlqUrl! };
}

/**
 * The queue pairs; the two delivery lanes share the deliveries DLQ, and the two event queues the events DLQ
 * (the same name: CreateQueue answers the existing one). A shortened
 * visibility timeout (tests) applies to the pipeline's queues only: a recovery page may take longer than it, and
 * coming back while it runs would queue its deliveries twice.
 */
export async function provisionQueues(
  client: SQSClient,
  { prefix = '', visibilityTimeoutSeconds }: { prefix?: string; visibilityTimeoutSeconds?: number } = {},
) {
  const visibility = visibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds };
  return {
    events: await provisionQueue(client, { ...EVENTS_QUEUE, ...visibility }, prefix),
    platformEvents: await provisionQueue(client, { ...PLATFORM_EVENTS_QUEUE, ...visibility }, prefix),
    deliveries: await provisionQueue(client, { ...DELIVERIES_QUEUE, ...visibility }, prefix),
    slowDeliveries: await provisionQueue(client, { ...SLOW_DELIVERIES_QUEUE, ...visibility }, prefix),
    orderedDeliveries: await provisionQueue(client, { ...ORDERED_DELIVERIES_QUEUE, ...visibility }, prefix),
    slowOrderedDeliveries: await provisionQueue(client, { ...SLOW_ORDERED_DELIVERIES_QUEUE, ...visibility }, prefix),
    recoveries: await provisionQueue(client, RECOVERIES_QUEUE, prefix),
    erasures: await provisionQueue(client, ERASURES_QUEUE, prefix),
  };
}

export const queueArn = (queueUrl: string) => `arn:aws:sqs:us-east-1:000000000000:${queueUrl.split('/').at(-1)}`;
