import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { handler as eraseEvent } from './erase-event';
import { handler as eraseTenant } from './erase-tenant';
import { handler as getErasure } from './get-erasure';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Each erasure route (lambdas/api/routes.ts, function `AdminErasure`) as API Gateway matched it: method and resource.
 */
export const ERASURE_HANDLERS: Readonly<Record<string, Handler>> = {
  'DELETE /admin/tenants/{tenantId}': eraseTenant,
  'DELETE /admin/tenants/{tenantId}/events/{eventId}': eraseEvent,
  'GET /admin/erasures/{erasureId}': getErasure,
};

/**
 * The one function behind the three erasure routes (rare operator calls: one role, policy and log group instead of
 * three): the route API Gateway matched picks the handler, which parses and answers as its own function would.
 */
export const handler: Handler = (event, context) => {
  const route = ERASURE_HANDLERS[`${event.httpMethod} ${event.resource}`];
  if (!route) throw new Error(`AdminErasure is not mounted on ${event.httpMethod} ${event.resource}`);
  return route(event, context);
};
