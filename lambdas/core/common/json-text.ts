/**
 * JSON text handled without losing anything a producer sent: numbers past 2^53 and `__proto__` keys
 * survive a parse and a stringify, and nesting is measured before any recursive code sees the text.
 */

// Node 24 has JSON.rawJSON and reviver source access (ES2025); TypeScript's es2024 lib does not declare them.
type Reviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;
const { rawJSON } = JSON as unknown as { rawJSON(text: string): unknown };
const parseWithSource = JSON.parse as unknown as (text: string, reviver: Reviver) => unknown;

/** The deepest nesting of objects and arrays in JSON text, counted without recursion (so any depth is safe). */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, (depth += 1));
    else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return deepest;
}

/**
 * Parses JSON so that stringifying the result gives back every value exactly: a number whose text a double
 * would change (12345678901234567890, 1.0, 1e400) stays as its original text. JSON.parse already defines
 * `__proto__` as an ordinary key.
 */
export function parseExact(text: string): unknown {
  return parseWithSource(text, (_key, value, context) =>
    typeof value === 'number' && context.source !== undefined && String(value) !== context.source
      ? rawJSON(context.source)
      : value,
  );
}

/**
 * SQS refuses U+FFFE and U+FFFF in a message body, which JSON.stringify writes as they are; as JSON escapes
 * they mean the same and SQS takes them. (JSON.stringify already escapes control characters and lone surrogates.)
 */
export const escapeForSqs = (json: string): string =>
  json.replace(/[\uFFFE\uFFFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);

/** A non-empty string: what an id of the platform's own queue messages must be. */
export const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * The object a queue message body holds, for a shape check of its fields; undefined when it is not a JSON object.
 * The platform's own messages need a shape check, not a schema parse: this runs once per message on the hot path.
 */
export function parseJsonObject<T>(body: string): Partial<T> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Partial<T>) : undefined;
}
