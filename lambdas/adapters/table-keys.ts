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
  event: (eventId: string) => `EVENT#${eventId}`,
  eventSort: 'EVENT',
} as const;
