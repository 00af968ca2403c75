/** Defaults of the local stack; ports can be moved with environment variables. */
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const LOCAL_PORTS = {
  api: port('API_PORT', 3000),
  dynamo: port('DYNAMODB_PORT', 8000),
  sqs: port('SQS_PORT', 4566),
  receiver: port('RECEIVER_PORT', 4000),
};

export const LOCAL_TABLE_NAME = 'webhooks';
export const LOCAL_DATA_DIR = process.env.LOCAL_DATA_DIR ?? '.local';
