import type { RouteQueue } from '../platform-settings';
import { SECRETS_ACCESS, type SecretsAccess } from '../secrets-access';
import { TABLE_ACCESS, type TableAccess } from '../table-access';

/**
 * Who calls a route (docs/design.md §16): `tenant` routes (`/v2/…`) answer a tenant's API key, portal token or JWT
 * and are also mounted under `/admin/tenants/{tenantId}` for the team's backend; `admin` routes exist only there.
 */
export type Surface = 'tenant' | 'admin';

/**
 * The one list of the API's routes. lib/api.ts builds a function from each entry, allowed exactly the route's
 * `table` access and sending to its `queues`, and a method for each of its mounts (`routeMounts`); local/ mounts
 * the same handler files on the same paths.
 */
export interface Route {
  /** Names the route's operation, and its Lambda function and construct unless it shares one (`function`). */
  name: string;
  /**
   * The function the route shares with others of the same `function`, instead of one of its own: for rare operator
   * routes, one role, policy and log group fewer each in a template near CloudFormation's 1 MB. Their common `entry`
   * dispatches by the route API Gateway matched; the function is allowed the union of their `table` and `queues`.
   */
  function?: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  surface: Surface;
  /** The handler file, relative to lambdas/api/, without extension. */
  entry: string;
  /** What the route's function may do to the table (lambdas/table-access.ts): its actions, on its key prefixes. */
  table: TableAccess;
  /**
   * The queues the route's function sends to: sqs:SendMessage on each, its URL in ROUTE_QUEUE_URL_VARIABLES' variable.
   */
  queues?: readonly RouteQueue[];
  /**
   * No authorizer: anyone may call it. Only for what holds nothing of a tenant's (its `table` access must say so);
   * the stage's throttle and the WAF's per-address limit still apply.
   */
  public?: true;
  /**
   * What the route does with sealed endpoint secrets: its KMS actions on the SecretsKey (lambdas/secrets-access.ts).
   */
  secrets?: SecretsAccess;
  /** Reads the deployment's retry schedule (RETRY_SCHEDULE_SECONDS): a tenant's own retention must still hold it. */
  retrySchedule?: true;
}

