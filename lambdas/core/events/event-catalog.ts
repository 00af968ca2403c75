/**
 * The event catalog (docs/design.md §6c, §6e, §14): the types webhooks subscribe to, each with a description, an
 * example `data` (what `POST /v2/webhooks/{id}/test` sends) and optionally a JSON Schema its `data` must match.
 * A team gives its own types (construct prop `eventTypes`, or the file named by EVENT_CATALOG_FILE); they replace
 * the product types below, which are the default. The platform's operational types are always there.
 */

export interface EventTypeDescription {
  name: string;
  description: string;
  example: Record<string, unknown>;
  /** A JSON Schema (draft 2020-12 unless it says otherwise) that the event's `data` must match. */
  schema?: Record<string, unknown>;
  /** Published by the platform itself about a tenant's webhooks (docs/design.md §6e); producers cannot send it. */
  operational: boolean;
}

/** A type a team declares: the description without `operational` (its types are always producers'). */
export type CatalogEntry = Omit<EventTypeDescription, 'operational'>;

/** Event type names: lower-case words joined by dots, at least two (`order.paid`). */
export const EVENT_TYPE_NAME_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

/** An event type name. The catalog is data, so the type system cannot list the names. */
export type EventType = string;

const EXAMPLE_PROJECT_ID = 'proj_2b8XkV';
const PROJECT_FILTER_HINT =
  ` Scope a webhook to one project with "filter": {"projectId": ` +
  `["${EXAMPLE_PROJECT_ID}"]}, or to countries with "metadata.country".`;
const WEBHOOK_FILTER_HINT =
  ' Sent to the tenant\'s other webhooks that subscribe to it, never to the one it is about; "filter": ' +
  '{"webhookId": [...]} narrows it to some.';

/** The product's verification payload (docs/design.md §7), as each verification event carries it. */
const verification = (status: string, extra: Record<string, unknown> = {}) => ({
  verificationId: 'ver_9fQ2mT4',
  userId: 'user_51Hd8a',
  projectId: EXAMPLE_PROJECT_ID,
  projectFlowId: 'flow_7Jc3Lp',
  status,
  timestamp: '2024-01-15T10:30:00Z',
  metadata: { documentType: 'passport', country: 'US' },
  ...extra,
});

/** The product's own types: the catalog when a team gives none. */
export const PRODUCT_EVENT_TYPES: readonly CatalogEntry[] = [
  {
    name: 'verification.started',
    description: 'A user began a verification in a project flow.' + PROJECT_FILTER_HINT,
    example: verification('started'),
  },
  {
    name: 'verification.completed',
    description: "A verification finished and the user's identity was confirmed." + PROJECT_FILTER_HINT,
    example: verification('completed'),
  },
  {
    name: 'verification.failed',
    description:
      'A verification finished without confirming ' + "the user's identity; `reason` says why." + PROJECT_FILTER_HINT,
    example: verification('failed', { reason: 'document_expired' }),
  },
  {
    name: 'verification.expired',
    description: 'A verification was left unfinished until it expired.' + PROJECT_FILTER_HINT,
    example: verification('expired'),
  },
  {
    name: 'document.uploaded',
    description: 'The user uploaded an identity document to a verification.' + PROJECT_FILTER_HINT,
    example: verification('in_progress', { documentId: 'doc_3kP0qZ' }),
  },
  {
    name: 'biometric.captured',
    description: 'A selfie or liveness capture was taken for a verification.' + PROJECT_FILTER_HINT,
    example: verification('in_progress', { biometricType: 'liveness' }),
  },
];

