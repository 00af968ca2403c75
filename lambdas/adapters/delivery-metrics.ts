import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DeliveryPlan } from '../core/delivery/deliver-batch';
import { METRICS } from '../platform-settings';

const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });

const BY_STATUS = {
  delivered: METRICS.delivered,
  pending: METRICS.retried,
  failed: METRICS.failed,
  skipped: METRICS.skipped,
} as const;

/** One batch's figures as CloudWatch embedded metrics (one log line; no API call): outcomes, latency, breaker, DLQ. */
export function publishDeliveryMetrics(
  plan: Pick<DeliveryPlan, 'log' | 'notices' | 'deadLetters'> & { requeues?: unknown[] },
): void {
  const counts = { delivered: 0, pending: 0, failed: 0, skipped: 0 };
  for (const { update } of plan.log) {
    // an ordered delivery logged as waiting behind another was not attempted: not a retry
    if (update.status === 'pending' && !update.attempt) continue;
    counts[update.status] += 1;
    if (update.attempt) metrics.addMetric(METRICS.attemptLatency, MetricUnit.Milliseconds, update.attempt.durationMs);
  }
  for (const [status, count] of Object.entries(counts))
    if (count > 0) metrics.addMetric(BY_STATUS[status as keyof typeof counts], MetricUnit.Count, count);
  const opened = plan.notices.filter((notice) => notice.kind === 'breaker-opened').length;
  if (opened > 0) metrics.addMetric(METRICS.breakerOpened, MetricUnit.Count, opened);
  if (plan.deadLetters.length > 0) metrics.addMetric(METRICS.deadLettered, MetricUnit.Count, plan.deadLetters.length);
  if (plan.requeues?.length) metrics.addMetric(METRICS.requeued, MetricUnit.Count, plan.requeues.length);
  metrics.publishStoredMetrics();
}
