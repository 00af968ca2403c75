import { deliveryTasks, MAX_QUEUE_MESSAGE_BYTES, serializeTask, type DeliveryTask } from '../delivery/delivery';
import { parseEnvelope, type TenantEvent } from './event-envelope';
import { LONGEST_RETRY_WAIT_SECONDS, MAX_EVENT_RETENTION_DAYS } from '../delivery/retry-schedule';
import type { TenantDeliverySettings } from '../access/tenants';
import type { Webhook } from '../webhooks/webhook';
import type { EventCatalog } from './event-catalog';

/** One events-queue message. */
export interface IncomingEvent {
  messageId: string;
  body: string;
  /** Came from the platform's own queue (operational and test events), which no producer may send to. */
  fromPlatform?: boolean;
  /** Carries the attribute that once marked the platform's events: from a producer, a forgery. */
  claimsPlatformOrigin?: boolean;
}

/**
 * What taking an event for fan-out answered: `claimed` (this message fans it out; `receivedAt` is the time
 * first recorded for the event, the same on every try), `completed` (done before: a duplicate), `busy`
 * (another message is fanning it out right now: try again later, never drop), `invalid` (the table can never
 * store it: poison).
 */
export type Claim =
  /** `queuedWebhookIds`: webhooks an earlier, unfinished try already queued deliveries for (not sent again). */
  | { kind: 'claimed'; receivedAt: string; queuedWebhookIds: readonly string[] }
  | { kind: 'completed' }
  | { kind: 'busy' }
  | { kind: 'invalid'; reason: string };

export interface QueuedDelivery {
  fromMessageId: string;
  task: DeliveryTask;
  body: string;
  /** Its webhook wants its deliveries in order: it goes to the ordered lane. */
  ordered: boolean;
}

/** An event whose deliveries were all accepted by the deliveries queue: from now on its id is taken. */
export interface CompletedEvent {
  fromMessageId: string;
  event: TenantEvent;
  receivedAt: string;
  webhookIds: string[];
  /** The tenant's own retention of its events, when it has one: the event's expiry is set from it. */
  retentionDays?: number;
}

export interface Quarantined {
  fromMessageId: string;
  body: string;
  reason: string;
}

/** The event log's part: claims, and what an unfinished or finished fan-out queued. */
export interface FanOutEventLog {
  /** Claims each event for the message that brought it (by message id). */
  claim(events: readonly { messageId: string; event: TenantEvent }[]): Promise<Map<string, Claim>>;
  /** Notes, on an unfinished event, the webhooks whose deliveries were queued, so a retry sends only the rest. */
  rememberQueued(events: readonly { event: TenantEvent; webhookIds: string[] }[]): Promise<void>;
  /** Answers the source messages whose event could not be recorded. */
  recordCompleted(events: readonly CompletedEvent[]): Promise<Set<string>>;
}

/** The queues' part; each answers with the source messages it could not do its part for. */
export interface FanOutQueues {
  /** Answers which deliveries the queue did not take; `refused` are those it never will (by source message). */
  queueDeliveries(
    deliveries: readonly QueuedDelivery[],
  ): Promise<{ unsent: ReadonlySet<QueuedDelivery>; refused: Map<string, string> }>;
  quarantine(poison: readonly Quarantined[]): Promise<Set<string>>;
}

/** What fan-out knows of a tenant, read once per batch: its webhooks and its delivery settings. */
export interface TenantForFanOut {
  webhooks: Webhook[];
  delivery: TenantDeliverySettings;
}

export interface FanOutPorts {
  events: FanOutEventLog;
  tenants: { of(tenantId: string): Promise<TenantForFanOut> };
  queues: FanOutQueues;
}

export interface FanOutReport {
  /** Messages to receive again (a queue or the table failed for now). */
  failedMessageIds: string[];
  /** Events dropped because their fan-out already completed (a producer's duplicate). */
  duplicates: { messageId: string; tenantId: string; eventId: string }[];
  quarantined: Quarantined[];
}

export const eventKey = (event: Pick<TenantEvent, 'tenantId' | 'id'>) => `${event.tenantId}/${event.id}`;

