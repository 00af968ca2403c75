import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoApiKeyRepository } from '../lambdas/adapters/api-key-repository';
import { ApiKeyService } from '../lambdas/core/access/api-key-service';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createApiGateway, loadRoutes } from './api-gateway';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDb,
  startSqs,
  useOrStartEmulator,
  type EmulatorChoice,
} from './emulators';
import { LOCAL_DESTINATIONS_ROLE_ARN, localClientConfig } from './local-settings';
import {
  DEFAULT_RETRY_SCHEDULE_SECONDS,
  DELIVERIES_QUEUE,
  EVENTS_QUEUE,
  PLATFORM_EVENTS_QUEUE,
  ORDERED_DELIVERIES_QUEUE,
  SLOW_ORDERED_DELIVERIES_QUEUE,
  FUNCTION_TIMEOUT_SECONDS,
  RECOVERIES_QUEUE,
  ERASURES_QUEUE,
  SLOW_DELIVERIES_QUEUE,
  type ConsumedQueueSettings,
} from '../lambdas/platform-settings';
import { provisionQueues, provisionTable, queueArn } from './provision';
import { localSecretsKey } from './secrets-key';
import { startPoller, type Poller, type SqsHandler } from './sqs-poller';
import { startDailySchedule } from './daily-schedule';

export interface PlatformOptions {
  apiPort: number;
  /** Use an emulator that is already running, or start one on this port. */
  dynamo: EmulatorChoice;
  sqs: EmulatorChoice;
  tableName: string;
  /** Prefixed to every queue name, so several platforms can share one emulator (tests). */
  queuePrefix?: string;
  retryScheduleSeconds?: readonly number[];
  /** Tests shorten the queues' visibility timeout, so that a crashed batch comes back in seconds. */
  visibilityTimeoutSeconds?: number;
  /** Extra environment for the handlers (cache time, log level...). */
  environment?: Record<string, string>;
  /**
   * Lets tests wrap a queue consumer (to crash it, to count calls); a method, so a wrapper typed for fewer names fits.
   */
  wrapConsumer?(
    name:
      | 'fan-out'
      | 'deliver'
      | 'deliver-slow-lane'
      | 'deliver-ordered'
      | 'deliver-ordered-slow-lane'
      | 'recover'
      | 'erase-tenant',
    handler: SqsHandler,
  ): SqsHandler;
  /** Called with the pollers' SQS client (the benchmarks count its requests). */
  onPollerClient?: (client: SQSClient) => void;
  /** Concurrent batches of each deliver lane's poller (default: the deployed maxConcurrency). */
  deliverConcurrency?: number;
}

export interface RunningPlatform {
  apiUrl: string;
  tableName: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  queues: Awaited<ReturnType<typeof provisionQueues>>;
  /** A client of the platform's table, for tools and tests (the handlers have their own). */
  documentClient: DynamoDBDocumentClient;
  apiKeys: ApiKeyService;
  /** Runs the daily certificate-expiry job now (it also runs on start and every 24 h, as its rule does on AWS). */
  announceCertificates(): Promise<void>;
  stop(): Promise<void>;
}

export { localClientConfig };

