/**
 * Bodies API Gateway itself returns (before any handler runs), in the API's error shape. The stack installs
 * them as gateway responses; the local runtime returns the same bodies.
 */
export const GATEWAY_ERRORS = {
  UNAUTHORIZED: { statusCode: 401, code: 'unauthorized', message: 'Missing or invalid API key' },
  /**
   * A caller IAM does not allow: an `/admin` call whose signer's policy does not allow `execute-api:Invoke` on the
   * method (docs/design.md §16). (The authorizer never denies: it refuses a credential as UNAUTHORIZED.)
   */
  ACCESS_DENIED: {
    statusCode: 403,
    code: 'forbidden',
    message: "The caller's IAM policy does not allow execute-api:Invoke on this method",
  },
  /**
   * API Gateway's answer both to an unknown route and to an `/admin` (IAM) method called without a SigV4 signature:
   * it cannot tell them apart, so neither says which (docs/design.md §16).
   */
  MISSING_AUTHENTICATION_TOKEN: {
    statusCode: 403,
    code: 'forbidden',
    message: 'No such route, or it needs a SigV4 signature (the /admin routes)',
  },
  /** An `/admin` call whose signature, access key or signed headers do not check out. */
  INVALID_SIGNATURE: {
    statusCode: 403,
    code: 'forbidden',
    message: 'The SigV4 signature does not match, or its access key is not allowed',
  },
  EXPIRED_TOKEN: {
    statusCode: 403,
    code: 'forbidden',
    message: 'The signature is more than 15 minutes from the current time, or its credentials expired',
  },
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