/**
 * Fan-out's use case for one batch of events (docs/design.md §7): each valid event becomes one delivery per matching
 * webhook of its tenant; poison is quarantined with its reason and never retried.
 *
 * An event is claimed before its fan-out and completed only once the deliveries queue accepted all its
 * deliveries; only a completed event is a duplicate. So a message that failed half-way, or a DLQ replay of
 * one, fans the event out again (receivers may see a delivery twice, always with the same webhook-id); a
 * producer's duplicate of a completed event is dropped; and one that arrives while another message is
 * fanning the event out is retried later, never dropped.
 */
export class FanOutService {
  constructor(
    private readonly ports: FanOutPorts,
    /** The deployment's event types, and the schemas their data must match. */
    private readonly catalog: EventCatalog,
    /** With data capped at 256 KB, escaping keeps a delivery message under 1 MiB; the check guards the caps. */
    private readonly maxMessageBytes = MAX_QUEUE_MESSAGE_BYTES,
  ) {}

  async handleBatch(records: readonly IncomingEvent[]): Promise<FanOutReport> {
    const report: FanOutReport = { failedMessageIds: [], duplicates: [], quarantined: [] };
    const valid = this.screen(records, report);
    const first = firstOfEach(valid, report);
    const planned = await this.plan(first, report);
    const failed = await this.queue(planned, report);
    const notQuarantined = await this.ports.queues.quarantine(report.quarantined);
    report.failedMessageIds = [...new Set([...report.failedMessageIds, ...failed, ...notQuarantined])];
    return report;
  }

  /** The events that may be fanned out; the others are quarantined with their reason. */
  private screen(records: readonly IncomingEvent[], report: FanOutReport): ValidEvent[] {
    const valid: ValidEvent[] = [];
    for (const record of records) {
      const refusal = (reason: string) =>
        report.quarantined.push({ fromMessageId: record.messageId, body: record.body, reason });
      if (record.claimsPlatformOrigin && !record.fromPlatform) {
        refusal(
          'forged_origin: a producer message claims to come from the platform; ' +
            'only the platform publishes its own events',
        );
        continue;
      }
      const parsed = parseEnvelope(record.body, record.messageId, this.catalog, {
        fromPlatform: record.fromPlatform === true,
      });
      if (!parsed.ok) {
        refusal(parsed.reason);
        continue;
      }
      // checked before the claim, so an event that can never be queued leaves no unfinished claim behind
      const largest = largestDeliveryMessageBytes(parsed.event);
      if (largest > this.maxMessageBytes) {
        refusal(
          `too_large: a delivery message would be ${largest} bytes; ` +
            `the deliveries queue takes at most ${this.maxMessageBytes}`,
        );
        continue;
      }
      valid.push({ record, event: parsed.event });
    }
    return valid;
  }

  /** Claims the events and, for each one claimed, the deliveries not queued by an earlier try. */
  private async plan(events: readonly ValidEvent[], report: FanOutReport): Promise<PlannedEvent[]> {
    // each tenant's webhooks are read once per batch, at the same time as the claims
    const tenantIds = [...new Set(events.map(({ event }) => event.tenantId))];
    const [claims, tenants] = await Promise.all([
      this.ports.events.claim(events.map(({ record, event }) => ({ messageId: record.messageId, event }))),
      Promise.all(tenantIds.map((tenantId) => this.ports.tenants.of(tenantId))),
    ]);
    const tenantOf = new Map(tenantIds.map((tenantId, index) => [tenantId, tenants[index]!]));
    const planned: PlannedEvent[] = [];
    for (const { record, event } of events) {
      const claim = claims.get(record.messageId)!;
      if (claim.kind === 'completed')
        report.duplicates.push({ messageId: record.messageId, tenantId: event.tenantId, eventId: event.id });
      else if (claim.kind === 'busy') report.failedMessageIds.push(record.messageId);
      else if (claim.kind === 'invalid')
        report.quarantined.push({
          fromMessageId: record.messageId,
          body: record.body,
          reason: `invalid_event: ${claim.reason}`,
        });
      else planned.push(plannedEvent(record, event, claim, tenantOf.get(event.tenantId)!));
    }
    return planned;
  }

