import * as z from 'zod/mini';
import { DELIVERY_STATUSES } from '../delivery/delivery';
import { EventTypeSchema } from '../events/event-resources';
import { tenantSettingsSchema } from './tenants';
import { documented, instant, page, text } from '../common/schema-docs';

const TenantSettingsSchema = documented(tenantSettingsSchema(z.array(EventTypeSchema)), {
  id: 'TenantSettings',
  description: "Overrides of the deployment's settings; an absent one is the deployment's",
});

const tenantFields = {
  id: text('the id the team uses for its customer'),
  name: z.optional(z.string()),
  settings: TenantSettingsSchema,
  createdAt: instant(),
  updatedAt: instant(),
};

export const TenantSchema = documented(z.strictObject(tenantFields), { id: 'Tenant', description: 'A tenant' });
export const TenantPageSchema = page('TenantPage', TenantSchema);

export const TenantDetailSchema = documented(
  z.strictObject({
    ...tenantFields,
    createdAt: text('empty for an implicit tenant'),
    updatedAt: text('empty for an implicit tenant'),
    implicit: documented(z.boolean(), {
      description: 'true: it has keys or webhooks but no tenant item (default settings)',
    }),
    webhookCount: z.number(),
    deliveriesLast24h: z.strictObject({
      counts: z.strictObject(Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, z.number()]))),
      complete: documented(z.boolean(), { description: 'false when the tenant had more events than were counted' }),
    }),
  }),
  { id: 'TenantDetail', description: 'A tenant with its webhook count and its deliveries of the last 24 hours' },
);

const apiKeyFields = {
  keyHash: text('SHA-256 of the key: how it is listed and revoked'),
  name: z.string(),
  kind: z.enum(['api-key', 'portal-token']),
  state: z.enum(['active', 'revoked', 'expired']),
  createdAt: instant(),
  revokedAt: z.optional(instant()),
  expiresAt: z.optional(instant()),
};

export const ApiKeySummarySchema = documented(z.strictObject(apiKeyFields), {
  id: 'ApiKeySummary',
  description: 'An API key or portal token, without the key',
});
export const ApiKeyListSchema = documented(z.strictObject({ data: z.array(ApiKeySummarySchema) }), {
  id: 'ApiKeyList',
  description: "The tenant's API keys and portal tokens",
});
export const CreatedApiKeySchema = documented(z.strictObject({ key: text('shown this once only'), ...apiKeyFields }), {
  id: 'CreatedApiKey',
  description: 'A new API key: the key is in this answer only',
});
export const PortalLinkSchema = documented(
  z.strictObject({
    url: text('the console, signed in as the tenant until expiresAt (the token is in the fragment)'),
    expiresAt: instant(),
  }),
  { id: 'PortalLink', description: 'A console link for one tenant' },
);