/** The platform's own types, in every catalog. */
export const OPERATIONAL_EVENT_TYPES: readonly CatalogEntry[] = [
  {
    name: 'webhook.disabled',
    description:
      'A webhook was switched off by the platform: its endpoint answered 410 Gone, or every delivery ' +
      'failed for days.' +
      WEBHOOK_FILTER_HINT,
    example: { webhookId: 'webhook_01JD8Z6Q3N5V7W9X1Y2Z3A4B5C', reason: 'the endpoint answered 410 Gone' },
  },
  {
    name: 'delivery.exhausted',
    description:
      'A delivery failed on every attempt of the retry schedule and was given up (it can still be ' +
      'retried or recovered).' +
      WEBHOOK_FILTER_HINT,
    example: {
      webhookId: 'webhook_01JD8Z6Q3N5V7W9X1Y2Z3A4B5C',
      eventId: 'evt_01JD8Z7R2M4T6V8X0Z1B3D5F7H',
      eventType: 'verification.completed',
      attemptCount: 8,
      lastAttempt: {
        at: '2024-01-16T14:02:11.000Z',
        statusCode: 503,
        durationMs: 212,
        error: 'the endpoint answered 503',
      },
    },
  },
  {
    name: 'webhook.certificate_expiring',
    description:
      'The client certificate a webhook presents to its endpoint (mutual TLS) expires within `withinDays` days ' +
      '(30, 14, 7, then 1); set a new one with `tls`. Sent once per threshold and certificate, ' +
      'whether the webhook has traffic or not.' +
      WEBHOOK_FILTER_HINT,
    example: {
      webhookId: 'webhook_01JD8Z6Q3N5V7W9X1Y2Z3A4B5C',
      certificateSubject: 'CN=webhooks.example.com',
      certificateExpiresAt: '2024-01-29T10:30:00.000Z',
      withinDays: 14,
    },
  },
  {
    name: 'delivery.recovered',
    description:
      "A webhook's endpoint accepted a delivery again after a run of failures that began at " +
      '`failingSince`.' +
      WEBHOOK_FILTER_HINT,
    example: { webhookId: 'webhook_01JD8Z6Q3N5V7W9X1Y2Z3A4B5C', failingSince: '2024-01-15T10:31:00.000Z' },
  },
  {
    name: 'webhook.verified',
    description:
      "A webhook's endpoint answered the verification challenge (`method`: the OPTIONS handshake or the " +
      'echoed POST challenge): its deliveries are sent from now on.' +
      WEBHOOK_FILTER_HINT,
    example: { webhookId: 'webhook_01JD8Z6Q3N5V7W9X1Y2Z3A4B5C', url: 'https://example.com/hooks', method: 'handshake' },
  },
  {
    name: 'webhook.verification_failed',
    description:
      "A webhook's endpoint did not answer the verification challenge on any try of the schedule: it " +
      'receives nothing until `POST /v2/webhooks/{id}/verify` succeeds.' +
      WEBHOOK_FILTER_HINT,
    example: {
      webhookId: 'webhook_01JD8Z6Q3N5V7W9X1Y2Z3A4B5C',
      url: 'https://example.com/hooks',
      attempts: 6,
      lastError: 'POST answered 200 without echoing the challenge',
    },
  },
];

export interface EventCatalog {
  entries: readonly EventTypeDescription[];
  /** Every type a webhook can subscribe to, operational ones included. */
  types: readonly EventType[];
  has(type: string): boolean;
  example(type: EventType): Record<string, unknown>;
  /** Why `data` does not match its type's schema (the path and the rule), or undefined when it does. */
  schemaViolation(type: EventType, data: unknown): string | undefined;
}

/** Why data does not match one schema (the path and the rule), or undefined when it does. */
export type SchemaCheck = (data: unknown) => string | undefined;
/** Turns a JSON Schema into its check: a library's, given by the function that checks events (fan-out). */
export type SchemaCompiler = (schema: Record<string, unknown>) => SchemaCheck;

const OPERATIONAL_NAMES = new Set(OPERATIONAL_EVENT_TYPES.map((entry) => entry.name));

/** Operational types are the platform's own, the same in every catalog: a producer's envelope must not carry one. */
export const isOperational = (type: EventType): boolean => OPERATIONAL_NAMES.has(type);

/**
 * A catalog of the team's types (or the product's) and the operational ones; each schema compiled on first use.
 * Only fan-out checks events' data, so only it passes a compiler (and only its bundle carries a JSON Schema
 * validator); without one, the catalog checks no data (the API's routes list schemas, they never apply them).
 * It is configuration: built once at start-up (lambdas/adapters/event-catalog-file.ts) and handed to what uses it.
 */
export function createEventCatalog(
  custom: readonly CatalogEntry[] = PRODUCT_EVENT_TYPES,
  compile?: SchemaCompiler,
): EventCatalog {
  const entries: EventTypeDescription[] = [
    ...custom.map((entry) => ({ ...entry, operational: false })),
    ...OPERATIONAL_EVENT_TYPES.map((entry) => ({ ...entry, operational: true })),
  ];
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const checks = new Map<EventType, SchemaCheck>();
  const checkOf = (type: EventType): SchemaCheck | undefined => {
    const schema = byName.get(type)?.schema;
    if (!schema || !compile) return undefined;
    if (!checks.has(type)) checks.set(type, compile(schema));
    return checks.get(type);
  };
  return {
    entries,
    types: entries.map((entry) => entry.name),
    has: (type) => byName.has(type),
    example: (type) => byName.get(type)?.example ?? {},
    schemaViolation: (type, data) => checkOf(type)?.(data),
  };
}
