import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CertificateNoticeStore, DueNotice, NoticeKey } from '../core/webhooks/certificate-notices';
import type { Webhook } from '../core/webhooks/webhook';
import { TABLE } from '../platform-settings';
import { isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';
import { toWebhook, type WebhookItem } from './webhook-item';

/**
 * The pending certificate notices: webhooks listed in the `CERTIFICATE_NOTICES` partition of the EventsByTime
 * index (lambdas/adapters/webhook-item.ts), their `gsi1sk` the notice key. A Query reads only the notices due
 * (keys only: the table's keys and the index's are always projected), and a claim moves the key on.
 */
export class DynamoCertificateNoticeRepository implements CertificateNoticeStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async due(until: NoticeKey, limit: number, after?: unknown): Promise<{ notices: DueNotice[]; after?: unknown }> {
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE.eventsByTime.indexName,
        KeyConditionExpression: 'gsi1pk = :notices AND gsi1sk < :until',
        ExpressionAttributeValues: { ':notices': keys.certificateNotices, ':until': until },
        ProjectionExpression: 'pk, sk, gsi1sk',
        Limit: limit,
        ...(after ? { ExclusiveStartKey: after as Record<string, unknown> } : {}),
      }),
    );
    return {
      notices: Items.map((item) => ({
        tenantId: String(item.pk).slice(keys.tenant('').length),
        webhookId: String(item.sk).slice(keys.webhookPrefix.length),
        key: String(item.gsi1sk),
      })),
      ...(LastEvaluatedKey ? { after: LastEvaluatedKey } : {}),
    };
  }

  async claim(notice: DueNotice, next: NoticeKey | undefined): Promise<Webhook | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.tenant(notice.tenantId), sk: keys.webhook(notice.webhookId) },
          // the last notice takes the webhook out of the index
          UpdateExpression: next ? 'SET gsi1sk = :next' : 'REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'gsi1pk = :notices AND gsi1sk = :key',
          ExpressionAttributeValues: {
            ':notices': keys.certificateNotices,
            ':key': notice.key,
            ...(next ? { ':next': next } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toWebhook(Attributes as WebhookItem);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
