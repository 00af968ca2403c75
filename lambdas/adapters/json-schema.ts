import { Ajv2020 } from 'ajv/dist/2020.js';
import type { SchemaCompiler } from '../core/events/event-catalog';
import { JSON_SCHEMA_FORMATS } from './json-schema-formats';
import { linearRegExp } from './linear-regexp';

/**
 * JSON Schema checks with Ajv (draft 2020-12), configured so that checking one event's data takes time linear in
 * its size whatever the schema: `pattern` and `patternProperties` run on RE2 (`linear-regexp.ts`), formats on
 * parsers (`json-schema-formats.ts`), `uniqueItems` on a set of canonical texts instead of Ajv's pairwise
 * comparison, and the first failure stops the check (no list of 65,000 errors). Ajv's strict mode refuses, when a
 * schema is compiled, what would otherwise check nothing: an unknown keyword or format, an unresolved `$ref`, a
 * pattern RE2 cannot run.
 */
const ajv = new Ajv2020({
  allErrors: false,
  formats: JSON_SCHEMA_FORMATS,
  code: { regExp: linearRegExp },
  logger: false,
});
ajv.removeKeyword('uniqueItems');
ajv.addKeyword({
  keyword: 'uniqueItems',
  type: 'array',
  schemaType: 'boolean',
  validate: (unique: boolean, items: unknown[]) => !unique || hasDistinctItems(items),
  error: { message: 'must not have duplicate items' },
});

/** JSON equality as a text: object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same item. */
function canonicalText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const fields = keys.map(
      (key) => `${JSON.stringify(key)}:${canonicalText((value as Record<string, unknown>)[key])}`,
    );
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value);
}

function hasDistinctItems(items: unknown[]): boolean {
  return new Set(items.map(canonicalText)).size === items.length;
}

export const compileJsonSchema: SchemaCompiler = (schema) => {
  const validate = ajv.compile(schema);
  return (data) => {
    if (validate(data)) return undefined;
    const [error] = validate.errors ?? [];
    return error ? `${error.instancePath || '/'} ${error.keyword}: ${error.message}` : 'does not match';
  };
};
