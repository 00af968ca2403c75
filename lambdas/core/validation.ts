import type * as z from 'zod/mini';
import { ValidationError, type ErrorDetail } from './errors';

/**
 * Parses with a zod schema, turning every issue into one `details` entry of a validation_error. Every string of
 * the input, keys included, must be well-formed UTF-16 first: a lone surrogate (`"\ud800"`) is not text, and
 * DynamoDB may refuse to store it.
 */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown, subject: string): z.output<S> {
  const malformed = malformedStringPath(input);
  if (malformed !== undefined) {
    const message = 'must be well-formed text (it holds a lone UTF-16 surrogate)';
    throw new ValidationError(`Invalid ${subject}: ${malformed ? `${malformed}: ` : ''}${message}`, [
      { path: malformed, message },
    ]);
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.flatMap(toDetails);
  const first = details[0]!;
  const where = first.path ? `${first.path}: ` : '';
  throw new ValidationError(`Invalid ${subject}: ${where}${first.message}`, details);
}

function toDetails(issue: z.core.$ZodIssue): ErrorDetail[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'unknown field' }));
  }
  return [{ path: issue.path.map(String).join('.'), message: issue.message }];
}

/** The path of the first string (or key) that is not well-formed, '' for the input itself; undefined when all are. */
function malformedStringPath(input: unknown, path: string[] = []): string | undefined {
  if (typeof input === 'string') return input.isWellFormed() ? undefined : path.join('.');
  if (typeof input !== 'object' || input === null) return undefined;
  for (const [key, value] of Object.entries(input)) {
    if (!key.isWellFormed()) return [...path, key].join('.');
    const found = malformedStringPath(value, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