  /**
   * Queues the deliveries; an event whose deliveries were all taken is recorded completed, one taken in part
   * remembers what was queued and comes back. Answers the messages to receive again.
   */
  private async queue(planned: readonly PlannedEvent[], report: FanOutReport): Promise<Set<string>> {
    const queued = await this.ports.queues.queueDeliveries(planned.flatMap((plan) => plan.deliveries));
    const failed = new Set<string>();
    const partly: { event: TenantEvent; webhookIds: string[] }[] = [];
    const done: CompletedEvent[] = [];
    for (const { record, event, deliveries, receivedAt, queuedBefore, retentionDays } of planned) {
      const refusal = queued.refused.get(record.messageId);
      if (refusal) {
        report.quarantined.push({ fromMessageId: record.messageId, body: record.body, reason: `refused: ${refusal}` });
        continue;
      }
      const sent = deliveries
        .filter((delivery) => !queued.unsent.has(delivery))
        .map((delivery) => delivery.task.webhookId);
      if (sent.length < deliveries.length) {
        failed.add(record.messageId);
        if (sent.length > 0) partly.push({ event, webhookIds: sent });
      } else {
        done.push({
          fromMessageId: record.messageId,
          event,
          receivedAt,
          webhookIds: [...queuedBefore, ...sent],
          ...(retentionDays ? { retentionDays } : {}),
        });
      }
    }
    // a failed write here only means the retry sends those deliveries again (same webhook-id): no need to fail more
    await this.ports.events.rememberQueued(partly);
    for (const messageId of await this.ports.events.recordCompleted(done)) failed.add(messageId);
    return failed;
  }
}

interface ValidEvent {
  record: IncomingEvent;
  event: TenantEvent;
}

interface PlannedEvent extends ValidEvent {
  deliveries: QueuedDelivery[];
  receivedAt: string;
  /** Webhooks an earlier, unfinished try already queued deliveries for. */
  queuedBefore: string[];
  /** The tenant's own retention, when it has one. */
  retentionDays?: number;
}

/** The first message of each event; a repeat within the batch is a duplicate (the first fans it out, or comes back). */
function firstOfEach(valid: readonly ValidEvent[], report: FanOutReport): ValidEvent[] {
  const seen = new Set<string>();
  return valid.filter(({ record, event }) => {
    const key = eventKey(event);
    if (!seen.has(key)) return seen.add(key);
    report.duplicates.push({ messageId: record.messageId, tenantId: event.tenantId, eventId: event.id });
    return false;
  });
}

function plannedEvent(
  record: IncomingEvent,
  event: TenantEvent,
  claim: Extract<Claim, { kind: 'claimed' }>,
  { webhooks: tenantWebhooks, delivery }: TenantForFanOut,
): PlannedEvent {
  const queuedBefore = new Set(claim.queuedWebhookIds);
  const ordered = new Set(tenantWebhooks.filter((webhook) => webhook.ordering === 'fifo').map((webhook) => webhook.id));
  const deliveries = deliveryTasks(event, claim.receivedAt, tenantWebhooks, delivery)
    .filter((task) => !queuedBefore.has(task.webhookId))
    .map((task) => ({
      fromMessageId: record.messageId,
      task,
      body: serializeTask(task),
      ordered: ordered.has(task.webhookId),
    }));
  return {
    record,
    event,
    deliveries,
    receivedAt: claim.receivedAt,
    queuedBefore: [...queuedBefore],
    ...(delivery.eventRetentionDays ? { retentionDays: delivery.eventRetentionDays } : {}),
  };
}

/**
 * The longest schedule a tenant may set: its length is bounded by the ordered lane's redrive check (at most 32
 * delays of 0 s); each delay is at most 5 digits.
 */
const LONGEST_TENANT_SCHEDULE = Array.from({ length: 32 }, () => LONGEST_RETRY_WAIT_SECONDS);

/** Every webhook id has this length (ids.ts), so one stands for all in a size. */
const ANY_WEBHOOK_ID = `webhook_${'0'.repeat(26)}`;

/**
 * The largest its delivery messages can grow: any webhook (ids have one length), and every field a retry, a
 * re-send or a dead letter adds. What fits now then fits for the delivery's whole life.
 */
function largestDeliveryMessageBytes(event: TenantEvent): number {
  const now = new Date().toISOString();
  return Buffer.byteLength(
    serializeTask({
      tenantId: event.tenantId,
      webhookId: ANY_WEBHOOK_ID,
      eventId: event.id,
      eventType: event.type,
      receivedAt: now,
      payload: event.payload,
      attempt: 99,
      dueAt: now,
      trigger: 'scheduled',
      deadLettered: true,
      retrySchedule: LONGEST_TENANT_SCHEDULE,
      retentionDays: MAX_EVENT_RETENTION_DAYS,
    }),
  );
}
