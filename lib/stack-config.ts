import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { z } from 'zod';
import { MAX_DELAY_SECONDS } from '../lambdas/core/retry-schedule';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '../lambdas/platform-settings';

/**
 * What a team may change per deployment, read once from CDK context (cdk.json, or `cdk synth -c key=value`).
 * The defaults below are the ones cdk.json spells out (a test keeps the two equal).
 */
export const CONTEXT_DEFAULTS = {
  stackName: 'Webhooks',
  allowHttpUrls: false,
  maxWebhooksPerTenant: 100,
  webhookCacheSeconds: 5,
  retryScheduleSeconds: [...DEFAULT_RETRY_SCHEDULE_SECONDS],
  logRetentionDays: 30,
} as const;

// `-c key=value` hands every value over as a string; cdk.json hands over JSON types. Accept both.
const flag = z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean());

const secondsList = z.preprocess(
  (value) => (typeof value === 'string' ? value.replace(/[[\]\s]/g, '').split(',').map(Number) : value),
  z
    .array(
      z
        .number()
        .int()
        .min(0)
        // the deliver function waits by hiding the message, and SQS hides one for at most 12 hours
        .max(MAX_DELAY_SECONDS, `a retry delay cannot exceed ${MAX_DELAY_SECONDS} s (SQS visibility limit)`),
    )
    .min(1),
);

const retentionValues = new Set<number>(Object.values(RetentionDays).filter((value) => typeof value === 'number'));

const contextSchema = z.object({
  stackName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a valid CloudFormation stack name'),
  allowHttpUrls: flag,
  maxWebhooksPerTenant: z.coerce.number().int().min(1),
  webhookCacheSeconds: z.coerce.number().int().min(0),
  retryScheduleSeconds: secondsList,
  logRetentionDays: z.coerce
    .number()
    .refine((days) => retentionValues.has(days), 'must be a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, …)'),
});

export interface WebhooksConfig {
  stackName: string;
  /** Plain-http webhook URLs: off on AWS; the local runtime turns it on. */
  allowHttpUrls: boolean;
  maxWebhooksPerTenant: number;
  /** How long fan-out caches a tenant's webhooks per container. */
  webhookCacheSeconds: number;
  /** Delays between delivery attempts; its length + 1 is the number of attempts. */
  retryScheduleSeconds: number[];
  logRetention: RetentionDays;
}

/** Reads and checks the context once; a bad value stops synthesis with a message that names it. */
export function readConfig(scope: Construct): WebhooksConfig {
  const raw = Object.fromEntries(
    Object.entries(CONTEXT_DEFAULTS).map(([key, fallback]) => [key, scope.node.tryGetContext(key) ?? fallback]),
  );
  const result = contextSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid CDK context: ${problems.join('; ')}`);
  }
  const { logRetentionDays, ...config } = result.data;
  return { ...config, logRetention: logRetentionDays as RetentionDays };
}

/** The URL policy (DESIGN §6, §9) is the same for the API and for delivery: one place sets it for both. */
export function urlPolicyEnvironment(config: WebhooksConfig): Record<string, string> {
  return {
    ALLOW_HTTP_URLS: String(config.allowHttpUrls),
    // loopback targets exist only on a laptop; never on AWS
    ALLOW_LOOPBACK_URLS: 'false',
  };
}
