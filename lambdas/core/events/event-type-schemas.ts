import { EVENT_TYPE_NAME_PATTERN, type EventCatalog } from './event-catalog';
import * as z from 'zod/mini';
import '../common/zod-messages';

/** One type of the deployment's catalog, as a request names it. */
export const eventTypeSchema = (catalog: EventCatalog) =>
  z.string({ error: 'must be an event type' }).check(
    z.refine((type) => catalog.has(type), {
      error: () => `unknown event type; expected one of ${catalog.types.join(', ')}`,
    }),
  );

/** A non-empty list of the catalog's types, each kept once (a webhook's `events`, a tenant's `allowedEventTypes`). */
export const eventTypesSchema = (catalog: EventCatalog, error = 'must be an array of event types') =>
  z.pipe(
    z.array(eventTypeSchema(catalog), { error }).check(
      z.minLength(1, 'must name at least one event type'),
      z.refine((types) => types.length <= catalog.types.length * 4, 'lists too many event types'),
    ),
    z.transform((types) => [...new Set(types)]),
  );

/**
 * A type named by a list's filter: checked by its form only (a well-formed type the catalog lacks matches nothing),
 * so the query schemas stay the same for every catalog.
 */
export const eventTypeNameSchema = z
  .string()
  .check(
    z.regex(
      EVENT_TYPE_NAME_PATTERN,
      'unknown event type: types are lower-case words joined by dots (GET /v2/event-types lists them)',
    ),
  );
