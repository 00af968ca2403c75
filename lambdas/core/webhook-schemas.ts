import { EVENT_TYPES } from './event-catalog';
import { MAX_SECRET_BYTES, MIN_SECRET_BYTES, isAcceptableSecret } from './secrets';
import { findUrlProblem, type UrlPolicy } from './url-guard';
import * as z from 'zod/mini';
import './zod-messages';

export const MAX_DESCRIPTION_LENGTH = 512;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

const eventTypeSchema = z.enum(EVENT_TYPES, { error: `unknown event type; expected one of ${EVENT_TYPES.join(', ')}` });

const eventsSchema = z.pipe(
  z
    .array(eventTypeSchema, { error: 'must be an array of event types' })
    .check(z.minLength(1, 'must name at least one event type'), z.maxLength(EVENT_TYPES.length * 4, 'lists too many event types')),
  z.transform((events) => [...new Set(events)]),
);

const descriptionSchema = z
  .string({ error: 'must be a string' })
  .check(z.maxLength(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`));

const secretSchema = z
  .string({ error: 'must be a string' })
  .check(z.refine(isAcceptableSecret, `must be "whsec_" followed by standard base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`));

const activeSchema = z.boolean({ error: 'must be true or false' });

function urlSchema(policy: UrlPolicy) {
  return z.string({ error: 'must be a string' }).check(
    z.superRefine((url, ctx) => {
      const problem = findUrlProblem(url, policy);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: url });
    }),
  );
}

/** Request schemas; the URL rules depend on the deployment (local mode accepts http and loopback). */
export function webhookSchemas(policy: UrlPolicy) {
  const create = z.strictObject({
    url: urlSchema(policy),
    events: eventsSchema,
    description: z.optional(descriptionSchema),
    active: z._default(activeSchema, true),
    secret: z.optional(secretSchema),
  });

  const update = z
    .strictObject({
      url: z.optional(urlSchema(policy)),
      events: z.optional(eventsSchema),
      // null clears the description
      description: z.optional(z.nullable(descriptionSchema)),
      active: z.optional(activeSchema),
    })
    .check(z.refine((changes) => Object.keys(changes).length > 0, 'must change at least one of url, events, description, active'));

  return { create, update };
}

const pageSizeMessage = `must be between 1 and ${MAX_PAGE_SIZE}`;

export const listQuerySchema = z.strictObject({
  limit: z._default(
    z.coerce
      .number({ error: 'must be a whole number' })
      .check(z.refine(Number.isInteger, 'must be a whole number'), z.gte(1, pageSizeMessage), z.lte(MAX_PAGE_SIZE, pageSizeMessage)),
    DEFAULT_PAGE_SIZE,
  ),
  cursor: z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
  event: z.optional(eventTypeSchema),
  active: z.optional(z.pipe(z.enum(['true', 'false'], { error: 'must be true or false' }), z.transform((value) => value === 'true'))),
});
