import { describe, expect, it } from 'vitest';
import { countByHour } from '../../console/src/hourly-counts';

describe('Function: countByHour (the console 24-hour chart)', () => {
  const now = new Date('2026-03-01T12:34:56.000Z');

  it('puts each event in the hour it was received, the current hour last, adding up its deliveries by status', () => {
    // Act
    const { hours, counts } = countByHour(
      [
        { receivedAt: '2026-03-01T12:00:00.000Z', deliveryCounts: { delivered: 2, failed: 1 } },
        { receivedAt: '2026-03-01T12:34:56.000Z', deliveryCounts: { delivered: 1 } },
        { receivedAt: '2026-03-01T11:59:59.999Z', deliveryCounts: { pending: 3 } },
        { receivedAt: '2026-02-28T13:00:00.000Z', deliveryCounts: { skipped: 4 } },
      ],
      now,
    );

    // Assess
    expect(hours).toHaveLength(24);
    expect(hours[0]!.toISOString()).toBe('2026-02-28T13:00:00.000Z');
    expect(hours[23]!.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(counts.delivered[23]).toBe(3);
    expect(counts.failed[23]).toBe(1);
    expect(counts.pending[22]).toBe(3);
    expect(counts.skipped[0]).toBe(4);
    expect(counts.delivered.reduce((sum, count) => sum + count, 0)).toBe(3);
  });

  it('leaves out events older than the 24 hours, from the future, or with an unreadable time', () => {
    // Act
    const { counts } = countByHour(
      [
        { receivedAt: '2026-02-28T12:59:59.999Z', deliveryCounts: { delivered: 1 } },
        { receivedAt: '2026-03-01T13:00:00.000Z', deliveryCounts: { delivered: 1 } },
        { receivedAt: 'yesterday', deliveryCounts: { delivered: 1 } },
      ],
      now,
    );

    // Assess
    expect(counts.delivered.every((count) => count === 0)).toBe(true);
  });
});
