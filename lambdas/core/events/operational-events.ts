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
  const about = (type: EventType, data: Record<string, unknown>): OperationalEnvelope => ({
    tenantId,
    type,
    data: { webhookId, ...data },
  });
  switch (notice.kind) {
    case 'disabled':
      return about('webhook.disabled', { reason: notice.reason });
    case 'exhausted':
      return about('delivery.exhausted', {
        eventId: notice.eventId,
        eventType: notice.eventType,
        attemptCount: notice.attemptCount,
        lastAttempt: notice.lastAttempt,
      });
    case 'certificate-expiring':
      return about('webhook.certificate_expiring', {
        certificateSubject: notice.webhook.tls?.certificateSubject ?? null,
        certificateExpiresAt: notice.certificateExpiresAt,
        withinDays: notice.withinDays,
      });
    case 'recovered':
      return about('delivery.recovered', { failingSince: notice.failingSince });
    case 'verified':
      return about('webhook.verified', { url: notice.webhook.url, method: notice.method });
    case 'verification-failed':
      return about('webhook.verification_failed', {
        url: notice.webhook.url,
        attempts: notice.attempts,
        lastError: notice.lastError,
      });
    case 'breaker-opened':
      return undefined;
  }
}
