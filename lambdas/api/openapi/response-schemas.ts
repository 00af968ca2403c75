/**
 * The API's responses as zod schemas, for its description (docs/openapi.yaml) and the test that checks real
 * responses against it. Request schemas are the handlers' own (core/*-schemas.ts, core/log-queries.ts);
 * responses are built by plain functions in core/, so their shapes are written down here, once.
 */
import { ERASED_KINDS, ERASURE_PHASES } from '../../core/tenant-erasure';
import { DELIVERY_STATUSES } from '../../core/delivery-log';
import { GATEWAY_ERRORS } from '../gateway-responses';
import { STATUS_BY_CODE } from '../error-response';
import { EVENT_TYPE_NAME_PATTERN } from '../../core/event-catalog';
import * as z from 'zod/mini';

export interface SchemaDoc {
  /** Makes the schema a named component (`#/components/schemas/<id>`). */
  id?: string;
  description?: string;
  format?: string;
  /** What a refinement checks, where JSON Schema can say it (zod's refinements do not appear in JSON Schema). */
  type?: string;
  pattern?: string;
}

/** Named schemas become components; the others only lend their description and format. */
export const schemaDocs = z.registry<SchemaDoc>();

export function documented<S extends z.ZodMiniType>(schema: S, doc: SchemaDoc): S {
  schemaDocs.add(schema, doc);
  return schema;
}

const instant = () => documented(z.string(), { format: 'date-time' });
const text = (description: string) => documented(z.string(), { description });

/** Every error code a caller can see, with its status: the handlers' and API Gateway's own. */
export const ERROR_STATUS: Record<string, number> = {
  ...STATUS_BY_CODE,
  ...Object.fromEntries(Object.values(GATEWAY_ERRORS).map(({ code, statusCode }) => [code, statusCode])),
};

export const ErrorBody = documented(
  z.strictObject({
    error: z.strictObject({
      code: documented(z.enum(Object.keys(ERROR_STATUS) as [string, ...string[]]), {
        description: 'machine-readable; the status of each is listed with the responses',
      }),
      message: text('for people; names the first problem'),
      details: z.array(
        z.strictObject({ path: text('the field or parameter, dotted (events.0)'), message: z.string() }),
      ),
      requestId: text('quote it when asking for help'),
    }),
  }),
  { id: 'Error', description: 'The one error shape of the API' },
);

export const EventType = documented(z.string().check(z.regex(EVENT_TYPE_NAME_PATTERN)), {
  id: 'EventType',
  description:
    "A type of the deployment's catalog (GET /v2/event-types lists them; a team's catalog replaces the product's)",
});

const filterValue = z.union([z.string(), z.number(), z.boolean()]);
const Filter = documented(z.nullable(z.record(z.string(), z.array(filterValue))), {
  id: 'Filter',
  description:
    'Dotted paths into the event data, each with the values accepted there; null: every event of the subscribed types',
});

const Health = documented(
  z.strictObject({
    state: z.enum(['healthy', 'failing', 'open']),
    failingSince: z.nullable(instant()),
    consecutiveFailures: z.number(),
    nextProbeAt: z.optional(
      documented(z.string(), {
        format: 'date-time',
        description: 'while the circuit is open: when the next probe attempt goes',
      }),
    ),
    slowLaneUntil: z.optional(
      documented(z.string(), {
        format: 'date-time',
        description:
          'the endpoint answered slowly or not at all: until then its deliveries go through the slow lane, where each attempt may take the whole send timeout',
      }),
    ),
  }),
  { id: 'Health', description: 'How the deliveries to the webhook are going (circuit breaker)' },
);

const EndpointAuth = documented(
  z.nullable(
    z.union([
      z.strictObject({
        type: z.literal('oauth2_client_credentials'),
        tokenUrl: z.string(),
        clientId: z.string(),
        scope: z.nullable(z.string()),
        audience: z.nullable(z.string()),
      }),
      z.strictObject({ type: z.literal('basic'), username: z.string() }),
    ]),
  ),
  {
    id: 'EndpointAuth',
    description:
      'How deliveries authenticate to the endpoint, without its secret (clientSecret and password are write-only); null: none',
  },
);

