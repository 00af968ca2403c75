import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

/** A write refused by its ConditionExpression: the repositories turn this into an answer, not an error. */
export const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

/** One UpdateItem that must not create its item: one deleted or expired meanwhile has nothing left to update. */
export async function updateIfExists(
  client: DynamoDBDocumentClient,
  input: Omit<UpdateCommandInput, 'ConditionExpression'>,
): Promise<void> {
  try {
    await client.send(new UpdateCommand({ ...input, ConditionExpression: 'attribute_exists(pk)' }));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** A transaction cancelled because the condition of its item at `index` failed. */
export const cancelledByCondition = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

/** The TTL attribute's value: epoch seconds, `days` from now. */
export const expiresAt = (now: Date, days: number): number => Math.floor(now.getTime() / 1000) + days * 86400;

const MAX_ROUNDS = 5;

/**
 * Batch reads and writes may leave part of a request unprocessed under throttling; AWS's advice is to send
 * that part again with exponential backoff. `sendOnce` sends what is pending and returns what is left.
 */
export async function untilProcessed<T>(
  pending: T[],
  sendOnce: (items: T[]) => Promise<T[] | undefined>,
  what: string,
): Promise<void> {
  let left: T[] | undefined = pending;
  for (let round = 0; left?.length; round += 1) {
    if (round >= MAX_ROUNDS) throw new Error(`DynamoDB left ${left.length} ${what} unprocessed`);
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
    left = await sendOnce(left);
  }
}
