/**
 * What each function may do to the one table, as plain data: lib/ turns it into IAM statements (one per
 * grant, `dynamodb:LeadingKeys` limited to the grant's key prefixes), the route table declares it per route.
 * A function holds only the actions it calls on the partitions it touches; `Scan` is nobody's.
 *
 * How IAM applies `dynamodb:LeadingKeys` (ForAllValues:StringLike, so every key of a request must match):
 * GetItem/PutItem/UpdateItem/DeleteItem check the item's partition key; BatchGetItem and BatchWriteItem check
 * every key of the batch; TransactWriteItems has no action of its own, each of its Put/Update/Delete/
 * ConditionCheck is checked as PutItem/UpdateItem/DeleteItem/ConditionCheckItem on its own key; a Query checks
 * the partition key value it asks for, which on an index is the index's partition key.
 */
import { TABLE } from './platform-settings';
import { keys } from './adapters/table-keys';

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

export interface TableGrant {
  actions: readonly TableAction[];
  /** Partition key patterns (IAM StringLike: `*` matches any characters). */
  leadingKeys: readonly string[];
  /** The grant applies to this index of the table instead of the table itself. */
  index?: string;
}

/** Everything one function may do to the table. */
export type TableAccess = readonly TableGrant[];

/** The key prefixes of docs/design.md §5, as IAM patterns, built from the same functions the repositories use. */
export const KEY_PATTERNS = {
  /** webhooks and the per-tenant webhook count */
  tenant: keys.tenant('*'),
  /** API keys and portal tokens */
  apiKey: keys.apiKey('*'),
  /** a webhook's published ed25519 public keys (no tenant data: the public route reads only these) */
  publicKeys: keys.publicKeys('*'),
  /** a webhook's delivery log */
  deliveryLog: keys.webhook('*'),
  events: keys.event('*', '*'),
  /** the tenant items (docs/design.md §16): one partition */
  tenants: keys.tenants,
  /** the tenant erasures' records (docs/design.md §16) */
  erasures: keys.erasure('*'),
  /** the erased and erasing tenants' markers: one partition */
  erasureMarkers: keys.erasureMarkers,
  /** the EventsByTime index's partition: one per tenant */
  eventsByTime: `${TABLE.eventsByTime.partitionPrefix}*`,
  /** the same index's partition of pending certificate notices: one, for every tenant */
  certificateNotices: keys.certificateNotices,
} as const;

/**
 * Deliver reads a batch's webhooks and keeps their health (failing, breaker, slow lane; a disable also raises the
 * tenant's webhooks version); it reads and writes a webhook's shared OAuth2 token (GetItem, UpdateItem); it writes
 * the delivery log (batch puts, a put per record when a batch is refused, an update per later attempt).
 */
const DELIVER = [
  { actions: ['BatchGetItem', 'GetItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.tenant] },
  { actions: ['PutItem', 'UpdateItem', 'BatchWriteItem'], leadingKeys: [KEY_PATTERNS.deliveryLog] },
  // only for a delivery whose webhook is gone: is its tenant erased? (lambdas/adapters/erased-tenants.ts)
  { actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.erasureMarkers] },
] as const satisfies TableAccess;

/** A tenant's settings (its tenant item), read where they bind. */
const TENANT_SETTINGS = { actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.tenants] } as const satisfies TableGrant;

/** The events index, then the page's event headers and their delivery records' statuses, a BatchGetItem each. */
const LIST_EVENTS = [
  { actions: ['Query'], leadingKeys: [KEY_PATTERNS.eventsByTime], index: TABLE.eventsByTime.indexName },
  { actions: ['BatchGetItem'], leadingKeys: [KEY_PATTERNS.events] },
  { actions: ['BatchGetItem'], leadingKeys: [KEY_PATTERNS.deliveryLog] },
] as const satisfies TableAccess;

