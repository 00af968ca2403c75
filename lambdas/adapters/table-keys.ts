/** Key layout of the single table (DESIGN §5). */
export const keys = {
  tenant: (tenantId: string) => `TENANT#${tenantId}`,
  webhook: (webhookId: string) => `WEBHOOK#${webhookId}`,
  webhookPrefix: 'WEBHOOK#',
  /** Per-tenant webhook count, so the limit holds under concurrent creates. */
  webhookCount: 'WEBHOOKCOUNT',
  apiKey: (keyHash: string) => `APIKEY#${keyHash}`,
  apiKeySort: 'APIKEY',
  delivery: (eventId: string) => `DELIVERY#${eventId}`,
  /** Scoped by tenant so one tenant's event ids can never suppress another's. */
  event: (tenantId: string, eventId: string) => `EVENT#${tenantId}#${eventId}`,
  eventSort: 'EVENT',
} as const;