/**
 * Everything `npm start` runs, in this process: the emulators, the table and queues as lib/ defines
 * them, and the same Lambda handlers behind a local API Gateway. Handlers read their configuration from
 * the environment at import, exactly as in Lambda, so a process hosts one platform.
 */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const dynamo = await useOrStartEmulator(options.dynamo, startDynamoDb);
  const sqs = await useOrStartEmulator(options.sqs, startSqs);
  const dynamoClient = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  // the pollers' client: Lambda's event source mappings poll from AWS's fleet, not through one pool of sockets.
  // With the SDK's default of 50 sockets, the loops' one-second long polls (over 50 once the four deliver lanes
  // had 20 each) held every socket, and each receive waited about a second behind them
  const sqsClient = new SQSClient({
    ...localClientConfig(sqs.endpoint),
    requestHandler: { httpAgent: { maxSockets: Number.POSITIVE_INFINITY } },
  });
  await provisionTable(dynamoClient, options.tableName);
  const retryScheduleSeconds = options.retryScheduleSeconds ?? DEFAULT_RETRY_SCHEDULE_SECONDS;
  const queues = await provisionQueues(sqsClient, {
    prefix: options.queuePrefix,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
  });
  const documentClient = DynamoDBDocumentClient.from(dynamoClient);

  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    // fauxqs serves SNS on the same endpoint: customers' topics, for AWS destinations
    AWS_ENDPOINT_URL_SNS: sqs.endpoint,
    DESTINATIONS_ROLE_ARN: LOCAL_DESTINATIONS_ROLE_ARN,
    TABLE_NAME: options.tableName,
    ALLOW_HTTP_URLS: 'true',
    ALLOW_LOOPBACK_URLS: 'true',
    EVENTS_DLQ_URL: queues.events.dlqUrl,
    EVENTS_QUEUE_URL: queues.events.queueUrl,
    PLATFORM_EVENTS_QUEUE_URL: queues.platformEvents.queueUrl,
    // what the poller gives as its records' eventSourceARN, as Lambda does
    PLATFORM_EVENTS_QUEUE_ARN: queueArn(queues.platformEvents.queueUrl),
    DELIVERIES_QUEUE_URL: queues.deliveries.queueUrl,
    DELIVERIES_DLQ_URL: queues.deliveries.dlqUrl,
    SLOW_DELIVERIES_QUEUE_URL: queues.slowDeliveries.queueUrl,
    ORDERED_DELIVERIES_QUEUE_URL: queues.orderedDeliveries.queueUrl,
    SLOW_ORDERED_DELIVERIES_QUEUE_URL: queues.slowOrderedDeliveries.queueUrl,
    RECOVERIES_QUEUE_URL: queues.recoveries.queueUrl,
    RECOVERIES_DLQ_URL: queues.recoveries.dlqUrl,
    ERASURES_QUEUE_URL: queues.erasures.queueUrl,
    ERASURES_DLQ_URL: queues.erasures.dlqUrl,
    RETRY_SCHEDULE_SECONDS: retryScheduleSeconds.join(','),
    SECRETS_LOCAL_KEY: localSecretsKey(),
    POWERTOOLS_LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN',
    // embedded metrics are log lines for CloudWatch; on a laptop they would only flood the terminal
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...(options.visibilityTimeoutSeconds ? { EVENT_CLAIM_SECONDS: String(options.visibilityTimeoutSeconds) } : {}),
    ...options.environment,
  });

  // fan-out checks the team's catalog when imported (every schema compiled, each example checked): a catalog it
  // refuses stops the start here, before anything listens
  const { handler: fanOut } = (await import('../lambdas/events/fan-out')) as { handler: SqsHandler };
  const { handler: deliver } = (await import('../lambdas/events/deliver')) as { handler: SqsHandler };
  const { handler: deliverSlowLane } = (await import('../lambdas/events/deliver-slow-lane')) as { handler: SqsHandler };
  const { handler: deliverOrdered } = (await import('../lambdas/events/deliver-ordered')) as { handler: SqsHandler };
  const { handler: deliverOrderedSlowLane } = (await import('../lambdas/events/deliver-ordered-slow-lane')) as {
    handler: SqsHandler;
  };
  const { handler: recover } = (await import('../lambdas/events/recover')) as { handler: SqsHandler };
  const { handler: eraseTenant } = (await import('../lambdas/events/erase-tenant')) as { handler: SqsHandler };
  const { handler: announceCertificates } = await import('../lambdas/events/announce-certificates');
  const gateway = createApiGateway(await loadRoutes());
  await new Promise<void>((resolve, reject) => {
    gateway.once('error', reject);
    gateway.listen(options.apiPort, '127.0.0.1', resolve);
  });
  const { port } = gateway.address() as AddressInfo;

  options.onPollerClient?.(sqsClient);
  const wrap = options.wrapConsumer ?? ((_, handler) => handler);
  const logError = (error: unknown) => console.error('local SQS poller:', (error as Error).message);
  // each queue's event source mapping, with the deployed settings
  const consume = (
    queueUrl: string,
    settings: ConsumedQueueSettings,
    handler: SqsHandler,
    functionName: string,
    timeoutSeconds: number,
    concurrency = settings.maxConcurrency,
  ) =>
    startPoller({
      client: sqsClient,
      queueUrl,
      queueArn: queueArn(queueUrl),
      handler,
      functionName,
      timeoutSeconds,
      batchSize: settings.batchSize,
      maxBatchingWindowSeconds: settings.maxBatchingWindowSeconds,
      concurrency,
      onError: logError,
    });
  const pollers: Poller[] = [
    // two batches at once are plenty on a laptop
    consume(
      queues.events.queueUrl,
      EVENTS_QUEUE,
      wrap('fan-out', fanOut),
      'FanOut',
      FUNCTION_TIMEOUT_SECONDS.fanOut,
      2,
    ),
    consume(
      queues.platformEvents.queueUrl,
      PLATFORM_EVENTS_QUEUE,
      wrap('fan-out', fanOut),
      'FanOut',
      FUNCTION_TIMEOUT_SECONDS.fanOut,
      1,
    ),
    consume(
      queues.deliveries.queueUrl,
      DELIVERIES_QUEUE,
      wrap('deliver', deliver),
      'Deliver',
      FUNCTION_TIMEOUT_SECONDS.deliver,
      options.deliverConcurrency,
    ),
    consume(
      queues.slowDeliveries.queueUrl,
      SLOW_DELIVERIES_QUEUE,
      wrap('deliver-slow-lane', deliverSlowLane),
      'DeliverSlowLane',
      FUNCTION_TIMEOUT_SECONDS.deliver,
      options.deliverConcurrency,
    ),
    consume(
      queues.orderedDeliveries.queueUrl,
      ORDERED_DELIVERIES_QUEUE,
      wrap('deliver-ordered', deliverOrdered),
      'DeliverOrdered',
      FUNCTION_TIMEOUT_SECONDS.deliver,
      options.deliverConcurrency,
    ),
    consume(
      queues.slowOrderedDeliveries.queueUrl,
      SLOW_ORDERED_DELIVERIES_QUEUE,
      wrap('deliver-ordered-slow-lane', deliverOrderedSlowLane),
      'DeliverOrderedSlowLane',
      FUNCTION_TIMEOUT_SECONDS.deliver,
      options.deliverConcurrency,
    ),
    consume(
      queues.recoveries.queueUrl,
      RECOVERIES_QUEUE,
      wrap('recover', recover),
      'Recover',
      FUNCTION_TIMEOUT_SECONDS.recover,
    ),
    consume(
      queues.erasures.queueUrl,
      ERASURES_QUEUE,
      wrap('erase-tenant', eraseTenant),
      'EraseTenant',
      FUNCTION_TIMEOUT_SECONDS.eraseTenant,
    ),
  ];
  const certificateSchedule = startDailySchedule('AnnounceCertificates', announceCertificates);

  return {
    apiUrl: `http://127.0.0.1:${port}`,
    tableName: options.tableName,
    dynamoEndpoint: dynamo.endpoint,
    sqsEndpoint: sqs.endpoint,
    queues,
    documentClient,
    apiKeys: new ApiKeyService(new DynamoApiKeyRepository(documentClient, options.tableName)),
    announceCertificates: certificateSchedule.runNow,
    stop: async () => {
      await certificateSchedule.stop();
      await Promise.all(pollers.map((poller) => poller.stop()));
      sqsClient.destroy();
      dynamoClient.destroy();
      gateway.closeAllConnections();
      await new Promise((resolve) => gateway.close(resolve));
      await sqs.stop();
      await dynamo.stop();
    },
  };
}
