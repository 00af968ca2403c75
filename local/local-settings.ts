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

/** The emulators take any credentials; clients of the local stack use these (a light module: the CLIs import it). */
export const LOCAL_REGION = 'us-east-1';
/**
 * The platform's destinations role, as the API and deliver functions see it locally: an account of its own, so
 * fauxqs's queues and topics (account 000000000000) are a customer's. Nothing assumes it: with AWS_ENDPOINT_URL_SQS
 * set, deliveries into queues and topics go to fauxqs with the local credentials.
 */
export const LOCAL_DESTINATIONS_ROLE_ARN = 'arn:aws:iam::111111111111:role/local-destinations';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export const localClientConfig = (endpoint: string) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});
