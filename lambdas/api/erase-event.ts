import { documentClient } from '../adapters/dynamo-client';
import { loadConfig } from '../adapters/config';
import { DynamoEventErasureRepository } from '../adapters/event-erasure-repository';
import { EventErasureService } from '../core/events/event-erasure';
import { adminHandler } from './http-handler';

const config = loadConfig();
const erasure = new EventErasureService(new DynamoEventErasureRepository(documentClient, config.TABLE_NAME));

/** 204: the erasure is done before the answer (one event, its records, the tenant's webhooks: all bounded). */
export const handler = adminHandler(
  async ({ pathParameters }) => {
    await erasure.erase(pathParameters.tenantId, pathParameters.eventId);
    return { statusCode: 204 };
  },
  { takesBody: false },
);
