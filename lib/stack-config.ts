import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import * as z from 'zod/mini';
import { SETTING_SCHEMAS, environmentName, flag, type SettingName } from '../lambdas/adapters/config';
import { FUNCTION_TIMEOUT_SECONDS, SETTING_DEFAULTS } from '../lambdas/platform-settings';

/**
 * What a team may change per deployment, read once from CDK context (cdk.json, or `cdk synth -c key=value`).
 * The platform's settings have their defaults in lambdas/platform-settings.ts and their checks in
 * lambdas/adapters/config.ts, the ones the functions use; cdk.json spells the defaults out (a test keeps the
 * two equal). Only the stack's own two values are defined here.
 */
export const CONTEXT_DEFAULTS = {
  stackName: 'Webhooks',
  ...SETTING_DEFAULTS,
  retryScheduleSeconds: [...SETTING_DEFAULTS.retryScheduleSeconds],
  verificationRetrySeconds: [...SETTING_DEFAULTS.verificationRetrySeconds],
  logRetentionDays: 30,
  /** Per-client rate limits in front of the API (AWS WAF); `-c wafEnabled=false` leaves them out. */
  wafEnabled: true,
  /**
   * API Gateway's access and execution logs need a CloudWatch role set for the whole account and Region
   * (`AWS::ApiGateway::Account`, one per account: creating it replaces the role other APIs use, and deleting the
   * stack can break their logging). `off` (the default) writes no API Gateway logs and touches nothing
   * account-wide; `existing-account-role` logs, using the role the account already has; `create-account-role`
   * logs and creates that account-wide role.
   */
  apiGatewayLogging: 'off',
  /** Alarms notify an SNS topic: a new one, subscribed by this address when set... */
  alarmEmail: '',
  /** ...or a topic the team already has (its ARN); then no topic is created. */
  alarmTopicArn: '',
  /**
   * How the table is billed: `on-demand` (pay per request; bursty or small traffic) or `provisioned` (capacity
   * with auto scaling between the bounds below, at the target utilisation: far cheaper for steady traffic).
   */
  billingMode: 'on-demand',
  provisionedCapacity: {
    targetUtilizationPercent: 70,
    table: { read: { min: 5, max: 4000 }, write: { min: 5, max: 4000 } },
    eventsIndex: { read: { min: 1, max: 1000 }, write: { min: 1, max: 1000 } },
  },
  /**
   * What encrypts the table, the queues and the log groups at rest: `aws-managed` (the services' own keys, no KMS
   * cost), `create` (a customer-managed KMS key of the stack, rotated yearly, kept when the stack is deleted) or
   * the ARN of a key the team already has (its key policy must let CloudWatch Logs use it).
   */
  encryptionKey: 'aws-managed',
  /**
   * Deliveries leave from fixed addresses (stack output EgressIps) that receivers can allowlist: the deliver lanes
   * run in a VPC whose only way out is two NAT gateways with Elastic IPs (about $73 a month idle).
   */
  staticEgress: false,
  /**
   * The API's credentials: API keys (`apiKeys`), and bearer JWTs of the team's identity provider when `jwt` is
   * given (`{issuer, audience, tenantClaim, jwksUrl?, algorithms?, maxLifetimeSeconds?}`: the tenant is the value of
   * `tenantClaim`; a token must carry `exp`, at most `maxLifetimeSeconds` (default 86400) after its `iat` and now).
   * Portal tokens work either way.
   */
  auth: { apiKeys: true } as AuthSettings,
  /**
   * The team's event types, as a JSON array of `{name, description, example, schema?}` (the construct's
   * `eventTypes`); null keeps the product's.
   */
  eventTypes: null as unknown[] | null,
} as const;

/**
 * The API's credentials: API keys, and bearer JWTs of the team's identity provider (`{issuer, audience, tenantClaim,
 * jwksUrl?, algorithms?}`).
 */
export type AuthSettings = CheckedSettings['auth'];

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' });

const capacityBounds = z
  .strictObject({ min: z.number().check(z.gte(1)), max: z.number().check(z.gte(1)) })
  .check(z.refine(({ min, max }) => min <= max, 'min must not exceed max'));

const retentionValues = new Set<number>(Object.values(RetentionDays).filter((value) => typeof value === 'number'));

