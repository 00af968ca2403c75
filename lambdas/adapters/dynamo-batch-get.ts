import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type BatchGetKeysAndAttributes,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { untilProcessed } from './dynamo-support';

type Item = NonNullable<BatchGetCommandOutput['Responses']>[string][number];

/** BatchGetItem takes at most this many keys a request. */
const BATCH_GET_LIMIT = 100;

/**
 * The items of `wanted` that exist, in no particular order: one BatchGetItem per 100 keys, each read as `read`
 * says (consistency, projection), what DynamoDB leaves unprocessed asked again with backoff. `what` names the
 * items in the error when they stay unprocessed.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  wanted: readonly Item[],
  read: Omit<BatchGetKeysAndAttributes, 'Keys'>,
  what: string,
): Promise<Item[]> {
  const found: Item[] = [];
  for (let start = 0; start < wanted.length; start += BATCH_GET_LIMIT) {
    await untilProcessed(
      wanted.slice(start, start + BATCH_GET_LIMIT),
      async (pending) => {
        const { Responses, UnprocessedKeys } = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ...read } } }),
        );
        found.push(...(Responses?.[tableName] ?? []));
        return UnprocessedKeys?.[tableName]?.Keys;
      },
      what,
    );
  }
  return found;
}
