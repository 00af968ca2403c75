import type { DeliveryAttempt } from './delivery';
import type { VerificationMethod } from '../webhooks/endpoint-verification';
import type { EventType } from '../events/event-catalog';
import type { Webhook } from '../webhooks/webhook';

/** What happened in delivering that the tenant or an operator should hear about (operational events, metrics). */
export type DeliveryNotice =
  | { kind: 'breaker-opened'; webhook: Webhook }
  | { kind: 'recovered'; webhook: Webhook; failingSince: string }
  | { kind: 'disabled'; webhook: Webhook; reason: string }
  | { kind: 'certificate-expiring'; webhook: Webhook; certificateExpiresAt: string; withinDays: number }
  | { kind: 'verified'; webhook: Webhook; method: VerificationMethod }
  | { kind: 'verification-failed'; webhook: Webhook; attempts: number; lastError: string }
  | {
      kind: 'exhausted';
      webhook: Webhook;
      eventId: string;
      eventType: EventType;
      attemptCount: number;
      lastAttempt: DeliveryAttempt;
    };
