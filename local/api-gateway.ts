import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { gatewayErrorBody, GATEWAY_ERRORS, type GatewayErrorType } from '../lambdas/api/gateway-responses';
import { apiEntryPath, AUTHORIZER_ENTRY, functionOf, routeMounts } from '../lambdas/api/routes';
import { FUNCTION_TIMEOUT_SECONDS } from '../lambdas/platform-settings';
import { isConsoleRequest, serveConsole } from './console-route';
import { runAsFunction } from '../lambdas/adapters/observability';
import { lambdaContext } from './lambda-context';
import { localAdminCredential, verifySigV4, type AdminCredential, type SignedRequest } from './sigv4-verifier';

type SourceHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
export type Authorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/**
 * One method of the REST API: its resource path (`/v2/webhooks/{webhookId}`, `/console/{proxy+}`) and its integration.
 */
export interface MountedRoute {
  method: string;
  resource: string;
  /**
   * CUSTOM runs the authorizer first; AWS_IAM checks a SigV4 signature (the /admin routes); NONE is public (the
   * console's files).
   */
  authorization: 'CUSTOM' | 'AWS_IAM' | 'NONE';
  handler: ProxyHandler;
}

export interface GatewayRoutes {
  routes: MountedRoute[];
  authorizer: Authorizer;
  /**
   * Serve the console built from source at /console (npm start); the artifact runtime routes it to its function
   * instead.
   */
  consoleFromSource?: boolean;
  /**
   * How AWS_IAM methods check their caller: by default, a SigV4 signature of the local admin credential (from the
   * environment); the artifact platform checks the signer's IAM policy in the template as well.
   */
  iam?: IamCheck;
}

/**
 * API Gateway's AWS_IAM check of one call: undefined when it passes, else the gateway response it answers with.
 * `invoke` is what IAM authorizes: `execute-api:Invoke` on the method's ARN (`<stage>/<METHOD>/<path>`).
 */
export type IamCheck = (
  request: SignedRequest,
  invoke: { method: string; path: string },
) => Promise<GatewayErrorType | undefined>;

/** API Gateway's answer to each way a SigV4 signature fails. */
export const SIGV4_REFUSALS = {
  missing: 'MISSING_AUTHENTICATION_TOKEN',
  invalid: 'INVALID_SIGNATURE',
  expired: 'EXPIRED_TOKEN',
} as const satisfies Record<string, GatewayErrorType>;

/** `npm start`'s check: a valid signature of the one local admin credential is all it takes. */
export function localAdminCheck(credential: AdminCredential = localAdminCredential()): IamCheck {
  return async (request) => {
    const verdict = await verifySigV4(request, credential);
    return verdict.ok ? undefined : SIGV4_REFUSALS[verdict.refusal];
  };
}

// API Gateway's own payload limit; the handlers enforce the API's much smaller one.
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
const STAGE = 'local';

/** A resource path as API Gateway matches it: `{name}` is one segment, `{name+}` the rest of the path. */
function pathPattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/\{(\w+)\+\}/g, '(?<$1>.+)').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
}

/** Loads the same handler files that lib/api.ts deploys, mounted where it mounts them (`routeMounts`). */
export async function loadRoutes(): Promise<GatewayRoutes> {
  const routes = await Promise.all(
    routeMounts().map(async ({ route, path, authorization }): Promise<MountedRoute> => {
      const module = (await import(apiEntryPath(route.entry))) as { handler: SourceHandler };
      return {
        method: route.method,
        resource: path,
        authorization,
        handler: (event) => {
          const invocation = lambdaContext(functionOf(route), FUNCTION_TIMEOUT_SECONDS.api);
          return runAsFunction(invocation, () => module.handler(event, invocation));
        },
      };
    }),
  );
  const { handler: authorizer } = (await import(apiEntryPath(AUTHORIZER_ENTRY))) as { handler: Authorizer };
  return { routes, authorizer, consoleFromSource: true };
}

/** A malformed %-sequence is passed on as it is (it then matches no webhook) rather than failing the request. */
function decodePathSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > GATEWAY_MAX_BODY_BYTES ? 'too_large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function singleValueHeaders(request: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(',') : (value ?? ''),
    ]),
  );
}

function sendGatewayError(response: ServerResponse, type: GatewayErrorType, requestId: string): void {
  response.writeHead(GATEWAY_ERRORS[type].statusCode, {
    'Content-Type': 'application/json',
    'x-amzn-RequestId': requestId,
  });
  response.end(gatewayErrorBody(type, requestId));
}

/**
 * The REQUEST authorizer's decision as API Gateway applies it: no Authorization header or a throw of "Unauthorized" is
 * 401, a Deny 403, any other throw AUTHORIZER_FAILURE.
 */
