import { loadConfig, required } from '../adapters/config';
import { documentClient } from '../adapters/dynamo-client';
import { sqsPlatformEventQueue } from '../adapters/platform-queues';
import { sqsClient } from '../adapters/sqs-client';
import { SqsQueues } from '../adapters/sqs-queues';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { TestEventService } from '../core/events/test-event-service';
import { eventCatalog } from './event-catalog-instance';

// The test route's service on its own module, apart from the retry and recovery routes' (delivery-actions-instance.ts):
// importing those would bring their log queries and request schemas into this function's cold start (issue 26 §6).
const config = loadConfig();

export const testEventService = () =>
  new TestEventService({
    webhooks: new DynamoWebhookRepository(documentClient, config.TABLE_NAME),
    events: sqsPlatformEventQueue(
      new SqsQueues(sqsClient),
      required(config.PLATFORM_EVENTS_QUEUE_URL, 'PLATFORM_EVENTS_QUEUE_URL'),
    ),
    catalog: eventCatalog,
  });
