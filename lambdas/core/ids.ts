import { monotonicFactory } from 'ulid';

// Monotonic so that ids minted in the same millisecond still sort in creation order (lists page by id).
const nextUlid = monotonicFactory();

export const newWebhookId = (): string => `webhook_${nextUlid()}`;
export const newEventId = (): string => `evt_${nextUlid()}`;

export const WEBHOOK_ID_PATTERN = /^webhook_[0-9A-HJKMNP-TV-Z]{26}$/;
