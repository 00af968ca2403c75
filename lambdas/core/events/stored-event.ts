import type { EventType } from './event-catalog';

/** A stored event (the audit trail). */
export interface StoredEvent {
  tenantId: string;
  eventId: string;
  type: EventType;
  /** The exact body sent to receivers: `{"id","type","data"}`. */
  payload: string;
  receivedAt: string;
  /** Epoch seconds (the TTL attribute): DynamoDB deletes expired items only eventually. */
  expiresAt: number;
  /** The webhooks it was fanned out to; absent until fan-out completed. */
  webhookIds?: string[];
}

/** An event without its payload: what lists need, read without the producer's data. */
export type EventHeader = Omit<StoredEvent, 'payload'>;
