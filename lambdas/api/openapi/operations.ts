import { EVENT_ID_PATTERN, WEBHOOK_ID_PATTERN } from '../../core/common/ids';
import { deliveryListQuerySchema, eventListQuerySchema } from '../../core/log/log-queries';
import { listQuerySchema, rotateSecretSchema, webhookSchemas } from '../../core/webhooks/webhook-schemas';
import { MAX_BODY_BYTES } from '../http-handler';
import { recoverRequestSchema } from '../../core/recovery/recovery-service';
import { testEventSchema } from '../../core/events/test-event-service';
import { destinationPolicyQuerySchema } from '../../core/webhooks/destination-policy';
import { TENANT_ID_PATTERN } from '../../core/access/api-keys';
import { createApiKeySchema, createPortalLinkSchema } from '../../core/access/api-key-service';
import { putTenantSchema } from '../../core/access/tenants';
import { tenantListQuerySchema } from '../../core/access/tenant-service';
import { ERASURE_ID_PATTERN } from '../../core/access/tenant-erasure';
import { ErasureSchema, StartedErasureSchema } from '../../core/access/erasure-resources';
import {
  ApiKeyListSchema,
  CreatedApiKeySchema,
  PortalLinkSchema,
  TenantSchema,
  TenantDetailSchema,
  TenantPageSchema,
} from '../../core/access/access-resources';
import { DeliverySchema, DeliveryPageSchema, EventSchema, EventPageSchema } from '../../core/log/log-resources';
import { DestinationPolicySchema } from '../../core/webhooks/destination-policy-resource';
import { documented } from '../../core/common/schema-docs';
import { EventTypeListSchema } from '../../core/events/event-resources';
import { PublicKeysSchema } from '../../core/signing/public-keys-resource';
import { QueuedRetrySchema, QueuedTestSchema, StartedRecoverySchema } from '../../core/recovery/recovery-resources';
import { WebhookSchema, WebhookPageSchema } from '../../core/webhooks/webhook-resource';
import type * as z from 'zod/mini';
import { createEventCatalog } from '../../core/events/event-catalog';

/** What the description says of one route of lambdas/api/routes.ts, keyed there by the route's name. */
export interface Operation {
  summary: string;
  description?: string;
  /** The handler's own query schema: each property becomes a query parameter. */
  query?: z.ZodMiniObject;
  /** The handler's own body schema. */
  body?: z.ZodMiniType;
  success: {
    status: number;
    description: string;
    schema?: z.ZodMiniType;
    headers?: Record<string, string>;
    /** Also answers 201 with the same schema, described so, when it created what it was asked to put. */
    created?: string;
  };
  /**
   * Error statuses beyond those the shape of the route implies (401, 429, 500 always; 404 with a path id; 400 with
   * input; 413/415 with a body).
   */
  errors?: number[];
}

/** Path parameters, by name: the forms the handlers accept (anything else is a 404). */
export const PATH_PARAMETERS: Record<string, { description: string; pattern: RegExp }> = {
  webhookId: { description: 'A webhook of the caller', pattern: WEBHOOK_ID_PATTERN },
  eventId: { description: "An event of the caller's tenant", pattern: EVENT_ID_PATTERN },
  tenantId: {
    description: 'The id the team uses for its customer: 1-64 letters, digits, ".", "_" or "-"',
    pattern: TENANT_ID_PATTERN,
  },
  keyHash: { description: 'The SHA-256 of the key, as the list shows it', pattern: /^[0-9a-f]{64}$/ },
  erasureId: {
    description: 'A tenant erasure, as DELETE /admin/tenants/{tenantId} answered it',
    pattern: ERASURE_ID_PATTERN,
  },
};

// The deployed URL policy: https only, no private addresses (local mode is laxer).
// the description names event types by their form (a team's catalog replaces the names): any catalog describes them
const catalog = createEventCatalog();
const webhookBodies = webhookSchemas(catalog, { allowHttp: false, allowLoopback: false });

// What the request schemas check in code (refinements), said in the description.
const URL_RULES =
  'absolute https URL of at most 2048 characters, without credentials, not pointing at private, loopback, link-local ' +
  'or metadata addresses';
