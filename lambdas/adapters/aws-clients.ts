import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// Created once per container and reused by every invocation. Endpoints come from the SDK's own
// AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SQS variables, which the local runtime sets.
export const dynamoClient = new DynamoDBClient({});
export const documentClient = DynamoDBDocumentClient.from(dynamoClient, {
  marshallOptions: { removeUndefinedValues: true },
});
// Requests go to the configured endpoint, not to the host inside a queue URL (the emulator's URLs name a host
// that does not resolve; on AWS both are the same).
export const sqsClient = new SQSClient({ useQueueUrlAsEndpoint: false });
