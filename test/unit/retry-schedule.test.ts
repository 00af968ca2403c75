import { describe, expect, it } from 'vitest';
import {
  LONGEST_RETRY_WAIT_SECONDS,
  maxAttempts,
  nextDelaySeconds,
  orderedReceivesNeeded,
} from '../../lambdas/core/delivery/retry-schedule';
import { DEFAULT_RETRY_SCHEDULE_SECONDS, ORDERED_DELIVERIES_QUEUE } from '../../lambdas/platform-settings';

const schedule = DEFAULT_RETRY_SCHEDULE_SECONDS;
const noJitter = () => 0.5;

describe('Function: nextDelaySeconds', () => {
  it('follows the schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then stops after 8 attempts', () => {
    const delays = Array.from({ length: 8 }, (_, index) => nextDelaySeconds(index + 1, schedule, { random: noJitter }));
    expect(delays).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000, undefined]);
    expect(maxAttempts(schedule)).toBe(8);
  });

  it('spreads each delay by at most ±20 %', () => {
    expect(nextDelaySeconds(2, schedule, { random: () => 0 })).toBe(240);
    expect(nextDelaySeconds(2, schedule, { random: () => 0.999999 })).toBe(360);
  });

  it('never asks SQS for more than 12 hours of invisibility', () => {
    expect(nextDelaySeconds(7, schedule, { random: () => 0.999999 })).toBeLessThanOrEqual(LONGEST_RETRY_WAIT_SECONDS);
  });

  it("uses a receiver's Retry-After instead of the schedule, within the schedule's bounds", () => {
    expect(nextDelaySeconds(1, schedule, { retryAfterSeconds: 120, random: noJitter })).toBe(120);
    expect(nextDelaySeconds(1, schedule, { retryAfterSeconds: 0, random: noJitter })).toBe(5);
    expect(nextDelaySeconds(1, schedule, { retryAfterSeconds: 10 ** 9, random: noJitter })).toBe(36000);
    expect(nextDelaySeconds(8, schedule, { retryAfterSeconds: 60 })).toBeUndefined();
  });
});

describe('Function: orderedReceivesNeeded', () => {
  it("keeps the default schedule, and one of 16 waits of 12 h, within the ordered queue's maxReceiveCount", () => {
    expect(orderedReceivesNeeded([...DEFAULT_RETRY_SCHEDULE_SECONDS])).toBeLessThan(
      ORDERED_DELIVERIES_QUEUE.maxReceiveCount,
    );
    expect(orderedReceivesNeeded(Array(16).fill(LONGEST_RETRY_WAIT_SECONDS))).toBeLessThan(
      ORDERED_DELIVERIES_QUEUE.maxReceiveCount,
    );
  });

  it('counts a message received with each of the nine heads before it, and on its own', () => {
    // 12 attempts of 2 s (the audit's case): 13 attempts × 3 receives + 12 waits of one hide each, 10 times
    expect(orderedReceivesNeeded(Array(12).fill(2))).toBe(10 * (13 * 3 + 12));
  });
});