export const TABLE_ACCESS = {
  /** Looks up the hash of a bearer key: one GetItem, and nothing of any tenant's webhooks or secrets. */
  authorizer: [{ actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.apiKey] }],
  /**
   * Webhook routes (lambdas/adapters/webhook-repository.ts): create and delete are transactions with the count item.
   */
  createWebhook: [
    // GetItem, PutItem: the tenant's signing-secret data key (SECRETSKEY), read, or put on the tenant's first seal
    { actions: ['GetItem', 'PutItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.tenant] },
    { actions: ['PutItem'], leadingKeys: [KEY_PATTERNS.publicKeys] },
    TENANT_SETTINGS,
  ],
  listWebhooks: [{ actions: ['Query'], leadingKeys: [KEY_PATTERNS.tenant] }],
  getWebhook: [{ actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.tenant] }],
  /**
   * The webhook, read first (a URL change starts a verification; secrets stored in clear are sealed by this write;
   * DeleteItem: a changed throttleRate drops its throttle reservations, THROTTLE#<id>), then its public keys when
   * `signing` changed them.
   */
  updateWebhook: [
    // PutItem: the tenant's signing-secret data key, when this update seals a secret stored in clear
    { actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], leadingKeys: [KEY_PATTERNS.tenant] },
    { actions: ['PutItem', 'DeleteItem'], leadingKeys: [KEY_PATTERNS.publicKeys] },
    TENANT_SETTINGS,
  ],
  rotateWebhookSecret: [
    // the webhook and the tenant's signing-secret data key (put on the tenant's first seal)
    { actions: ['GetItem', 'PutItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.tenant] },
    { actions: ['PutItem'], leadingKeys: [KEY_PATTERNS.publicKeys] },
  ],
  deleteWebhook: [
    { actions: ['DeleteItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.tenant] },
    { actions: ['DeleteItem'], leadingKeys: [KEY_PATTERNS.publicKeys] },
  ],
  /** The public, unauthenticated `GET …/public-keys`: one GetItem of the keys item, nothing of any tenant. */
  getPublicKeys: [{ actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.publicKeys] }],
  /**
   * `POST …/verify` (docs/design.md §18): the webhook, read first, then its new run; the tenant's settings say
   * whether its endpoints are verified at all.
   */
  verifyWebhook: [{ actions: ['GetItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.tenant] }, TENANT_SETTINGS],
  /**
   * The log and audit routes (docs/design.md §6b, §6c), each with what it reads; the delivery routes first read the
   * webhook, to check its tenant.
   */
  listDeliveries: [
    { actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.tenant] },
    { actions: ['Query'], leadingKeys: [KEY_PATTERNS.deliveryLog] },
    // the tenant's own retention starts the window
    TENANT_SETTINGS,
  ],
  getDelivery: [
    { actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.tenant] },
    { actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.deliveryLog] },
    { actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.events] },
  ],
  listEvents: [...LIST_EVENTS, TENANT_SETTINGS],
  getEvent: [
    { actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.events] },
    { actions: ['BatchGetItem'], leadingKeys: [KEY_PATTERNS.deliveryLog] },
  ],
  /**
   * Reads a tenant's webhooks (their version, then the list when it moved); claims each event, then records it
   * completed.
   */
  fanOut: [
    { actions: ['GetItem', 'Query'], leadingKeys: [KEY_PATTERNS.tenant] },
    // the event's claim and its completion are both conditional UpdateItems
    { actions: ['UpdateItem'], leadingKeys: [KEY_PATTERNS.events] },
  ],
  /**
   * `POST …/deliveries/{eventId}/retry`: the webhook (tenant, active), the event (its payload) and its delivery
   * record (read, then its retry throttle claimed), and the tenant's hourly budget of manual attempts.
   */
  retryDelivery: [
    { actions: ['GetItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.tenant] },
    TENANT_SETTINGS,
    { actions: ['GetItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.deliveryLog] },
    { actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.events] },
  ],
  /**
   * `POST …/recover`: the webhook (tenant, active) and its recovery lock (taken; released again if the job cannot be
   * queued).
   */
  recoverDeliveries: [{ actions: ['GetItem', 'UpdateItem', 'DeleteItem'], leadingKeys: [KEY_PATTERNS.tenant] }],
  /**
   * One page of a recovery: the webhook (still the tenant's, still active), its lock (renewed, released at the
   * end) and the tenant's budget; its failed deliveries (read, each marked as taken by this recovery); their
   * events' payloads.
   */
  recover: [
    { actions: ['GetItem', 'UpdateItem', 'DeleteItem'], leadingKeys: [KEY_PATTERNS.tenant] },
    TENANT_SETTINGS,
    { actions: ['Query', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.deliveryLog] },
    { actions: ['BatchGetItem'], leadingKeys: [KEY_PATTERNS.events] },
  ],
  deliver: DELIVER,
  /** The daily certificate-expiry job: the notices due (a Query of the index), each claimed on its webhook. */
  announceCertificates: [
    { actions: ['Query'], leadingKeys: [KEY_PATTERNS.certificateNotices], index: TABLE.eventsByTime.indexName },
    { actions: ['UpdateItem'], leadingKeys: [KEY_PATTERNS.tenant] },
  ],
  /**
   * The operator plane (docs/design.md §16): tenant items, and a tenant's keys by its references to them. A put is a
   * transaction of the tenant item and the copy of its delivery settings on the tenant's webhook-count item (which
   * fan-out reads), then the item as stored.
   */
  putTenant: [
    { actions: ['UpdateItem', 'GetItem'], leadingKeys: [KEY_PATTERNS.tenants] },
    { actions: ['UpdateItem'], leadingKeys: [KEY_PATTERNS.tenant] },
  ],
  listTenants: [{ actions: ['Query'], leadingKeys: [KEY_PATTERNS.tenants] }],
  /** The item, the webhook count and whether it has keys (its partition), and its last 24 h of events. */
  getTenant: [TENANT_SETTINGS, { actions: ['GetItem', 'Query'], leadingKeys: [KEY_PATTERNS.tenant] }, ...LIST_EVENTS],
  /** The key and the tenant's reference to it, in one transaction (portal links too). */
  createApiKey: [{ actions: ['PutItem'], leadingKeys: [KEY_PATTERNS.apiKey, KEY_PATTERNS.tenant] }],
  listApiKeys: [
    { actions: ['Query'], leadingKeys: [KEY_PATTERNS.tenant] },
    { actions: ['BatchGetItem'], leadingKeys: [KEY_PATTERNS.apiKey] },
  ],
  revokeApiKey: [{ actions: ['UpdateItem'], leadingKeys: [KEY_PATTERNS.apiKey] }],
  /**
   * `DELETE /admin/tenants/{t}`: the tenant's marker (a running erasure?), whether the tenant is known (its item,
   * count item, key references), the erasure's record and marker (one transaction), then the seal: its webhooks
   * and count item tombstoned, its keys revoked.
   */
  eraseTenant: [
    { actions: ['GetItem', 'PutItem'], leadingKeys: [KEY_PATTERNS.erasureMarkers] },
    { actions: ['PutItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.erasures] },
    TENANT_SETTINGS,
    { actions: ['GetItem', 'Query', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.tenant] },
    { actions: ['UpdateItem'], leadingKeys: [KEY_PATTERNS.apiKey] },
  ],
  /**
   * `DELETE /admin/tenants/{t}/events/{id}`: the event (read, its payload removed), the tenant's webhooks (listed,
   * read in a batch for their marks, each marked), the event's delivery records (read, marked erased).
   */
  eraseEvent: [
    { actions: ['GetItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.events] },
    { actions: ['Query', 'BatchGetItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.tenant] },
    { actions: ['GetItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.deliveryLog] },
  ],
  getErasure: [{ actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.erasures] }],
  /**
   * The erasure worker: its record (read, counted, completed) and the tenant's marker (completed); pages of the
   * tenant's events (the index), their delivery records, its webhooks' logs, its own partition, its keys and public
   * keys, its item; each page read then deleted in batches; the final check's queries and reads.
   */
  eraseTenantWorker: [
    { actions: ['GetItem', 'UpdateItem'], leadingKeys: [KEY_PATTERNS.erasures] },
    { actions: ['UpdateItem'], leadingKeys: [KEY_PATTERNS.erasureMarkers] },
    { actions: ['Query'], leadingKeys: [KEY_PATTERNS.eventsByTime], index: TABLE.eventsByTime.indexName },
    { actions: ['Query'], leadingKeys: [KEY_PATTERNS.deliveryLog, KEY_PATTERNS.tenant] },
    { actions: ['GetItem'], leadingKeys: [KEY_PATTERNS.tenants] },
    // a batch's keys must all match one statement: one for every place a page's reads and deletes reach
    {
      actions: ['BatchGetItem'],
      leadingKeys: [
        KEY_PATTERNS.events,
        KEY_PATTERNS.deliveryLog,
        KEY_PATTERNS.apiKey,
        KEY_PATTERNS.publicKeys,
        KEY_PATTERNS.tenants,
      ],
    },
    {
      actions: ['BatchWriteItem'],
      leadingKeys: [
        KEY_PATTERNS.events,
        KEY_PATTERNS.deliveryLog,
        KEY_PATTERNS.tenant,
        KEY_PATTERNS.apiKey,
        KEY_PATTERNS.publicKeys,
        KEY_PATTERNS.tenants,
      ],
    },
  ],
  /**
   * The ordered lane: deliver's access, and where each delivery stands in its schedule (its record, read in a batch).
   */
  deliverOrdered: [...DELIVER, { actions: ['BatchGetItem'], leadingKeys: [KEY_PATTERNS.deliveryLog] }],
} as const satisfies Record<string, TableAccess>;
