import { DELIVERY_STATUSES, type DeliveryStatus, type EventSummary } from './api-types';

const HOUR_MS = 3_600_000;

export interface HourlyCounts {
  /** The start of each of the last 24 hours, oldest first; the last one is the current hour. */
  hours: Date[];
  counts: Record<DeliveryStatus, number[]>;
}

/** Adds each event's delivery counts into the hour it was received; events outside the 24 hours are left out. */
export function countByHour(
  events: ReadonlyArray<Pick<EventSummary, 'receivedAt'> & { deliveryCounts: Partial<Record<DeliveryStatus, number>> }>,
  now: Date,
): HourlyCounts {
  const currentHour = Math.floor(now.getTime() / HOUR_MS);
  const hours = Array.from({ length: 24 }, (_, index) => new Date((currentHour - 23 + index) * HOUR_MS));
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, hours.map(() => 0)])) as Record<
    DeliveryStatus,
    number[]
  >;
  for (const event of events) {
    const index = 23 - (currentHour - Math.floor(Date.parse(event.receivedAt) / HOUR_MS));
    if (!(index >= 0 && index <= 23)) continue;
    for (const status of DELIVERY_STATUSES) counts[status][index] += event.deliveryCounts[status] ?? 0;
  }
  return { hours, counts };
}
