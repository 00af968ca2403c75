/**
 * The API's shapes as the console uses them, every one taken from the client generated from docs/openapi.yaml
 * (client/webhooks-api.ts): the console depends on the API's contract, never on the Lambda code behind it.
 */
import type * as Wire from '../../client/webhooks-api';

export type ErrorDetail = Wire.Error['error']['details'][number];
export type EventType = Wire.EventType;
export type EventTypeDescription = Wire.EventTypeList['data'][number];
export type DeliveryStatus = Wire.DeliverySummary['status'];

// a value, not a type: the contract names the statuses, the console draws them in this order
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'skipped'];

export type Webhook = Wire.Webhook;
export type WebhookSummary = Wire.WebhookSummary;
export type WebhookHealth = Wire.Health;
export type Filter = Wire.Filter;
export type AwsDestination = NonNullable<Wire.Webhook['destination']>;
export type AwsDestinationType = AwsDestination['type'];
export type EndpointAuth = NonNullable<Wire.Webhook['auth']>;
export type EndpointTls = NonNullable<Wire.Webhook['tls']>;
export type DestinationPolicy = Wire.DestinationPolicy;

/** Every list answer has this shape (WebhookPage, DeliveryPage, EventPage). */
export interface Page<Item> {
  data: Item[];
  hasMore: boolean;
  nextCursor: string | null;
}

export type DeliverySummary = Wire.DeliverySummary;
export type DeliveryDetail = Wire.Delivery;
export type LastAttempt = NonNullable<Wire.DeliverySummary['lastAttempt']>;
export type Attempt = Wire.Delivery['attempts'][number];
export type EventSummary = Wire.EventSummary;
export type EventDetail = Wire.Event;
export type QueuedRetry = Wire.QueuedRetry;
export type StartedRecovery = Wire.StartedRecovery;
export type SentTest = Wire.QueuedTest;
