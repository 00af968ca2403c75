import { DomainError, InvalidJsonError, UnsupportedMediaTypeError, type ErrorCode, type ErrorDetail } from '../core/errors';

/** The HTTP status of each error code (the API description lists them per status). */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_json: 400,
  validation_error: 400,
  unauthorized: 401,
  not_found: 404,
  limit_exceeded: 409,
  webhook_inactive: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal_error: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetail[]; requestId: string };
}

export interface HttpErrorResponse {
  statusCode: number;
  body: ErrorBody;
}

/** middy's own HTTP errors (from the JSON body parser) carry a status; map them onto our codes. */
function fromHttpStatus(statusCode: number): DomainError | undefined {
  if (statusCode === 415) return new UnsupportedMediaTypeError();
  if (statusCode === 400 || statusCode === 422) return new InvalidJsonError();
  return undefined;
}

/** The one error shape of the API. Anything that is not a known error becomes a 500 with no internals in it. */
export function toErrorResponse(error: unknown, requestId: string): HttpErrorResponse {
  const status = (error as { statusCode?: unknown })?.statusCode;
  const known = error instanceof DomainError ? error : typeof status === 'number' ? fromHttpStatus(status) : undefined;
  const domainError = known ?? new DomainError('internal_error', 'An internal error occurred; try again later');
  return {
    statusCode: STATUS_BY_CODE[domainError.code],
    body: { error: { code: domainError.code, message: domainError.message, details: domainError.details, requestId } },
  };
}

export const isServerError = (response: HttpErrorResponse) => response.statusCode >= 500;
