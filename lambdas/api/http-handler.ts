import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DomainError, InvalidJsonError, PayloadTooLargeError } from '../core/common/errors';
import { logger } from '../adapters/observability';
import { isServerError, toErrorResponse } from './error-response';
import { isAdminResource } from './routes';
import { assertTenantId } from '../core/access/tenants';

export const MAX_BODY_BYTES = 64 * 1024;

export interface ApiRequest extends PublicApiRequest {
  tenantId: string;
}

/** A request to a route without authorizer: no tenant, nothing of any tenant's. */
export interface PublicApiRequest {
  requestId: string;
  body: unknown;
  pathParameters: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
}

export interface ApiResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Action = (request: ApiRequest) => Promise<ApiResponse>;

/** An admin route's request (docs/design.md §16): API Gateway checked the caller's SigV4 signature against IAM. */
export interface AdminRequest extends Omit<ApiRequest, 'tenantId'> {
  /** The API's own public URL (scheme, host, stage or base path), for links the answer gives out. */
  publicBaseUrl: string;
}

type AdminAction = (request: AdminRequest) => Promise<ApiResponse>;

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** Lower-cases header names (API Gateway keeps the caller's casing) and refuses bodies over the API's limit. */
const normalizeRequest = (): MiddlewareObj<APIGatewayProxyEvent> => ({
  before: ({ event }) => {
    event.headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
    );
    if (event.body && Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') > MAX_BODY_BYTES) {
      throw new PayloadTooLargeError(MAX_BODY_BYTES);
    }
  },
});

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * JSON text must be valid UTF-8. Bytes that are not reach a handler as U+FFFD (API Gateway and Node decode them
 * so), and would be stored as such: a raw U+FFFD is refused, while the escape `\ufffd` means the character itself.
 */
const refuseInvalidUtf8 = (): MiddlewareObj<APIGatewayProxyEvent> => ({
  before: ({ event }) => {
    if (!event.body) return;
    let text = event.body;
    if (event.isBase64Encoded) {
      try {
        text = strictUtf8.decode(Buffer.from(event.body, 'base64'));
      } catch {
        text = REPLACEMENT_CHARACTER;
      }
    }
    if (text.includes(REPLACEMENT_CHARACTER)) {
      throw new InvalidJsonError(
        'The request body is not valid UTF-8 (it holds a raw U+FFFD); write "\\ufffd" to mean that character',
      );
    }
  },
});

const errorsAsResponses = (): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  onError: (request) => {
    const requestId = request.event.requestContext?.requestId ?? 'unknown';
    const response = toErrorResponse(request.error, requestId);
    if (isServerError(response)) logger.error('request failed', { requestId, error: request.error as Error });
    else logger.info('request rejected', { requestId, code: response.body.error.code });
    request.response = {
      statusCode: response.statusCode,
      headers: { ...JSON_HEADERS, ...response.headers },
      body: JSON.stringify(response.body),
    };
  },
});

function lambdaHandler(
  { takesBody }: { takesBody: boolean },
  respond: (event: APIGatewayProxyEvent) => Promise<ApiResponse>,
) {
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(errorsAsResponses())
    .use(normalizeRequest());
  if (takesBody) handler.use(refuseInvalidUtf8()).use(httpJsonBodyParser());
  return handler.handler(async (event) => {
    const response = await respond(event);
    return {
      statusCode: response.statusCode,
      headers: { ...JSON_HEADERS, ...response.headers },
      body: response.body === undefined ? '' : JSON.stringify(response.body),
    };
  });
}

/**
 * The tenant of a request: on a tenant mount only from the authorizer's context; on an admin mount
 * (`/admin/tenants/{tenantId}/v2/…`, which API Gateway lets through only with a valid IAM signature) from the path.
 */
function tenantOf(event: APIGatewayProxyEvent): string {
  if (isAdminResource(event.resource ?? '')) return assertTenantId(event.pathParameters?.tenantId);
  const tenantId = event.requestContext?.authorizer?.tenantId;
  if (typeof tenantId !== 'string' || tenantId === '') {
    throw new DomainError('unauthorized', 'Missing or invalid API key');
  }
  return tenantId;
}

const requestOf = (event: APIGatewayProxyEvent) => ({
  requestId: event.requestContext.requestId,
  body: event.body as unknown,
  pathParameters: event.pathParameters ?? {},
  query: event.queryStringParameters ?? {},
});

/**
 * Wraps a tenant route's action as a Lambda handler, for both of its mounts: the tenant comes from the authorizer's
 * context or the admin path (`tenantOf`), JSON bodies are parsed when the route takes one, and every error leaves as
 * the API's error shape.
 */
export function apiHandler(action: Action, options: { takesBody: boolean }) {
  return lambdaHandler(options, (event) => action({ tenantId: tenantOf(event), ...requestOf(event) }));
}

/** As apiHandler, for a public route (no authorizer): its action gets no tenant. */
export function publicApiHandler(action: (request: PublicApiRequest) => Promise<ApiResponse>) {
  return lambdaHandler({ takesBody: false }, (event) => action(requestOf(event)));
}

/** `https://<host><stage or base path>`: what precedes the route's path in the URL the caller used. */
function publicBaseUrl(event: APIGatewayProxyEvent): string {
  const scheme = event.headers['x-forwarded-proto'] ?? 'https';
  const fullPath = event.requestContext.path ?? event.path;
  const basePath = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  return `${scheme}://${event.headers.host}${basePath}`;
}

/** Wraps an admin route's action; it is mounted only under `/admin` (IAM), which it checks again. */
export function adminHandler(action: AdminAction, options: { takesBody: boolean }) {
  return lambdaHandler(options, (event) => {
    if (!isAdminResource(event.resource ?? '')) throw new DomainError('not_found', 'No such route');
    return action({ ...requestOf(event), publicBaseUrl: publicBaseUrl(event) });
  });
}