const EndpointTls = documented(
  z.nullable(
    z.strictObject({
      certificateSubject: z.nullable(text("the client certificate's subject; null: no client certificate")),
      certificateExpiresAt: z.nullable(instant()),
      caCertificate: documented(z.boolean(), {
        description: "a private CA is trusted for the endpoint's server certificate, beside the public ones",
      }),
    }),
  ),
  {
    id: 'EndpointTls',
    description:
      'Mutual TLS: the client certificate presented to the endpoint and its expiry (the private key is write-only); null: none',
  },
);

const Verification = documented(
  z.nullable(
    z.strictObject({
      state: documented(z.enum(['pending', 'verified', 'failed']), {
        description:
          'pending: only the challenge is sent (deliveries are skipped, recover sends them once verified); failed: the whole schedule went unanswered, POST …/verify starts again',
      }),
      startedAt: instant(),
      attempts: documented(z.number(), { description: 'challenges sent in this run' }),
      lastAttemptAt: z.nullable(instant()),
      lastError: documented(z.nullable(z.string()), { description: 'what the last challenge got back' }),
      verifiedAt: z.nullable(instant()),
      method: documented(z.nullable(z.enum(['handshake', 'challenge'])), {
        description: 'handshake: answered the OPTIONS handshake; challenge: echoed the signed POST',
      }),
    }),
  ),
  {
    id: 'Verification',
    description:
      "Whether the endpoint's owner consented to receive deliveries; null when they are not held back (verification was off when the webhook got its URL)",
  },
);

export const Destination = documented(
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('sqs'), queueArn: z.string() }),
    z.strictObject({ type: z.literal('sns'), topicArn: z.string() }),
    z.strictObject({ type: z.literal('eventbridge'), eventBusArn: z.string(), detailType: z.optional(z.string()) }),
  ]),
  {
    id: 'Destination',
    description:
      "A customer's own SQS queue, SNS topic or EventBridge bus, reached with no stored key: its resource policy admits the platform's role for this tenant only (GET /v2/destination-policy)",
  },
);

const webhookFields = {
  id: z.string(),
  url: documented(z.nullable(z.string()), { description: 'the HTTPS endpoint; null when destination is set' }),
  destination: documented(z.nullable(Destination), { description: 'null when url is set' }),
  events: z.array(EventType),
  filter: Filter,
  ordering: documented(z.enum(['none', 'fifo']), {
    description: 'fifo: attempted strictly in the order received, a failing one holding back only this webhook',
  }),
  throttleRate: documented(z.nullable(z.number()), {
    description: 'deliveries per second at most (1 to 1,000), across every container; null: no limit',
  }),
  auth: EndpointAuth,
  tls: EndpointTls,
  publicKey: documented(z.nullable(z.string()), {
    description:
      'whpk_ + base64 of the ed25519 public key its v1a signatures verify with (signing.ed25519); null: none. Public, also at GET /v2/webhooks/{webhookId}/public-keys',
  }),
  active: z.boolean(),
  description: z.nullable(z.string()),
  disabledReason: z.optional(
    text('present when the platform switched the webhook off (410 Gone, or failing for days)'),
  ),
  health: Health,
  verification: Verification,
  createdAt: instant(),
  updatedAt: instant(),
};

export const WebhookSummary = documented(z.strictObject(webhookFields), {
  id: 'WebhookSummary',
  description: 'A webhook in a list: never with its secret or its custom headers',
});
export const Webhook = documented(
  z.strictObject({
    ...webhookFields,
    secret: text('whsec_ + base64; signs every delivery'),
    headers: documented(z.record(z.string(), z.string()), {
      description:
        'custom request headers sent with every delivery (at most 20; {} when none); shown, like the secret, only here',
    }),
  }),
  { id: 'Webhook', description: 'A webhook with its secret and custom headers' },
);

function page<S extends z.ZodMiniType>(id: string, item: S) {
  return documented(
    z.strictObject({
      data: z.array(item),
      hasMore: z.boolean(),
      nextCursor: documented(z.nullable(z.string()), { description: 'pass as cursor for the next page' }),
    }),
    { id, description: 'A page; a filtered page may hold fewer items than the limit and still have more' },
  );
}

