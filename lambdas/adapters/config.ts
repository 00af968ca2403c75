import { z } from 'zod';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from '../platform-settings';

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

const secondsList = (fallback: readonly number[]) =>
  z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of whole seconds')
    .default(fallback.join(','))
    .transform((value) => value.split(',').map(Number));

const environmentSchema = z.object({
  TABLE_NAME: z.string().min(1),
  ALLOW_HTTP_URLS: flag,
  ALLOW_LOOPBACK_URLS: flag,
  MAX_WEBHOOKS_PER_TENANT: z.coerce.number().int().min(1).default(100),
  WEBHOOK_CACHE_SECONDS: z.coerce.number().min(0).default(5),
  RETRY_SCHEDULE_SECONDS: secondsList(DEFAULT_RETRY_SCHEDULE_SECONDS),
  CONNECT_TIMEOUT_SECONDS: z.coerce.number().positive().default(5),
  SEND_TIMEOUT_SECONDS: z.coerce.number().positive().default(15),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  EVENTS_DLQ_URL: z.string().url().optional(),
  DELIVERIES_QUEUE_URL: z.string().url().optional(),
  DELIVERIES_DLQ_URL: z.string().url().optional(),
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
