import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantEvent } from '../core/events/event-envelope';
import type { Claim, CompletedEvent } from '../core/events/fan-out-service';
import { expiresAt, isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';

/**
 * Stored events: fan-out's idempotency record (claimed, then completed once its deliveries were queued),
 * kept for the audit trail, the delivery log's payloads and replays.
 */
export class DynamoEventRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
    /** How long a claim keeps other messages of the same event waiting: the events queue's visibility timeout. */
    private readonly claimSeconds: number,
  ) {}

  /**
   * Claims each event for its message, in one conditional write per event that also stores it: taken when
   * new, when claimed before by the same message (a crash), or when an earlier claim lapsed unfinished.
   */
  async claim(
    events: readonly { messageId: string; event: TenantEvent }[],
    now = new Date(),
  ): Promise<Map<string, Claim>> {
    const claims = new Map<string, Claim>();
    await Promise.all(
      events.map(async ({ messageId, event }) => {
        claims.set(messageId, await this.claimOne(messageId, event, now));
      }),
    );
    return claims;
  }

  private async claimOne(messageId: string, event: TenantEvent, now: Date): Promise<Claim> {
    const at = now.toISOString();
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.event(event.tenantId, event.id), sk: keys.eventSort },
          UpdateExpression:
            'SET tenantId = :tenant, eventId = :id, #type = :type, payload = :payload, ' +
            'receivedAt = if_not_exists(receivedAt, :now), ' +
            'gsi1pk = :listKey, gsi1sk = if_not_exists(gsi1sk, :listSort), ' +
            'claimedBy = :message, claimedUntil = :until, expiresAt = :expires',
          ConditionExpression:
            'attribute_not_exists(pk) OR ' +
            '(attribute_not_exists(completedAt) AND (claimedBy = :message OR claimedUntil < :now))',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':tenant': event.tenantId,
            ':id': event.id,
            ':type': event.type,
            // the exact text, not a map: DynamoDB would refuse numbers past 38 digits and deep nesting
            ':payload': event.payload,
            ':now': at,
            ':listKey': keys.eventsOfTenant(event.tenantId),
            ':listSort': keys.eventTime(at, event.id),
            ':message': messageId,
            ':until': new Date(now.getTime() + this.claimSeconds * 1000).toISOString(),
            ':expires': expiresAt(now, this.retentionDays),
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const queued = Attributes!.queuedWebhookIds as Set<string> | undefined;
      return { kind: 'claimed', receivedAt: Attributes!.receivedAt, queuedWebhookIds: queued ? [...queued] : [] };
    } catch (error) {
      if (isConditionFailure(error)) {
        const existing = (error as { Item?: Record<string, unknown> }).Item;
        return existing?.completedAt ? { kind: 'completed' } : { kind: 'busy' };
      }
      if ((error as Error).name === 'ValidationException') return { kind: 'invalid', reason: (error as Error).message };
      throw error;
    }
  }

  /**
   * Notes the webhooks whose deliveries an unfinished fan-out queued (a string set, added to), so that its retry
   * sends only the others. Best effort: if this write fails, the retry sends them again, with the same webhook-id.
   */
  async rememberQueued(events: readonly { event: TenantEvent; webhookIds: string[] }[]): Promise<void> {
    await Promise.all(
      events.map(({ event, webhookIds }) =>
        this.client
          .send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: keys.event(event.tenantId, event.id), sk: keys.eventSort },
              UpdateExpression: 'ADD queuedWebhookIds :webhooks',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(completedAt)',
              ExpressionAttributeValues: { ':webhooks': new Set(webhookIds) },
            }),
          )
          .catch(() => undefined),
      ),
    );
  }

  /**
   * Marks each event done (its deliveries are queued); answers with the messages whose mark failed. An event of a
   * tenant with its own retention gets its expiry from it here: the claim, made while the tenant's settings are
   * being read, set the deployment's.
   */
  async recordCompleted(events: readonly CompletedEvent[], now = new Date()): Promise<Set<string>> {
    const failed = new Set<string>();
    await Promise.all(
      events.map(async ({ fromMessageId, event, webhookIds, retentionDays }) => {
        try {
          await this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: keys.event(event.tenantId, event.id), sk: keys.eventSort },
              UpdateExpression:
                `SET completedAt = :now, webhookIds = :webhooks${retentionDays ? ', expiresAt = :expires' : ''} ` +
                'REMOVE claimedBy, claimedUntil, queuedWebhookIds',
              ExpressionAttributeValues: {
                ':now': now.toISOString(),
                ':webhooks': webhookIds,
                ...(retentionDays ? { ':expires': expiresAt(now, retentionDays) } : {}),
              },
            }),
          );
        } catch {
          failed.add(fromMessageId);
        }
      }),
    );
    return failed;
  }
}