export const ROUTES: readonly Route[] = [
  {
    name: 'CreateWebhook',
    surface: 'tenant',
    method: 'POST',
    path: '/v2/webhooks',
    entry: 'create-webhook',
    table: TABLE_ACCESS.createWebhook,
    secrets: SECRETS_ACCESS.writeWebhook,
    // endpoint verification's first challenge (docs/design.md §18)
    queues: ['deliveries'],
  },
  {
    name: 'ListWebhooks',
    surface: 'tenant',
    method: 'GET',
    path: '/v2/webhooks',
    entry: 'list-webhooks',
    table: TABLE_ACCESS.listWebhooks,
  },
  {
    name: 'GetWebhook',
    surface: 'tenant',
    method: 'GET',
    path: '/v2/webhooks/{webhookId}',
    entry: 'get-webhook',
    table: TABLE_ACCESS.getWebhook,
  },
  {
    name: 'UpdateWebhook',
    surface: 'tenant',
    method: 'PUT',
    path: '/v2/webhooks/{webhookId}',
    entry: 'update-webhook',
    // a URL change reads the webhook first, and queues a new verification's first challenge
    table: TABLE_ACCESS.updateWebhook,
    secrets: SECRETS_ACCESS.writeWebhook,
    queues: ['deliveries'],
  },
  {
    name: 'DeleteWebhook',
    surface: 'tenant',
    method: 'DELETE',
    path: '/v2/webhooks/{webhookId}',
    entry: 'delete-webhook',
    table: TABLE_ACCESS.deleteWebhook,
  },
  // the webhook read (ed25519: is there a key to replace?), one UpdateItem as an update, and its public keys
  {
    name: 'RotateWebhookSecret',
    surface: 'tenant',
    method: 'POST',
    path: '/v2/webhooks/{webhookId}/rotate-secret',
    entry: 'rotate-webhook-secret',
    table: TABLE_ACCESS.rotateWebhookSecret,
    secrets: SECRETS_ACCESS.writeWebhook,
  },
  // a receiver fetches the keys it verifies v1a signatures with (design.md §18): public, the keys item only
  {
    name: 'GetPublicKeys',
    surface: 'tenant',
    method: 'GET',
    path: '/v2/webhooks/{webhookId}/public-keys',
    entry: 'get-public-keys',
    table: TABLE_ACCESS.getPublicKeys,
    public: true,
  },
  // a new run of endpoint verification (docs/design.md §18): reads the webhook and the tenant's settings, one
  // conditional UpdateItem, one SendMessage
  {
    name: 'VerifyWebhook',
    surface: 'tenant',
    method: 'POST',
    path: '/v2/webhooks/{webhookId}/verify',
    entry: 'verify-webhook',
    table: TABLE_ACCESS.verifyWebhook,
    queues: ['deliveries'],
  },
  // the catalog is code: no table access at all
  {
    name: 'ListEventTypes',
    method: 'GET',
    path: '/v2/event-types',
    surface: 'tenant',
    entry: 'list-event-types',
    table: [],
  },
  // the delivery log and the audit trail (docs/design.md §6b, §6c)
  {
    name: 'ListDeliveries',
    surface: 'tenant',
    method: 'GET',
    path: '/v2/webhooks/{webhookId}/deliveries',
    entry: 'list-deliveries',
    table: TABLE_ACCESS.listDeliveries,
  },
  {
    name: 'GetDelivery',
    surface: 'tenant',
    method: 'GET',
    path: '/v2/webhooks/{webhookId}/deliveries/{eventId}',
    entry: 'get-delivery',
    table: TABLE_ACCESS.getDelivery,
  },
  // owner-triggered sends (docs/design.md §6b): each reads what it checks and sends to one queue of the pipeline
  {
    name: 'RetryDelivery',
    surface: 'tenant',
    method: 'POST',
    path: '/v2/webhooks/{webhookId}/deliveries/{eventId}/retry',
    entry: 'retry-delivery',
    table: TABLE_ACCESS.retryDelivery,
    queues: ['deliveries'],
  },
  {
    name: 'TestWebhook',
    surface: 'tenant',
    method: 'POST',
    path: '/v2/webhooks/{webhookId}/test',
    entry: 'test-webhook',
    table: TABLE_ACCESS.getWebhook,
    queues: ['platformEvents'],
  },
  {
    name: 'RecoverDeliveries',
    surface: 'tenant',
    method: 'POST',
    path: '/v2/webhooks/{webhookId}/recover',
    entry: 'recover-deliveries',
    table: TABLE_ACCESS.recoverDeliveries,
    queues: ['recoveries'],
  },
  // the resource policy a customer puts on its own queue, topic or bus (docs/design.md §17): no table access
  {
    name: 'GetDestinationPolicy',
    surface: 'tenant',
    method: 'GET',
    path: '/v2/destination-policy',
    entry: 'get-destination-policy',
    table: [],
  },
  {
    name: 'ListEvents',
    method: 'GET',
    path: '/v2/events',
    surface: 'tenant',
    entry: 'list-events',
    table: TABLE_ACCESS.listEvents,
  },
  {
    name: 'GetEvent',
    method: 'GET',
    path: '/v2/events/{eventId}',
    surface: 'tenant',
    entry: 'get-event',
    table: TABLE_ACCESS.getEvent,
  },
  // the operator plane (docs/design.md §16): the team's backend, under IAM
  {
    name: 'PutTenant',
    method: 'PUT',
    path: '/admin/tenants/{tenantId}',
    surface: 'admin',
    entry: 'put-tenant',
    table: TABLE_ACCESS.putTenant,
    retrySchedule: true,
  },
  {
    name: 'ListTenants',
    method: 'GET',
    path: '/admin/tenants',
    surface: 'admin',
    entry: 'list-tenants',
    table: TABLE_ACCESS.listTenants,
  },
  {
    name: 'GetTenant',
    method: 'GET',
    path: '/admin/tenants/{tenantId}',
    surface: 'admin',
    entry: 'get-tenant',
    table: TABLE_ACCESS.getTenant,
  },
  {
    name: 'CreateApiKey',
    method: 'POST',
    path: '/admin/tenants/{tenantId}/api-keys',
    surface: 'admin',
    entry: 'create-api-key',
    table: TABLE_ACCESS.createApiKey,
  },
  {
    name: 'ListApiKeys',
    method: 'GET',
    path: '/admin/tenants/{tenantId}/api-keys',
    surface: 'admin',
    entry: 'list-api-keys',
    table: TABLE_ACCESS.listApiKeys,
  },
  {
    name: 'RevokeApiKey',
    method: 'DELETE',
    path: '/admin/tenants/{tenantId}/api-keys/{keyHash}',
    surface: 'admin',
    entry: 'revoke-api-key',
    table: TABLE_ACCESS.revokeApiKey,
  },
  {
    name: 'CreatePortalLink',
    method: 'POST',
    path: '/admin/tenants/{tenantId}/portal-links',
    surface: 'admin',
    entry: 'create-portal-link',
    table: TABLE_ACCESS.createApiKey,
  },
  // erasure (docs/design.md §16), one AdminErasure function for the three routes (lambdas/api/admin-erasure.ts):
  // the tenant sealed before the 202, its items deleted by the Erasure/EraseTenant worker
  {
    name: 'EraseTenant',
    function: 'AdminErasure',
    method: 'DELETE',
    path: '/admin/tenants/{tenantId}',
    surface: 'admin',
    entry: 'admin-erasure',
    table: TABLE_ACCESS.eraseTenant,
    queues: ['erasures'],
  },
  // one event's payload erased, before the answer: the event, its delivery records, marks on the tenant's webhooks
  {
    name: 'EraseEvent',
    function: 'AdminErasure',
    method: 'DELETE',
    path: '/admin/tenants/{tenantId}/events/{eventId}',
    surface: 'admin',
    entry: 'admin-erasure',
    table: TABLE_ACCESS.eraseEvent,
  },
  {
    name: 'GetErasure',
    function: 'AdminErasure',
    method: 'GET',
    path: '/admin/erasures/{erasureId}',
    surface: 'admin',
    entry: 'admin-erasure',
    table: TABLE_ACCESS.getErasure,
  },
];

