import { EVENT_CATALOG } from '../core/event-catalog';
import { apiHandler } from './http-handler';

export const handler = apiHandler(async () => ({ statusCode: 200, body: { data: EVENT_CATALOG } }), { takesBody: false });
