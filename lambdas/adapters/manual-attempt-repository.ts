import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  MANUAL_ATTEMPTS_PER_HOUR,
  MANUAL_RETRY_INTERVAL_SECONDS,
  nextHourStart,
  RECOVERY_LEASE_SECONDS,
  type ManualAttemptLimits,
  type Permit,
  type RecoveryLocks,
} from '../core/recovery/manual-attempts';
import { isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * The manual-action limits and recovery locks, each one conditional write: a tenant's budget of the hour
 * (`TENANT#<t>` / `MANUAL#<hour>`, gone by TTL a day later), a delivery record's `lastManualRetryAt`, and a
 * webhook's recovery lock (`TENANT#<t>` / `RECOVERY#<webhookId>`, with a lease a crashed recovery lets lapse).
 */
export class DynamoManualAttemptRepository implements ManualAttemptLimits, RecoveryLocks {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The tenant's budget per hour: its setting (docs/design.md §16), read when a budget is taken. */
    private readonly perHourOf: (tenantId: string) => Promise<number> = async () => MANUAL_ATTEMPTS_PER_HOUR,
  ) {}

  async takeFromBudget(tenantId: string, count: number, now: Date): Promise<Permit> {
    if (count === 0) return { ok: true };
    const perHour = await this.perHourOf(tenantId);
    const refill = nextHourStart(now);
    const hour = new Date(refill.getTime() - 3600_000).toISOString().slice(0, 13);
    const refused = {
      ok: false as const,
      retryAfterSeconds: Math.max(1, Math.ceil((refill.getTime() - now.getTime()) / 1000)),
    };
    if (count > perHour) return refused;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.tenant(tenantId), sk: keys.manualBudget(hour) },
          UpdateExpression: 'ADD used :count SET expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(used) OR used <= :left',
          ExpressionAttributeValues: {
            ':count': count,
            ':left': perHour - count,
            ':expiresAt': epochSeconds(refill) + 86_400,
          },
        }),
      );
      return { ok: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return refused;
    }
  }

  async claimRetry(
    { webhookId, receivedAt, eventId }: { webhookId: string; receivedAt: string; eventId: string },
    now: Date,
  ): Promise<Permit> {
    const cutoff = new Date(now.getTime() - MANUAL_RETRY_INTERVAL_SECONDS * 1000).toISOString();
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.webhook(webhookId), sk: keys.deliveryAt(receivedAt, eventId) },
          UpdateExpression: 'SET lastManualRetryAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lastManualRetryAt) OR lastManualRetryAt <= :cutoff)',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':cutoff': cutoff },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const last = (error as { Item?: Record<string, { S?: string }> }).Item?.lastManualRetryAt?.S;
      const readyAt = last
        ? Date.parse(last) + MANUAL_RETRY_INTERVAL_SECONDS * 1000
        : now.getTime() + MANUAL_RETRY_INTERVAL_SECONDS * 1000;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((readyAt - now.getTime()) / 1000)) };
    }
  }

  async acquire(tenantId: string, webhookId: string, recoveryId: string, now: Date) {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.lockKey(tenantId, webhookId),
          UpdateExpression: 'SET recoveryId = :id, leaseUntil = :lease, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(recoveryId) OR leaseUntil < :now',
          ExpressionAttributeValues: { ':id': recoveryId, ...this.lease(now), ':now': now.toISOString() },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { acquired: true as const };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const running = (error as { Item?: Record<string, { S?: string }> }).Item?.recoveryId?.S ?? 'unknown';
      return { acquired: false as const, runningRecoveryId: running };
    }
  }

  async renew(tenantId: string, webhookId: string, recoveryId: string, now: Date): Promise<boolean> {
    return this.unlessConditionFails(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.lockKey(tenantId, webhookId),
        UpdateExpression: 'SET leaseUntil = :lease, expiresAt = :expiresAt',
        ConditionExpression: 'recoveryId = :id',
        ExpressionAttributeValues: { ':id': recoveryId, ...this.lease(now) },
      }),
    );
  }

  /** Only its holder releases a lock: once another recovery holds it, it is theirs to release. */
  async release(tenantId: string, webhookId: string, recoveryId: string): Promise<void> {
    await this.unlessConditionFails(
      new DeleteCommand({
        TableName: this.tableName,
        Key: this.lockKey(tenantId, webhookId),
        ConditionExpression: 'recoveryId = :id',
        ExpressionAttributeValues: { ':id': recoveryId },
      }),
    );
  }

  /** Sends a conditional write: false when its condition did not hold. */
  private async unlessConditionFails(command: UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      await this.client.send(command as UpdateCommand);
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  private lockKey(tenantId: string, webhookId: string) {
    return { pk: keys.tenant(tenantId), sk: keys.recoveryLock(webhookId) };
  }

  private lease(now: Date) {
    const until = new Date(now.getTime() + RECOVERY_LEASE_SECONDS * 1000);
    return { ':lease': until.toISOString(), ':expiresAt': epochSeconds(until) + 86_400 };
  }
}
