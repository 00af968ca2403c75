import {
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

type Item = NonNullable<QueryCommandOutput['Items']>[number];
type Page = { Items?: Item[]; LastEvaluatedKey?: Item };

/**
 * Every item a Query matches, from `input.ExclusiveStartKey` on: DynamoDB ends a page at `Limit` or 1 MB, so the
 * next page is asked for only when the caller has taken the last item of this one.
 */
export function queryItems(client: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<Item> {
  return itemsOfPages(
    (ExclusiveStartKey) => client.send(new QueryCommand({ ...input, ExclusiveStartKey })),
    input.ExclusiveStartKey,
  );
}

/** Every item a Scan finds, page after page (see queryItems). */
export function scanItems(client: DynamoDBDocumentClient, input: ScanCommandInput): AsyncGenerator<Item> {
  return itemsOfPages(
    (ExclusiveStartKey) => client.send(new ScanCommand({ ...input, ExclusiveStartKey })),
    input.ExclusiveStartKey,
  );
}

async function* itemsOfPages(
  read: (startKey: Item | undefined) => Promise<Page>,
  firstKey?: Item,
): AsyncGenerator<Item> {
  let startKey = firstKey;
  do {
    const page = await read(startKey);
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
