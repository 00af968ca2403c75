import { loadConfig } from '../adapters/config';
import { DynamoDeliveryLogReader } from '../adapters/delivery-log-reader';
import { documentClient } from '../adapters/dynamo-client';
import { DynamoEventLogRepository } from '../adapters/event-log-repository';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { DeliveryLogService } from '../core/log/delivery-log-service';
import { EventLogService } from '../core/log/event-log-service';

const config = loadConfig();
const stores = {
  webhooks: new DynamoWebhookRepository(documentClient, config.TABLE_NAME),
  deliveries: new DynamoDeliveryLogReader(documentClient, config.TABLE_NAME),
  events: new DynamoEventLogRepository(documentClient, config.TABLE_NAME),
  retentionDays: config.EVENT_RETENTION_DAYS,
};

/** The read side of the delivery log and the audit trail, built once per container from the environment. */
export const deliveryLogService = new DeliveryLogService(stores);
export const eventLogService = new EventLogService(stores);