const contextSchema = z.object({
  stackName: z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a valid CloudFormation stack name')),
  ...SETTING_SCHEMAS,
  logRetentionDays: z.coerce
    .number()
    .check(
      z.refine(
        (days) => retentionValues.has(days),
        'must be a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, …)',
      ),
    ),
  wafEnabled: flag,
  apiGatewayLogging: z.enum(['off', 'existing-account-role', 'create-account-role'], {
    error: 'must be off, existing-account-role or create-account-role',
  }),
  alarmEmail: z.union([z.literal(''), z.email({ error: 'must be an e-mail address (or empty: no subscription)' })]),
  alarmTopicArn: z.union([
    z.literal(''),
    z
      .string()
      .check(
        z.regex(
          /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
          'must be an SNS topic ARN (or empty: a new topic)',
        ),
      ),
  ]),
  billingMode: z.enum(['on-demand', 'provisioned'], { error: 'must be on-demand or provisioned' }),
  staticEgress: flag,
  // checked in full by the catalog's own parser (lambdas/adapters/event-catalog-file.ts) when the stack uses it
  eventTypes: z.pipe(
    z.transform((value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value)),
    z.nullable(z.array(z.unknown(), { error: "must be a JSON array of event types (or null: the product's)" })),
  ),
  auth: z.pipe(
    z.transform((value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value)),
    z.strictObject({
      apiKeys: z.boolean(),
      jwt: z.optional(
        z.strictObject({
          issuer: httpsUrl,
          audience: z.string().check(z.minLength(1)),
          tenantClaim: z.string().check(z.minLength(1)),
          jwksUrl: z.optional(httpsUrl),
          algorithms: z.optional(
            z.array(z.enum(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])).check(z.minLength(1)),
          ),
          maxLifetimeSeconds: z.optional(z.number().check(z.int(), z.gte(60), z.lte(2_592_000))),
        }),
      ),
    }),
  ),
  encryptionKey: z.union([
    z.literal('aws-managed'),
    z.literal('create'),
    z
      .string()
      .check(
        z.regex(
          /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
          'must be aws-managed, create, or a KMS key ARN',
        ),
      ),
  ]),
  provisionedCapacity: z.pipe(
    // `-c provisionedCapacity='{…}'` arrives as text; cdk.json gives the object
    z.transform((value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value)),
    z.strictObject({
      targetUtilizationPercent: z.number().check(z.gte(20), z.lte(90)),
      table: z.strictObject({ read: capacityBounds, write: capacityBounds }),
      eventsIndex: z.strictObject({ read: capacityBounds, write: capacityBounds }),
    }),
  ),
});

/** The checked settings as the constructs read them: the log retention as CloudWatch Logs' own type. */
export type WebhooksConfig = Omit<CheckedSettings, 'logRetentionDays'> & { logRetention: RetentionDays };

export type ProvisionedCapacity = CheckedSettings['provisionedCapacity'];

/** Every setting by its context key, each with the type its check gives (`retryScheduleSeconds: number[]`, …). */
export type CheckedSettings = z.output<typeof contextSchema>;

/** The settings as a team writes them in the construct's props, typed per key; missing ones take their defaults. */
export type PlatformSettings = { [Key in keyof CheckedSettings]?: CheckedSettings[Key] };

/** The settings as context holds them (cdk.json is JSON, `-c key=value` gives strings), not yet checked. */
export type ContextSettings = { [Key in keyof CheckedSettings]?: unknown };

/**
 * Checks a deployment's settings (missing ones take their defaults); a bad value stops synthesis with a message
 * that names it and where it came from.
 */
export function checkSettings(settings: ContextSettings, source = 'CDK context'): CheckedSettings {
  const raw = Object.fromEntries(
    Object.entries(CONTEXT_DEFAULTS).map(([key, fallback]) => [
      key,
      settings[key as keyof ContextSettings] ?? fallback,
    ]),
  );
  const result = contextSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid ${source}: ${problems.join('; ')}`);
  }
  const checked = result.data;
  if (checked.sendTimeoutSeconds >= FUNCTION_TIMEOUT_SECONDS.deliver) {
    throw new Error(
      `Invalid ${source}: sendTimeoutSeconds: must be under the deliver function's timeout ` +
        `(${FUNCTION_TIMEOUT_SECONDS.deliver} s)`,
    );
  }
  if (checked.fastLaneSendTimeoutSeconds > checked.sendTimeoutSeconds) {
    throw new Error(`Invalid ${source}: fastLaneSendTimeoutSeconds: must not exceed sendTimeoutSeconds`);
  }
  return checked;
}

/** Checks the settings (checkSettings) and gives them as the constructs read them. */
export function parseConfig(settings: ContextSettings, source = 'CDK context'): WebhooksConfig {
  const { logRetentionDays, ...config } = checkSettings(settings, source);
  return { ...config, logRetention: logRetentionDays as RetentionDays };
}

/** The settings as context holds them (cdk.json, `-c key=value`), unchecked. */
export function contextSettings(scope: Construct): ContextSettings {
  return Object.fromEntries(Object.keys(CONTEXT_DEFAULTS).map((key) => [key, scope.node.tryGetContext(key)]));
}

/** Reads and checks the context. */
export function readConfig(scope: Construct): WebhooksConfig {
  return parseConfig(contextSettings(scope));
}

/** The named settings as the environment variables the functions read (lambdas/adapters/config.ts). */
export function settingsEnvironment(config: WebhooksConfig, names: readonly SettingName[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [environmentName(name), String(config[name])]));
}

/**
 * What every function reads: the URL policy (docs/design.md §6, §9: the same for the API and for delivery), how long
 * events are kept and when a failing webhook is disabled.
 */
export function sharedEnvironment(config: WebhooksConfig): Record<string, string> {
  return {
    ...settingsEnvironment(config, ['allowHttpUrls', 'eventRetentionDays', 'autoDisableAfterSeconds']),
    // loopback targets exist only on a laptop; never on AWS
    ALLOW_LOOPBACK_URLS: 'false',
  };
}
