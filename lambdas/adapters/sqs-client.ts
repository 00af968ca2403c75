import { SQSClient } from '@aws-sdk/client-sqs';

// Created once per container. The endpoint comes from AWS_ENDPOINT_URL_SQS locally; requests go to it, not to
// the host inside a queue URL (the emulator's URLs name a host that does not resolve; on AWS both are the same).
// A module of its own so that functions without SQS do not bundle its client.
export const sqsClient = new SQSClient({ useQueueUrlAsEndpoint: false });
