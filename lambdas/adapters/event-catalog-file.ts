import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import {
  EVENT_TYPE_NAME_PATTERN,
  OPERATIONAL_EVENT_TYPES,
  createEventCatalog,
  type EventCatalog,
  type CatalogEntry,
  type SchemaCheck,
  type SchemaCompiler,
} from '../core/events/event-catalog';
import { messageOf } from '../core/common/errors';

/** Bounds on a team's catalog: each type is a row of GET /v2/event-types and a choice in the console. */
export const MAX_EVENT_TYPES = 200;
const OPERATIONAL_NAMES = new Set(OPERATIONAL_EVENT_TYPES.map((entry) => entry.name));

const catalogSchema = z
  .array(
    z.strictObject({
      name: z
        .string()
        .check(z.regex(EVENT_TYPE_NAME_PATTERN, 'must be lower-case words joined by dots, like order.paid')),
      description: z.string().check(z.minLength(1), z.maxLength(2000)),
      example: z.record(z.string(), z.unknown(), {
        error: 'must be a JSON object (the data of an event of this type)',
      }),
      schema: z.optional(z.record(z.string(), z.unknown(), { error: 'must be a JSON Schema object' })),
    }),
  )
  .check(
    z.minLength(1, 'must list at least one event type'),
    z.maxLength(MAX_EVENT_TYPES, `must list at most ${MAX_EVENT_TYPES} event types`),
    z.refine(
      (entries) => new Set(entries.map((entry) => entry.name)).size === entries.length,
      'names each event type once',
    ),
    z.refine(
      (entries) => entries.every((entry) => !OPERATIONAL_NAMES.has(entry.name)),
      `must not redefine the platform's own types (${[...OPERATIONAL_NAMES].join(', ')})`,
    ),
  );

/** Checks a team's catalog (the construct's `eventTypes`, or the file of EVENT_CATALOG_FILE): its shape. */
export function parseEventCatalog(value: unknown, source: string): CatalogEntry[] {
  const result = catalogSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'catalog'}: ${issue.message}`);
    throw new Error(`Invalid event catalog (${source}): ${problems.join('; ')}`);
  }
  // the parse's copy, so the caller's objects are never held or changed
  return result.data as CatalogEntry[];
}

/**
 * The whole check of a team's catalog, the same at synth (the construct) and at start-up (fan-out, so `npm start`
 * too): its shape, then each schema compiled by the validator events will meet (an invalid or unsupported
 * `pattern`, an unresolved `$ref`, an unknown format or keyword is refused here, not when an event reaches it), and
 * each example checked against its own schema, so a catalog that would refuse its own test events never runs.
 */
export function checkEventCatalog(value: unknown, source: string, compile: SchemaCompiler): CatalogEntry[] {
  const entries = parseEventCatalog(value, source);
  for (const { name, schema, example } of entries) {
    if (!schema) continue;
    let check: SchemaCheck;
    try {
      check = compile(schema);
    } catch (error) {
      throw new Error(`Invalid event catalog (${source}): ${name}: its schema cannot be compiled: ${messageOf(error)}`);
    }
    const violation = check(example);
    if (violation)
      throw new Error(
        `Invalid event catalog (${source}): ${name}: its example does not match its schema: ${violation}`,
      );
  }
  return entries;
}

/**
 * The deployment's catalog: the team's, from the file EVENT_CATALOG_FILE names (Lambda: the catalog layer), a JSON
 * array of `{name, description, example, schema?}`, else the product's. With the validator (fan-out), the whole
 * check and the catalog checks data; without (the API's routes, which never apply schemas), its shape.
 */
export function loadEventCatalogFile(
  compile?: SchemaCompiler,
  environment: NodeJS.ProcessEnv = process.env,
): EventCatalog {
  const file = environment.EVENT_CATALOG_FILE;
  if (!file) return createEventCatalog(undefined, compile);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Invalid event catalog (${file}): ${messageOf(error)}`);
  }
  return createEventCatalog(
    compile ? checkEventCatalog(value, file, compile) : parseEventCatalog(value, file),
    compile,
  );
}
