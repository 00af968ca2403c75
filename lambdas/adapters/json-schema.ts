import { Validator, type Schema } from '@cfworker/json-schema';
import type { SchemaCompiler } from '../core/event-catalog';

/** The first few failures of a schema, as `<path> <rule>: <message>` (the root is `/`). */
const MAX_REPORTED_FAILURES = 3;
/** Keywords that only wrap the failures below them: the leaves say what is wrong. */
const WRAPPERS = new Set(['properties', 'items', 'allOf', 'anyOf', 'oneOf', '$ref']);

/**
 * JSON Schema checks with @cfworker/json-schema (draft 2020-12 unless the schema says otherwise): an interpreter,
 * small and without code generation, so a team's schemas need no build step of their own.
 */
export const compileJsonSchema: SchemaCompiler = (schema) => {
  const validator = new Validator(schema as Schema, '2020-12', false);
  return (data) => {
    const result = validator.validate(data);
    if (result.valid) return undefined;
    const leaves = result.errors.filter((error) => !WRAPPERS.has(error.keyword));
    return (leaves.length ? leaves : result.errors)
      .slice(0, MAX_REPORTED_FAILURES)
      .map((error) => `${error.instanceLocation.replace(/^#/, '') || '/'} ${error.keyword}: ${error.error}`)
      .join('; ');
  };
};
