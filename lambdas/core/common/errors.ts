/** Machine-readable error codes a caller can see; mapped to HTTP statuses once, at the API edge. */
export type ErrorCode =
  | 'invalid_json'
  | 'validation_error'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'limit_exceeded'
  | 'webhook_inactive'
  | 'endpoint_not_verified'
  | 'verification_off'
  | 'recovery_in_progress'
  | 'erasure_in_progress'
  | 'tenant_erased'
  | 'event_erased'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'identity_provider_unavailable'
  | 'internal_error';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('validation_error', message, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(message = 'Webhook not found') {
    super('not_found', message);
  }
}

export class LimitExceededError extends DomainError {
  constructor(limit: number) {
    super('limit_exceeded', `A tenant can hold at most ${limit} webhooks; delete one before creating another`);
  }
}

/** Deliveries to a paused or disabled webhook would only be skipped: re-activate it first. */
export class WebhookInactiveError extends DomainError {
  constructor() {
    super('webhook_inactive', 'The webhook is paused or disabled; set active to true before sending to it');
  }
}

/** Deliveries to an endpoint that has not answered the verification challenge would only be skipped. */
export class EndpointNotVerifiedError extends DomainError {
  constructor() {
    super(
      'endpoint_not_verified',
      "The webhook's endpoint has not answered the verification challenge yet; " +
        'POST /v2/webhooks/{id}/verify starts it again',
    );
  }
}

/** `POST …/verify` where endpoints are not verified: the tenant's setting, else the deployment's, is `off`. */
export class VerificationOffError extends DomainError {
  constructor() {
    super('verification_off', "This tenant's endpoints are not verified (endpointVerification is off)");
  }
}

export class InvalidJsonError extends DomainError {
  constructor(message = 'The request body is not valid JSON') {
    super('invalid_json', message);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super('payload_too_large', `The request body is larger than ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor() {
    super('unsupported_media_type', 'The request body must be sent with Content-Type: application/json');
  }
}

/** A second recovery of a webhook while one runs: each failed delivery is recovered once, by one recovery. */
export class RecoveryInProgressError extends DomainError {
  constructor(readonly runningRecoveryId: string) {
    super(
      'recovery_in_progress',
      `Recovery ${runningRecoveryId} of this webhook is still running; wait for it to finish before starting another`,
    );
  }
}

/** A second erasure of a tenant while one runs (docs/design.md §16). */
export class ErasureInProgressError extends DomainError {
  constructor(readonly runningErasureId: string) {
    super(
      'erasure_in_progress',
      `Erasure ${runningErasureId} of this tenant is still running; GET /admin/erasures/${runningErasureId} shows it`,
    );
  }
}

/** A change for a tenant that is being erased or was erased: nothing new is written for it. */
export class TenantErasedError extends DomainError {
  constructor(tenantId: string, erasureId: string) {
    super('tenant_erased', `Tenant ${tenantId} is being erased or was erased (erasure ${erasureId})`);
  }
}

/** A retry of an event whose payload was erased: there is nothing left to send. */
export class EventErasedError extends DomainError {
  constructor(eventId: string) {
    super('event_erased', `The payload of event ${eventId} was erased: there is nothing to send`);
  }
}

/** A manual action over its limit; the API answers 429 with Retry-After. */
export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message);
  }
}

/**
 * The team's identity provider could not be asked about a token (its JWKS unreachable, hanging or broken): not the
 * caller's fault, and not a verdict on the token. The authorizer fails, and API Gateway answers 503.
 */
export class IdentityProviderUnavailableError extends DomainError {
  constructor(reason: string) {
    super('identity_provider_unavailable', `The identity provider could not be reached to verify the token: ${reason}`);
  }
}

/** What a caught value says, whatever was thrown. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
