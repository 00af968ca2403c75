import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { LocalDataKeys } from '../../lambdas/adapters/local-data-keys';
import { DynamoOAuth2TokenRepository } from '../../lambdas/adapters/oauth2-token-repository';
import { keys } from '../../lambdas/adapters/table-keys';
import { OAuth2Tokens } from '../../lambdas/core/delivery/oauth2-tokens';
import { EnvelopeSealer } from '../../lambdas/core/common/secret-sealer';
import { localClientConfig } from '../../local/local-settings';
import { provisionTable } from '../../local/provision';
import { aWebhook } from '../helpers/factories';

const tableName = `endpoint-secrets-${randomUUID().slice(0, 8)}`;
const client = new DynamoDBClient(localClientConfig(inject('dynamoEndpoint')));
const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
const sealer = new EnvelopeSealer(new LocalDataKeys(randomBytes(32).toString('base64')));

beforeAll(() => provisionTable(client, tableName));
afterAll(() => client.destroy());

describe('DynamoOAuth2TokenRepository on DynamoDB Local', () => {
  it('gives the lease to one caller at a time, stores the sealed token, and lets two containers share it', async () => {
    const repository = new DynamoOAuth2TokenRepository(documents, tableName);
    const context = { tenantId: 'acme', webhookId: `webhook_${randomUUID()}` };
    const now = Date.now();

    const claims = await Promise.all([1, 2, 3].map(() => repository.takeLease(context, now + 10_000, now)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await repository.read(context)).toEqual({ leaseUntilMs: now + 10_000 });
    expect(await repository.takeLease(context, now + 20_000, now + 10_000)).toBe(true); // a lapsed lease

    await repository.store(context, {
      sealedToken: 'v1:x',
      fingerprint: 'f',
      refreshAtMs: now + 50,
      expiresAtMs: now + 60,
    });
    expect(await repository.read(context)).toEqual({
      token: { sealedToken: 'v1:x', fingerprint: 'f', refreshAtMs: now + 50, expiresAtMs: now + 60 },
    });
    const { Item } = await documents.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: keys.tenant('acme'), sk: keys.oauth2Token(context.webhookId) },
      }),
    );
    expect(Item!.expiresAt).toBe(Math.ceil((now + 60) / 1000) + 3600);
  });

  it('refuses the lease to a caller that read the item before another stored its token', async () => {
    const repository = new DynamoOAuth2TokenRepository(documents, tableName);
    const context = { tenantId: 'acme', webhookId: `webhook_${randomUUID()}` };
    const now = Date.now();
    const token = { sealedToken: 'v1:first', fingerprint: 'f', refreshAtMs: now + 50_000, expiresAtMs: now + 60_000 };

    expect(await repository.takeLease(context, now + 10_000, now)).toBe(true);
    await repository.store(context, token); // ends the lease

    expect(await repository.takeLease(context, now + 10_000, now)).toBe(false); // it saw no token
    expect(await repository.takeLease(context, now + 10_000, now, 'v1:older')).toBe(false);
    expect(await repository.takeLease(context, now + 10_000, now, 'v1:first')).toBe(true); // e.g. after a 401
    expect(await repository.read(context)).toEqual({ token, leaseUntilMs: now + 10_000 });
  });

  it('behind OAuth2Tokens: one token request for two containers, the token sealed in the item', async () => {
    const repository = new DynamoOAuth2TokenRepository(documents, tableName);
    const webhookId = `webhook_${randomUUID()}`;
    const context = { tenantId: 'acme', webhookId };
    const auth = {
      type: 'oauth2_client_credentials' as const,
      tokenUrl: 'https://auth.example.com/token',
      clientId: 'c',
      sealedClientSecret: await sealer.seal('s', context),
    };
    const webhook = aWebhook({ id: webhookId, auth });
    let requests = 0;
    const endpoint = { fetch: async () => ({ accessToken: `token-${++requests}`, expiresInSeconds: 600 }) };
    const containers = [1, 2].map(() => new OAuth2Tokens({ store: repository, endpoint, sealer, pollMs: 20 }));

    const answers = await Promise.all(containers.map((tokens) => tokens.bearer(webhook, auth)));

    expect(answers).toEqual([{ token: 'token-1' }, { token: 'token-1' }]);
    expect(requests).toBe(1);
    const stored = await repository.read(context);
    expect(stored.token!.sealedToken).toMatch(/^v1:/);
    expect(await sealer.open(stored.token!.sealedToken, context)).toBe('token-1');
  });
});
