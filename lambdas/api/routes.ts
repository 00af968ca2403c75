import type { RouteQueue } from '../platform-settings';
import { SECRETS_ACCESS, type SecretsAccess } from '../secrets-access';
import { TABLE_ACCESS, type TableAccess } from '../table-access';

/**
 * The one list of the API's routes. lib/api.ts builds a function and a method from each entry, allowed exactly
 * the route's `table` access and sending to its `queues`; local/ mounts the same handler files on the same paths.
 */
export interface Route {
  /** Names the Lambda function and the construct. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** The handler file, relative to lambdas/api/, without extension. */
  entry: string;
  /** What the route's function may do to the table (lambdas/table-access.ts): its actions, on its key prefixes. */
  table: TableAccess;
  /** The queues the route's function sends to: sqs:SendMessage on each, its URL in ROUTE_QUEUE_URL_VARIABLES' variable. */
  queues?: readonly RouteQueue[];
  /**
   * No authorizer: anyone may call it. Only for what holds nothing of a tenant's (its `table` access must say so);
   * the stage's throttle and the WAF's per-address limit still apply.
   */
  public?: true;
  /** What the route does with sealed endpoint secrets: its KMS actions on the SecretsKey (lambdas/secrets-access.ts). */
  secrets?: SecretsAccess;
}

export const ROUTES: readonly Route[] = [
  {
    name: 'CreateWebhook',
    method: 'POST',
    path: '/v2/webhooks',
    entry: 'create-webhook',
    table: TABLE_ACCESS.createWebhook,
    secrets: SECRETS_ACCESS.seal,
    // endpoint verification's first challenge (docs/design.md §18)
    queues: ['deliveries'],
  },
  {
    name: 'ListWebhooks',
    method: 'GET',
    path: '/v2/webhooks',
    entry: 'list-webhooks',
    table: TABLE_ACCESS.listWebhooks,
  },
  {
    name: 'GetWebhook',
    method: 'GET',
    path: '/v2/webhooks/{webhookId}',
    entry: 'get-webhook',
    table: TABLE_ACCESS.getWebhook,
  },
  {
    name: 'UpdateWebhook',
    method: 'PUT',
    path: '/v2/webhooks/{webhookId}',
    entry: 'update-webhook',
    // a URL change reads the webhook first, and queues a new verification's first challenge
    table: TABLE_ACCESS.updateWebhook,
    secrets: SECRETS_ACCESS.seal,
    queues: ['deliveries'],
  },
  {
    name: 'DeleteWebhook',
    method: 'DELETE',
    path: '/v2/webhooks/{webhookId}',
    entry: 'delete-webhook',
    table: TABLE_ACCESS.deleteWebhook,
  },
  // the webhook read (ed25519: is there a key to replace?), one UpdateItem as an update, and its public keys
  {
    name: 'RotateWebhookSecret',
    method: 'POST',
    path: '/v2/webhooks/{webhookId}/rotate-secret',
    entry: 'rotate-webhook-secret',
    table: TABLE_ACCESS.rotateWebhookSecret,
    secrets: SECRETS_ACCESS.seal,
  },
  // a receiver fetches the keys it verifies v1a signatures with (design.md §18): public, the keys item only
  {
    name: 'GetPublicKeys',
    method: 'GET',
    path: '/v2/webhooks/{webhookId}/public-keys',
    entry: 'get-public-keys',
    table: TABLE_ACCESS.getPublicKeys,
    public: true,
  },
  // a new run of endpoint verification (docs/design.md §18): reads the webhook, one conditional UpdateItem, one SendMessage
  {
    name: 'VerifyWebhook',
    method: 'POST',
    path: '/v2/webhooks/{webhookId}/verify',
    entry: 'verify-webhook',
    table: TABLE_ACCESS.changeWebhookEndpoint,
    queues: ['deliveries'],
  },
  // the catalog is code: no table access at all
  { name: 'ListEventTypes', method: 'GET', path: '/v2/event-types', entry: 'list-event-types', table: [] },
  // the delivery log and the audit trail (docs/design.md §6b, §6c)
  {
    name: 'ListDeliveries',
    method: 'GET',
    path: '/v2/webhooks/{webhookId}/deliveries',
    entry: 'list-deliveries',
    table: TABLE_ACCESS.listDeliveries,
  },
  {
    name: 'GetDelivery',
    method: 'GET',
    path: '/v2/webhooks/{webhookId}/deliveries/{eventId}',
    entry: 'get-delivery',
    table: TABLE_ACCESS.getDelivery,
  },
  // owner-triggered sends (docs/design.md §6b): each reads what it checks and sends to one queue of the pipeline
  {
    name: 'RetryDelivery',
    method: 'POST',
    path: '/v2/webhooks/{webhookId}/deliveries/{eventId}/retry',
    entry: 'retry-delivery',
    table: TABLE_ACCESS.retryDelivery,
    queues: ['deliveries'],
  },
  {
    name: 'TestWebhook',
    method: 'POST',
    path: '/v2/webhooks/{webhookId}/test',
    entry: 'test-webhook',
    table: TABLE_ACCESS.getWebhook,
    queues: ['platformEvents'],
  },
  {
    name: 'RecoverDeliveries',
    method: 'POST',
    path: '/v2/webhooks/{webhookId}/recover',
    entry: 'recover-deliveries',
    table: TABLE_ACCESS.recoverDeliveries,
    queues: ['recoveries'],
  },
  // the resource policy a customer puts on its own queue, topic or bus (docs/design.md §17): no table access
  {
    name: 'GetDestinationPolicy',
    method: 'GET',
    path: '/v2/destination-policy',
    entry: 'get-destination-policy',
    table: [],
  },
  { name: 'ListEvents', method: 'GET', path: '/v2/events', entry: 'list-events', table: TABLE_ACCESS.listEvents },
  { name: 'GetEvent', method: 'GET', path: '/v2/events/{eventId}', entry: 'get-event', table: TABLE_ACCESS.getEvent },
];

export const AUTHORIZER_ENTRY = 'authorizer';

/** The handler file of an entry, as an absolute path (for NodejsFunction and for the local runtime's imports). */
export const apiEntryPath = (entry: string): string => new URL(`./${entry}.ts`, import.meta.url).pathname;