export const WebhookPage = page('WebhookPage', WebhookSummary);

const deliverySummaryFields = {
  eventId: z.string(),
  eventType: EventType,
  status: z.enum(DELIVERY_STATUSES),
  attemptCount: z.number(),
  lastAttempt: z.nullable(
    z.strictObject({
      at: instant(),
      statusCode: z.nullable(z.number()),
      durationMs: z.number(),
      error: z.nullable(z.string()),
    }),
  ),
  nextAttemptAt: z.nullable(instant()),
  createdAt: documented(z.string(), { format: 'date-time', description: "the event's receivedAt: the log's order" }),
  updatedAt: instant(),
};

export const DeliverySummary = documented(z.strictObject(deliverySummaryFields), {
  id: 'DeliverySummary',
  description: 'A delivery of one event to one webhook',
});
export const DeliveryPage = page('DeliveryPage', DeliverySummary);

export const Delivery = documented(
  z.strictObject({
    ...deliverySummaryFields,
    attempts: z.array(
      z.strictObject({
        at: instant(),
        trigger: z.enum(['scheduled', 'manual']),
        statusCode: z.optional(z.number()),
        durationMs: z.number(),
        error: z.optional(z.string()),
        response: z.optional(text("the first 1,024 bytes (UTF-8) of the receiver's answer, as text")),
      }),
    ),
    attemptsOmitted: documented(z.number(), {
      description:
        'attempts made but not kept: a delivery keeps its first 5 attempts and its latest 20 (attemptCount counts them all)',
    }),
    reason: z.nullable(text('why the platform stopped: a skipped or given-up delivery')),
    payload: text('the exact body that is sent, signed as it is'),
  }),
  { id: 'Delivery', description: 'A delivery with every attempt and the exact payload' },
);

const deliveryCounts = z.strictObject(
  Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, z.number()])) as Record<
    (typeof DELIVERY_STATUSES)[number],
    z.ZodMiniNumber
  >,
);

export const EventSummary = documented(
  z.strictObject({ id: z.string(), type: EventType, receivedAt: instant(), deliveryCounts }),
  { id: 'EventSummary', description: 'An event and its deliveries counted by status' },
);
export const EventPage = page('EventPage', EventSummary);

export const Event = documented(
  z.strictObject({
    id: z.string(),
    type: EventType,
    data: documented(z.record(z.string(), z.unknown()), {
      description: 'exactly as delivered; numbers keep their digits',
    }),
    receivedAt: instant(),
    deliveries: z.array(
      z.strictObject({ webhookId: z.string(), status: z.enum(DELIVERY_STATUSES), attemptCount: z.number() }),
    ),
  }),
  { id: 'Event', description: 'An event as delivered, and where it went' },
);

export const QueuedRetry = documented(z.strictObject({ eventId: z.string(), queuedAt: instant() }), {
  id: 'QueuedRetry',
  description: 'A manual attempt is queued; its outcome shows in the delivery, as an attempt with trigger manual',
});

export const QueuedTest = documented(
  z.strictObject({ eventId: text('the test event: GET /v2/events/{eventId} and the delivery log show it') }),
  {
    id: 'QueuedTest',
    description: 'The test event is on its way through the pipeline',
  },
);

export const StartedRecovery = documented(
  z.strictObject({ recoveryId: z.string(), since: instant(), until: instant() }),
  {
    id: 'StartedRecovery',
    description: 'The recovery runs in the background: every failed delivery of the window gets one manual attempt',
  },
);

export const EventTypeList = documented(
  z.strictObject({
    data: z.array(
      z.strictObject({
        name: EventType,
        description: z.string(),
        example: z.record(z.string(), z.unknown()),
        // the JSON Schema the type's data must match, when the team gave one
        schema: z.optional(z.record(z.string(), z.unknown())),
        operational: z.boolean(),
      }),
    ),
  }),
  { id: 'EventTypeList', description: 'The catalog' },
);

const PolicyStatement = z.strictObject({
  Sid: z.string(),
  Effect: z.literal('Allow'),
  Principal: z.strictObject({ AWS: text("the platform's DestinationsRole") }),
  Action: z.string(),
  Resource: z.string(),
  Condition: z.strictObject({ StringEquals: z.record(z.string(), z.string()) }),
});

