import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Counts requests and their time per client and command, with an SDK middleware (what AWS would bill). */
export class SdkMeter {
  readonly counts: Record<string, number> = {};
  readonly milliseconds: Record<string, number> = {};
  /** Items a request wrote or read (a BatchWriteItem of 10 puts is 1 request but 10 write units). */
  readonly items: Record<string, number> = {};

  attach(service: 'DynamoDB' | 'SQS', client: DynamoDBClient | DynamoDBDocumentClient | SQSClient): void {
    (client.middlewareStack as { add: Function }).add(
      (next: (args: { input: any }) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { input: any }) => {
          let key = `${service}.${context.commandName ?? 'unknown'}`;
          const started = performance.now();
          try {
            const result = (await next(args)) as { output?: { Messages?: unknown[] } };
            // an empty long poll says more about the emulator's wake-ups than about the traffic: count it apart
            if (key === 'SQS.ReceiveMessageCommand' && !result.output?.Messages?.length)
              key = 'SQS.ReceiveMessageCommand(empty)';
            return result;
          } finally {
            this.counts[key] = (this.counts[key] ?? 0) + 1;
            this.milliseconds[key] = (this.milliseconds[key] ?? 0) + performance.now() - started;
            this.items[key] = (this.items[key] ?? 0) + itemsOf(args.input);
          }
        },
      { step: 'initialize', name: 'benchMeter' },
    );
  }

  total(prefix: string, of: 'counts' | 'milliseconds' = 'counts'): number {
    return Object.entries(this[of])
      .filter(([key]) => key.startsWith(prefix))
      .reduce((sum, [, value]) => sum + value, 0);
  }

  reset(): void {
    for (const record of [this.counts, this.milliseconds, this.items])
      for (const key of Object.keys(record)) delete record[key];
  }
}

function itemsOf(input: any): number {
  const requestItems = input?.RequestItems as Record<string, unknown[] | { Keys: unknown[] }> | undefined;
  if (!requestItems) return 1;
  return Object.values(requestItems).reduce<number>(
    (sum, value) => sum + (Array.isArray(value) ? value.length : value.Keys.length),
    0,
  );
}
