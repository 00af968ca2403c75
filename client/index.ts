/**
 * `serverless-webhooks/client`: the API's typed client, generated from docs/openapi.yaml (webhooks-api.ts), and
 * the producer's helper that sends an event envelope to the events queue.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export * from './webhooks-api';

/** A catalog as a type: each event type's name and the shape of its `data`. */
export type EventMap = Record<string, Record<string, unknown>>;

export interface PublishedEvent<Events extends EventMap, Type extends keyof Events & string> {
  tenantId: string;
  type: Type;
  data: Events[Type];
  /** The event's id (its webhook-id at the receivers); a producer's retry with the same id is delivered once. */
  id?: string;
}

/**
 * Sends one event to the platform's events queue (the stack output EventsQueueUrl), as a producer does; typed by
 * the team's catalog when given one: `publishEvent<{ 'order.paid': { orderId: string } }>(sqs, url, {...})`.
 */
export async function publishEvent<
  Events extends EventMap = EventMap,
  Type extends keyof Events & string = keyof Events & string,
>(
  sqs: SQSClient,
  queueUrl: string,
  { tenantId, type, data, id }: PublishedEvent<Events, Type>,
): Promise<{ messageId: string }> {
  const { MessageId } = await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify({ tenantId, type, data, ...(id === undefined ? {} : { id }) }),
    }),
  );
  return { messageId: MessageId! };
}
