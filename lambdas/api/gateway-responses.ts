/**
 * Bodies API Gateway itself returns (before any handler runs), in the API's error shape. The stack installs
 * them as gateway responses; the local runtime returns the same bodies.
 */
export const GATEWAY_ERRORS = {
  UNAUTHORIZED: { statusCode: 401, code: 'unauthorized', message: 'Missing or invalid API key' },
  ACCESS_DENIED: { statusCode: 401, code: 'unauthorized', message: 'Missing or invalid API key' },
  MISSING_AUTHENTICATION_TOKEN: { statusCode: 404, code: 'not_found', message: 'No such route' },
  THROTTLED: { statusCode: 429, code: 'rate_limited', message: 'Too many requests; slow down and retry' },
  REQUEST_TOO_LARGE: { statusCode: 413, code: 'payload_too_large', message: 'The request body is too large' },
  // the authorizer failed instead of deciding (lambdas/api/authorizer.ts: the identity provider is unavailable)
  AUTHORIZER_FAILURE: {
    statusCode: 503,
    code: 'identity_provider_unavailable',
    message: 'The identity provider could not be reached to verify the token; try again later',
  },
  DEFAULT_5XX: { statusCode: 500, code: 'internal_error', message: 'An internal error occurred; try again later' },
} as const;

export type GatewayErrorType = keyof typeof GATEWAY_ERRORS;

/** The body of a gateway error; `requestId` is `$context.requestId` in the deployed template. */
export function gatewayErrorBody(type: GatewayErrorType, requestId: string): string {
  const { code, message } = GATEWAY_ERRORS[type];
  return JSON.stringify({ error: { code, message, details: [], requestId } });
}
