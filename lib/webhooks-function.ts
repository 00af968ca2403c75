import { RemovalPolicy, Stack, Validations, type Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  Runtime,
  Tracing,
  type FunctionProps,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { METRICS } from '../lambdas/platform-settings';
import {
  SEAL_CONTEXT_KEYS,
  TENANT_KEY_CONTEXT_KEYS,
  TENANT_KEY_PURPOSE,
  type SecretsAccess,
} from '../lambdas/secrets-access';
import type { TableAccess } from '../lambdas/table-access';
import { functionCodeDirectory, placeholderCodeDirectory, type FunctionEntry } from './function-code';

export interface WebhooksFunctionProps
  extends Omit<
    FunctionProps,
    'runtime' | 'architecture' | 'code' | 'logGroup' | 'logRetention' | 'tracing' | 'handler'
  > {
  /** The handler file under lambdas/, without extension (it exports `handler`). */
  entry: FunctionEntry;
  timeout: Duration;
  /** FUNCTION_MEMORY_MB's size for this kind of function (lambdas/platform-settings.ts says how each was chosen). */
  memorySize: number;
  /** How long the function's log group keeps logs (context `logRetentionDays`). */
  logGroupRetention: RetentionDays;
  /**
   * The stack's customer-managed key, if any: it encrypts the log group, and a function bound to the table may
   * encrypt and decrypt with it (the table and the queues it sends to use it).
   */
  dataKey?: IKey;
}

/**
 * Every function of the stack is one of these, so runtime, architecture, code, logging and tracing are decided
 * once (the pattern of Powertools' examples/app). Callers give a name, an entry, a timeout and their own
 * environment. The code is the entry's esbuild bundle (lib/function-code.ts): built from the source in this
 * repository, prebuilt in the packed package, so a team's synth needs neither esbuild nor Docker.
 */
export class WebhooksFunction extends LambdaFunction {
  private readonly dataKey?: IKey;

  public constructor(scope: Construct, id: string, props: WebhooksFunctionProps) {
    const { logGroupRetention, dataKey, environment, entry, ...rest } = props;
    super(scope, id, {
      ...rest,
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      // a synth that skips bundling (context aws:cdk:bundling-stacks) deploys nothing, so it builds nothing
      code: Code.fromAsset(
        Stack.of(scope).bundlingRequired ? functionCodeDirectory(entry) : placeholderCodeDirectory(),
      ),
      // an explicit log group, so retention is ours to set and the group goes with the stack
      logGroup: new LogGroup(scope, `${id}Logs`, {
        retention: logGroupRetention,
        encryptionKey: dataKey,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: METRICS.service,
        POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
        ...environment,
      },
    });

    this.dataKey = dataKey;
    Validations.of(this.role ?? this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'AWSLambdaBasicExecutionRole grants only CloudWatch Logs writes (CreateLogGroup, CreateLogStream, ' +
          'PutLogEvents), the documented minimum for a Lambda function to log; nothing else.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
          'permissions, so CDK grants them on "*".',
      },
    );
  }

  /**
   * Grants exactly the table access given and sets TABLE_NAME, in one call (as Powertools' `bindTable`), so a
   * function never has a table name without the matching permission or the reverse (no access: neither).
   * Each grant becomes one statement whose `dynamodb:LeadingKeys` must all match its key patterns
   * (lambdas/table-access.ts).
   */
  public bindTable(table: ITableV2, access: TableAccess): void {
    if (access.length === 0) return;
    this.addEnvironment('TABLE_NAME', table.tableName);
    // what SQS (send, receive) and DynamoDB (read, write) ask KMS for on the caller's behalf; named, not wildcards
    if (this.dataKey)
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          resources: [this.dataKey.keyArn],
        }),
      );
    for (const grant of access) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: grant.actions.map((action) => `dynamodb:${action}`),
          resources: [grant.index ? `${table.tableArn}/index/${grant.index}` : table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.leadingKeys] } },
        }),
      );
    }
  }

  /**
   * Lets the function seal or open secrets with the stack's SecretsKey and sets SECRETS_KEY_ARN, in one call as
   * `bindTable`: only the KMS actions given (lambdas/secrets-access.ts), each statement only for data keys whose
   * encryption context is a webhook's (`tenantId`, `webhookId`) or a tenant's signing-secret key (`tenantId`,
   * `purpose` = signing-secrets): both names present, nothing else.
   */
  public bindSecretsKey(key: IKey, access: SecretsAccess): void {
    this.addEnvironment('SECRETS_KEY_ARN', key.keyArn);
    const onlyContext = (names: readonly string[]) => ({
      'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...names] },
      Null: Object.fromEntries(names.map((name) => [`kms:EncryptionContext:${name}`, 'false'])),
    });
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [...access.webhookKeys],
        resources: [key.keyArn],
        conditions: onlyContext(SEAL_CONTEXT_KEYS),
      }),
    );
    const tenantContext = onlyContext(TENANT_KEY_CONTEXT_KEYS);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [...access.tenantKeys],
        resources: [key.keyArn],
        conditions: {
          ...tenantContext,
          StringEquals: { 'kms:EncryptionContext:purpose': TENANT_KEY_PURPOSE },
        },
      }),
    );
  }
}
