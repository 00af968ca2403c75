import type { EventCatalog } from './event-catalog';
import { newEventId } from '../common/ids';
import type { PlatformEventQueue } from '../delivery/queue-ports';
import { parseOrThrow } from '../common/validation';
import { activeWebhookOf } from '../webhooks/webhook-access';
import type { WebhookStore } from '../webhooks/webhook-store';
import * as z from 'zod/mini';
import '../common/zod-messages';

/** Body of `POST /v2/webhooks/{id}/test`. */
export const testEventSchema = (catalog: EventCatalog) =>
  z.strictObject({
    eventType: z.optional(
      z.string().check(z.refine((type) => catalog.has(type), 'unknown event type; GET /v2/event-types lists them')),
    ),
  });

export interface TestEventOptions {
  webhooks: Pick<WebhookStore, 'get'>;
  events: PlatformEventQueue;
  /** The deployment's event types, with the example `data` a test sends. */
  catalog: EventCatalog;
  newId?: () => string;
}

/**
 * `POST /v2/webhooks/{id}/test` (docs/design.md §6b): the catalog's example of a type, through the normal pipeline
 * (events queue, fan-out, deliver), so it is recorded in the events and the delivery log like any event; fan-out
 * sends it to this webhook only, and the body says `"test": true`.
 */
export class TestEventService {
  private readonly schema;

  constructor(private readonly options: TestEventOptions) {
    this.schema = testEventSchema(options.catalog);
  }

  async send(tenantId: string, webhookId: string, body: unknown): Promise<{ eventId: string }> {
    const { eventType } = parseOrThrow(this.schema, body, 'test request');
    const webhook = await activeWebhookOf(this.options.webhooks, tenantId, webhookId);
    const type = eventType ?? webhook.events[0]!;
    const id = (this.options.newId ?? newEventId)();
    await this.options.events.publish({
      tenantId,
      id,
      type,
      data: this.options.catalog.example(type),
      webhookId: webhook.id,
      test: true,
    });
    return { eventId: id };
  }
}
