/**
 * The longest one wait between attempts may be. Waits hop through SQS 900 s at a time, so SQS sets no bound;
 * this one keeps a mistyped schedule (milliseconds for seconds) from parking a delivery past the retention of
 * its event and record.
 */
export const LONGEST_RETRY_WAIT_SECONDS = 12 * 3600;
/** Each delay is spread by up to ±20 % (docs/design.md §9). */
export const RETRY_JITTER = 0.2;

/**
 * Seconds to wait before the next attempt, or undefined when `attemptsMade` used up the schedule.
 * Each delay gets ±20 % jitter so receivers that fail together do not get retried together. A
 * Retry-After from the receiver (429/503) replaces the scheduled delay, kept within the schedule's bounds.
 */
export function nextDelaySeconds(
  attemptsMade: number,
  schedule: readonly number[],
  { retryAfterSeconds, random = Math.random }: { retryAfterSeconds?: number; random?: () => number } = {},
): number | undefined {
  const scheduled = schedule[attemptsMade - 1];
  if (scheduled === undefined) return undefined;
  const base =
    retryAfterSeconds === undefined
      ? scheduled
      : Math.min(Math.max(retryAfterSeconds, Math.min(...schedule)), Math.max(...schedule));
  const jittered = base * (1 + RETRY_JITTER * (2 * random() - 1));
  return Math.min(LONGEST_RETRY_WAIT_SECONDS, Math.max(0, Math.round(jittered)));
}

export const maxAttempts = (schedule: readonly number[]) => schedule.length + 1;

/**
 * How often SQS may hand out one message of an ordered webhook before it is settled, at most, when every
 * delivery ahead of it fails its whole schedule. A FIFO receive returns up to `messagesPerReceive` (10) messages
 * of a group, so each receive of a waiting head also hands out the messages behind it: a message is received with
 * each of the heads before it in its window, and then on its own. One delivery takes, per attempt, one receive
 * for the attempt, one for an open breaker's probe time and one for a throttle slot, and per wait one receive per
 * `maxHideSeconds` (a message stays hidden at most 12 h).
 */
export function orderedReceivesNeeded(
  schedule: readonly number[],
  { messagesPerReceive = 10, maxHideSeconds = 12 * 3600 - 60 } = {},
): number {
  const longestWait = Math.max(0, ...schedule) * (1 + RETRY_JITTER);
  const perDelivery = 3 * maxAttempts(schedule) + schedule.length * Math.ceil(longestWait / maxHideSeconds);
  return messagesPerReceive * perDelivery;
}

/** The longest retention a setting may ask for: an expiry time past this is no retention. */
export const MAX_EVENT_RETENTION_DAYS = 3650;

/**
 * Why a retry schedule cannot be used with a retention, or undefined when it can (deployment-wide at synth, and
 * per tenant when the team's backend sets one): its last attempt must come while the event and its record are
 * kept, and the ordered lane's redrive policy (`orderedMaxReceiveCount`) must never cut it short, since an ordered
 * delivery may be received `orderedReceivesNeeded` times before its schedule ends.
 */
export function scheduleRefusal(
  schedule: readonly number[],
  { retentionDays, orderedMaxReceiveCount }: { retentionDays: number; orderedMaxReceiveCount: number },
): string | undefined {
  const retentionSeconds = retentionDays * 86_400;
  const latestLastAttempt = schedule.reduce((sum, delay) => sum + delay, 0) * (1 + RETRY_JITTER);
  if (latestLastAttempt >= retentionSeconds) {
    return (
      `the last attempt may come ${Math.round(latestLastAttempt)} s after the first, past the ` +
      `retention of events and delivery records (${retentionSeconds} s)`
    );
  }
  const needed = orderedReceivesNeeded(schedule);
  if (needed >= orderedMaxReceiveCount) {
    return (
      `an ordered delivery may be received ${needed} times before its schedule ends, ` +
      `and the ordered queue moves a message to its DLQ after ${orderedMaxReceiveCount}: shorten the schedule`
    );
  }
  return undefined;
}
