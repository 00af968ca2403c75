import { eventCatalog } from './event-catalog-instance';
import { apiHandler } from './http-handler';

export const handler = apiHandler(async () => ({ statusCode: 200, body: { data: eventCatalog.entries } }), {
  takesBody: false,
});
