import type { ApiError } from '../api-client';

/**
 * Splits an API error's details by the field they name (`events.0` belongs to `events`, `filter.projectId` to
 * `filter`): each field shows its own; the rest, and the message when no field is named, go on top of the form.
 */
export function fieldErrors(
  error: ApiError | undefined,
  fields: readonly string[],
): { byField: Record<string, string[]>; general: string[] } {
  const byField: Record<string, string[]> = {};
  const general: string[] = [];
  for (const detail of error?.details ?? []) {
    const field = fields.find((name) => detail.path === name || detail.path.startsWith(`${name}.`));
    if (field)
      (byField[field] ??= []).push(detail.path === field ? detail.message : `${detail.path}: ${detail.message}`);
    else general.push(detail.path ? `${detail.path}: ${detail.message}` : detail.message);
  }
  if (error && Object.keys(byField).length === 0 && general.length === 0) general.push(error.message);
  return { byField, general };
}

/** Props that tie an input to its error text, so screen readers announce it. */
export function describedBy(id: string, errors: string[] | undefined, hintId?: string) {
  const ids = [hintId, errors?.length ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return { id, 'aria-invalid': errors?.length ? true : undefined, 'aria-describedby': ids || undefined };
}
