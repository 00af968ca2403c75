/**
 * The API's one error shape and every code it can carry. The other responses' schemas live with their concepts in
 * the core (the `*-resource.ts` and `*-resources.ts` files), which infers its response types from them.
 */
import { GATEWAY_ERRORS } from '../gateway-responses';
import { STATUS_BY_CODE } from '../error-response';
import { documented, text } from '../../core/common/schema-docs';
import * as z from 'zod/mini';

/** Every error code a caller can see, with its status: the handlers' and API Gateway's own. */
export const ERROR_STATUS: Record<string, number> = {
  ...STATUS_BY_CODE,
  ...Object.fromEntries(Object.values(GATEWAY_ERRORS).map(({ code, statusCode }) => [code, statusCode])),
};

export const ErrorBody = documented(
  z.strictObject({
    error: z.strictObject({
      code: documented(z.enum(Object.keys(ERROR_STATUS) as [string, ...string[]]), {
        description: 'machine-readable; the status of each is listed with the responses',
      }),
      message: text('for people; names the first problem'),
      details: z.array(
        z.strictObject({ path: text('the field or parameter, dotted (events.0)'), message: z.string() }),
      ),
      requestId: text('quote it when asking for help'),
    }),
  }),
  { id: 'Error', description: 'The one error shape of the API' },
);
