import { EVENT_TYPES, type EventType } from './event-catalog';
import type { PlatformEvent } from './event-envelope';
import { matchesFilter } from './event-filter';
import type { Webhook } from './webhook';
import * as z from 'zod/mini';
import './zod-messages';

/** One (event, webhook) pair: the unit that is queued, retried and dead-lettered on its own. */
export interface DeliveryTask {
  tenantId: string;
  webhookId: string;
  eventId: string;
  eventType: EventType;
  /** The exact body that is signed and POSTed, serialised once so every retry sends the same bytes. */
  payload: string;
  /** Set on messages the deliver function dead-lettered: once replayed, their log already has attempts. */
  deadLettered?: boolean;
}

/** Fan-out's rule: active webhooks of the event's own tenant that subscribed to its type and whose filter its data passes. */
export function subscribersOf(event: PlatformEvent, webhooks: readonly Webhook[]): Webhook[] {
  return webhooks.filter(
    (webhook) =>
      webhook.tenantId === event.tenantId && webhook.active && webhook.events.includes(event.type) && matchesFilter(webhook.filter, event.data),
  );
}

export function deliveryTasks(event: PlatformEvent, webhooks: readonly Webhook[]): DeliveryTask[] {
  const payload = JSON.stringify({ id: event.id, type: event.type, data: event.data });
  return subscribersOf(event, webhooks).map((webhook) => ({
    tenantId: event.tenantId,
    webhookId: webhook.id,
    eventId: event.id,
    eventType: event.type,
    payload,
  }));
}

const deliveryTaskSchema = z.object({
  tenantId: z.string().check(z.minLength(1)),
  webhookId: z.string().check(z.minLength(1)),
  eventId: z.string().check(z.minLength(1)),
  eventType: z.enum(EVENT_TYPES),
  payload: z.string(),
  deadLettered: z.optional(z.boolean()),
});

/** A deliveries-queue message body, or undefined when it is not one (hand-edited, replayed from elsewhere). */
export function parseDeliveryTask(body: string): DeliveryTask | undefined {
  try {
    const result = deliveryTaskSchema.safeParse(JSON.parse(body));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'skipped';

/** One try at POSTing a delivery, as the delivery log keeps it. */
export interface DeliveryAttempt {
  at: string;
  statusCode?: number;
  error?: string;
  durationMs: number;
  /** The first kilobyte of the receiver's answer. */
  response?: string;
}
