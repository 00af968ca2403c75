import * as z from 'zod/mini';
import '../core/zod-messages';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '../platform-settings';

const flag = z.pipe(
  z._default(z.enum(['true', 'false']), 'false'),
  z.transform((value) => value === 'true'),
);

const secondsList = (fallback: readonly number[]) =>
  z.pipe(
    z._default(z.string().check(z.regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of whole seconds')), fallback.join(',')),
    z.transform((value) => value.split(',').map(Number)),
  );

const wholeNumber = (minimum: number, fallback: number) =>
  z._default(z.coerce.number().check(z.refine(Number.isInteger, 'must be a whole number'), z.gte(minimum)), fallback);
const positive = (fallback: number) => z._default(z.coerce.number().check(z.gt(0)), fallback);
const queueUrl = z.optional(z.url());

const environmentSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  ALLOW_HTTP_URLS: flag,
  ALLOW_LOOPBACK_URLS: flag,
  MAX_WEBHOOKS_PER_TENANT: wholeNumber(1, 100),
  WEBHOOK_CACHE_SECONDS: z._default(z.coerce.number().check(z.gte(0)), 5),
  RETRY_SCHEDULE_SECONDS: secondsList(DEFAULT_RETRY_SCHEDULE_SECONDS),
  CONNECT_TIMEOUT_SECONDS: positive(5),
  SEND_TIMEOUT_SECONDS: positive(15),
  EVENT_RETENTION_DAYS: wholeNumber(1, 30),
  AUTO_DISABLE_AFTER_SECONDS: positive(5 * 24 * 3600),
  EVENTS_DLQ_URL: queueUrl,
  DELIVERIES_QUEUE_URL: queueUrl,
  DELIVERIES_DLQ_URL: queueUrl,
});

export type PlatformConfig = z.output<typeof environmentSchema>;

/** Reads the environment once, at start-up; a bad value stops the function with a message naming it. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const result = environmentSchema.safeParse(environment);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/** A setting only some functions need, checked when they start. */
export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`Invalid configuration: ${name} is required by this function`);
  return value;
}