const SECRET_RULES = {
  description: 'whsec_ + standard base64 of 24 to 64 bytes; generated when absent',
  pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$',
};
const DESTINATION_RULES =
  "an SQS queue, SNS topic or EventBridge bus ARN in the customer's own account (never the platform's), in the " +
  "platform's partition; its resource policy must admit the platform (GET /v2/destination-policy)";
for (const body of [webhookBodies.create, webhookBodies.update]) {
  documented(body.shape.url, { description: URL_RULES });
  documented(body.shape.destination, { description: DESTINATION_RULES });
}
documented(destinationPolicyQuerySchema.shape.arn, { description: 'the ARN of the queue, topic or bus' });
documented(webhookBodies.create.shape.secret, SECRET_RULES);
documented(rotateSecretSchema.shape.secret, SECRET_RULES);
documented(rotateSecretSchema.shape.gracePeriodSeconds, {
  type: 'integer',
  description: 'seconds the old secret or key keeps signing; 0 ends it now',
});
documented(rotateSecretSchema.shape.type, {
  description: 'hmac (default): a new secret; ed25519: a new key pair (the webhook must have one)',
});
documented(listQuerySchema.shape.limit, { type: 'integer', description: 'page size' });
documented(listQuerySchema.shape.cursor, { description: 'nextCursor of the previous page, as it was' });

const WINDOW =
  'since and until are inclusive ISO-8601 instants with a time zone; since after until is a validation_error; a ' +
  'window reaching back past the retention (30 days by default) starts at the retention.';
const PAST_RETENTION = 'A 404 says so when the event is past its retention.';

/** A list route: its query, and a page of the schema's items as its answer. */
function pageOf(query: z.ZodMiniObject, schema: z.ZodMiniType): Pick<Operation, 'query' | 'success'> {
  return { query, success: { status: 200, description: 'A page', schema } };
}

