import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda';
import { DynamoApiKeyRepository } from '../../lambdas/adapters/api-key-repository';
import { ApiKeyService } from '../../lambdas/core/access/api-key-service';
import { createApiGateway, type MountedRoute } from '../api-gateway';
import { LOCAL_REGION, startDynamoDb, startSqs, useOrStartEmulator, type EmulatorChoice } from '../emulators';
import { localClientConfig } from '../local-settings';
import { localSecretsKey } from '../secrets-key';
import { startPoller, type Poller } from '../sqs-poller';
import { startDailySchedule, type Schedule } from '../daily-schedule';
import { startCallRecorder, type RecordedCall } from './call-recorder';
import { freshCloudAssembly, resourcesOfType, type CloudAssembly, type TemplateResource } from './cloud-assembly';
import { DeployedFunction } from './deployed-function';
import { evaluateCalls, type FunctionReport } from './iam-evaluation';
import type { TableKeys } from './iam-requests';
import { resolve, type ResolutionScope, type ResolvedResource, type TemplateValue } from './intrinsics';

export const LOCAL_ACCOUNT = '000000000000';

/**
 * The only variables the local runtime changes in a function's environment, each for a reason a laptop
 * imposes: the receivers of a laptop are plain http on loopback, which a deployment refuses by design.
 */
export const LOCAL_OVERRIDES = { ALLOW_HTTP_URLS: 'true', ALLOW_LOOPBACK_URLS: 'true' } as const;

export interface ArtifactPlatformOptions {
  apiPort: number;
  dynamo: EmulatorChoice;
  sqs: EmulatorChoice;
  /** The cloud assembly to run (default: the project's cdk.out, synthesized first when stale). */
  assembly?: CloudAssembly;
  /** Prefixed to the table's and every queue's name, so several runs can share one emulator (tests). */
  namePrefix?: string;
  /** Added to every function's environment (LOG_LEVEL...): never a variable the template sets. */
  diagnostics?: Record<string, string>;
}

export interface RunningArtifactPlatform {
  apiUrl: string;
  assembly: CloudAssembly;
  /** The stack's outputs, resolved to the local resources (EventsQueueUrl, TableName, DeliveriesDlqUrl...). */
  outputs: Record<string, string>;
  /**
   * Every distinct call a function (or its event source mapping, which signs as the function's role) made to DynamoDB
   * or SQS.
   */
  calls: RecordedCall[];
  /** Each function's logical id, by the role its calls are signed as. */
  roleOfFunction: Record<string, string>;
  documentClient: DynamoDBDocumentClient;
  apiKeys: ApiKeyService;
  /** Checks the calls recorded so far against each function's policies in the template (or in a variant of it). */
  evaluateIam(template?: CloudAssembly['template']): Promise<FunctionReport[]>;
  /** Runs every scheduled rule's function now (they also run on start and daily). */
  runSchedules(): Promise<void>;
  stop(): Promise<void>;
}

const logicalIdIn = (value: TemplateValue | undefined): string | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) && 'Ref' in value ? (value.Ref as string) : undefined;

/** How the local gateway checks each method's callers, by the template's AuthorizationType. */
const AUTHORIZATION_TYPES: Record<string, MountedRoute['authorization']> = { CUSTOM: 'CUSTOM', AWS_IAM: 'AWS_IAM' };

/** The function an integration or authorizer URI invokes: the one `Fn::GetAtt [<function>, Arn]` inside it. */
function invokedFunction(uri: TemplateValue | undefined, functions: ReadonlyMap<string, unknown>): string {
  const found = JSON.stringify(uri).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/g) ?? [];
  const ids = new Set(found.map((match) => match.split('"')[3]!).filter((id) => functions.has(id)));
  if (ids.size !== 1) throw new Error(`cannot tell which function ${JSON.stringify(uri)} invokes`);
  return [...ids][0]!;
}

function resourcePath(template: CloudAssembly['template'], resourceId: string): string {
  const resource = template.Resources[resourceId];
  if (!resource) return '';
  const parent = logicalIdIn(resource.Properties!.ParentId);
  return `${parent ? resourcePath(template, parent) : ''}/${resource.Properties!.PathPart as string}`;
}

type KeySchema = { AttributeName: string; KeyType: string }[];
const hashKey = (schema: KeySchema) => schema.find((key) => key.KeyType === 'HASH')!.AttributeName;

