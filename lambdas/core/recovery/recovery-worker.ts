import { isExpired, type DeliveryRecord } from '../log/delivery-log';
import { isSendable, type StoredEvent } from '../events/stored-event';
import { manualDeliveryTask } from '../delivery/delivery';
import { awaitingVerification, UNVERIFIED_DELIVERY_REASON } from '../webhooks/endpoint-verification';
import type { ManualAttemptLimits, RecoveryLocks } from './manual-attempts';
import type { DeliveryQueue, RecoveryJob, RecoveryJobQueue } from '../delivery/queue-ports';
import type { WebhookStore } from '../webhooks/webhook-store';
import * as z from 'zod/mini';

/** Delivery records read per page (one Query); the failed ones among them are queued. */
export const RECOVERY_PAGE_SIZE = 100;

/** The longest one SQS delay: a page that found the tenant's budget spent waits this long at most, then looks again. */
const MAX_JOB_DELAY_SECONDS = 900;

export interface FailedDeliveryPage {
  deliveries: DeliveryRecord[];
  /** Where the next page starts (a delivery sort key); absent at the end of the window. */
  next?: string;
}

/** Failed deliveries, and those skipped while the endpoint had not consented (docs/design.md §18), are recovered. */
const isRecoverable = (record: DeliveryRecord) =>
  record.status === 'failed' || (record.status === 'skipped' && record.reason === UNVERIFIED_DELIVERY_REASON);

/** What a recovery reads and marks. */
export interface RecoveryStore {
  /** Failed deliveries of a webhook whose event was received in [since, until], oldest first, at most `limit` read. */
  failedDeliveries(
    webhookId: string,
    window: { since: string; until: string; after?: string; limit: number },
  ): Promise<FailedDeliveryPage>;
  /** Stored events with their payloads (absent ones are left out). */
  events(tenantId: string, eventIds: readonly string[]): Promise<StoredEvent[]>;
  /**
   * Marks each record as taken by this recovery, unless it already was; answers those this call marked, so a
   * page run again (a crash, a lost acknowledgement) queues none of its deliveries a second time.
   */
  claimForRecovery(records: readonly DeliveryRecord[], recoveryId: string): Promise<DeliveryRecord[]>;
}

export interface RecoveryWorkerOptions {
  webhooks: Pick<WebhookStore, 'get'>;
  store: RecoveryStore;
  deliveries: DeliveryQueue;
  jobs: RecoveryJobQueue;
  locks: Pick<RecoveryLocks, 'renew' | 'release'>;
  limits: Pick<ManualAttemptLimits, 'takeFromBudget'>;
  /** The tenant's own retention, when it has one: the recovered deliveries' records are kept that long. */
  tenantRetentionDays?: (tenantId: string) => Promise<number | undefined>;
  now?: () => Date;
}

export interface RecoveryPageReport {
  queued: number;
  /** Failed deliveries whose event is gone (past retention): nothing to send. */
  expired: number;
  /** Failed deliveries whose event's payload was erased: nothing to send either. */
  erased?: number;
  continued: boolean;
  /** Why the recovery ended early: the webhook was deleted or switched off meanwhile, or another recovery took over. */
  stopped?: string;
  /** The tenant's hourly budget of manual attempts is spent: the page waits this long, then runs again. */
  deferredSeconds?: number;
}

const jobSchema = z.strictObject({
  recoveryId: z.string(),
  tenantId: z.string().check(z.minLength(1)),
  webhookId: z.string().check(z.minLength(1)),
  since: z.string(),
  until: z.string(),
  cursor: z.optional(z.string().check(z.startsWith('DELIVERY#'))),
});

/** A recoveries-queue message body, or undefined when it is not a job this platform queued. */
export function parseRecoveryJob(body: string): RecoveryJob | undefined {
  try {
    const result = jobSchema.safeParse(JSON.parse(body));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One page of a recovery: the next RECOVERY_PAGE_SIZE delivery records of the window, one manual attempt
 * queued per failed one (with its event's stored payload), then the job sent on from where the page ended.
 * Pages follow one another, so a recovery of any size never runs long. Each failed delivery is queued once per
 * recovery: its record is marked with the recovery's id before it is queued (so a page run again skips it; a
 * crash between the mark and the send leaves it for the next recovery, never sends it twice). Every page renews
 * the webhook's recovery lock, takes its deliveries from the tenant's hourly budget of manual attempts (waiting
 * for the next hour when it is spent), and the last page releases the lock. Recovered deliveries wait on an
 * open breaker like any delivery, so a recovery to a failing endpoint sends a probe, not the whole backlog.
 */
export class RecoveryWorker {
  private readonly now: () => Date;

  constructor(private readonly options: RecoveryWorkerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async runPage(job: RecoveryJob): Promise<RecoveryPageReport> {
    const { webhooks, store, deliveries, jobs, locks, limits } = this.options;
    const now = this.now();
    const stop = async (stopped: string): Promise<RecoveryPageReport> => {
      await locks.release(job.tenantId, job.webhookId, job.recoveryId);
      return { queued: 0, expired: 0, continued: false, stopped };
    };
    if (!(await locks.renew(job.tenantId, job.webhookId, job.recoveryId, now))) {
      return { queued: 0, expired: 0, continued: false, stopped: 'another recovery of this webhook holds its lock' };
    }
    const webhook = await webhooks.get(job.tenantId, job.webhookId);
    if (!webhook?.active) return stop(webhook ? 'the webhook was paused or disabled' : 'the webhook was deleted');
    if (awaitingVerification(webhook)) return stop('the endpoint is not verified');

    const page = await store.failedDeliveries(job.webhookId, {
      since: job.since,
      until: job.until,
      after: job.cursor,
      limit: RECOVERY_PAGE_SIZE,
    });
    const failed = page.deliveries.filter((record) => record.tenantId === job.tenantId && isRecoverable(record));
    const permit = await limits.takeFromBudget(job.tenantId, failed.length, now);
    if (!permit.ok) {
      const deferredSeconds = Math.min(MAX_JOB_DELAY_SECONDS, permit.retryAfterSeconds);
      await jobs.send(job, deferredSeconds);
      return { queued: 0, expired: 0, continued: true, deferredSeconds };
    }
    const claimed = await store.claimForRecovery(failed, job.recoveryId);
    const events = (
      await store.events(
        job.tenantId,
        claimed.map((record) => record.eventId),
      )
    ).filter((event) => !isExpired(event, now));
    // an erased event has nothing to send: its delivery stays as the log shows it
    const sendable = events.filter(isSendable);
    const retentionDays = sendable.length > 0 ? await this.options.tenantRetentionDays?.(job.tenantId) : undefined;
    await deliveries.queue(
      sendable.map((event) => manualDeliveryTask(event, job.webhookId, { recoveryId: job.recoveryId, retentionDays })),
    );
    if (page.next !== undefined) await jobs.send({ ...job, cursor: page.next });
    else await locks.release(job.tenantId, job.webhookId, job.recoveryId);
    return {
      queued: sendable.length,
      expired: claimed.length - events.length,
      ...(events.length > sendable.length ? { erased: events.length - sendable.length } : {}),
      continued: page.next !== undefined,
    };
  }
}
