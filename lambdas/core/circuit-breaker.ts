import type { Webhook } from './webhook';

export interface BreakerSettings {
  /** Consecutive failed attempts that open the breaker (DESIGN §9: 10). */
  failureThreshold: number;
  /** Wait before the first probe (30 s); it doubles while probes fail... */
  probeInitialSeconds: number;
  /** ...up to this (1 h). */
  probeMaxSeconds: number;
}

export type BreakerGate =
  | { kind: 'closed' }
  /** One attempt may go: the caller must first claim it, so that only one container probes. */
  | { kind: 'probe'; observedNextProbeAt: string; nextProbeAt: string; intervalSeconds: number }
  | { kind: 'wait'; untilMs: number };

/** Whether an attempt may go to this webhook now. */
export function breakerGate(webhook: Webhook, now: Date, settings: BreakerSettings): BreakerGate {
  if (!webhook.nextProbeAt) return { kind: 'closed' };
  const due = Date.parse(webhook.nextProbeAt);
  if (now.getTime() < due) return { kind: 'wait', untilMs: due };
  // the interval doubles at each probe, so that while probes keep failing they come ever less often
  const intervalSeconds = Math.min(settings.probeMaxSeconds, 2 * (webhook.probeIntervalSeconds ?? settings.probeInitialSeconds));
  return {
    kind: 'probe',
    observedNextProbeAt: webhook.nextProbeAt,
    nextProbeAt: new Date(now.getTime() + intervalSeconds * 1000).toISOString(),
    intervalSeconds,
  };
}

/** After a failed attempt has been counted: should the breaker open now? */
export function shouldOpen(webhook: Webhook, settings: BreakerSettings): boolean {
  return !webhook.nextProbeAt && (webhook.consecutiveFailures ?? 0) >= settings.failureThreshold;
}

export function firstProbe(now: Date, settings: BreakerSettings) {
  return { nextProbeAt: new Date(now.getTime() + settings.probeInitialSeconds * 1000).toISOString(), intervalSeconds: settings.probeInitialSeconds };
}
