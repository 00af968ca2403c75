import { customHeadersSchema } from './custom-headers';
import { endpointAuthChangeSchema, endpointAuthSchema, endpointTlsSchema } from './endpoint-auth';
import type { EventCatalog } from '../events/event-catalog';
import { eventTypeNameSchema, eventTypesSchema } from '../events/event-type-schemas';
import { MAX_THROTTLE_RATE, MIN_THROTTLE_RATE } from './webhook-throttle';
import { WEBHOOK_ORDERINGS } from './webhook';
import { MAX_SECRET_BYTES, MIN_SECRET_BYTES, isAcceptableSecret } from './secrets';
import { findUrlProblem, type UrlPolicy } from '../common/url-guard';
import { nonEmptyText, wholeNumber } from '../common/field-schemas';
import {
  AWS_DESTINATION_TYPES,
  findDestinationProblem,
  MAX_DETAIL_TYPE_LENGTH,
  type AwsDestinationType,
  type PlatformIdentity,
} from './aws-destination';
import * as z from 'zod/mini';
import '../common/zod-messages';

export const MAX_DESCRIPTION_LENGTH = 512;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

const descriptionSchema = z
  .string({ error: 'must be a string' })
  .check(z.maxLength(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`));

const secretSchema = z
  .string({ error: 'must be a string' })
  .check(
    z.refine(
      isAcceptableSecret,
      `must be "whsec_" followed by standard base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`,
    ),
  );

const activeSchema = z.boolean({ error: 'must be true or false' });

/** design.md §18: `{"ed25519": true}` gives the webhook an ed25519 key pair (`v1a` signatures), false removes it. */
const signingSchema = z.strictObject(
  { ed25519: z.boolean({ error: 'must be true (sign with an ed25519 key too) or false' }) },
  { error: 'must be an object such as {"ed25519": true}' },
);

const orderingSchema = z.enum(WEBHOOK_ORDERINGS, {
  error: 'must be "none" (as they come) or "fifo" (strictly in the order received)',
});

const throttleRateSchema = z
  .number({
    error:
      `must be a whole number of deliveries per second, ${MIN_THROTTLE_RATE} to ${MAX_THROTTLE_RATE} (null: no ` +
      `limit)`,
  })
  .check(
    z.refine(Number.isInteger, 'must be a whole number of deliveries per second'),
    z.gte(MIN_THROTTLE_RATE, `must be at least ${MIN_THROTTLE_RATE} delivery per second`),
    z.lte(MAX_THROTTLE_RATE, `must be at most ${MAX_THROTTLE_RATE} deliveries per second`),
  );

export const MAX_FILTER_PATHS = 10;
export const MAX_FILTER_PATH_SEGMENTS = 5;
export const MAX_FILTER_VALUES = 50;
/** Fan-out reads every filter of a tenant for each event: a path and a string value are each this long at most. */
export const MAX_FILTER_TEXT_LENGTH = 256;
/** A filter as JSON is at most this many bytes: it is stored on the webhook item, which every deliver batch reads. */
export const MAX_FILTER_JSON_BYTES = 4096;
const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

const FILTER_PATH_MESSAGE =
  `must be a dotted path into data of 1 to ${MAX_FILTER_PATH_SEGMENTS} non-empty segments, ` + `e.g. metadata.country`;

// DynamoDB keeps numbers between 1e-130 and 1e126 in magnitude, and the document client refuses integers JavaScript
// cannot hold exactly: a filter number outside both would fail to store, or match something else than asked.
const isStorableNumber = (value: number) =>
  value === 0 || (Math.abs(value) >= 1e-130 && Math.abs(value) <= Number.MAX_SAFE_INTEGER);

const filterValueSchema = z.union(
  [
    z.string().check(z.maxLength(MAX_FILTER_TEXT_LENGTH, `must be at most ${MAX_FILTER_TEXT_LENGTH} characters`)),
    z
      .number()
      .check(z.refine(isStorableNumber, `must be 0 or between 1e-130 and ${Number.MAX_SAFE_INTEGER} in magnitude`)),
    z.boolean(),
  ],
  { error: 'must be a string, number or boolean' },
);

/**
 * docs/design.md §6d: `{ "projectId": ["proj_1"], "metadata.country": ["US", "CA"] }`; every path must hold one of its
 * values.
 */
const filterSchema = z
  .record(
    z
      .string()
      .check(
        z.regex(new RegExp(`^[^.]+(\\.[^.]+){0,${MAX_FILTER_PATH_SEGMENTS - 1}}$`), FILTER_PATH_MESSAGE),
        z.maxLength(MAX_FILTER_TEXT_LENGTH, `must be at most ${MAX_FILTER_TEXT_LENGTH} characters`),
      ),
    z
      .array(filterValueSchema, { error: 'must be an array of the values accepted at this path' })
      .check(
        z.minLength(1, 'must list at least one value'),
        z.maxLength(MAX_FILTER_VALUES, `must list at most ${MAX_FILTER_VALUES} values`),
      ),
    {
      error: (issue) =>
        issue.code === 'invalid_key'
          ? FILTER_PATH_MESSAGE
          : 'must be an object of paths into data, each with the values it accepts',
    },
  )
  .check(
    z.refine(
      (filter) => Object.keys(filter).length > 0,
      'must name at least one path (null: every event of the subscribed types)',
    ),
    z.refine((filter) => Object.keys(filter).length <= MAX_FILTER_PATHS, `must name at most ${MAX_FILTER_PATHS} paths`),
    z.refine(
      (filter) => utf8Bytes(JSON.stringify(filter)) <= MAX_FILTER_JSON_BYTES,
      `must be at most ${MAX_FILTER_JSON_BYTES} bytes as JSON`,
    ),
  );

function urlSchema(policy: UrlPolicy) {
  return z.string({ error: 'must be a string' }).check(
    z.superRefine((url, ctx) => {
      const problem = findUrlProblem(url, policy);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: url });
    }),
  );
}

function arnSchema(type: AwsDestinationType, platform: PlatformIdentity | undefined) {
  return z.string({ error: 'must be a string' }).check(
    z.superRefine((arn, ctx) => {
      const problem = findDestinationProblem(type, arn, platform);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: arn });
    }),
  );
}

/** docs/design.md §17: a customer's own queue, topic or bus, reached through the platform's tenant-tagged role. */
export function destinationSchema(platform: PlatformIdentity | undefined) {
  return z.discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('sqs'), queueArn: arnSchema('sqs', platform) }),
      z.strictObject({ type: z.literal('sns'), topicArn: arnSchema('sns', platform) }),
      z.strictObject({
        type: z.literal('eventbridge'),
        eventBusArn: arnSchema('eventbridge', platform),
        // absent: the event's type
        detailType: z.optional(nonEmptyText(MAX_DETAIL_TYPE_LENGTH)),
      }),
    ],
    { error: `must be an object whose type is one of ${AWS_DESTINATION_TYPES.join(', ')}` },
  );
}

/**
 * The last fields of create and of update, alike but for auth (an update may leave its secret out). null: no
 * throttleRate, auth or tls (on update it removes the stored one); on update, auth and tls each replace the whole.
 */
function deliveryOptions<Auth extends z.ZodMiniType>(auth: Auth) {
  return {
    throttleRate: z.optional(z.nullable(throttleRateSchema)),
    ordering: z.optional(orderingSchema),
    auth: z.optional(z.nullable(auth)),
    tls: z.optional(z.nullable(endpointTlsSchema)),
    signing: z.optional(signingSchema),
  };
}

const ONE_DESTINATION =
  'give exactly one of url (an HTTPS endpoint) or destination (an SQS queue, SNS topic or EventBridge bus)';

/**
 * Request schemas; event types are the deployment's catalog's, the URL rules depend on the deployment (local mode
 * accepts http and loopback), and AWS destinations on its destinations role (absent: refused).
 */
export function webhookSchemas(catalog: EventCatalog, policy: UrlPolicy, platform?: PlatformIdentity) {
  const eventsSchema = eventTypesSchema(catalog);
  const create = z
    .strictObject({
      url: z.optional(urlSchema(policy)),
      destination: z.optional(destinationSchema(platform)),
      events: eventsSchema,
      description: z.optional(descriptionSchema),
      active: z._default(activeSchema, true),
      secret: z.optional(secretSchema),
      // null, as the API shows a webhook without one: every event of the subscribed types
      filter: z.optional(z.nullable(filterSchema)),
      headers: z.optional(customHeadersSchema),
      ...deliveryOptions(endpointAuthSchema(urlSchema(policy))),
    })
    .check(
      z.superRefine((input, ctx) => {
        if ((input.url === undefined) === (input.destination === undefined))
          ctx.addIssue({ code: 'custom', message: ONE_DESTINATION, path: ['url'], input });
        else if (input.destination && input.headers && Object.keys(input.headers).length)
          ctx.addIssue({
            code: 'custom',
            message: 'custom headers go with a url only; an AWS destination takes none',
            path: ['headers'],
            input,
          });
        else if (input.destination && (input.auth || input.tls))
          ctx.addIssue({
            code: 'custom',
            message: 'auth and tls go with a url only; an AWS destination is reached through IAM',
            path: [input.auth ? 'auth' : 'tls'],
            input,
          });
      }),
    );

  const update = z
    .strictObject({
      // either replaces the other: a webhook has one destination
      url: z.optional(urlSchema(policy)),
      destination: z.optional(destinationSchema(platform)),
      events: z.optional(eventsSchema),
      // null clears the description
      description: z.optional(z.nullable(descriptionSchema)),
      active: z.optional(activeSchema),
      // null removes the filter
      filter: z.optional(z.nullable(filterSchema)),
      // replaces every custom header; {} or null removes them all
      headers: z.optional(z.nullable(customHeadersSchema)),
      // auth without its secret keeps the stored one (sealEndpointAuthChange)
      ...deliveryOptions(endpointAuthChangeSchema(urlSchema(policy))),
    })
    .check(
      z.refine(
        (changes) => Object.keys(changes).length > 0,
        'must change at least one of url, destination, events, description, active, filter, headers, throttleRate, ' +
          'ordering, auth, tls, signing',
      ),
      z.superRefine((changes, ctx) => {
        if (changes.url !== undefined && changes.destination !== undefined)
          ctx.addIssue({ code: 'custom', message: ONE_DESTINATION, path: ['url'], input: changes });
      }),
    );

  return { create, update };
}

export const DEFAULT_GRACE_PERIOD_SECONDS = 86_400;
export const MAX_GRACE_PERIOD_SECONDS = 604_800;

export const SIGNING_KEY_TYPES = ['hmac', 'ed25519'] as const;

/**
 * docs/design.md §6b, §18: a new HMAC secret (given or generated) or a new ed25519 key pair (always generated);
 * the old one keeps signing for the grace period (0: not at all).
 */
export const rotateSecretSchema = z
  .strictObject({
    type: z._default(
      z.enum(SIGNING_KEY_TYPES, { error: 'must be "hmac" (the secret) or "ed25519" (the key pair)' }),
      'hmac',
    ),
    secret: z.optional(secretSchema),
    gracePeriodSeconds: z._default(
      wholeNumber(
        0,
        MAX_GRACE_PERIOD_SECONDS,
        `must be a whole number of seconds from 0 to ${MAX_GRACE_PERIOD_SECONDS}`,
      ),
      DEFAULT_GRACE_PERIOD_SECONDS,
    ),
  })
  .check(
    z.refine((rotation) => rotation.type === 'hmac' || rotation.secret === undefined, {
      error: 'an ed25519 key pair is always generated: give a secret only with type "hmac"',
      path: ['secret'],
    }),
  );

const pageSizeMessage = `must be between 1 and ${MAX_PAGE_SIZE}`;

export const listQuerySchema = z.strictObject({
  limit: z._default(
    z.coerce
      .number({ error: 'must be a whole number' })
      .check(
        z.refine(Number.isInteger, 'must be a whole number'),
        z.gte(1, pageSizeMessage),
        z.lte(MAX_PAGE_SIZE, pageSizeMessage),
      ),
    DEFAULT_PAGE_SIZE,
  ),
  cursor: z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
  event: z.optional(eventTypeNameSchema),
  active: z.optional(
    z.pipe(
      z.enum(['true', 'false'], { error: 'must be true or false' }),
      z.transform((value) => value === 'true'),
    ),
  ),
});
