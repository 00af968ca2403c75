import type { TestProject } from 'vitest/node';
import { freePort, startDynamoDb, startSqs } from '../../local/emulators';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsEndpoint: string;
  }
}

/** DynamoDB Local and fauxqs, started once for the whole run; each test file makes its own table and queues. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDb({ port: await freePort() });
  const sqs = await startSqs({ port: 0 });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
  return async () => {
    await sqs.stop();
    await dynamo.stop();
  };
}
