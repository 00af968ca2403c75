import * as z from 'zod/mini';
import { DELIVERY_STATUSES } from '../delivery/delivery';
import { EventTypeSchema } from '../events/event-resources';
import { documented, instant, page, text } from '../common/schema-docs';

const deliverySummaryFields = {
  eventId: z.string(),
  eventType: EventTypeSchema,
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

export const DeliverySummarySchema = documented(z.strictObject(deliverySummaryFields), {
  id: 'DeliverySummary',
  description: 'A delivery of one event to one webhook',
});
export const DeliveryPageSchema = page('DeliveryPage', DeliverySummarySchema);

/** Present (true) once the event's payload was erased: the rest (id, type, time, where it went) is kept. */
const erasedField = documented(z.literal(true), {
  description:
    "the event's payload was erased (DELETE /admin/tenants/{tenantId}/events/{eventId}); " +
    'its id, type, time and deliveries are kept',
});

export const DeliverySchema = documented(
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
        'attempts made but not kept: a delivery keeps its first 5 attempts and its latest 20 ' +
        '(attemptCount counts them all)',
    }),
    reason: z.nullable(text('why the platform stopped: a skipped or given-up delivery')),
    payload: z.optional(text('the exact body that is sent, signed as it is; absent once the event was erased')),
    erased: z.optional(erasedField),
  }),
  { id: 'Delivery', description: 'A delivery with every attempt and the exact payload' },
);

const deliveryCounts = z.strictObject(
  Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, z.number()])) as Record<
    (typeof DELIVERY_STATUSES)[number],
    z.ZodMiniNumber
  >,
);

export const EventSummarySchema = documented(
  z.strictObject({ id: z.string(), type: EventTypeSchema, receivedAt: instant(), deliveryCounts }),
  { id: 'EventSummary', description: 'An event and its deliveries counted by status' },
);
export const EventPageSchema = page('EventPage', EventSummarySchema);

export const EventSchema = documented(
  z.strictObject({
    id: z.string(),
    type: EventTypeSchema,
    data: z.optional(
      documented(z.record(z.string(), z.unknown()), {
        description: 'exactly as delivered; numbers keep their digits; absent once the event was erased',
      }),
    ),
    erased: z.optional(erasedField),
    receivedAt: instant(),
    deliveries: z.array(
      z.strictObject({ webhookId: z.string(), status: z.enum(DELIVERY_STATUSES), attemptCount: z.number() }),
    ),
  }),
  { id: 'Event', description: 'An event as delivered, and where it went' },
);
