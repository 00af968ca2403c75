import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { adminClient } from '../../client/admin';
import { keys } from '../../lambdas/adapters/table-keys';
import { TABLE } from '../../lambdas/platform-settings';
import { LOCAL_CREDENTIALS } from '../../local/local-settings';
import type { SqsHandler } from '../../local/sqs-poller';
import { waitFor } from './pipeline';
import type { TestPlatform } from './test-platform';

/** The local admin credential as the process's AWS credentials: the admin client's default chain finds it. */
export const ADMIN_ENVIRONMENT = {
  LOCAL_ADMIN_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  LOCAL_ADMIN_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
};

/** The team's backend: the generated admin client, signing with the AWS SDK's signer. */
export const backendOf = (platform: TestPlatform) =>
  adminClient({ baseUrl: platform.apiUrl, region: 'us-east-1' }).admin;
export type Backend = ReturnType<typeof backendOf>;

/** An API error as the admin client rejects with it. */
export const refusal = (response: unknown) => response as { status: number; error: { error: { code: string } } };

/**
 * Holds the erasure worker's runs until `release`, so a test can look at a running erasure (a second DELETE); the
 * platform's `wrapConsumer` takes `wrap`.
 */
export function erasureGate() {
  let open: Promise<void> = Promise.resolve();
  let release = () => {};
  return {
    close() {
      open = new Promise((resolve) => {
        release = resolve;
      });
    },
    release: () => release(),
    wrap(name: string, handler: SqsHandler): SqsHandler {
      if (name !== 'erase-tenant') return handler;
      return async (event, context) => {
        await open;
        return handler(event, context);
      };
    },
  };
}

/**
 * The deliver lanes' invocations (when each began and ended, and the events of its batch), to hold an erasure to its
 * promise: an attempt already under way when the 202 is answered (its webhook read before the seal) may still reach
 * the receiver after it; none begun after it may. The platform's `wrapConsumer` takes `wrap`.
 */
export function deliverInvocationLog() {
  const invocations: { startedAt: number; endedAt?: number; eventIds: string[] }[] = [];
  return {
    invocations,
    wrap(name: string, handler: SqsHandler): SqsHandler {
      if (!name.startsWith('deliver')) return handler; // the four deliver lanes
      return async (event, context) => {
        const invocation: (typeof invocations)[number] = {
          startedAt: Date.now(),
          eventIds: event.Records.map((record) => (JSON.parse(record.body) as { eventId: string }).eventId),
        };
        invocations.push(invocation);
        try {
          return await handler(event, context);
        } finally {
          invocation.endedAt = Date.now();
        }
      };
    },
    /** The receiver's requests after `answeredAt` beyond the attempts under way at it, by event: none is right. */
    begunAfter(deliveries: readonly { eventId: string; receivedAt: number }[], answeredAt: number) {
      const allowed = new Map<string, number>();
      for (const { startedAt, endedAt, eventIds } of invocations)
        if (startedAt < answeredAt && (endedAt === undefined || endedAt >= answeredAt))
          for (const eventId of eventIds) allowed.set(eventId, (allowed.get(eventId) ?? 0) + 1);
      const sent = new Map<string, number>();
      for (const { eventId, receivedAt } of deliveries)
        if (receivedAt > answeredAt) sent.set(eventId, (sent.get(eventId) ?? 0) + 1);
      return [...sent].filter(([eventId, count]) => count > (allowed.get(eventId) ?? 0));
    },
  };
}

/** Polls the erasure until its worker has completed it. */
export async function completedErasure(backend: Backend, erasureId: string) {
  return waitFor(
    async () => {
      const { data } = await backend.getErasure(erasureId);
      return data.status === 'completed' ? data : undefined;
    },
    { timeoutMs: 60_000, what: `erasure ${erasureId} to complete` },
  );
}

/** Every item of a tenant the test can find by itself, with no help from the erasure: it must come to none. */
export async function tenantItemsLeft(
  platform: TestPlatform,
  tenantId: string,
  { webhookIds, keyHashes }: { webhookIds: readonly string[]; keyHashes: readonly string[] },
) {
  const query = async (input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) =>
    (await platform.documentClient.send(new QueryCommand({ TableName: platform.tableName, ...input }))).Items ?? [];
  const partitions = await Promise.all([
    query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.tenant(tenantId) } }),
    query({
      IndexName: TABLE.eventsByTime.indexName,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.eventsOfTenant(tenantId) },
    }),
    query({
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': keys.tenants, ':sk': keys.tenantItem(tenantId) },
    }),
    ...webhookIds.flatMap((id) => [
      query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.webhook(id) } }),
      query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.publicKeys(id) } }),
    ]),
    ...keyHashes.map((hash) =>
      query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.apiKey(hash) } }),
    ),
  ]);
  return partitions.flat();
}
