import * as z from 'zod/mini';
import { TENANT_ID_PATTERN } from './api-keys';
import type { EventCatalog } from '../events/event-catalog';
import { eventTypesSchema } from '../events/event-type-schemas';
import { ValidationError } from '../common/errors';
import { nonEmptyText, wholeNumber } from '../common/field-schemas';
import { MANUAL_ATTEMPTS_PER_HOUR } from '../recovery/manual-attempts';
import { LONGEST_RETRY_WAIT_SECONDS, MAX_EVENT_RETENTION_DAYS, scheduleRefusal } from '../delivery/retry-schedule';
import { MAX_THROTTLE_RATE, MIN_THROTTLE_RATE } from '../webhooks/webhook-throttle';
import { ENDPOINT_VERIFICATION_MODES, type EndpointVerificationMode } from '../webhooks/endpoint-verification';
import '../common/zod-messages';

/**
 * A tenant as the team's backend manages it (docs/design.md §16): the id it uses for its customer, a name, and
 * settings that override the deployment's. A tenant with keys or webhooks but no tenant item has the defaults.
 */
export interface Tenant {
  id: string;
  name?: string;
  settings: TenantSettings;
  createdAt: string;
  updatedAt: string;
}

/** Per-tenant overrides; an absent one is the deployment's. */
export type TenantSettings = z.output<ReturnType<typeof tenantSettingsSchema>>;

/**
 * The settings that bind a tenant's deliveries, absent when the tenant keeps the deployment's. Fan-out reads them
 * with the tenant's webhooks version (one read it makes anyway) and puts them into each delivery task, so deliver
 * never reads the tenant.
 */
export type TenantDeliverySettings = Pick<TenantSettings, 'retryScheduleSeconds' | 'eventRetentionDays'>;

export function deliverySettingsOf({
  retryScheduleSeconds,
  eventRetentionDays,
}: TenantSettings): TenantDeliverySettings {
  return {
    ...(retryScheduleSeconds ? { retryScheduleSeconds } : {}),
    ...(eventRetentionDays ? { eventRetentionDays } : {}),
  };
}

/** The deployment's delivery settings, which a tenant's must fit with (the same rule as at synth). */
export interface DeploymentDeliverySettings {
  retryScheduleSeconds: readonly number[];
  eventRetentionDays: number;
  /** The ordered queue's redrive policy: no schedule may be cut short by it. */
  orderedMaxReceiveCount: number;
}

/**
 * A tenant's schedule must end within its retention and within the ordered lane's redrive, whichever of the two
 * it sets itself: a 400 naming the setting otherwise.
 */
export function assertDeliverySettingsFit(settings: TenantSettings, deployment: DeploymentDeliverySettings): void {
  if (settings.retryScheduleSeconds === undefined && settings.eventRetentionDays === undefined) return;
  const refusal = scheduleRefusal(settings.retryScheduleSeconds ?? deployment.retryScheduleSeconds, {
    retentionDays: settings.eventRetentionDays ?? deployment.eventRetentionDays,
    orderedMaxReceiveCount: deployment.orderedMaxReceiveCount,
  });
  if (refusal) {
    const path = settings.retryScheduleSeconds ? 'settings.retryScheduleSeconds' : 'settings.eventRetentionDays';
    throw new ValidationError(`Invalid tenant: ${path}: ${refusal}`, [{ path, message: refusal }]);
  }
}

/** What binds a tenant's requests: its overrides on the deployment's values. */
export interface TenantLimits {
  maxWebhooks: number;
  /** Undefined: every type of the catalog. */
  allowedEventTypes?: readonly string[];
  maxThrottleRate: number;
  manualAttemptsPerHour: number;
  /** Undefined: the deployment's endpointVerification. */
  endpointVerification?: EndpointVerificationMode;
}

/** Bounds of the overrides: a tenant's webhooks are read by one Query per fan-out batch (docs/design.md §5). */
export const MAX_WEBHOOKS_LIMIT = 1000;
export const MAX_MANUAL_ATTEMPTS_PER_HOUR = 100_000;
export const MAX_TENANT_NAME_LENGTH = 200;

/** An invalid id is a 400 that says what an id may be, before anything is read or written. */
export function assertTenantId(tenantId: string | undefined): string {
  if (tenantId === undefined || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new ValidationError(
      'Invalid tenant id: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
      [{ path: 'tenantId', message: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit' }],
    );
  }
  return tenantId;
}

/**
 * A tenant's settings, each checked as its deployment-wide setting is (lambdas/adapters/config.ts): the PUT body's
 * and the answer's one shape. `eventTypes` checks a list of event types: against the catalog in a request, by form
 * in the description of an answer.
 */
export const tenantSettingsSchema = (eventTypes: z.ZodMiniType<string[]>) =>
  z.strictObject({
    maxWebhooks: z.optional(wholeNumber(1, MAX_WEBHOOKS_LIMIT)),
    allowedEventTypes: z.optional(eventTypes),
    maxThrottleRate: z.optional(wholeNumber(MIN_THROTTLE_RATE, MAX_THROTTLE_RATE)),
    manualAttemptsPerHour: z.optional(wholeNumber(1, MAX_MANUAL_ATTEMPTS_PER_HOUR)),
    // how it fits the retention and the ordered lane is checked with the deployment's values
    // (assertDeliverySettingsFit)
    retryScheduleSeconds: z.optional(
      z
        .array(wholeNumber(0, LONGEST_RETRY_WAIT_SECONDS), { error: 'must be an array of delays in whole seconds' })
        .check(z.minLength(1, 'must hold at least one delay')),
    ),
    eventRetentionDays: z.optional(wholeNumber(1, MAX_EVENT_RETENTION_DAYS)),
    endpointVerification: z.optional(z.enum(ENDPOINT_VERIFICATION_MODES, { error: 'must be handshake or off' })),
  });

/** `PUT /admin/tenants/{tenantId}`: both fields optional; settings replace the tenant's settings as a whole. */
export const putTenantSchema = (catalog: EventCatalog) =>
  z.strictObject({
    name: z.optional(nonEmptyText(MAX_TENANT_NAME_LENGTH)),
    settings: z.optional(
      tenantSettingsSchema(eventTypesSchema(catalog, 'must be an array of event types of the catalog')),
    ),
  });

/** The deployment's values, which a tenant's settings override. */
export interface DeploymentLimits {
  maxWebhooks: number;
  maxThrottleRate?: number;
  manualAttemptsPerHour?: number;
}

export function limitsOf(tenant: Tenant | undefined, deployment: DeploymentLimits): TenantLimits {
  const settings = tenant?.settings ?? {};
  return {
    maxWebhooks: settings.maxWebhooks ?? deployment.maxWebhooks,
    ...(settings.allowedEventTypes ? { allowedEventTypes: settings.allowedEventTypes } : {}),
    maxThrottleRate: settings.maxThrottleRate ?? deployment.maxThrottleRate ?? MAX_THROTTLE_RATE,
    manualAttemptsPerHour:
      settings.manualAttemptsPerHour ?? deployment.manualAttemptsPerHour ?? MANUAL_ATTEMPTS_PER_HOUR,
    ...(settings.endpointVerification ? { endpointVerification: settings.endpointVerification } : {}),
  };
}
