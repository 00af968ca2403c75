import * as z from 'zod/mini';
import '../core/common/zod-messages';
import { ENDPOINT_VERIFICATION_MODES } from '../core/webhooks/endpoint-verification';
import { LONGEST_RETRY_WAIT_SECONDS, MAX_EVENT_RETENTION_DAYS } from '../core/delivery/retry-schedule';
import { EVENTS_QUEUE, SETTING_DEFAULTS } from '../platform-settings';

export type SettingName = keyof typeof SETTING_DEFAULTS;

/** `maxWebhooksPerTenant` → `MAX_WEBHOOKS_PER_TENANT`: the variable a function reads a setting from. */
export type EnvironmentName<Name extends string> = Name extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Uppercase<Head> : `_${Head}`}${EnvironmentName<Tail>}`
  : Name;

export function environmentName<Name extends SettingName>(name: Name): EnvironmentName<Name> {
  return name.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase() as EnvironmentName<Name>;
}

// Environment variables are strings; CDK context from cdk.json is JSON and from `-c key=value` strings:
// every setting's parser accepts both, so the stack and the functions check a value the same way.
/** A boolean from JSON or from the strings `true`/`false`. */
export const flag = z.pipe(
  z.transform((value: unknown) => (value === 'true' ? true : value === 'false' ? false : value)),
  z.boolean(),
);
const wholeNumber = (minimum: number) =>
  z.coerce.number().check(z.refine(Number.isInteger, 'must be a whole number'), z.gte(minimum));
const positive = z.coerce.number().check(z.gt(0));
const secondsList = z.pipe(
  z.transform((value: unknown) =>
    typeof value === 'string'
      ? value
          .replace(/[[\]\s]/g, '')
          .split(',')
          .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
      : value,
  ),
  z
    .array(
      z.number('must be whole seconds').check(
        z.refine(Number.isInteger, 'must be whole seconds'),
        z.gte(0),
        // a retry waits at most this long per hop (SQS visibility and delay limits)
        z.lte(LONGEST_RETRY_WAIT_SECONDS, `a retry delay cannot exceed ${LONGEST_RETRY_WAIT_SECONDS} s`),
      ),
    )
    .check(z.minLength(1)),
);

/** One parser per tunable setting; defaults are in lambdas/platform-settings.ts (SETTING_DEFAULTS). */
export const SETTING_SCHEMAS = {
  allowHttpUrls: flag,
  maxWebhooksPerTenant: wholeNumber(1),
  retryScheduleSeconds: secondsList,
  eventRetentionDays: wholeNumber(1).check(
    z.lte(MAX_EVENT_RETENTION_DAYS, `must be at most ${MAX_EVENT_RETENTION_DAYS} days`),
  ),
  autoDisableAfterSeconds: positive,
  breakerFailureThreshold: wholeNumber(1),
  breakerProbeInitialSeconds: positive,
  breakerProbeMaxSeconds: positive,
  connectTimeoutSeconds: positive,
  sendTimeoutSeconds: positive,
  fastLaneSendTimeoutSeconds: positive,
  slowLaneHoldSeconds: positive,
  endpointVerification: z.enum(ENDPOINT_VERIFICATION_MODES, { error: 'must be handshake or off' }),
  // a header value: a DNS name such as webhooks.example.com
  verificationOrigin: z
    .string()
    .check(
      z.regex(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, 'must be a DNS name, such as webhooks.example.com'),
    ),
  verificationRetrySeconds: secondsList,
} satisfies Record<SettingName, z.ZodMiniType>;

type SettingsFromEnvironment = {
  [Name in SettingName as EnvironmentName<Name>]: z.ZodMiniDefault<(typeof SETTING_SCHEMAS)[Name]>;
};

const settingsFromEnvironment = Object.fromEntries(
  (Object.keys(SETTING_SCHEMAS) as SettingName[]).map((name) => {
    const fallback: unknown = SETTING_DEFAULTS[name];
    // a copy, so no function can change the shared default list
    return [
      environmentName(name),
      z._default(SETTING_SCHEMAS[name] as z.ZodMiniType, (Array.isArray(fallback) ? [...fallback] : fallback) as never),
    ];
  }),
) as SettingsFromEnvironment;

const queueUrl = z.optional(z.url());

export const environmentSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  ...settingsFromEnvironment,
  ALLOW_LOOPBACK_URLS: z._default(flag, false),
  // how long one message's claim on an event keeps its duplicates waiting: the events queue's visibility timeout
  EVENT_CLAIM_SECONDS: z._default(positive, EVENTS_QUEUE.visibilityTimeoutSeconds),
  // one delayed re-send waits at most this long (SQS's DelaySeconds limit); tests shorten it to see the hops
  RETRY_HOP_MAX_SECONDS: z._default(z.coerce.number().check(z.gt(0), z.lte(900)), 900),
  EVENTS_QUEUE_URL: queueUrl,
  EVENTS_DLQ_URL: queueUrl,
  PLATFORM_EVENTS_QUEUE_URL: queueUrl,
  // fan-out takes a record as the platform's own only when it came from this queue
  PLATFORM_EVENTS_QUEUE_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  DELIVERIES_QUEUE_URL: queueUrl,
  DELIVERIES_DLQ_URL: queueUrl,
  SLOW_DELIVERIES_QUEUE_URL: queueUrl,
  ORDERED_DELIVERIES_QUEUE_URL: queueUrl,
  SLOW_ORDERED_DELIVERIES_QUEUE_URL: queueUrl,
  RECOVERIES_QUEUE_URL: queueUrl,
  RECOVERIES_DLQ_URL: queueUrl,
  ERASURES_QUEUE_URL: queueUrl,
  ERASURES_DLQ_URL: queueUrl,
  // what seals endpoint secrets in the table: the stack's KMS key, or locally a 32-byte key in base64
  // (the artifact runtime empties it: it has no KMS)
  SECRETS_KEY_ARN: z.optional(z.union([z.literal(''), z.string().check(z.startsWith('arn:'))])),
  SECRETS_LOCAL_KEY: z.optional(z.string().check(z.minLength(1))),
  // AWS destinations (docs/design.md §17): the role the deliver functions assume, tagged with the tenant; absent:
  // refused
  DESTINATIONS_ROLE_ARN: z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/))),
  // the API's credentials (docs/design.md §14): API keys (on unless turned off), and bearer JWTs of the team's issuer
  AUTH_API_KEYS: z._default(flag, true),
  AUTH_JWT_ISSUER: z.optional(z.url()),
  AUTH_JWT_AUDIENCE: z.optional(z.string().check(z.minLength(1))),
  AUTH_JWT_TENANT_CLAIM: z.optional(z.string().check(z.minLength(1))),
  // default: the issuer's /.well-known/jwks.json
  AUTH_JWT_JWKS_URL: z.optional(z.url()),
  // a token must carry `exp`, at most this far from its `iat` and from now
  AUTH_JWT_MAX_LIFETIME_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(60), z.lte(2_592_000)), 86_400),
  AUTH_JWT_ALGORITHMS: z._default(
    z.pipe(
      z.string(),
      z.transform((list: string) =>
        list
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      ),
    ),
    ['RS256', 'ES256'],
  ),
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
