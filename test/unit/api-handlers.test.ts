import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../lambdas/core/access/api-keys';

const dynamo = mockClient(DynamoDBDocumentClient);
const context = {
  functionName: 'test',
  awsRequestId: 'req',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;
let createWebhook: (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<{ statusCode: number; headers?: Record<string, unknown>; body: string }>;
let authorizer: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

function apiEvent(body: unknown, tenantId = 'acme'): APIGatewayProxyEvent {
  return {
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    requestContext: { requestId: 'req-1', authorizer: { tenantId } },
  } as unknown as APIGatewayProxyEvent;
}

beforeAll(async () => {
  Object.assign(process.env, {
    TABLE_NAME: 'webhooks',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    AWS_REGION: 'us-east-1',
    // the signing secret is sealed before it is stored
    SECRETS_LOCAL_KEY: Buffer.alloc(32, 1).toString('base64'),
    // where a verification run's first challenge would go (a tenant may turn verification on for itself)
    DELIVERIES_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/deliveries',
  });
  ({ handler: createWebhook } = await import('../../lambdas/api/create-webhook'));
  ({ handler: authorizer } = await import('../../lambdas/api/authorizer'));
});
beforeEach(() => {
  dynamo.reset();
  // no tenant item: the tenant has the deployment's settings
  dynamo.on(GetCommand).resolves({});
});

describe('Handler: create-webhook', () => {
  it(
    "stores the webhook and bumps the tenant's count in one transaction, for the tenant of the " + 'authorizer',
    async () => {
      // Prepare
      dynamo.on(TransactWriteCommand).resolves({});

      // Act
      const response = await createWebhook(
        apiEvent({ url: 'https://example.com/h', events: ['document.uploaded'] }),
        context,
      );

      // Assess
      expect(response.statusCode).toBe(201);
      const [call] = dynamo.commandCalls(TransactWriteCommand);
      const [counter, put] = call!.args[0].input.TransactItems!;
      expect(counter!.Update).toMatchObject({
        Key: { pk: 'TENANT#acme', sk: 'WEBHOOKCOUNT' },
        ConditionExpression: expect.stringContaining('webhookCount < :max'),
      });
      expect(put!.Put).toMatchObject({
        Item: { pk: 'TENANT#acme', tenantId: 'acme', url: 'https://example.com/h' },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      // sealed under the tenant's new data key, which is put once; the answer alone shows the secret
      expect(put!.Put!.Item!.sealedSecret).toMatch(/^s1:/);
      expect(put!.Put!.Item).not.toHaveProperty('secret');
      expect(JSON.stringify(put!.Put!.Item)).not.toContain(JSON.parse(response.body).secret.slice('whsec_'.length));
      expect(dynamo.commandCalls(PutCommand).map((put) => put.args[0].input.Item!.sk)).toEqual(['SECRETSKEY']);
    },
  );

  it('answers limit_exceeded when the count condition fails', async () => {
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    const response = await createWebhook(
      apiEvent({ url: 'https://example.com/h', events: ['document.uploaded'] }),
      context,
    );
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body).error.code).toBe('limit_exceeded');
  });

  it('answers 500 internal_error, with no detail of the failure, when DynamoDB fails', async () => {
    dynamo.on(TransactWriteCommand).rejects(new Error('ProvisionedThroughputExceeded at 10.0.0.7'));
    const response = await createWebhook(
      apiEvent({ url: 'https://example.com/h', events: ['document.uploaded'] }),
      context,
    );
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: 'internal_error',
        message: 'An internal error occurred; try again later',
        details: [],
        requestId: 'req-1',
      },
    });
  });

  it.each([
    [
      'raw in the text',
      {
        ...apiEvent({}),
        body: '{"url":"https://example.com/h","events":["document.uploaded"],"description":"caf\uFFFD"}',
      },
    ],
    [
      'from bytes that are not UTF-8 (base64)',
      {
        ...apiEvent({}),
        isBase64Encoded: true,
        body: Buffer.concat([
          Buffer.from('{"url":"https://example.com/h","events":["document.uploaded"],"description":"caf'),
          Buffer.from([0xe9]),
          Buffer.from('"}'),
        ]).toString('base64'),
      },
    ],
  ])(
    'refuses a body whose text is not valid UTF-8 (U+FFFD %s) with 400 invalid_json, and stores nothing',
    async (_, event) => {
      const response = await createWebhook(event as APIGatewayProxyEvent, context);
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).error).toMatchObject({
        code: 'invalid_json',
        message: expect.stringMatching(/UTF-8/),
      });
      expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    },
  );

  it('never takes the tenant from the body', async () => {
    const response = await createWebhook(
      apiEvent({ url: 'https://example.com/h', events: ['document.uploaded'], tenantId: 'other' }),
      context,
    );
    expect(response.statusCode).toBe(400);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('Handler: authorizer', () => {
  const event = (authorization?: string) =>
    ({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:api123/prod/GET/v2/webhooks',
      headers: authorization ? { Authorization: authorization } : {},
    }) as unknown as APIGatewayRequestAuthorizerEvent;

  it("allows every route of the stage for a valid key and passes the key's tenant on", async () => {
    dynamo
      .on(GetCommand, { Key: { pk: `APIKEY#${hashApiKey('whk_valid_key_123')}`, sk: 'APIKEY' } })
      .resolves({ Item: { tenantId: 'acme' } });
    const result = await authorizer(event('Bearer whk_valid_key_123'));
    expect(result.principalId).toBe('acme');
    expect(result.context).toEqual({ tenantId: 'acme' });
    expect((result.policyDocument.Statement[0] as { Resource: string }).Resource).toBe(
      'arn:aws:execute-api:us-east-1:123456789012:api123/prod/*',
    );
  });

  it('refuses a revoked, unknown or missing key with Unauthorized (API Gateway answers 401)', async () => {
    dynamo.on(GetCommand).resolves({ Item: { tenantId: 'acme', revokedAt: '2026-01-01T00:00:00.000Z' } });
    await expect(authorizer(event('Bearer whk_revoked_key_1'))).rejects.toThrow('Unauthorized');
    dynamo.on(GetCommand).resolves({});
    await expect(authorizer(event('Bearer whk_unknown_key_1'))).rejects.toThrow('Unauthorized');
    await expect(authorizer(event())).rejects.toThrow('Unauthorized');
    await expect(authorizer(event('Basic dXNlcjpwYXNz'))).rejects.toThrow('Unauthorized');
  });

  it.each([
    'bEaReR whk_valid_key_123',
    'Bearer   whk_valid_key_123',
    ' Bearer whk_valid_key_123',
    'Bearer whk_valid_key_123 ',
    'bearer whk_valid_key_123',
  ])(
    'refuses a valid key spelled %j: one spelling per key, so one key is one rate-limit key and one cache entry',
    async (authorization) => {
      dynamo.on(GetCommand).resolves({ Item: { tenantId: 'acme' } });
      dynamo.resetHistory();
      await expect(authorizer(event(authorization))).rejects.toThrow('Unauthorized');
      expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    },
  );

  it('refuses a portal token past its expiresAt, although TTL has not deleted the item yet', async () => {
    const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
    dynamo.on(GetCommand).resolves({ Item: { tenantId: 'acme', kind: 'portal-token', expiresAt: anHourAgo } });
    await expect(authorizer(event('Bearer whp_expired_token_1'))).rejects.toThrow('Unauthorized');
    dynamo.on(GetCommand).resolves({ Item: { tenantId: 'acme', kind: 'portal-token', expiresAt: anHourAgo + 7200 } });
    expect((await authorizer(event('Bearer whp_current_token_1'))).principalId).toBe('acme');
  });
});
