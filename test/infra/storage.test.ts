import { describe, expect, it } from 'vitest';
import { TABLE } from '../../lambdas/platform-settings';
import { resourceByPrefix, synthesizeWebhooks } from './synthesize';

const { template } = synthesizeWebhooks();
const [tableId, table] = resourceByPrefix(template, 'AWS::DynamoDB::GlobalTable', 'StorageTable');

describe('Construct: Storage', () => {
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

  it('lists a tenant\'s events by time through the EventsByTime index, projecting only what the list shows', () => {
    // Prepare
    const { indexName, partitionKey, sortKey, projectedAttributes } = TABLE.eventsByTime;

    // Act
    const index = table.Properties.GlobalSecondaryIndexes?.find((candidate: { IndexName: string }) => candidate.IndexName === indexName);

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