/** The Lambda function (and construct) that serves a route: the one it shares, or its own. */
export const functionOf = (route: Route): string => route.function ?? route.name;

/** A function of the API and the routes it serves (one, or those sharing it). */
export interface RouteFunction {
  name: string;
  entry: string;
  routes: readonly Route[];
}

/** The API's functions: one per route, one per shared `function`; the routes sharing one must share their entry. */
export function routeFunctions(routes: readonly Route[] = ROUTES): RouteFunction[] {
  const byName = new Map<string, Route[]>();
  for (const route of routes) byName.set(functionOf(route), [...(byName.get(functionOf(route)) ?? []), route]);
  return [...byName].map(([name, served]) => {
    const entries = new Set(served.map((route) => route.entry));
    if (entries.size > 1) throw new Error(`Function ${name}: its routes name several entries (${[...entries]})`);
    return { name, entry: served[0]!.entry, routes: served };
  });
}

/** How a mount is authorized: the tenant authorizer (`CUSTOM`) or API Gateway's SigV4 check (`AWS_IAM`). */
/** CUSTOM: the tenant authorizer; AWS_IAM: SigV4 (the team's backend); NONE: a public route (no credential). */
export type MountAuthorization = 'CUSTOM' | 'AWS_IAM' | 'NONE';

export interface RouteMount {
  route: Route;
  path: string;
  authorization: MountAuthorization;
}

/** Where the team's backend acts for one tenant: the tenant comes from this path, never from a credential. */
export const ADMIN_TENANT_PREFIX = '/admin/tenants/{tenantId}';

/**
 * Every method of the API: each tenant route twice (as the tenant's, and under the admin prefix for any tenant),
 * each admin route once. Both mounts of a route invoke the same function; the handler tells them apart by the
 * resource API Gateway matched (lambdas/api/http-handler.ts).
 */
export function routeMounts(routes: readonly Route[] = ROUTES): RouteMount[] {
  return routes.flatMap((route): RouteMount[] =>
    route.public
      ? [{ route, path: route.path, authorization: 'NONE' }]
      : route.surface === 'tenant'
        ? [
            { route, path: route.path, authorization: 'CUSTOM' },
            { route, path: `${ADMIN_TENANT_PREFIX}${route.path}`, authorization: 'AWS_IAM' },
          ]
        : [{ route, path: route.path, authorization: 'AWS_IAM' }],
  );
}

/** Whether API Gateway matched an admin (IAM) resource: set by the gateway from its own route, not by the caller. */
export const isAdminResource = (resource: string): boolean => resource.startsWith('/admin/');

export const AUTHORIZER_ENTRY = 'authorizer';

/** The handler file of an entry, as an absolute path (for NodejsFunction and for the local runtime's imports). */
export const apiEntryPath = (entry: string): string => new URL(`./${entry}.ts`, import.meta.url).pathname;
