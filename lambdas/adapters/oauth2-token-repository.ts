import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SharedToken, SharedTokenStore } from '../core/delivery/oauth2-tokens';
import type { SealContext } from '../core/common/secret-sealer';
import { TABLE } from '../platform-settings';
import { isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';

/** A token item outlives its token by this much, then TTL removes it (a lease-only item too). */
const KEPT_AFTER_EXPIRY_SECONDS = 3600;

/**
 * The shared OAuth2 token of a webhook (`TENANT#<t>` / `OAUTH2TOKEN#<webhookId>`): the token sealed, the fingerprint
 * of the url and credentials it was fetched for, when to refresh it, and the lease of a container fetching a new
 * one. Every write is an UpdateItem (the deliver functions' grant); the item expires by TTL after its token, so a
 * deleted webhook's token does not linger.
 */
export class DynamoOAuth2TokenRepository implements SharedTokenStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key({ tenantId, webhookId }: SealContext) {
    return { pk: keys.tenant(tenantId), sk: keys.oauth2Token(webhookId) };
  }

  async read(context: SealContext): Promise<{ token?: SharedToken; leaseUntilMs?: number }> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(context), ConsistentRead: true }),
    );
    if (!Item) return {};
    return {
      ...(typeof Item.sealedToken === 'string'
        ? {
            token: {
              sealedToken: Item.sealedToken,
              fingerprint: Item.fingerprint as string,
              refreshAtMs: Item.refreshAtMs as number,
              expiresAtMs: Item.expiresAtMs as number,
            },
          }
        : {}),
      ...(typeof Item.leaseUntilMs === 'number' ? { leaseUntilMs: Item.leaseUntilMs } : {}),
    };
  }

  async takeLease(
    context: SealContext,
    leaseUntilMs: number,
    nowMs: number,
    seenSealedToken?: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(context),
          UpdateExpression: 'SET leaseUntilMs = :until, #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression:
            '(attribute_not_exists(leaseUntilMs) OR leaseUntilMs <= :now) AND ' +
            (seenSealedToken === undefined ? 'attribute_not_exists(sealedToken)' : 'sealedToken = :seen'),
          ExpressionAttributeNames: { '#ttl': TABLE.timeToLiveAttribute },
          ExpressionAttributeValues: {
            ':until': leaseUntilMs,
            ':now': nowMs,
            ...(seenSealedToken === undefined ? {} : { ':seen': seenSealedToken }),
            ':ttl': Math.ceil(leaseUntilMs / 1000) + KEPT_AFTER_EXPIRY_SECONDS,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async store(context: SealContext, token: SharedToken): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(context),
        UpdateExpression:
          'SET sealedToken = :token, fingerprint = :fingerprint, refreshAtMs = :refreshAt, expiresAtMs = :expiresAt, ' +
          '#ttl = :ttl REMOVE leaseUntilMs',
        ExpressionAttributeNames: { '#ttl': TABLE.timeToLiveAttribute },
        ExpressionAttributeValues: {
          ':token': token.sealedToken,
          ':fingerprint': token.fingerprint,
          ':refreshAt': token.refreshAtMs,
          ':expiresAt': token.expiresAtMs,
          ':ttl': Math.ceil(token.expiresAtMs / 1000) + KEPT_AFTER_EXPIRY_SECONDS,
        },
      }),
    );
  }

  async releaseLease(context: SealContext): Promise<void> {
    await this.client.send(
      new UpdateCommand({ TableName: this.tableName, Key: this.key(context), UpdateExpression: 'REMOVE leaseUntilMs' }),
    );
  }
}
