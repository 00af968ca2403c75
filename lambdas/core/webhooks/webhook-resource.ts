import * as z from 'zod/mini';
import { EventTypeSchema } from '../events/event-resources';
import { documented, instant, page, text } from '../common/schema-docs';

const filterValue = z.union([z.string(), z.number(), z.boolean()]);
const FilterSchema = documented(z.nullable(z.record(z.string(), z.array(filterValue))), {
  id: 'Filter',
  description:
    'Dotted paths into the event data, each with the values accepted there; null: every event of the subscribed types',
});

export const HealthSchema = documented(
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
          'the endpoint answered slowly or not at all: until then its deliveries go through the slow lane, where ' +
          'each attempt may take the whole send timeout',
      }),
    ),
  }),
  { id: 'Health', description: 'How the deliveries to the webhook are going (circuit breaker)' },
);

export const EndpointAuthSchema = documented(
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
      'How deliveries authenticate to the endpoint, without its secret (clientSecret and password are write-only); ' +
      'null: none',
  },
);

export const EndpointTlsSchema = documented(
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
      'Mutual TLS: the client certificate presented to the endpoint and its expiry (the private key is write-only); ' +
      'null: none',
  },
);

export const VerificationSchema = documented(
  z.nullable(
    z.strictObject({
      state: documented(z.enum(['pending', 'verified', 'failed']), {
        description:
          'pending: only the challenge is sent (deliveries are skipped, recover sends them once verified); failed: ' +
          'the whole schedule went unanswered, POST …/verify starts again',
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
      "Whether the endpoint's owner consented to receive deliveries; null when they are not held back (verification " +
      'was off when the webhook got its URL)',
  },
);

export const DestinationSchema = documented(
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('sqs'), queueArn: z.string() }),
    z.strictObject({ type: z.literal('sns'), topicArn: z.string() }),
    z.strictObject({ type: z.literal('eventbridge'), eventBusArn: z.string(), detailType: z.optional(z.string()) }),
  ]),
  {
    id: 'Destination',
    description:
      "A customer's own SQS queue, SNS topic or EventBridge bus, reached with no stored key: its resource policy " +
      "admits the platform's role for this tenant only (GET /v2/destination-policy)",
  },
);

const webhookFields = {
  id: z.string(),
  url: documented(z.nullable(z.string()), { description: 'the HTTPS endpoint; null when destination is set' }),
  destination: documented(z.nullable(DestinationSchema), { description: 'null when url is set' }),
  events: z.array(EventTypeSchema),
  filter: FilterSchema,
  ordering: documented(z.enum(['none', 'fifo']), {
    description: 'fifo: attempted strictly in the order received, a failing one holding back only this webhook',
  }),
  throttleRate: documented(z.nullable(z.number()), {
    description: 'deliveries per second at most (1 to 1,000), across every container; null: no limit',
  }),
  auth: EndpointAuthSchema,
  tls: EndpointTlsSchema,
  publicKey: documented(z.nullable(z.string()), {
    description:
      'whpk_ + base64 of the ed25519 public key its v1a signatures verify with (signing.ed25519); null: none. ' +
      'Public, also at GET /v2/webhooks/{webhookId}/public-keys',
  }),
  active: z.boolean(),
  description: z.nullable(z.string()),
  disabledReason: z.optional(
    text('present when the platform switched the webhook off (410 Gone, or failing for days)'),
  ),
  health: HealthSchema,
  verification: VerificationSchema,
  createdAt: instant(),
  updatedAt: instant(),
};

export const WebhookSummarySchema = documented(z.strictObject(webhookFields), {
  id: 'WebhookSummary',
  description: 'A webhook in a list: never with its secret or its custom headers',
});
export const WebhookSchema = documented(
  z.strictObject({
    ...webhookFields,
    secret: z.optional(
      text(
        'whsec_ + base64; signs every delivery. Only in the answers of create and of an hmac rotation: ' +
          'stored encrypted, it is never shown again',
      ),
    ),
    headers: documented(z.record(z.string(), z.string()), {
      description: 'custom request headers sent with every delivery (at most 20; {} when none); never in lists',
    }),
  }),
  { id: 'Webhook', description: 'A webhook with its custom headers (and, right after create or rotation, its secret)' },
);

export const WebhookPageSchema = page('WebhookPage', WebhookSummarySchema);
