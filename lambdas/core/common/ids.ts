import { monotonicFactory } from 'ulid';

// Monotonic so that ids minted in the same millisecond still sort in creation order (lists page by id).
const nextUlid = monotonicFactory();

export const newWebhookId = (): string => `webhook_${nextUlid()}`;
export const newEventId = (): string => `evt_${nextUlid()}`;
export const newRecoveryId = (): string => `rcv_${nextUlid()}`;

export const WEBHOOK_ID_PATTERN = /^webhook_[0-9A-HJKMNP-TV-Z]{26}$/;
/**
 * Producers may choose event ids (docs/design.md §7); they become `webhook-id`, which Standard Webhooks forbids to
 * contain ".".
 */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
