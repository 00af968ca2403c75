import { BatchGetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EndpointVerification } from '../core/webhooks/endpoint-verification';
import type { VerificationStore } from '../core/delivery/endpoint-verifier';
import type { Webhook } from '../core/webhooks/webhook';
import { isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';
import { toWebhook, type WebhookItem } from './webhook-item';

/**
 * The verifier's view of a webhook: read strongly consistent (a URL changed just before must be seen), written only
 * while the run and the URL are still the ones the challenge went to. The one writer of `verification` after the
 * API started a run. Reads use BatchGetItem, the deliver functions' read, so they need no other grant.
 */
export class DynamoVerificationRepository implements VerificationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string, webhookId: string): Promise<Webhook | undefined> {
    const { Responses, UnprocessedKeys } = await this.client.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: {
            Keys: [{ pk: keys.tenant(tenantId), sk: keys.webhook(webhookId) }],
            ConsistentRead: true,
          },
        },
      }),
    );
    // left unprocessed (throttling): the step's message comes back, rather than the webhook reading as deleted
    if (UnprocessedKeys?.[this.tableName]?.Keys?.length) throw new Error('the webhook read was left unprocessed');
    const item = Responses?.[this.tableName]?.[0];
    return item ? toWebhook(item as WebhookItem) : undefined;
  }

  async save(webhook: Webhook, verification: EndpointVerification, throttleRate?: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.tenant(webhook.tenantId), sk: keys.webhook(webhook.id) },
          UpdateExpression: `SET verification = :verification${throttleRate ? ', throttleRate = :rate' : ''}`,
          ConditionExpression: 'verification.id = :run AND #url = :url',
          ExpressionAttributeNames: { '#url': 'url' },
          ExpressionAttributeValues: {
            ':verification': verification,
            ':run': verification.id,
            ':url': webhook.url,
            ...(throttleRate ? { ':rate': throttleRate } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