export const OPERATIONS: Record<string, Operation> = {
  CreateWebhook: {
    summary: 'Create a webhook',
    description:
      `Exactly one of url or destination. url must be absolute https without credentials, not pointing at ` +
      `private, loopback, link-local or metadata addresses; destination is a queue, topic or bus of the customer's ` +
      `own AWS account whose resource policy admits the platform (GET /v2/destination-policy); events are ` +
      `de-duplicated; secret is generated when absent, and this answer is the only one that shows it (it is stored ` +
      `encrypted). Bodies over ${MAX_BODY_BYTES} bytes are refused.`,
    body: webhookBodies.create,
    success: {
      status: 201,
      description: 'Created; Location names the new webhook',
      schema: WebhookSchema,
      headers: { Location: '/v2/webhooks/{webhookId}' },
    },
    errors: [409],
  },
  ListWebhooks: {
    summary: 'List webhooks (without secrets), oldest first',
    ...pageOf(listQuerySchema, WebhookPageSchema),
  },
  GetWebhook: {
    summary: 'Retrieve a webhook (its secret is shown only by create and rotation)',
    success: { status: 200, description: 'The webhook', schema: WebhookSchema },
  },
  UpdateWebhook: {
    summary:
      'Change some of url, destination, events, description, active, filter, headers, throttleRate, ordering, auth, ' +
      'tls, signing',
    description:
      'Re-activating clears disabledReason; null removes the description or the filter; url replaces a destination ' +
      'and destination a url. signing.ed25519 true gives the webhook an ed25519 key pair (kept if it has one), ' +
      'false removes it. A new url starts its verification (pending: deliveries are skipped until the new endpoint ' +
      'answers the challenge). auth and tls each replace the whole; auth without its clientSecret or password keeps ' +
      'the stored one when the type (and, for OAuth2, the tokenUrl) is the same (400 naming the field otherwise); ' +
      'null removes either.',
    body: webhookBodies.update,
    success: { status: 200, description: 'The updated webhook', schema: WebhookSchema },
  },
  VerifyWebhook: {
    summary: "Start the endpoint's verification again",
    description:
      'A new run of challenges from the first (OPTIONS handshake, then the signed webhook.verification POST, ' +
      'alternating, on the retry schedule); deliveries are skipped until it succeeds. A pending run is restarted at ' +
      'most once a minute: 429 rate_limited with Retry-After. 409 verification_off when endpointVerification is off ' +
      '(the tenant setting, else the deployment setting).',
    success: { status: 202, description: 'Started: the webhook, its verification pending', schema: WebhookSchema },
    errors: [409],
  },
  DeleteWebhook: {
    summary: 'Delete a webhook; deliveries already queued for it are skipped',
    success: { status: 204, description: 'Deleted' },
  },
  RotateWebhookSecret: {
    summary: 'Rotate the secret or the ed25519 key pair',
    description:
      'The old secret (type hmac) or key (type ed25519) keeps signing next to the new one for gracePeriodSeconds ' +
      '(default 86400, at most 604800; 0 ends it now). An ed25519 key is always generated; rotating one needs a ' +
      'webhook that has one.',
    body: rotateSecretSchema,
    success: { status: 200, description: 'The webhook with its new secret or public key', schema: WebhookSchema },
  },
  GetPublicKeys: {
    summary: "A webhook's ed25519 public keys, for its receivers (no credential needed)",
    description:
      'Public: receivers fetch the keys that verify v1a signatures without an API key. Only public keys; a webhook ' +
      'without an ed25519 key and one that does not exist are both 404. May be cached for a minute (Cache-Control).',
    success: {
      status: 200,
      description: 'The current key, then a rotated one until it expires',
      schema: PublicKeysSchema,
      headers: { 'Cache-Control': 'public, max-age=60' },
    },
  },
  ListEventTypes: {
    summary: 'The event catalog',
    success: { status: 200, description: 'Every type, with a description and an example', schema: EventTypeListSchema },
  },
  ListDeliveries: {
    summary: "A webhook's deliveries, newest first",
    description: WINDOW,
    ...pageOf(deliveryListQuerySchema, DeliveryPageSchema),
  },
  GetDelivery: {
    summary: 'One delivery: every attempt and the exact payload',
    description: PAST_RETENTION,
    success: { status: 200, description: 'The delivery', schema: DeliverySchema },
  },
  RetryDelivery: {
    summary: 'Send a delivery again, once, now',
    description:
      "One manual attempt, whatever the delivery's status and the circuit breaker, signed afresh; it is not retried " +
      'on its own. At most one per delivery per 30 s, and 1,000 manual attempts per tenant per hour (retries and ' +
      'recovered deliveries together): over either, 429 rate_limited with Retry-After. 409 webhook_inactive when ' +
      'the webhook is paused or disabled, endpoint_not_verified while its endpoint has not answered the ' +
      'verification challenge; a 404 says so when the event is past its retention.',
    success: { status: 202, description: 'Queued', schema: QueuedRetrySchema },
    errors: [409],
  },
  TestWebhook: {
    summary: "Send the catalog's example of an event type to this webhook only",
    description:
      `eventType defaults to the webhook's first type. The event goes through the pipeline like any (GET ` +
      `/v2/events and the delivery log show it); the body says "test": true. 409 webhook_inactive when the webhook ` +
      `is paused or disabled, endpoint_not_verified while its endpoint has not answered the verification challenge.`,
    body: testEventSchema(catalog),
    success: { status: 202, description: 'Queued', schema: QueuedTestSchema },
    errors: [409],
  },
  RecoverDeliveries: {
    summary: 'Re-queue every failed delivery of a time window, in the background',
    description:
      'One manual attempt per delivery whose status is failed and whose event was received in [since, until] (until ' +
      'defaults to now and may not be in the future; since at most 14 days back, not after until). Answers at once, ' +
      'whatever the count; each delivery is queued once per recovery, the recovered deliveries wait on an open ' +
      "circuit breaker like any, and they count in the tenant's 1,000 manual attempts per hour (a recovery past it " +
      'waits for the next hour). One recovery per webhook at a time: 409 recovery_in_progress names the running ' +
      'one. 409 webhook_inactive when the webhook is paused or disabled, endpoint_not_verified while its endpoint ' +
      'has not answered the verification challenge. Deliveries skipped because the endpoint was not verified yet ' +
      'are recovered too.',
    body: recoverRequestSchema,
    success: { status: 202, description: 'Started', schema: StartedRecoverySchema },
    errors: [409],
  },
  GetDestinationPolicy: {
    summary: 'The resource policy to put on your own SQS queue, SNS topic or EventBridge bus',
    description:
      "Paste policy on a resource that has none, or add statement to its policy. It admits the platform's " +
      "DestinationsRole only in sessions tagged with your tenant, so no other tenant's webhook can deliver into it, " +
      'and no key of yours is ever stored. The ARN is checked as a webhook destination is (400 validation_error ' +
      'otherwise).',
    query: destinationPolicyQuerySchema,
    success: { status: 200, description: 'The policy', schema: DestinationPolicySchema },
  },
  ListEvents: {
    summary: "The tenant's events, newest first, with their deliveries counted by status",
    description: WINDOW,
    ...pageOf(eventListQuerySchema, EventPageSchema),
  },
  GetEvent: {
    summary: 'An event as delivered, and the webhooks it went to',
    description: PAST_RETENTION,
    success: { status: 200, description: 'The event', schema: EventSchema },
  },
  PutTenant: {
    summary: 'Create or update a tenant',
    description:
      "settings replace the tenant's settings as a whole and override the deployment's from the next request: " +
      'maxWebhooks (1-1000), allowedEventTypes (types of the catalog), maxThrottleRate (1-1000 per second), ' +
      'manualAttemptsPerHour (1-100000), retryScheduleSeconds (1 or more delays of 0-43200 s; its last attempt must ' +
      "come within the retention, and the ordered lane's redrive must hold it) and eventRetentionDays (1-3650), " +
      'which bind from the next event fanned out after the answer. 201 when the tenant item is new.',
    body: putTenantSchema(catalog),
    success: { status: 200, description: 'The tenant, updated', schema: TenantSchema, created: 'The tenant, created' },
  },
  ListTenants: {
    summary: 'Tenants with a tenant item, in id order',
    ...pageOf(tenantListQuerySchema, TenantPageSchema),
  },
  GetTenant: {
    summary: 'A tenant, its webhook count and its deliveries of the last 24 hours by status',
    description: 'A tenant with keys or webhooks but no tenant item is implicit, with the default settings.',
    success: { status: 200, description: 'The tenant', schema: TenantDetailSchema },
  },
  CreateApiKey: {
    summary: 'Mint an API key for the tenant',
    body: createApiKeySchema,
    success: { status: 201, description: 'The key, shown this once', schema: CreatedApiKeySchema },
  },
  ListApiKeys: {
    summary: "The tenant's API keys and portal tokens (hashes, names, states)",
    success: { status: 200, description: 'Its keys', schema: ApiKeyListSchema },
  },
  RevokeApiKey: {
    summary: 'Revoke a key of the tenant by its hash',
    description: 'API Gateway may keep accepting it for up to its authorizer cache time (60 s).',
    success: { status: 204, description: 'Revoked' },
  },
  CreatePortalLink: {
    summary: 'A console link for the tenant',
    description: 'ttlSeconds: 60 to 86400, default 3600. The link signs the console in as the tenant until expiresAt.',
    body: createPortalLinkSchema,
    success: { status: 201, description: 'The link', schema: PortalLinkSchema },
  },
  EraseTenant: {
    summary: 'Erase the tenant: every item of it, in the background',
    description:
      'Before the answer the tenant is sealed: its webhooks become tombstones (no delivery of it is sent from now ' +
      'on, queued ones included: they are dropped without a request), its keys and portal tokens are revoked, and ' +
      'it takes no new webhook (409 tenant_erased). Then its items go (events, delivery records, webhooks, keys, ' +
      'portal tokens, public keys, throttle slots, OAuth2 tokens, recovery locks, manual-attempt counters, the ' +
      'tenant item); GET /admin/erasures/{erasureId} shows the progress, and at the end the counts per kind and a ' +
      'final check. 404 for a tenant with no tenant item, webhooks or keys; 409 erasure_in_progress names the ' +
      'erasure already running.',
    success: { status: 202, description: 'The erasure, started', schema: StartedErasureSchema },
    errors: [409],
  },
  EraseEvent: {
    summary: "Erase one event's payload",
    description:
      "Done before the answer: the event's deliveries are no longer sent (a queued one is logged as skipped, " +
      "erased), its payload leaves the event, and the receivers' answers leave its delivery records. The event " +
      'keeps its id, type, time and where it went; GET of the event or of a delivery of it shows erased: true and ' +
      'no payload. A webhook holds the marks of 100 events erased in the last 15 days at most (409 limit_exceeded). ' +
      'Erasing it again is harmless. 404 for an unknown event.',
    success: { status: 204, description: 'Erased' },
  },
  GetErasure: {
    summary: "A tenant erasure's progress, counts and final check",
    success: { status: 200, description: 'The erasure', schema: ErasureSchema },
  },
};