function keyAttributes(properties: Record<string, unknown>): Omit<TableKeys, 'arn'> {
  const indexes =
    (properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: KeySchema }[] | undefined) ?? [];
  return {
    partitionKey: hashKey(properties.KeySchema as KeySchema),
    indexPartitionKeys: Object.fromEntries(indexes.map((index) => [index.IndexName, hashKey(index.KeySchema)])),
  };
}

async function createTable(client: DynamoDBClient, name: string, properties: Record<string, unknown>): Promise<void> {
  const indexes = properties.GlobalSecondaryIndexes as
    | { IndexName: string; KeySchema: unknown; Projection: unknown }[]
    | undefined;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: properties.AttributeDefinitions,
      KeySchema: properties.KeySchema,
      BillingMode: 'PAY_PER_REQUEST',
      ...(indexes
        ? {
            GlobalSecondaryIndexes: indexes.map(({ IndexName, KeySchema, Projection }) => ({
              IndexName,
              KeySchema,
              Projection,
            })),
          }
        : {}),
    } as CreateTableCommandInput),
  );
  const ttl = properties.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean } | undefined;
  if (ttl) await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: ttl }));
}

const QUEUE_ATTRIBUTES = [
  'VisibilityTimeout',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'MaximumMessageSize',
  'ReceiveMessageWaitTimeSeconds',
];

/**
 * The platform `cdk deploy` ships, on a laptop: the table, queues, functions, API methods and event source
 * mappings are read from the synthesized template, each function runs its bundle from the assembly with its
 * template environment (references resolved to the emulators' resources), and every AWS call a function makes is
 * recorded for the IAM check.
 */
