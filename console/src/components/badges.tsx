import type { DeliveryStatus, WebhookSummary } from '../api-types';

export function StatusBadge({ status }: { status: DeliveryStatus }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}

/** Active, paused (by the subscriber) or disabled (by the platform, with its reason). */
export function WebhookState({ webhook }: { webhook: WebhookSummary }) {
  if (webhook.active) return <span class="badge badge-delivered">active</span>;
  if (webhook.disabledReason) {
    return (
      <span class="state-disabled">
        <span class="badge badge-failed">disabled</span> <span class="reason">{webhook.disabledReason}</span>
      </span>
    );
  }
  return <span class="badge badge-skipped">paused</span>;
}

/** The circuit breaker's state, where the API gives it (docs/design.md §9). */
export function Health({ webhook }: { webhook: WebhookSummary }) {
  const health = webhook.health;
  if (!health) return null;
  const label = health.state === 'open' ? 'breaker open' : health.state;
  const badge = health.state === 'healthy' ? 'delivered' : health.state === 'open' ? 'failed' : 'pending';
  const detail = [
    health.consecutiveFailures
      ? `${health.consecutiveFailures} failure${health.consecutiveFailures === 1 ? '' : 's'} in a row`
      : '',
    health.failingSince ? `failing since ${new Date(health.failingSince).toLocaleString()}` : '',
    health.slowLaneUntil && Date.parse(health.slowLaneUntil) > Date.now()
      ? `slow endpoint: deliveries go through the slow lane until ${new Date(health.slowLaneUntil).toLocaleString()}`
      : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <span class="health">
      <span class={`badge badge-${badge}`}>{label}</span>
      {detail && <span class="muted"> {detail}</span>}
    </span>
  );
}
