import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { freePort, startDynamoDb, startSqs } from '../local/emulators';
import { localClientConfig } from '../local/platform';
import { provisionQueues, provisionTable } from '../local/provision';
import { deliverEnvironment } from './deliveries';

/**
 * DynamoDB Local and fauxqs with the table and queues the deliver lanes use, and the lanes' environment set in this
 * process (child processes inherit it): the emulators' endpoints and a local data key standing in for KMS.
 */
export async function startDeliverStack(): Promise<{ stop(): Promise<void> }> {
  const dynamo = await startDynamoDb({ port: await freePort() });
  const sqs = await startSqs({ port: 0 });
  await provisionTable(new DynamoDBClient(localClientConfig(dynamo.endpoint)), 'bench');
  const queues = await provisionQueues(new SQSClient(localClientConfig(sqs.endpoint)));
  deliverEnvironment(
    'bench',
    queues.deliveries.queueUrl,
    queues.slowDeliveries.queueUrl,
    queues.deliveries.dlqUrl,
    queues.platformEvents.queueUrl,
  );
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    SECRETS_LOCAL_KEY: randomBytes(32).toString('base64'),
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  return {
    stop: async () => {
      await sqs.stop();
      await dynamo.stop();
    },
  };
}

/** Creates a webhook of the bench tenant through the API's own service (secrets sealed as the API seals them). */
export async function createWebhook(body: Record<string, unknown>): Promise<string> {
  const { webhookService } = await import('../lambdas/api/webhook-service-instance');
  return (await webhookService.create('bench', { events: ['verification.completed'], ...body })).id;
}
