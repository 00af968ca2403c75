import type { EventType } from './event-catalog';

/** A stored event (the audit trail). */
export interface StoredEvent {
  tenantId: string;
  eventId: string;
  type: EventType;
  /** The exact body sent to receivers: `{"id","type","data"}`; absent once the event was erased. */
  payload?: string;
  /**
   * When its payload was erased (`DELETE /admin/tenants/{t}/events/{id}`): the event keeps its id, type, time and
   * webhooks.
   */
  erasedAt?: string;
  receivedAt: string;
  /** Epoch seconds (the TTL attribute): DynamoDB deletes expired items only eventually. */
  expiresAt: number;
  /** The webhooks it was fanned out to; absent until fan-out completed. */
  webhookIds?: string[];
}

/** An event without its payload: what lists need, read without the producer's data. */
export type EventHeader = Omit<StoredEvent, 'payload'>;

/** An event that still has its payload: only those can be sent again. */
export type SendableEvent = StoredEvent & { payload: string };

export const isSendable = (event: StoredEvent): event is SendableEvent => event.payload !== undefined;
