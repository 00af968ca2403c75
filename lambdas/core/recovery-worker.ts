import { isExpired, type DeliveryRecord, type StoredEvent } from './delivery-log';
import { manualDeliveryTask } from './delivery';
import type { DeliveryQueue, RecoveryJob, RecoveryJobQueue } from './queue-ports';
import type { WebhookStore } from './webhook-store';
import * as z from 'zod/mini';

/** Delivery records read per page (one Query); the failed ones among them are queued. */
export const RECOVERY_PAGE_SIZE = 100;

export interface FailedDeliveryPage {
  deliveries: DeliveryRecord[];
  /** Where the next page starts (a delivery sort key); absent at the end of the window. */
  next?: string;
}

/** What a recovery reads. */
export interface RecoveryStore {
  /** Failed deliveries of a webhook whose event was received in [since, until], oldest first, at most `limit` read. */
  failedDeliveries(webhookId: string, window: { since: string; until: string; after?: string; limit: number }): Promise<FailedDeliveryPage>;
  /** Stored events with their payloads (absent ones are left out). */
  events(tenantId: string, eventIds: readonly string[]): Promise<StoredEvent[]>;
}

export interface RecoveryWorkerOptions {
  webhooks: Pick<WebhookStore, 'get'>;
  store: RecoveryStore;
  deliveries: DeliveryQueue;
  jobs: RecoveryJobQueue;
  now?: () => Date;
}

export interface RecoveryPageReport {
  queued: number;
  /** Failed deliveries whose event is gone (past retention): nothing to send. */
  expired: number;
  continued: boolean;
  /** Why the recovery ended early: the webhook was deleted or switched off meanwhile. */
  stopped?: string;
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
 * Pages follow one another, so a recovery of any size never runs long, and the cursor only moves forward, so
 * each failed delivery is queued once per recovery. Should this page's job come back after a failure (a crash
 * after queueing, a refused continuation), the page is queued again: those deliveries get a second manual attempt.
 */
export class RecoveryWorker {
  private readonly now: () => Date;

  constructor(private readonly options: RecoveryWorkerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async runPage(job: RecoveryJob): Promise<RecoveryPageReport> {
    const { webhooks, store, deliveries, jobs } = this.options;
    const webhook = await webhooks.get(job.tenantId, job.webhookId);
    if (!webhook?.active) {
      return { queued: 0, expired: 0, continued: false, stopped: webhook ? 'the webhook was paused or disabled' : 'the webhook was deleted' };
    }
    const page = await store.failedDeliveries(job.webhookId, { since: job.since, until: job.until, after: job.cursor, limit: RECOVERY_PAGE_SIZE });
    const failed = page.deliveries.filter((record) => record.tenantId === job.tenantId && record.status === 'failed');
    const now = this.now();
    const events = (await store.events(job.tenantId, failed.map((record) => record.eventId))).filter((event) => !isExpired(event, now));
    await deliveries.queue(events.map((event) => manualDeliveryTask(event, job.webhookId)));
    if (page.next !== undefined) await jobs.send({ ...job, cursor: page.next });
    return { queued: events.length, expired: failed.length - events.length, continued: page.next !== undefined };
  }
}
