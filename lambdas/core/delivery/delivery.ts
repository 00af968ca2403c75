import { EVENT_TYPE_NAME_PATTERN, isOperational, type EventType } from '../events/event-catalog';
import type { SendableEvent } from '../events/stored-event';
import type { TenantEvent } from '../events/event-envelope';
import { matchesFilter } from '../events/event-filter';
import type { TenantDeliverySettings } from '../access/tenants';
import type { Webhook } from '../webhooks/webhook';
import { escapeForSqs, isText, parseJsonObject } from '../common/json-text';

/** One (event, webhook) pair: the unit that is queued, retried and dead-lettered on its own. */
export interface DeliveryTask {
  tenantId: string;
  webhookId: string;
  eventId: string;
  eventType: EventType;
  /** When the event reached the events queue: it orders the webhook's delivery log. */
  receivedAt: string;
  /** The exact body that is signed and POSTed, serialised once so every retry sends the same bytes. */
  payload: string;
  /** The attempt this message carries (1 when absent): it travels in the body, not in SQS's receive count. */
  attempt?: number;
  /** When the attempt is due: a wait longer than one SQS delay (900 s) takes several hops. */
  dueAt?: string;
  /** `manual` for an attempt an owner asked for through the API. */
  trigger?: AttemptTrigger;
  /** The send slot this delivery reserved under its webhook's throttleRate: when it comes back, it takes that slot. */
  throttleSlotAt?: string;
  /** The throttleRate that slot was reserved at: once the webhook's rate changed, the slot is given up. */
  throttleSlotRate?: number;
  /** The webhook's `throttleRateSince` when the slot was reserved: a slot of an earlier setting is given up too. */
  throttleSlotSince?: string;
  /** The recovery that queued this manual attempt: unlike a retry asked for one by one, it waits on an open breaker. */
  recoveryId?: string;
  /** Set on messages the deliver function dead-lettered: once replayed, their log already has attempts. */
  deadLettered?: boolean;
  /** The tenant's own retry schedule, when it has one (fan-out puts it here: deliver never reads the tenant). */
  retrySchedule?: number[];
  /** The tenant's own retention of events and delivery records, in days, when it has one. */
  retentionDays?: number;
}

export type AttemptTrigger = 'scheduled' | 'manual';

/**
 * Fan-out's rule: active webhooks of the event's own tenant that subscribed to its type and whose filter its
 * data passes; never the webhook an operational event is about. A test event goes to its one webhook only.
 */
export function subscribersOf(event: TenantEvent, webhooks: readonly Webhook[]): Webhook[] {
  if (event.onlyWebhookId)
    return webhooks.filter(
      (webhook) => webhook.id === event.onlyWebhookId && webhook.tenantId === event.tenantId && webhook.active,
    );
  const about = isOperational(event.type) ? event.data.webhookId : undefined;
  return webhooks.filter(
    (webhook) =>
      webhook.tenantId === event.tenantId &&
      webhook.active &&
      webhook.id !== about &&
      webhook.events.includes(event.type) &&
      matchesFilter(webhook.filter, event.data),
  );
}

/** The tenant's delivery settings as a task carries them: nothing at all for a tenant that keeps the deployment's. */
const carried = ({ retryScheduleSeconds, eventRetentionDays }: TenantDeliverySettings) => ({
  ...(retryScheduleSeconds ? { retrySchedule: retryScheduleSeconds } : {}),
  ...(eventRetentionDays ? { retentionDays: eventRetentionDays } : {}),
});

export function deliveryTasks(
  event: TenantEvent,
  receivedAt: string,
  webhooks: readonly Webhook[],
  tenantSettings: TenantDeliverySettings = {},
): DeliveryTask[] {
  const settings = carried(tenantSettings);
  return subscribersOf(event, webhooks).map((webhook) => ({
    tenantId: event.tenantId,
    webhookId: webhook.id,
    eventId: event.id,
    eventType: event.type,
    receivedAt,
    payload: event.payload,
    ...settings,
  }));
}

/**
 * One attempt an owner asked for (retry, recover): logged as `manual`, never retried on its own; a retry asked
 * for by hand goes whatever the circuit breaker says, a recovered delivery waits on an open breaker like any. It
 * carries the stored event's exact payload, so the receiver gets the same bytes.
 */
export function manualDeliveryTask(
  event: SendableEvent,
  webhookId: string,
  { recoveryId, retentionDays }: { recoveryId?: string; retentionDays?: number } = {},
): DeliveryTask {
  return {
    ...(recoveryId ? { recoveryId } : {}),
    ...(retentionDays ? { retentionDays } : {}),
    tenantId: event.tenantId,
    webhookId,
    eventId: event.eventId,
    eventType: event.type,
    receivedAt: event.receivedAt,
    payload: event.payload,
    trigger: 'manual',
  };
}

/** A queue message can be at most 1 MiB (SQS), its body and attributes together. */
export const MAX_QUEUE_MESSAGE_BYTES = 1_048_576;

/** A deliveries-queue message body: JSON that SQS accepts whatever characters the payload holds. */
export const serializeTask = (task: DeliveryTask): string => escapeForSqs(JSON.stringify(task));

/** A deliveries-queue message body, or undefined when it is not one (hand-edited, replayed from elsewhere). */
export function parseDeliveryTask(body: string): DeliveryTask | undefined {
  const task = parseJsonObject<DeliveryTask>(body);
  const valid =
    task !== undefined &&
    isText(task.tenantId) &&
    isText(task.webhookId) &&
    isText(task.eventId) &&
    isText(task.receivedAt) &&
    typeof task.payload === 'string' &&
    EVENT_TYPE_NAME_PATTERN.test(String(task.eventType)) &&
    (task.attempt === undefined || (Number.isInteger(task.attempt) && task.attempt >= 1)) &&
    (task.dueAt === undefined || !Number.isNaN(Date.parse(task.dueAt))) &&
    (task.trigger === undefined || task.trigger === 'scheduled' || task.trigger === 'manual') &&
    (task.recoveryId === undefined || isText(task.recoveryId)) &&
    (task.throttleSlotAt === undefined || !Number.isNaN(Date.parse(task.throttleSlotAt))) &&
    (task.throttleSlotRate === undefined || (typeof task.throttleSlotRate === 'number' && task.throttleSlotRate > 0)) &&
    (task.throttleSlotSince === undefined || isText(task.throttleSlotSince)) &&
    (task.retrySchedule === undefined ||
      (Array.isArray(task.retrySchedule) &&
        task.retrySchedule.length > 0 &&
        task.retrySchedule.every((delay) => Number.isInteger(delay) && delay >= 0))) &&
    (task.retentionDays === undefined || (Number.isInteger(task.retentionDays) && task.retentionDays >= 1));
  return valid ? (task as DeliveryTask) : undefined;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One try at POSTing a delivery, as the delivery log keeps it. */
export interface DeliveryAttempt {
  at: string;
  trigger: AttemptTrigger;
  statusCode?: number;
  error?: string;
  durationMs: number;
  /** The first kilobyte of the receiver's answer. */
  response?: string;
}
