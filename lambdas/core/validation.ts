import type * as z from 'zod/mini';
import { ValidationError, type ErrorDetail } from './errors';

/** Parses with a zod schema, turning every issue into one `details` entry of a validation_error. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown, subject: string): z.output<S> {
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
