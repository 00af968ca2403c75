import * as z from 'zod/mini';
import { TENANT_ID_PATTERN } from './api-keys';
import type { EventCatalog } from '../events/event-catalog';
import { eventTypesSchema } from '../events/event-type-schemas';
import { ValidationError } from '../common/errors';
import { MANUAL_ATTEMPTS_PER_HOUR } from '../recovery/manual-attempts';
import { MAX_THROTTLE_RATE, MIN_THROTTLE_RATE } from '../webhooks/webhook-throttle';
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
export interface TenantSettings {
  maxWebhooks?: number;
  allowedEventTypes?: string[];
  maxThrottleRate?: number;
  manualAttemptsPerHour?: number;
}

/** What binds a tenant's requests: its overrides on the deployment's values. */
export interface TenantLimits {
  maxWebhooks: number;
  /** Undefined: every type of the catalog. */
  allowedEventTypes?: readonly string[];
  maxThrottleRate: number;
  manualAttemptsPerHour: number;
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

const wholeNumber = (minimum: number, maximum: number) => {
  const message = `must be a whole number from ${minimum} to ${maximum}`;
  return z
    .number({ error: message })
    .check(z.refine(Number.isInteger, message), z.gte(minimum, message), z.lte(maximum, message));
};

/** `PUT /admin/tenants/{tenantId}`: both fields optional; settings replace the tenant's settings as a whole. */
export const putTenantSchema = (catalog: EventCatalog) =>
  z.strictObject({
    name: z.optional(
      z
        .string({ error: 'must be a string' })
        .check(
          z.minLength(1, 'must not be empty'),
          z.maxLength(MAX_TENANT_NAME_LENGTH, `must be at most ${MAX_TENANT_NAME_LENGTH} characters`),
        ),
    ),
    settings: z.optional(
      z.strictObject({
        maxWebhooks: z.optional(wholeNumber(1, MAX_WEBHOOKS_LIMIT)),
        allowedEventTypes: z.optional(eventTypesSchema(catalog, 'must be an array of event types of the catalog')),
        maxThrottleRate: z.optional(wholeNumber(MIN_THROTTLE_RATE, MAX_THROTTLE_RATE)),
        manualAttemptsPerHour: z.optional(wholeNumber(1, MAX_MANUAL_ATTEMPTS_PER_HOUR)),
      }),
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
  };
}
