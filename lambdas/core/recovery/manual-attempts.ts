/**
 * Limits on what an owner can make the platform send (docs/design.md §9, "No tenant harms another"): each
 * delivery may be retried by hand once per MANUAL_RETRY_INTERVAL_SECONDS, and a tenant's manual attempts
 * (retries and recovered deliveries together) count against MANUAL_ATTEMPTS_PER_HOUR per clock hour. One API
 * call can then never become an unbounded number of requests to whatever host the tenant's URL names.
 */
export const MANUAL_RETRY_INTERVAL_SECONDS = 30;
export const MANUAL_ATTEMPTS_PER_HOUR = 1000;

/** A manual action refused for now; try again after `retryAfterSeconds`. */
export type Refusal = { ok: false; retryAfterSeconds: number };
export type Permit = { ok: true } | Refusal;

export interface ManualAttemptLimits {
  /** Takes `count` attempts from the tenant's budget of the current hour, all or none. */
  takeFromBudget(tenantId: string, count: number, now: Date): Promise<Permit>;
  /** Claims the one manual retry a delivery may have per interval. */
  claimRetry(delivery: { webhookId: string; receivedAt: string; eventId: string }, now: Date): Promise<Permit>;
}

/** The start of the clock hour after `now`: when a spent budget is whole again. */
export function nextHourStart(now: Date): Date {
  const next = new Date(now);
  next.setUTCMinutes(60, 0, 0);
  return next;
}

/** One recovery per webhook at a time: a second request gets the running one's id. */
export interface RecoveryLocks {
  /** Takes the webhook's recovery lock for `recoveryId` unless another recovery holds it (then its id). */
  acquire(
    tenantId: string,
    webhookId: string,
    recoveryId: string,
    now: Date,
  ): Promise<{ acquired: true } | { acquired: false; runningRecoveryId: string }>;
  /** Keeps the lock while the recovery works (each page renews it); false when it was lost to another. */
  renew(tenantId: string, webhookId: string, recoveryId: string, now: Date): Promise<boolean>;
  release(tenantId: string, webhookId: string, recoveryId: string): Promise<void>;
}

/**
 * How long a recovery's lock lasts without a page renewing it: longer than the wait of a page that found the
 * budget spent (one 900 s hop), so a live recovery keeps it, and short enough that a crashed one frees the
 * webhook soon.
 */
export const RECOVERY_LEASE_SECONDS = 30 * 60;
