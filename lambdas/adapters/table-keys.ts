/** Key layout of the single table (docs/design.md §5). */
export const keys = {
  tenant: (tenantId: string) => `TENANT#${tenantId}`,
  webhook: (webhookId: string) => `WEBHOOK#${webhookId}`,
  webhookPrefix: 'WEBHOOK#',
  /** A tenant's budget of manual attempts for one clock hour (`2026-12-01T08`). */
  manualBudget: (hour: string) => `MANUAL#${hour}`,
  /** A throttled webhook's next free send slot. */
  throttle: (webhookId: string) => `THROTTLE#${webhookId}`,
  /** A webhook's OAuth2 token, shared by every deliver container (sealed), and the lease of the one fetching it. */
  oauth2Token: (webhookId: string) => `OAUTH2TOKEN#${webhookId}`,
  /** The lock of a webhook's running recovery: one at a time. */
  recoveryLock: (webhookId: string) => `RECOVERY#${webhookId}`,
  /** A tenant's data key for its webhooks' signing secrets, encrypted (tenant-key-repository.ts). */
  tenantSecretsKey: 'SECRETSKEY',
  /** Per-tenant webhook count, so the limit holds under concurrent creates. */
  webhookCount: 'WEBHOOKCOUNT',
  /**
   * A webhook's published ed25519 public keys, in an item of their own so that the unauthenticated public-keys
   * route can read them without any access to tenants' items (design.md §18).
   */
  publicKeys: (webhookId: string) => `PUBLICKEYS#${webhookId}`,
  publicKeysSort: 'PUBLICKEYS',
  apiKey: (keyHash: string) => `APIKEY#${keyHash}`,
  apiKeySort: 'APIKEY',
  /** A tenant's reference to one of its keys or portal tokens (under `TENANT#<t>`), so its keys list without a Scan. */
  tenantApiKey: (keyHash: string) => `APIKEY#${keyHash}`,
  tenantApiKeyPrefix: 'APIKEY#',
  /** The tenant items (docs/design.md §16): one partition, a tenant per sort key, listed in id order. */
  tenants: 'TENANTS',
  tenantItem: (tenantId: string) => `TENANT#${tenantId}`,
  tenantItemPrefix: 'TENANT#',
  /**
   * A delivery's sort key under `WEBHOOK#<webhookId>`: time first, so a webhook's log lists newest first and
   * a time window is a key range, with no index and no extra write (docs/architecture.md, "Delivery log").
   */
  deliveryAt: (receivedAt: string, eventId: string) => `DELIVERY#${receivedAt}#${eventId}`,
  deliveryPrefix: 'DELIVERY#',
  /** Scoped by tenant so one tenant's event ids can never suppress another's. */
  event: (tenantId: string, eventId: string) => `EVENT#${tenantId}#${eventId}`,
  eventSort: 'EVENT',
  /** A tenant erasure's record (docs/design.md §16): its progress, counts and final check. */
  erasure: (erasureId: string) => `ERASURE#${erasureId}`,
  erasureSort: 'ERASURE',
  /**
   * Each erased or erasing tenant's marker (`ERASURES` / `TENANT#<t>`): the running erasure's lock, then the record
   * that it was erased.
   */
  erasureMarkers: 'ERASURES',
  /** Partition key of the `EventsByTime` index (attribute `gsi1pk`): a tenant's events. */
  eventsOfTenant: (tenantId: string) => `EVENTS#${tenantId}`,
  /** Sort key of the `EventsByTime` index (attribute `gsi1sk`): newest first is a backwards Query. */
  eventTime: (receivedAt: string, eventId: string) => `${receivedAt}#${eventId}`,
  /**
   * The same index's partition of webhooks with a certificate notice pending (their `gsi1sk` is its key,
   * core/webhooks/certificate-notices.ts): one partition for every tenant, written only when a webhook's `tls`
   * changes or a notice goes out; not under `EVENTS#`, so no events lister can query it.
   */
  certificateNotices: 'CERTIFICATE_NOTICES',
} as const;
