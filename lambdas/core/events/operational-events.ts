import type { DeliveryNotice } from '../delivery/delivery-notice';
import type { EventType } from './event-catalog';

/** An event the platform publishes about a tenant's webhooks (docs/design.md §6e), as it goes on the events queue. */
export interface OperationalEnvelope {
  tenantId: string;
  type: EventType;
  data: Record<string, unknown>;
}

/** The operational event a notice is worth to the tenant, if any (a breaker opening is for operators: a metric). */
export function operationalEvent(notice: DeliveryNotice): OperationalEnvelope | undefined {
  const { tenantId, id: webhookId } = notice.webhook;
  switch (notice.kind) {
    case 'disabled':
      return { tenantId, type: 'webhook.disabled', data: { webhookId, reason: notice.reason } };
    case 'exhausted':
      return {
        tenantId,
        type: 'delivery.exhausted',
        data: {
          webhookId,
          eventId: notice.eventId,
          eventType: notice.eventType,
          attemptCount: notice.attemptCount,
          lastAttempt: notice.lastAttempt,
        },
      };
    case 'certificate-expiring':
      return {
        tenantId,
        type: 'webhook.certificate_expiring',
        data: {
          webhookId,
          certificateSubject: notice.webhook.tls?.certificateSubject ?? null,
          certificateExpiresAt: notice.certificateExpiresAt,
          withinDays: notice.withinDays,
        },
      };
    case 'recovered':
      return { tenantId, type: 'delivery.recovered', data: { webhookId, failingSince: notice.failingSince } };
    case 'verified':
      return {
        tenantId,
        type: 'webhook.verified',
        data: { webhookId, url: notice.webhook.url, method: notice.method },
      };
    case 'verification-failed':
      return {
        tenantId,
        type: 'webhook.verification_failed',
        data: { webhookId, url: notice.webhook.url, attempts: notice.attempts, lastError: notice.lastError },
      };
    case 'breaker-opened':
      return undefined;
  }
}
