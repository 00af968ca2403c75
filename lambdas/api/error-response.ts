import {
  DomainError,
  InvalidJsonError,
  RateLimitedError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ErrorCode,
  type ErrorDetail,
} from '../core/common/errors';

/** The HTTP status of each error code (the API description lists them per status). */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_json: 400,
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  limit_exceeded: 409,
  webhook_inactive: 409,
  endpoint_not_verified: 409,
  verification_off: 409,
  recovery_in_progress: 409,
  erasure_in_progress: 409,
  tenant_erased: 409,
  event_erased: 409,
  rate_limited: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  identity_provider_unavailable: 503,
  internal_error: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetail[]; requestId: string };
}

export interface HttpErrorResponse {
  statusCode: number;
  body: ErrorBody;
  /** Retry-After (seconds) on a 429 the platform itself answers. */
  headers?: Record<string, string>;
}

/** middy's own HTTP errors (from the JSON body parser) carry a status; map them onto our codes. */
function fromHttpStatus(
  statusCode: number,
  error: { message?: string; cause?: { data?: unknown } },
): DomainError | undefined {
  if (statusCode === 415) return new UnsupportedMediaTypeError();
  if (statusCode === 422 && error.message === 'Forbidden key in JSON body') {
    // the parser refuses keys that could reach an object's prototype, wherever they are (a filter path included)
    const key = String(error.cause?.data ?? '__proto__');
    const message = `"${key}" is never accepted as a key, anywhere in the body (a filter path cannot be ${key} either)`;
    return new ValidationError(`Invalid request: ${message}`, [{ path: key, message }]);
  }
  if (statusCode === 400 || statusCode === 422) return new InvalidJsonError();
  return undefined;
}

/** The one error shape of the API. Anything that is not a known error becomes a 500 with no internals in it. */
export function toErrorResponse(error: unknown, requestId: string): HttpErrorResponse {
  const status = (error as { statusCode?: unknown })?.statusCode;
  const known =
    error instanceof DomainError
      ? error
      : typeof status === 'number'
        ? fromHttpStatus(status, error as { message?: string; cause?: { data?: unknown } })
        : refusedByTable(error);
  const domainError = known ?? new DomainError('internal_error', 'An internal error occurred; try again later');
  return {
    statusCode: STATUS_BY_CODE[domainError.code],
    body: { error: { code: domainError.code, message: domainError.message, details: domainError.details, requestId } },
    ...(domainError instanceof RateLimitedError
      ? { headers: { 'Retry-After': String(domainError.retryAfterSeconds) } }
      : {}),
  };
}

/**
 * DynamoDB refused a value of the request as the caller's fault (a string it cannot store, an item too large): never a
 * 500.
 */
function refusedByTable(error: unknown): DomainError | undefined {
  if ((error as { name?: string })?.name !== 'ValidationException') return undefined;
  return new ValidationError(
    'Invalid request: it holds a value the platform cannot store; check the text of every field',
  );
}

export const isServerError = (response: HttpErrorResponse) => response.statusCode >= 500;