export async function startArtifactPlatform(options: ArtifactPlatformOptions): Promise<RunningArtifactPlatform> {
  const assembly = options.assembly ?? freshCloudAssembly();
  const { template, stackName } = assembly;
  const prefix = options.namePrefix ?? '';
  const dynamo = await useOrStartEmulator(options.dynamo, startDynamoDb);
  const sqs = await useOrStartEmulator(options.sqs, startSqs);
  const calls: RecordedCall[] = [];
  // a poller repeats the same receive every second: distinct calls keep a long session's memory bounded
  const seen = new Set<string>();
  const record = (call: RecordedCall) => {
    const key = JSON.stringify(call);
    if (seen.has(key)) return;
    seen.add(key);
    calls.push(call);
  };
  const dynamoRecorder = await startCallRecorder('dynamodb', dynamo.endpoint, record);
  const sqsRecorder = await startCallRecorder('sqs', sqs.endpoint, record);
  const dynamoClient = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  const operatorSqs = new SQSClient(localClientConfig(sqs.endpoint));

  const resources = new Map<string, ResolvedResource>();
  const scope: ResolutionScope = {
    pseudo: {
      'AWS::Region': LOCAL_REGION,
      'AWS::AccountId': LOCAL_ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stackName,
    },
    resources,
  };
  const physicalName = (logicalId: string) => `${prefix}${stackName}-${logicalId}`;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;
  // everything else resolves to a name of its own, so a reference to it is a value, never a failure
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const name = physicalName(logicalId);
    const byType: Record<string, () => ResolvedResource> = {
      'AWS::Lambda::Function': () => ({ ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } }),
      'AWS::IAM::Role': () => ({
        ref: name,
        attributes: { Arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`, RoleId: logicalId },
      }),
      'AWS::SNS::Topic': () => ({ ref: arn('sns', name), attributes: { TopicName: name } }),
      'AWS::ApiGateway::RestApi': () => ({ ref: logicalId, attributes: { RootResourceId: `${logicalId}Root` } }),
    };
    resources.set(logicalId, byType[resource.Type]?.() ?? { ref: name, attributes: { Arn: arn('local', name) } });
  }

  const tables = new Map<string, TableKeys>();
  for (const type of ['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table']) {
    for (const [logicalId, resource] of resourcesOfType(template, type)) {
      const name = physicalName(logicalId);
      const properties = resource.Properties as Record<string, unknown>;
      await createTable(dynamoClient, name, properties);
      resources.set(logicalId, { ref: name, attributes: { Arn: arn('dynamodb', `table/${name}`) } });
      tables.set(name, { arn: arn('dynamodb', `table/${name}`), ...keyAttributes(properties) });
    }
  }

  // dead-letter queues first: a queue's redrive policy names its DLQ's ARN
  const queues = resourcesOfType(template, 'AWS::SQS::Queue').sort(
    ([, a], [, b]) => Number(Boolean(a.Properties?.RedrivePolicy)) - Number(Boolean(b.Properties?.RedrivePolicy)),
  );
  for (const [logicalId, resource] of queues) {
    const properties = resolve(resource.Properties as TemplateValue, scope) as Record<string, unknown>;
    const name = physicalName(logicalId) + (properties.FifoQueue ? '.fifo' : '');
    const attributes = Object.fromEntries(
      QUEUE_ATTRIBUTES.filter((key) => properties[key] !== undefined).map((key) => [key, String(properties[key])]),
    );
    if (properties.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(properties.RedrivePolicy);
    const { QueueUrl } = await operatorSqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    resources.set(logicalId, {
      ref: QueueUrl!,
      attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: QueueUrl! },
    });
  }

  const functions = new Map<string, DeployedFunction>();
  const roleOfFunction: Record<string, string> = {};
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const properties = resource.Properties!;
    const roleId = JSON.stringify(properties.Role).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/)?.[1];
    if (!roleId) throw new Error(`${logicalId} has no role of the template`);
    roleOfFunction[logicalId] = roleId;
    const variables = resolve(
      (properties.Environment as { Variables?: TemplateValue } | undefined)?.Variables ?? {},
      scope,
    ) as Record<string, string>;
    const layerDirectories = ((properties.Layers as TemplateValue[] | undefined) ?? []).map((layer) =>
      assembly.assetDirectory(
        (template.Resources[logicalIdIn(layer)!]!.Properties!.Content as { S3Key: string }).S3Key,
      ),
    );
    const functionName = resources.get(logicalId)!.ref;
    const memorySize = Number(properties.MemorySize ?? 128);
    functions.set(
      logicalId,
      new DeployedFunction({
        logicalId,
        functionName,
        functionArn: resources.get(logicalId)!.attributes.Arn!,
        codeDirectory: assembly.assetDirectory((properties.Code as { S3Key: string }).S3Key),
        handler: properties.Handler as string,
        timeoutSeconds: Number(properties.Timeout ?? 3),
        memorySize,
        environment: {
          ...options.diagnostics,
          ...lambdaRuntimeVariables({
            functionName,
            memorySize,
            handler: properties.Handler as string,
            principal: roleId,
          }),
          // a layer's files are under /opt on Lambda; here they are in the layer's asset directory
          ...Object.fromEntries(
            Object.entries(variables).map(([name, value]) => [
              name,
              layerDirectories[0] && value.startsWith('/opt') ? value.replace('/opt', layerDirectories[0]) : value,
            ]),
          ),
          ...localOverrides(variables),
          ...localSecretsKeyFor(variables),
          AWS_ENDPOINT_URL_DYNAMODB: dynamoRecorder.endpoint,
          AWS_ENDPOINT_URL_SQS: sqsRecorder.endpoint,
        },
      }),
    );
  }
  await Promise.all([...functions.values()].map((fn) => fn.started()));

  const methods = resourcesOfType(template, 'AWS::ApiGateway::Method');
  const authorizers = resourcesOfType(template, 'AWS::ApiGateway::Authorizer');
  if (authorizers.length !== 1)
    throw new Error(`the local gateway runs one authorizer; the template has ${authorizers.length}`);
  const authorizer = functions.get(invokedFunction(authorizers[0]![1].Properties!.AuthorizerUri, functions))!;
  const routes: MountedRoute[] = methods.map(([, method]: [string, TemplateResource]) => {
    const properties = method.Properties!;
    const target = functions.get(invokedFunction((properties.Integration as { Uri: TemplateValue }).Uri, functions))!;
    return {
      method: properties.HttpMethod as string,
      resource: resourcePath(template, logicalIdIn(properties.ResourceId)!),
      authorization: AUTHORIZATION_TYPES[properties.AuthorizationType as string] ?? 'NONE',
      handler: (event) => target.invoke<APIGatewayProxyResult>(event),
    };
  });
  const gateway = createApiGateway({
    routes,
    authorizer: (event) => authorizer.invoke<APIGatewayAuthorizerResult>(event),
  });
  await new Promise<void>((ready, fail) => {
    gateway.once('error', fail);
    gateway.listen(options.apiPort, '127.0.0.1', ready);
  });

  // each event source mapping polls with its function's role, as Lambda's does
  const pollers: Poller[] = [];
  const pollerClients: SQSClient[] = [];
  for (const [, mapping] of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
    const properties = mapping.Properties!;
    const target = functions.get(logicalIdIn(properties.FunctionName)!)!;
    const queue = [...resources.values()].find(
      (resource) => resource.attributes.Arn === resolve(properties.EventSourceArn, scope),
    )!;
    const client = new SQSClient({
      endpoint: sqsRecorder.endpoint,
      region: LOCAL_REGION,
      credentials: { accessKeyId: roleOfFunction[target.spec.logicalId]!, secretAccessKey: 'local' },
    });
    pollerClients.push(client);
    pollers.push(
      startPoller({
        client,
        queueUrl: queue.ref,
        queueArn: queue.attributes.Arn!,
        handler: (event) => target.invoke<SQSBatchResponse | undefined>(event),
        functionName: target.spec.functionName,
        timeoutSeconds: target.spec.timeoutSeconds,
        batchSize: Number(properties.BatchSize ?? 10),
        maxBatchingWindowSeconds: Number(properties.MaximumBatchingWindowInSeconds ?? 0),
        concurrency: Number(
          (properties.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 2,
        ),
        onError: (error) => console.error(`${target.spec.logicalId}:`, (error as Error).message),
      }),
    );
  }

  // each scheduled rule's targets, as EventBridge runs them (the rules are daily): once on start, then every day
  const schedules: Schedule[] = resourcesOfType(template, 'AWS::Events::Rule')
    .filter(([, rule]) => rule.Properties?.ScheduleExpression)
    .flatMap(([ruleId, rule]) =>
      (rule.Properties!.Targets as { Arn: TemplateValue }[]).map((target) => {
        const scheduled = functions.get(invokedFunction(target.Arn, functions))!;
        return startDailySchedule(ruleId, () =>
          scheduled.invoke({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }),
        );
      }),
    );

  const documentClient = DynamoDBDocumentClient.from(dynamoClient);
  const outputs = Object.fromEntries(
    Object.entries(template.Outputs ?? {}).map(([name, output]) => [name, String(resolve(output.Value, scope))]),
  );
  return {
    apiUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`,
    assembly,
    outputs,
    calls,
    roleOfFunction,
    documentClient,
    apiKeys: new ApiKeyService(new DynamoApiKeyRepository(documentClient, outputs.TableName!)),
    evaluateIam: (variant = template) =>
      evaluateCalls({
        template: variant,
        resolve: (value) => resolve(value, scope),
        calls,
        roleOfFunction,
        tables,
        queueArn: (queueUrl) => {
          const queue = [...resources.values()].find((resource) => resource.attributes.QueueUrl === queueUrl);
          if (!queue) throw new Error(`a call to queue ${queueUrl}, which the template does not define`);
          return queue.attributes.Arn!;
        },
        accountId: LOCAL_ACCOUNT,
      }),
    runSchedules: async () => {
      await Promise.all(schedules.map((schedule) => schedule.runNow()));
    },
    stop: async () => {
      await Promise.all(schedules.map((schedule) => schedule.stop()));
      await Promise.all(pollers.map((poller) => poller.stop()));
      gateway.closeAllConnections();
      await new Promise((done) => gateway.close(done));
      await Promise.all([...functions.values()].map((fn) => fn.stop()));
      for (const client of [...pollerClients, operatorSqs]) client.destroy();
      dynamoClient.destroy();
      await dynamoRecorder.stop();
      await sqsRecorder.stop();
      await sqs.stop();
      await dynamo.stop();
    },
  };
}

/**
 * What Lambda's runtime puts in every function's environment; the credentials name the function's role, so the recorder
 * knows who called.
 */
function lambdaRuntimeVariables({
  functionName,
  memorySize,
  handler,
  principal,
}: {
  functionName: string;
  memorySize: number;
  handler: string;
  principal: string;
}) {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_ACCESS_KEY_ID: principal,
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    _HANDLER: handler,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  };
}

/**
 * No KMS here: a function the template gives the SecretsKey (SECRETS_KEY_ARN, emptied) seals with the local key
 * instead, as `npm start`'s do; the others get neither.
 */
function localSecretsKeyFor(variables: Record<string, string>): Record<string, string> {
  return 'SECRETS_KEY_ARN' in variables ? { SECRETS_KEY_ARN: '', SECRETS_LOCAL_KEY: localSecretsKey() } : {};
}

/**
 * The overrides, applied only to a variable the template sets: nothing the template left out is filled in.
 * ENDPOINT_VERIFICATION, when set, chooses as it does for `npm start` (the tests run with it off).
 */
function localOverrides(variables: Record<string, string>): Record<string, string> {
  const chosen = process.env.ENDPOINT_VERIFICATION;
  const overrides = { ...LOCAL_OVERRIDES, ...(chosen ? { ENDPOINT_VERIFICATION: chosen } : {}) };
  return Object.fromEntries(Object.entries(overrides).filter(([name]) => name in variables));
}
