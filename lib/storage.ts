import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE } from '../lambdas/platform-settings';

/**
 * The one table of docs/design.md §5 (webhooks, API keys, deliveries, events), keyed `pk`/`sk` as
 * lambdas/platform-settings.ts says, so the local runtime creates the same shape.
 *
 * It holds customers' webhooks and secrets: it outlives the stack (RETAIN, deletion protection) and can be
 * restored to any second of the last 35 days (PITR). On-demand billing because traffic is bursty and a
 * delivery costs at most one write (§5). Deliveries and events expire through TTL. One index, EventsByTime,
 * lists a tenant's events by time (lambdas/platform-settings.ts says what it projects and why).
 */
export class Storage extends Construct {
  public readonly table: TableV2;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      globalSecondaryIndexes: [
        {
          indexName: TABLE.eventsByTime.indexName,
          partitionKey: { name: TABLE.eventsByTime.partitionKey, type: AttributeType.STRING },
          sortKey: { name: TABLE.eventsByTime.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...TABLE.eventsByTime.projectedAttributes],
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
