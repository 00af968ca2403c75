/** A value a filter can ask for: what JSON has besides objects, arrays and null. */
export type FilterValue = string | number | boolean;

/**
 * A webhook's filter on the event's `data` (docs/design.md §6d): dotted paths (`projectId`, `metadata.country`) to the
 * values accepted there. Every path must hold one of its values.
 */
export type EventFilter = Record<string, FilterValue[]>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The value at a dotted path, or undefined when the path is missing. Only objects' own keys are walked:
 * an array or null on the way ends the path, and `constructor` or `toString` never reach the prototype.
 */
function valueAt(data: unknown, path: string): unknown {
  let current = data;
  for (const segment of path.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/**
 * Whether an event's data passes a webhook's filter; no filter passes everything. Equality is strict
 * (`"1"` is not `1`), and a missing path never matches.
 */
export function matchesFilter(filter: EventFilter | undefined, data: unknown): boolean {
  if (filter === undefined) return true;
  return Object.entries(filter).every(([path, accepted]) => {
    const value = valueAt(data, path);
    return (
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') && accepted.includes(value)
    );
  });
}
