import * as z from 'zod/mini';

/** A string of 1 to `maximum` characters; `typeError` says what the field takes when it is not a string. */
export const nonEmptyText = (maximum: number, typeError = 'must be a string') =>
  z
    .string({ error: typeError })
    .check(z.minLength(1, 'must not be empty'), z.maxLength(maximum, `must be at most ${maximum} characters`));

/** An integer from `minimum` to `maximum`; one message for every way of missing it. */
export const wholeNumber = (
  minimum: number,
  maximum: number,
  message = `must be a whole number from ${minimum} to ${maximum}`,
) =>
  z
    .number({ error: message })
    .check(z.refine(Number.isInteger, message), z.gte(minimum, message), z.lte(maximum, message));
