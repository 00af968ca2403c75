import { ValidationError } from './errors';
import { WEBHOOK_ID_PATTERN } from './ids';

/**
 * List cursors are opaque to callers: base64url of the last id (or log position) they saw. The tenant is
 * never in the cursor (it comes from the API key), so a forged cursor can only move within the caller's own
 * list; one that does not decode to the list's own form is a validation_error, never a 500.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

export function decodeCursor(cursor: string, form: RegExp = WEBHOOK_ID_PATTERN): string {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const after = (decoded as { after?: unknown }).after;
    if (typeof after === 'string' && form.test(after)) return after;
  } catch {
    // falls through to the error below
  }
  throw new ValidationError('Invalid query: cursor: not a cursor this API returned', [
    { path: 'cursor', message: 'not a cursor this API returned' },
  ]);
}
