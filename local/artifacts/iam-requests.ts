import type { RecordedCall } from './call-recorder';

/** One authorization IAM makes for a call: an action on a resource with the condition keys it sees. */
export interface IamRequest {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

export interface TableKeys {
  arn: string;
  partitionKey: string;
  /** Each index's partition key, by index name. */
  indexPartitionKeys: Record<string, string>;
}

type AttributeValue = Record<string, unknown>;
type Key = Record<string, AttributeValue>;
type Input = Record<string, any>;

// every request of the SDK is HTTPS on AWS (the queue policies deny anything else)
const TRANSPORT = { 'aws:SecureTransport': 'true' };

const partitionValue = (key: Key | undefined, attribute: string): string => {
  const value = key?.[attribute];
  const text = value?.S ?? value?.N ?? value?.B;
  if (typeof text !== 'string') throw new Error(`a key without its partition key ${attribute}: ${JSON.stringify(key)}`);
  return text;
};

/** The partition key value a Query asks for: the `<partition key> = :value` term of its key condition. */
function queriedPartition(input: Input, attribute: string): string {
  const names: Record<string, string> = input.ExpressionAttributeNames ?? {};
  for (const [, name, placeholder] of (input.KeyConditionExpression as string).matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    if ((names[name!] ?? name) === attribute)
      return partitionValue({ [attribute]: input.ExpressionAttributeValues[placeholder!] }, attribute);
  }
  throw new Error(`a Query whose key condition names no ${attribute}: ${input.KeyConditionExpression}`);
}

/**
 * The authorizations DynamoDB makes for one call, as its documentation describes `dynamodb:LeadingKeys`: a
 * batch is one authorization per table with every key of the batch; each item of a transaction is its own
 * authorization, as the item's action (PutItem, UpdateItem, DeleteItem, ConditionCheckItem, GetItem); a Query is
 * authorized on the table or the index it reads, with the partition key value it asks for.
 */
function dynamoRequests(operation: string, input: Input, tables: ReadonlyMap<string, TableKeys>): IamRequest[] {
  const table = (name: string) => {
    const found = tables.get(name);
    if (!found) throw new Error(`a call to table ${name}, which the template does not define`);
    return found;
  };
  const request = (action: string, tableName: string, keys: string[], index?: string): IamRequest => ({
    action: `dynamodb:${action}`,
    resource: index ? `${table(tableName).arn}/index/${index}` : table(tableName).arn,
    context: { ...TRANSPORT, 'dynamodb:LeadingKeys': keys },
  });
  switch (operation) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [request(operation, input.TableName, [partitionValue(input.Key, table(input.TableName).partitionKey)])];
    case 'PutItem':
      return [request(operation, input.TableName, [partitionValue(input.Item, table(input.TableName).partitionKey)])];
    case 'Query': {
      const { partitionKey, indexPartitionKeys } = table(input.TableName);
      const attribute = input.IndexName ? indexPartitionKeys[input.IndexName] : partitionKey;
      if (!attribute) throw new Error(`a Query of index ${input.IndexName}, which the table does not have`);
      return [request('Query', input.TableName, [queriedPartition(input, attribute)], input.IndexName)];
    }
    case 'BatchGetItem':
      return Object.entries(input.RequestItems as Record<string, { Keys: Key[] }>).map(([name, { Keys }]) =>
        request(
          'BatchGetItem',
          name,
          Keys.map((key) => partitionValue(key, table(name).partitionKey)),
        ),
      );
    case 'BatchWriteItem':
      return Object.entries(
        input.RequestItems as Record<string, { PutRequest?: { Item: Key }; DeleteRequest?: { Key: Key } }[]>,
      ).map(([name, writes]) =>
        request(
          'BatchWriteItem',
          name,
          writes.map((write) =>
            partitionValue(write.PutRequest?.Item ?? write.DeleteRequest?.Key, table(name).partitionKey),
          ),
        ),
      );
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return (input.TransactItems as Record<string, Input>[]).map((item) => {
        const [kind, body] = Object.entries(item)[0]!;
        const action = {
          Put: 'PutItem',
          Update: 'UpdateItem',
          Delete: 'DeleteItem',
          ConditionCheck: 'ConditionCheckItem',
          Get: 'GetItem',
        }[kind];
        if (!action) throw new Error(`a transaction item of kind ${kind}`);
        return request(action, body!.TableName, [
          partitionValue(body!.Item ?? body!.Key, table(body!.TableName).partitionKey),
        ]);
      });
    default:
      return [{ action: `dynamodb:${operation}`, resource: table(input.TableName).arn, context: TRANSPORT }];
  }
}

/** SQS authorizes a batch call as its single action (SendMessageBatch needs sqs:SendMessage) on the queue's ARN. */
const SQS_BATCH_ACTIONS: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

function sqsRequests(operation: string, input: Input, queueArn: (queueUrl: string) => string): IamRequest[] {
  return [
    {
      action: `sqs:${SQS_BATCH_ACTIONS[operation] ?? operation}`,
      resource: queueArn(input.QueueUrl),
      context: TRANSPORT,
    },
  ];
}

export function iamRequestsOf(
  call: RecordedCall,
  tables: ReadonlyMap<string, TableKeys>,
  queueArn: (queueUrl: string) => string,
): IamRequest[] {
  return call.service === 'dynamodb'
    ? dynamoRequests(call.operation, call.input, tables)
    : sqsRequests(call.operation, call.input, queueArn);
}
