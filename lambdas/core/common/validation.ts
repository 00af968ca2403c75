import type * as z from 'zod/mini';
import { ValidationError, type ErrorDetail } from './errors';

/**
 * Parses with a zod schema, turning every issue into one `details` entry of a validation_error. First, every string
 * of the input, keys included, must be well-formed UTF-16 (a lone surrogate (`"\ud800"`) is not text, and DynamoDB
 * may refuse to store it), and no key may be `constructor` (the DynamoDB document client takes an object with that
 * key for a class instance and cannot store it: a filter path or a header name would be a 500).
 */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown, subject: string): z.output<S> {
  const problem = findInputProblem(input);
  if (problem) {
    throw new ValidationError(`Invalid ${subject}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`, [
      problem,
    ]);
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.flatMap(toDetails);
  const first = details[0]!;
  const where = first.path ? `${first.path}: ` : '';
  throw new ValidationError(`Invalid ${subject}: ${where}${first.message}`, details);
}

const MALFORMED_TEXT = 'must be well-formed text (it holds a lone UTF-16 surrogate)';
const CONSTRUCTOR_KEY =
  '"constructor" is never accepted as a key, anywhere in the body (nor as a filter path or a header name)';

function toDetails(issue: z.core.$ZodIssue): ErrorDetail[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'unknown field' }));
  }
  return [{ path: issue.path.map(String).join('.'), message: issue.message }];
}

/** The first string or key that is not well-formed, or the first `constructor` key; undefined when there is none. */
function findInputProblem(input: unknown, path: string[] = []): ErrorDetail | undefined {
  if (typeof input === 'string')
    return input.isWellFormed() ? undefined : { path: path.join('.'), message: MALFORMED_TEXT };
  if (typeof input !== 'object' || input === null) return undefined;
  for (const [key, value] of Object.entries(input)) {
    if (!key.isWellFormed()) return { path: [...path, key].join('.'), message: MALFORMED_TEXT };
    if (key === 'constructor') return { path: [...path, key].join('.'), message: CONSTRUCTOR_KEY };
    const found = findInputProblem(value, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
