import { CfnOutput, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { AttributeType, Billing, Capacity, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE } from '../lambdas/platform-settings';
import type { ProvisionedCapacity, WebhooksConfig } from './stack-config';

const autoscaled = ({ min, max }: { min: number; max: number }, targetUtilizationPercent: number) =>
  Capacity.autoscaled({ minCapacity: min, maxCapacity: max, targetUtilizationPercent });

/** The table's and the index's capacity in provisioned mode, each scaled on its own between its bounds. */
function provisioned({ targetUtilizationPercent, table, eventsIndex }: ProvisionedCapacity) {
  return {
    billing: Billing.provisioned({
      readCapacity: autoscaled(table.read, targetUtilizationPercent),
      writeCapacity: autoscaled(table.write, targetUtilizationPercent),
    }),
    index: {
      readCapacity: autoscaled(eventsIndex.read, targetUtilizationPercent),
      writeCapacity: autoscaled(eventsIndex.write, targetUtilizationPercent),
    },
  };
}

/**
 * A key made by the stack (rotated yearly, retained: data encrypted with it must stay readable) whose policy lets
 * CloudWatch Logs of this account and Region encrypt the stack's log groups; or a team's own key, as it is.
 */
function dataKey(scope: Construct, choice: string): IKey | undefined {
  if (choice === 'aws-managed') return undefined;
  // a global table names its replica's key per Region
  if (Token.isUnresolved(Stack.of(scope).region)) {
    throw new Error(
      "Invalid CDK context: encryptionKey: needs the stack's Region at synth; run cdk with a profile or AWS_REGION " +
        'set (CDK_DEFAULT_REGION)',
    );
  }
  if (choice !== 'create') return Key.fromKeyArn(scope, 'DataKey', choice);
  const key = new Key(scope, 'DataKey', {
    description: 'Encrypts the webhooks table, queues and log groups',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const { region, account, partition } = Stack.of(scope);
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` },
      },
    }),
  );
  denyGrantsToPrincipals(key);
  return key;
}

/** Grants only for AWS services acting on a resource (DynamoDB makes one for the table), never to a principal. */
function denyGrantsToPrincipals(key: Key): void {
  key.addToResourcePolicy(
    new PolicyStatement({
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
}

/**
 * The one table of docs/design.md §5 (webhooks, API keys, deliveries, events), keyed `pk`/`sk` as
 * lambdas/platform-settings.ts says, so the local runtime creates the same shape.
 *
 * It holds customers' webhooks and secrets: it outlives the stack (RETAIN, deletion protection) and can be
 * restored to any second of the last 35 days (PITR). On-demand billing by default (bursty traffic pays per
 * request); `billingMode: provisioned` buys capacity with auto scaling instead, which costs about 40 % of
 * on-demand per write at 70 % utilisation (docs/architecture.md, cost). Deliveries and events expire through TTL. One
 * index, EventsByTime,
 * lists a tenant's events by time (lambdas/platform-settings.ts says what it projects and why).
 */
export class Storage extends Construct {
  public readonly table: TableV2;
  /**
   * The customer-managed key of the table, the queues and the log groups (context encryptionKey); none: AWS-managed.
   */
  public readonly dataKey?: IKey;
  /**
   * Seals endpoint secrets inside webhook items (client secrets, passwords, private keys), always the stack's own:
   * only the functions that seal or open them may use it (`WebhooksFunction.bindSecretsKey`), so read access to the
   * table alone reveals none of them.
   */
  public readonly secretsKey: Key;

  public constructor(
    scope: Construct,
    id: string,
    { config }: { config: Pick<WebhooksConfig, 'billingMode' | 'provisionedCapacity' | 'encryptionKey'> },
  ) {
    super(scope, id);
    this.dataKey = dataKey(this, config.encryptionKey);
    this.secretsKey = new Key(this, 'SecretsKey', {
      description: "Seals webhooks' endpoint secrets (envelope encryption, one data key per webhook)",
      enableKeyRotation: true,
      // a sealed secret in the retained table, or in a restore of it, needs this key to open
      removalPolicy: RemovalPolicy.RETAIN,
    });
    denyGrantsToPrincipals(this.secretsKey);
    const capacity = config.billingMode === 'provisioned' ? provisioned(config.provisionedCapacity) : undefined;
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billing: capacity?.billing ?? Billing.onDemand(),
      ...(this.dataKey ? { encryption: TableEncryptionV2.customerManagedKey(this.dataKey) } : {}),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      globalSecondaryIndexes: [
        {
          indexName: TABLE.eventsByTime.indexName,
          partitionKey: { name: TABLE.eventsByTime.partitionKey, type: AttributeType.STRING },
          sortKey: { name: TABLE.eventsByTime.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...TABLE.eventsByTime.projectedAttributes],
          ...capacity?.index,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });

    new CfnOutput(this, 'TableNameOutput', {
      description: 'The DynamoDB table (for the api-key CLI and the runbook)',
      value: this.table.tableName,
    }).overrideLogicalId('TableName');
  }
}
