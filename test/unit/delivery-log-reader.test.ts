import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryLogReader } from '../../lambdas/adapters/delivery-log-reader';

const dynamo = mockClient(DynamoDBDocumentClient);
afterAll(() => dynamo.restore());

describe('Class: DynamoDeliveryLogReader', () => {
  describe('Method: ofEvents', () => {
    const events = [
      {
        tenantId: 'acme',
        eventId: 'evt_1',
        type: 'verification.completed' as const,
        receivedAt: '2026-12-01T00:00:00.000Z',
        expiresAt: 0,
        webhookIds: ['webhook_a', 'webhook_b'],
      },
    ];

    it(
      'reads only what a count by status needs when asked for counts: never the attempts and their ' + 'responses',
      async () => {
        // Prepare
        dynamo.reset();
        dynamo.on(BatchGetCommand).resolves({ Responses: { webhooks: [] } });
        const reader = new DynamoDeliveryLogReader(
          DynamoDBDocumentClient.from(
            new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient({ region: 'us-east-1' }),
          ),
          'webhooks',
        );

        // Act
        await reader.ofEvents(events, { statusOnly: true });
        await reader.ofEvents(events);

        // Assess
        const [counts, whole] = dynamo
          .commandCalls(BatchGetCommand)
          .map((call) => call.args[0].input.RequestItems!.webhooks!);
        const projected = Object.values(counts!.ExpressionAttributeNames ?? {});
        expect(projected).toEqual(expect.arrayContaining(['pk', 'sk', 'status']));
        expect(projected).not.toContain('attempts');
        expect(whole!.ProjectionExpression).toBeUndefined();
      },
    );
  });
});
