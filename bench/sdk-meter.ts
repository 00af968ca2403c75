import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Counts requests and their time per client and command, with an SDK middleware (what AWS would bill). */
export class SdkMeter {
  readonly counts: Record<string, number> = {};
  readonly milliseconds: Record<string, number> = {};

  attach(service: 'DynamoDB' | 'SQS', client: DynamoDBClient | DynamoDBDocumentClient | SQSClient): void {
    (client.middlewareStack as { add: Function }).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        const key = `${service}.${context.commandName ?? 'unknown'}`;
        const started = performance.now();
        try {
          return await next(args);
        } finally {
          this.counts[key] = (this.counts[key] ?? 0) + 1;
          this.milliseconds[key] = (this.milliseconds[key] ?? 0) + performance.now() - started;
        }
      },
      { step: 'initialize', name: 'benchMeter' },
    );
  }

  total(prefix: string, of: 'counts' | 'milliseconds' = 'counts'): number {
    return Object.entries(this[of]).filter(([key]) => key.startsWith(prefix)).reduce((sum, [, value]) => sum + value, 0);
  }

  reset(): void {
    for (const record of [this.counts, this.milliseconds]) for (const key of Object.keys(record)) delete record[key];
  }
}
