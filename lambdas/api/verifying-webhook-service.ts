import { required } from '../adapters/config';
import { sqsVerificationQueue } from '../adapters/platform-queues';
import { sqsClient } from '../adapters/sqs-client';
import { SqsQueues } from '../adapters/sqs-queues';
import { WebhookService } from '../core/webhooks/webhook-service';
import { config, webhookServiceSettings } from './webhook-service-instance';

/**
 * The service of the routes that give a webhook a URL (create, update) or start its verification again: with
 * endpoint verification on (docs/design.md §18), each queues the run's first challenge on the deliveries queue,
 * which routes.ts gives them. A module of its own, so the other routes do not bundle the SQS client.
 */
export const verifyingWebhookService = new WebhookService({
  ...webhookServiceSettings,
  verification: {
    mode: config.ENDPOINT_VERIFICATION,
    // a tenant may verify its endpoints on a deployment that does not (its endpointVerification setting)
    queue: sqsVerificationQueue(
      new SqsQueues(sqsClient),
      required(config.DELIVERIES_QUEUE_URL, 'DELIVERIES_QUEUE_URL'),
    ),
  },
});