export const DestinationPolicy = documented(
  z.strictObject({
    type: z.enum(['sqs', 'sns', 'eventbridge']),
    arn: z.string(),
    policy: documented(z.strictObject({ Version: z.literal('2012-10-17'), Statement: z.array(PolicyStatement) }), {
      description: 'a whole resource policy, for a queue, topic or bus that has none',
    }),
    statement: documented(PolicyStatement, { description: 'the statement alone, to add to an existing policy' }),
  }),
  {
    id: 'DestinationPolicy',
    description:
      "The resource policy that lets the platform deliver this tenant's events, and only this tenant's, into the resource",
  },
);

export const PublicKeys = documented(
  z.strictObject({
    webhookId: z.string(),
    data: z.array(
      z.strictObject({
        publicKey: text('whpk_ + base64 of 32 bytes: verifies v1a entries of webhook-signature'),
        expiresAt: documented(z.nullable(z.string()), {
          format: 'date-time',
          description: 'a rotated key: it stops signing then; null for the current key',
        }),
      }),
    ),
  }),
  { id: 'PublicKeys', description: "A webhook's ed25519 public keys, current first" },
);

// the operator plane (docs/design.md §16)
const TenantSettings = documented(
  z.strictObject({
    maxWebhooks: z.optional(z.number()),
    allowedEventTypes: z.optional(z.array(EventType)),
    maxThrottleRate: z.optional(z.number()),
    manualAttemptsPerHour: z.optional(z.number()),
  }),
  { id: 'TenantSettings', description: "Overrides of the deployment's settings; an absent one is the deployment's" },
);

const tenantFields = {
  id: text('the id the team uses for its customer'),
  name: z.optional(z.string()),
  settings: TenantSettings,
  createdAt: instant(),
  updatedAt: instant(),
};

export const Tenant = documented(z.strictObject(tenantFields), { id: 'Tenant', description: 'A tenant' });
export const TenantPage = page('TenantPage', Tenant);

export const TenantDetail = documented(
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

export const ApiKeySummary = documented(z.strictObject(apiKeyFields), {
  id: 'ApiKeySummary',
  description: 'An API key or portal token, without the key',
});
export const ApiKeyList = documented(z.strictObject({ data: z.array(ApiKeySummary) }), {
  id: 'ApiKeyList',
  description: "The tenant's API keys and portal tokens",
});
export const CreatedApiKey = documented(z.strictObject({ key: text('shown this once only'), ...apiKeyFields }), {
  id: 'CreatedApiKey',
  description: 'A new API key: the key is in this answer only',
});
export const PortalLink = documented(
  z.strictObject({
    url: text('the console, signed in as the tenant until expiresAt (the token is in the fragment)'),
    expiresAt: instant(),
  }),
  { id: 'PortalLink', description: 'A console link for one tenant' },
);

export const StartedErasure = documented(
  z.strictObject({
    erasureId: z.string(),
    tenantId: z.string(),
    status: z.enum(['running']),
    startedAt: instant(),
    statusPath: text('where its progress shows: GET /admin/erasures/{erasureId}'),
  }),
  { id: 'StartedErasure', description: 'The tenant is sealed; its items are being deleted in the background' },
);

export const Erasure = documented(
  z.strictObject({
    erasureId: z.string(),
    tenantId: z.string(),
    status: z.enum(['running', 'completed']),
    phase: z.optional(
      documented(z.enum(ERASURE_PHASES), { description: 'where the worker is; absent before its first run' }),
    ),
    removed: documented(z.strictObject(Object.fromEntries(ERASED_KINDS.map((kind) => [kind, z.number()]))), {
      description: 'items removed so far, per kind',
    }),
    webhookIds: documented(z.array(z.string()), { description: 'the webhooks the tenant had when the erasure began' }),
    startedAt: instant(),
    finishedAt: z.optional(instant()),
    check: z.optional(
      documented(z.strictObject({ itemsLeft: z.number(), checkedAt: instant() }), {
        description: "the final check: a query of every place the tenant's items live, after the last delete",
      }),
    ),
  }),
  { id: 'Erasure', description: 'A tenant erasure: its progress, and at the end its counts and final check' },
);
