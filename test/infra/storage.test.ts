import { describe, expect, it } from 'vitest';
import { TABLE } from '../../lambdas/platform-settings';
import { resourceByPrefix, synthesizeWebhooks, synthesizeWithContext } from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

const { template } = synthesizeWebhooks();
const [tableId, table] = resourceByPrefix(template, 'AWS::DynamoDB::GlobalTable', 'StorageTable');

describe('Construct: Storage', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it('keys the one table by the string attributes the platform settings name', () => {
    // Prepare
    const { partitionKey, sortKey } = TABLE;

    // Act
    const { KeySchema, AttributeDefinitions } = table.Properties;

    // Assess
    expect(KeySchema).toEqual([
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ]);
    expect(AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: partitionKey, AttributeType: 'S' },
        { AttributeName: sortKey, AttributeType: 'S' },
      ]),
    );
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
  });

  it("lists a tenant's events by time through the EventsByTime index, projecting only what the list shows", () => {
    // Prepare
    const { indexName, partitionKey, sortKey, projectedAttributes } = TABLE.eventsByTime;

    // Act
    const index = table.Properties.GlobalSecondaryIndexes?.find(
      (candidate: { IndexName: string }) => candidate.IndexName === indexName,
    );

    // Assess
    expect(index).toEqual({
      IndexName: 'EventsByTime',
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projectedAttributes] },
    });
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: partitionKey, AttributeType: 'S' },
        { AttributeName: sortKey, AttributeType: 'S' },
      ]),
    );
    expect(table.Properties.GlobalSecondaryIndexes).toHaveLength(1);
  });

  it('bills on demand, keeps point-in-time recovery on and expires items through TTL', () => {
    // Prepare
    const expected = {
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
    };

    // Act
    const [replica] = table.Properties.Replicas;

    // Assess
    expect(table.Properties).toMatchObject(expected);
    expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('outlives the stack: retained on delete and replace, with deletion protection', () => {
    // Prepare
    const resource = template.toJSON().Resources[tableId];

    // Act
    const [replica] = table.Properties.Replicas;

    // Assess
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    expect(replica.DeletionProtectionEnabled).toBe(true);
  });

  it('outputs the table name', () => {
    // Prepare
    const output = { Value: { Ref: tableId } };

    // Act
    const outputs = template.findOutputs('TableName');

    // Assess
    expect(outputs.TableName).toMatchObject(output);
  });
});

describe('Construct: Storage, billing', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it('bills on demand unless told otherwise', () => {
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it(
    'provisions the table and the events index with auto scaling between the bounds given, at the target ' +
      'utilisation',
    () => {
      // Prepare
      const capacity = {
        targetUtilizationPercent: 60,
        table: { read: { min: 2, max: 50 }, write: { min: 3, max: 70 } },
        eventsIndex: { read: { min: 1, max: 5 }, write: { min: 1, max: 9 } },
      };

      // Act
      const provisioned = synthesizeWithContext({
        billingMode: 'provisioned',
        provisionedCapacity: JSON.stringify(capacity),
      });
      const [, globalTable] = resourceByPrefix(provisioned, 'AWS::DynamoDB::GlobalTable', 'StorageTable');

      // Assess
      const scaling = (min: number, max: number) => ({
        MinCapacity: min,
        MaxCapacity: max,
        TargetTrackingScalingPolicyConfiguration: { TargetValue: 60 },
      });
      expect(globalTable.Properties.BillingMode).toBe('PROVISIONED');
      expect(globalTable.Properties.WriteProvisionedThroughputSettings.WriteCapacityAutoScalingSettings).toMatchObject(
        scaling(3, 70),
      );
      const [replica] = globalTable.Properties.Replicas;
      expect(replica.ReadProvisionedThroughputSettings.ReadCapacityAutoScalingSettings).toMatchObject(scaling(2, 50));
      const [index] = globalTable.Properties.GlobalSecondaryIndexes;
      expect(index.WriteProvisionedThroughputSettings.WriteCapacityAutoScalingSettings).toMatchObject(scaling(1, 9));
      expect(
        replica.GlobalSecondaryIndexes[0].ReadProvisionedThroughputSettings.ReadCapacityAutoScalingSettings,
      ).toMatchObject(scaling(1, 5));
    },
  );

  it('alarms when DynamoDB throttles the table, in either billing mode', () => {
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((candidate) =>
      JSON.stringify(candidate).includes('WriteThrottleEvents'),
    );
    expect(JSON.stringify(alarm)).toContain('ReadThrottleEvents');
    expect(JSON.stringify(alarm)).toContain(`"Ref":"${tableId}"`);
  });

  it('refuses bounds whose min exceeds max, naming them', () => {
    const bad = {
      targetUtilizationPercent: 70,
      table: { read: { min: 9, max: 1 }, write: { min: 1, max: 5 } },
      eventsIndex: { read: { min: 1, max: 5 }, write: { min: 1, max: 5 } },
    };
    expect(() =>
      synthesizeWithContext({ billingMode: 'provisioned', provisionedCapacity: JSON.stringify(bad) }),
    ).toThrow(/provisionedCapacity\.table\.read: min must not exceed max/);
  });
});
