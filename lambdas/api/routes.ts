/**
 * The one list of the API's routes. lib/api.ts builds a function and a method from each entry;
 * local/ mounts the same handler files on the same paths.
 */
export interface Route {
  /** Names the Lambda function and the construct. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** The handler file, relative to lambdas/api/, without extension. */
  entry: string;
}

export const ROUTES: readonly Route[] = [
  { name: 'CreateWebhook', method: 'POST', path: '/v2/webhooks', entry: 'create-webhook' },
  { name: 'ListWebhooks', method: 'GET', path: '/v2/webhooks', entry: 'list-webhooks' },
  { name: 'GetWebhook', method: 'GET', path: '/v2/webhooks/{webhookId}', entry: 'get-webhook' },
  { name: 'UpdateWebhook', method: 'PUT', path: '/v2/webhooks/{webhookId}', entry: 'update-webhook' },
  { name: 'DeleteWebhook', method: 'DELETE', path: '/v2/webhooks/{webhookId}', entry: 'delete-webhook' },
];

export const AUTHORIZER_ENTRY = 'authorizer';

/** The handler file of an entry, as an absolute path (for NodejsFunction and for the local runtime's imports). */
export const apiEntryPath = (entry: string): string => new URL(`./${entry}.ts`, import.meta.url).pathname;
