import { z } from 'zod';
import { EVENT_TYPES } from './event-catalog';
import { MAX_SECRET_BYTES, MIN_SECRET_BYTES, isAcceptableSecret } from './secrets';
import { findUrlProblem, type UrlPolicy } from './url-guard';

export const MAX_DESCRIPTION_LENGTH = 512;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

const eventTypeSchema = z.enum(EVENT_TYPES, { error: `unknown event type; expected one of ${EVENT_TYPES.join(', ')}` });

const eventsSchema = z
  .array(eventTypeSchema, { error: 'must be an array of event types' })
  .min(1, 'must name at least one event type')
  .max(EVENT_TYPES.length * 4, 'lists too many event types')
  .transform((events) => [...new Set(events)]);

const descriptionSchema = z
  .string({ error: 'must be a string' })
  .max(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`);

const secretSchema = z
  .string({ error: 'must be a string' })
  .refine(isAcceptableSecret, `must be "whsec_" followed by standard base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`);

const activeSchema = z.boolean({ error: 'must be true or false' });

function urlSchema(policy: UrlPolicy) {
  return z.string({ error: 'must be a string' }).superRefine((url, ctx) => {
    const problem = findUrlProblem(url, policy);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** Request schemas; the URL rules depend on the deployment (local mode accepts http and loopback). */
export function webhookSchemas(policy: UrlPolicy) {
  const create = z.strictObject({
    url: urlSchema(policy),
    events: eventsSchema,
    description: descriptionSchema.optional(),
    active: activeSchema.default(true),
    secret: secretSchema.optional(),
  });

  const update = z
    .strictObject({
      url: urlSchema(policy).optional(),
      events: eventsSchema.optional(),
      // null clears the description
      description: descriptionSchema.nullable().optional(),
      active: activeSchema.optional(),
    })
    .refine((changes) => Object.keys(changes).length > 0, 'must change at least one of url, events, description, active');

  return { create, update };
}

export const listQuerySchema = z.strictObject({
  limit: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, `must be between 1 and ${MAX_PAGE_SIZE}`)
    .max(MAX_PAGE_SIZE, `must be between 1 and ${MAX_PAGE_SIZE}`)
    .default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1, 'must not be empty').optional(),
  event: eventTypeSchema.optional(),
  active: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((value) => value === 'true')
    .optional(),
});

export type CreateWebhookInput = z.output<ReturnType<typeof webhookSchemas>['create']>;
export type UpdateWebhookInput = z.output<ReturnType<typeof webhookSchemas>['update']>;
export type ListQuery = z.output<typeof listQuerySchema>;
