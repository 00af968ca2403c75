import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, Capacity, ProjectionType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE } from '../lambdas/platform-settings';
import type { ProvisionedCapacity, WebhooksConfig } from './stack-config';

const autoscaled = ({ min, max }: { min: number; max: number }, targetUtilizationPercent: number) =>
  Capacity.autoscaled({ minCapacity: min, maxCapacity: max, targetUtilizationPercent });

/** The table's and the index's capacity in provisioned mode, each scaled on its own between its bounds. */
function provisioned({ targetUtilizationPercent, table, eventsIndex }: ProvisionedCapacity) {
  return {
    billing: Billing.provisioned({ readCapacity: autoscaled(table.read, targetUtilizationPercent), writeCapacity: autoscaled(table.write, targetUtilizationPercent) }),
    index: { readCapacity: autoscaled(eventsIndex.read, targetUtilizationPercent), writeCapacity: autoscaled(eventsIndex.write, targetUtilizationPercent) },
  };
}

/**
 * The one table of docs/design.md §5 (webhooks, API keys, deliveries, events), keyed `pk`/`sk` as
 * lambdas/platform-settings.ts says, so the local runtime creates the same shape.
 *
 * It holds customers' webhooks and secrets: it outlives the stack (RETAIN, deletion protection) and can be
 * restored to any second of the last 35 days (PITR). On-demand billing by default (bursty traffic pays per
 * request); `billingMode: provisioned` buys capacity with auto scaling instead, which costs about 40 % of
 * on-demand per write at 70 % utilisation (docs/architecture.md, cost). Deliveries and events expire through TTL. One index, EventsByTime,
 * lists a tenant's events by time (lambdas/platform-settings.ts says what it projects and why).
 */
export class Storage extends Construct {
  public readonly table: TableV2;

  public constructor(scope: Construct, id: string, { config }: { config: Pick<WebhooksConfig, 'billingMode' | 'provisionedCapacity'> }) {
    super(scope, id);
    const capacity = config.billingMode === 'provisioned' ? provisioned(config.provisionedCapacity) : undefined;
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billing: capacity?.billing ?? Billing.onDemand(),
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
