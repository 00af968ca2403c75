import { deliveryTasks, type DeliveryTask } from './delivery';
import { parseEnvelope, type PlatformEvent } from './event-envelope';
import type { Webhook } from './webhook';

export interface FanOutPorts {
  /** False when another message already brought this event id (a duplicate publish). */
  recordOnce(event: PlatformEvent, sourceMessageId: string): Promise<boolean>;
  webhooksOf(tenantId: string): Promise<Webhook[]>;
}

export type FanOutResult =
  | { kind: 'fanned-out'; eventId: string; tasks: DeliveryTask[] }
  | { kind: 'duplicate'; eventId: string }
  | { kind: 'poison'; reason: string };

/**
 * Turns one published event into one delivery per subscribed webhook of its tenant. The caller queues the
 * deliveries of a whole batch of events together (ten to an SQS request, whatever the event).
 */
export class FanOutService {
  constructor(private readonly ports: FanOutPorts) {}

  /**
   * Throws only on infrastructure errors, so that the message is retried. Poison (a message that can never be
   * processed) comes back with its reason, for the caller to park in the events DLQ: it is never retried.
   */
  async handle(body: string, sourceMessageId: string): Promise<FanOutResult> {
    const parsed = parseEnvelope(body);
    if (!parsed.ok) return { kind: 'poison', reason: parsed.reason };
    const { event } = parsed;
    if (!(await this.ports.recordOnce(event, sourceMessageId))) return { kind: 'duplicate', eventId: event.id };
    return { kind: 'fanned-out', eventId: event.id, tasks: deliveryTasks(event, await this.ports.webhooksOf(event.tenantId)) };
  }
}
