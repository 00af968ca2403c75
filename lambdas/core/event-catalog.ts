/**
 * The one list of event types (docs/design.md §6c, §6e). Add a type here and every schema, the API, fan-out and
 * `GET /v2/event-types` accept it. Examples are the `data` of a real event: `POST /v2/webhooks/{id}/test` sends them.
 */
export interface EventTypeDescription {
  name: string;
  description: string;
  example: Record<string, unknown>;
  /** Published by the platform itself about a tenant's webhooks (docs/design.md §6e); producers cannot send it. */
  operational: boolean;
}

const EXAMPLE_PROJECT_ID = 'proj_2b8XkV';
const PROJECT_FILTER_HINT = ` Scope a webhook to one project with "filter": {"projectId": ["${EXAMPLE_PROJECT_ID}"]}, or to countries with "metadata.country".`;
const WEBHOOK_FILTER_HINT = ' Sent to the tenant\'s other webhooks that subscribe to it, never to the one it is about; "filter": {"webhookId": [...]} narrows it to some.';

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

const CATALOG = {
  'verification.started': {
    description: `A user began a verification in a project flow.${PROJECT_FILTER_HINT}`,
    example: verification('started'),
    operational: false,
  },
  'verification.completed': {
    description: `A verification finished and the user's identity was confirmed.${PROJECT_FILTER_HINT}`,
    example: verification('completed'),
    operational: false,
  },
  'verification.failed': {
    description: `A verification finished without confirming the user's identity; \`reason\` says why.${PROJECT_FILTER_HINT}`,
    example: verification('failed', { reason: 'document_expired' }),
    operational: false,
  },
  'verification.expired': {
    description: `A verification was left unfinished until it expired.${PROJECT_FILTER_HINT}`,
    example: verification('expired'),
    operational: false,
  },
  'document.uploaded': {
    description: `The user uploaded an identity document to a verification.${PROJECT_FILTER_HINT}`,
    example: verification('in_progress', { documentId: 'doc_3kP0qZ' }),
    operational: false,
  },
  'biometric.captured': {
    description: `A selfie or liveness capture was taken for a verification.${PROJECT_FILTER_HINT}`,
    example: verification('in_progress', { biometricType: 'liveness' }),
    operational: false,
  },
  'webhook.disabled': {
    description: `A webhook was switched off by the platform: its endpoint answered 410 Gone, or every delivery failed for days.${WEBHOOK_FILTER_HINT}`,
    example: { webhookId: 'webhook_01JD8Z6Q3N5V7W9X1Y2Z3A4B5C', reason: 'the endpoint answered 410 Gone' },
    operational: true,
  },
  'delivery.exhausted': {
    description: `A delivery failed on every attempt of the retry schedule and was given up (it can still be retried or recovered).${WEBHOOK_FILTER_HINT}`,
    example: {
      webhookId: 'webhook_01JD8Z6Q3N5V7W9X1Y2Z3A4B5C',
      eventId: 'evt_01JD8Z7R2M4T6V8X0Z1B3D5F7H',
      eventType: 'verification.completed',
      attemptCount: 8,
      lastAttempt: { at: '2024-01-16T14:02:11.000Z', statusCode: 503, durationMs: 212, error: 'the endpoint answered 503' },
    },
    operational: true,
  },
  'delivery.recovered': {
    description: `A webhook's endpoint accepted a delivery again after a run of failures that began at \`failingSince\`.${WEBHOOK_FILTER_HINT}`,
    example: { webhookId: 'webhook_01JD8Z6Q3N5V7W9X1Y2Z3A4B5C', failingSince: '2024-01-15T10:31:00.000Z' },
    operational: true,
  },
} as const satisfies Record<string, Omit<EventTypeDescription, 'name'>>;

export type EventType = keyof typeof CATALOG;

/** Every type a webhook can subscribe to, operational ones included. */
export const EVENT_TYPES = Object.keys(CATALOG) as [EventType, ...EventType[]];

/** Operational types are the platform's own: a producer's envelope must not carry one. */
export const isOperational = (type: EventType): boolean => CATALOG[type].operational;

/** The types a producer may publish (the events queue's envelope). */
export const PRODUCER_EVENT_TYPES = EVENT_TYPES.filter((type) => !isOperational(type)) as [EventType, ...EventType[]];

/** The catalog as `GET /v2/event-types` shows it. */
export const EVENT_CATALOG: readonly EventTypeDescription[] = EVENT_TYPES.map((name) => ({ name, ...CATALOG[name] }));

/** The example `data` of a type (what a test delivery sends). */
export const exampleData = (type: EventType): Record<string, unknown> => CATALOG[type].example;
