import { createHash } from 'node:crypto';
import { logger } from '../adapters/observability';
import type { OutgoingMessage, SqsQueues } from '../adapters/sqs-queues';
import type { FanOutQueues, Quarantined, QueuedDelivery } from '../core/events/fan-out-service';
import { BatchOutbox } from './batch-outbox';

export interface FanOutQueueUrls {
  deliveries: string;
  orderedDeliveries: string;
  eventsDlq: string;
}

/** Fan-out's queues: deliveries to their lane, poison to the events DLQ with its reason, in batches of ten. */
export class FanOutOutbox implements FanOutQueues {
  constructor(
    private readonly queues: SqsQueues,
    private readonly urls: FanOutQueueUrls,
  ) {}

  async queueDeliveries(deliveries: readonly QueuedDelivery[]) {
    const outbox = new BatchOutbox();
    const messages = new Map(deliveries.map((delivery) => [delivery, this.deliveryMessage(delivery)]));
    for (const [delivery, [queueUrl, message]] of messages) outbox.add(queueUrl, delivery.fromMessageId, message);
    const { refused, unsent } = await outbox.flush(this.queues);
    return { refused, unsent: new Set(deliveries.filter((delivery) => unsent.has(messages.get(delivery)![1]))) };
  }

  async quarantine(poison: readonly Quarantined[]) {
    const outbox = new BatchOutbox();
    for (const { fromMessageId, body, reason } of poison) {
      logger.warn('event quarantined in the events DLQ', { messageId: fromMessageId, reason });
      outbox.add(this.urls.eventsDlq, fromMessageId, { body, attributes: { failureReason: reason } });
    }
    const { failed, refused } = await outbox.flush(this.queues);
    return new Set([...failed, ...refused.keys()]);
  }

  /**
   * A delivery's message: an ordered webhook's go to the ordered lane (FIFO), grouped by webhook so that each
   * webhook's deliveries keep their order and no other webhook waits for them, and de-duplicated on event and
   * webhook (a fan-out retried within 5 minutes queues each once); the others to the fast lane, grouped by tenant.
   */
  private deliveryMessage({ task, body, ordered }: QueuedDelivery): [string, OutgoingMessage] {
    if (!ordered) return [this.urls.deliveries, { body, groupId: task.tenantId }];
    const deduplicationId = createHash('sha256').update(`${task.eventId}|${task.webhookId}`).digest('hex');
    return [this.urls.orderedDeliveries, { body, groupId: task.webhookId, deduplicationId }];
  }
}
