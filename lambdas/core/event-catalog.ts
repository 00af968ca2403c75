/** The event types a webhook can subscribe to. Add a type here and every schema, the API and fan-out accept it. */
export const EVENT_TYPES = [
  'verification.started',
  'verification.completed',
  'verification.failed',
  'verification.expired',
  'document.uploaded',
  'biometric.captured',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
