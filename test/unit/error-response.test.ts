import { describe, expect, it } from 'vitest';
import { toErrorResponse } from '../../lambdas/api/error-response';
import {
  DomainError,
  InvalidJsonError,
  LimitExceededError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../lambdas/core/common/errors';

describe('Function: toErrorResponse', () => {
  it.each([
    [new InvalidJsonError(), 400, 'invalid_json'],
    [new ValidationError('bad', [{ path: 'url', message: 'bad' }]), 400, 'validation_error'],
    [new DomainError('unauthorized', 'no'), 401, 'unauthorized'],
    [new NotFoundError(), 404, 'not_found'],
    [new LimitExceededError(100), 409, 'limit_exceeded'],
    [new PayloadTooLargeError(65536), 413, 'payload_too_large'],
    [new UnsupportedMediaTypeError(), 415, 'unsupported_media_type'],
    [Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 }), 415, 'unsupported_media_type'],
    [Object.assign(new Error('Invalid or malformed JSON'), { statusCode: 422 }), 400, 'invalid_json'],
  ])('maps %s to %i %s', (error, statusCode, code) => {
    const response = toErrorResponse(error, 'req-1');
    expect(response.statusCode).toBe(statusCode);
    expect(response.body.error).toMatchObject({
      code,
      requestId: 'req-1',
      message: expect.any(String),
      details: expect.any(Array),
    });
  });

  it('turns anything unexpected into a 500 that reveals nothing about it', () => {
    const response = toErrorResponse(new Error('ECONNREFUSED 10.0.0.5:8000 secret=whsec_abc'), 'req-2');
    expect(response).toEqual({
      statusCode: 500,
      body: {
        error: {
          code: 'internal_error',
          message: 'An internal error occurred; try again later',
          details: [],
          requestId: 'req-2',
        },
      },
    });
  });
});
