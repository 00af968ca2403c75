import { eventCatalog, exampleData } from './event-catalog';
import { newEventId } from '../shared/ids';
import type { PlatformEventQueue } from '../delivery/queue-ports';
import { parseOrThrow } from '../shared/validation';
import { activeWebhookOf } from '../webhooks/webhook-access';
import type { WebhookStore } from '../webhooks/webhook-store';
import * as z from 'zod/mini';
import '../shared/zod-messages';

/** Body of `POST /v2/webhooks/{id}/test`. */
export const testEventSchema = z.strictObject({
  eventType: z.optional(
    z
      .string()
      .check(z.refine((type) => eventCatalog().has(type), 'unknown event type; GET /v2/event-types lists them')),
  ),
});

export interface TestEventOptions {
  webhooks: Pick<WebhookStore, 'get'>;
  events: PlatformEventQueue;
  newId?: () => string;
}

/**
 * `POST /v2/webhooks/{id}/test` (docs/design.md §6b): the catalog's example of a type, through the normal pipeline
 * (events queue, fan-out, deliver), so it is recorded in the events and the delivery log like any event; fan-out
 * sends it to this webhook only, and the body says `"test": true`.
 */
export class TestEventService {
  constructor(private readonly options: TestEventOptions) {}

  async send(tenantId: string, webhookId: string, body: unknown): Promise<{ eventId: string }> {
    const { eventType } = parseOrThrow(testEventSchema, body, 'test request');
    const webhook = await activeWebhookOf(this.options.webhooks, tenantId, webhookId);
    const type = eventType ?? webhook.events[0]!;
    const id = (this.options.newId ?? newEventId)();
    await this.options.events.publish({
      tenantId,
      id,
      type,
      data: exampleData(type),
      webhookId: webhook.id,
      test: true,
    });
    return { eventId: id };
  }
}