async function authorize(
  authorizer: Authorizer,
  event: APIGatewayRequestAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult | GatewayErrorType> {
  const authorization = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1];
  if (!authorization) return 'UNAUTHORIZED';
  let decision: APIGatewayAuthorizerResult;
  try {
    decision = await authorizer(event);
  } catch (error) {
    if ((error as Error).message === 'Unauthorized') return 'UNAUTHORIZED';
    // any other failure of the authorizer is API Gateway's AUTHORIZER_FAILURE
    return 'AUTHORIZER_FAILURE';
  }
  return decision.policyDocument.Statement.some((statement) => statement.Effect !== 'Allow')
    ? 'ACCESS_DENIED'
    : decision;
}

/**
 * A REST API Gateway on a laptop, which also serves the web console at /console as the stack does: matches the route,
 * runs the REQUEST authorizer (401 without a key),
 * builds the proxy event with the authorizer's context, and returns the handler's response as is.
 */
export function createApiGateway({
  routes,
  authorizer,
  consoleFromSource = false,
  iam = localAdminCheck(),
}: GatewayRoutes): Server {
  const mountedRoutes = routes.map((route) => ({ ...route, pattern: pathPattern(route.resource) }));
  return createServer(async (request, response) => {
    const requestId = randomUUID();
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (consoleFromSource && isConsoleRequest(request.method, url.pathname))
        return serveConsole(response, request.method!, url.pathname);
      // REST APIs match a path with or without its trailing slash
      const resourcePath = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
      const mounted = mountedRoutes.find(
        ({ method, pattern }) => method === request.method && pattern.test(resourcePath),
      );
      if (!mounted) return sendGatewayError(response, 'MISSING_AUTHENTICATION_TOKEN', requestId);
      const body = await readBody(request);
      if (body === 'too_large') return sendGatewayError(response, 'REQUEST_TOO_LARGE', requestId);

      // API Gateway tells the integration the scheme the caller used
      const headers = { ...singleValueHeaders(request), 'x-forwarded-proto': 'http' };
      const query = url.searchParams.size ? Object.fromEntries(url.searchParams) : null;
      const pathParameters = mounted.pattern.exec(resourcePath)?.groups ?? null;
      const decodedPathParameters = pathParameters
        ? Object.fromEntries(Object.entries(pathParameters).map(([name, value]) => [name, decodePathSegment(value)]))
        : null;
      const methodArn = `arn:aws:execute-api:us-east-1:000000000000:local/${STAGE}/${request.method}${url.pathname}`;

      if (mounted.authorization === 'AWS_IAM') {
        const rawPath = (request.url ?? '/').split('?')[0]!;
        const refusal = await iam(
          { method: request.method!, path: rawPath, query: url.searchParams, headers, body },
          { method: request.method!, path: url.pathname },
        );
        if (refusal) return sendGatewayError(response, refusal, requestId);
      }

      let authorizerContext: Record<string, unknown> | undefined;
      if (mounted.authorization === 'CUSTOM') {
        const decision = await authorize(authorizer, {
          type: 'REQUEST',
          methodArn,
          resource: mounted.resource,
          path: url.pathname,
          httpMethod: request.method!,
          headers,
          multiValueHeaders: {},
          pathParameters: decodedPathParameters,
          queryStringParameters: query,
          multiValueQueryStringParameters: {},
          stageVariables: null,
          requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
        });
        if (typeof decision === 'string') return sendGatewayError(response, decision, requestId);
        authorizerContext = { principalId: decision.principalId, ...decision.context };
      }

      const event = {
        resource: mounted.resource,
        path: url.pathname,
        httpMethod: request.method!,
        headers,
        multiValueHeaders: {},
        queryStringParameters: query,
        multiValueQueryStringParameters: null,
        pathParameters: decodedPathParameters,
        stageVariables: null,
        body: body.length ? body.toString('utf8') : null,
        isBase64Encoded: false,
        requestContext: {
          requestId,
          stage: STAGE,
          httpMethod: request.method!,
          path: url.pathname,
          resourcePath: mounted.resource,
          ...(authorizerContext ? { authorizer: authorizerContext } : {}),
        },
      } as unknown as APIGatewayProxyEvent;
      const result = await mounted.handler(event);
      response.writeHead(result.statusCode, {
        ...(result.headers as Record<string, string>),
        'x-amzn-RequestId': requestId,
      });
      response.end(result.body);
    } catch (error) {
      console.error('local API gateway: handler failed', error);
      sendGatewayError(response, 'DEFAULT_5XX', requestId);
    }
  });
}
