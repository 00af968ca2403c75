import { RecoveryInProgressError, ValidationError } from '../common/errors';
import type { RecoveryLocks } from './manual-attempts';
import { newRecoveryId } from '../common/ids';
import { instantSchema } from '../log/log-queries';
import type { RecoveryJobQueue } from '../delivery/queue-ports';
import { parseOrThrow } from '../common/validation';
import { activeWebhookOf } from '../webhooks/webhook-access';
import type { WebhookStore } from '../webhooks/webhook-store';
import * as z from 'zod/mini';
import '../common/zod-messages';
import type { StartedRecoverySchema } from './recovery-resources';

/** How far back a recovery may reach (docs/design.md §6b). */
export const MAX_RECOVERY_DAYS = 14;

/** Body of `POST /v2/webhooks/{id}/recover`; `until` defaults to now. */
export const recoverRequestSchema = z.strictObject({ since: instantSchema, until: z.optional(instantSchema) });

export interface RecoveryServiceOptions {
  webhooks: Pick<WebhookStore, 'get'>;
  jobs: RecoveryJobQueue;
  locks: Pick<RecoveryLocks, 'acquire' | 'release'>;
  now?: () => Date;
}

export type StartedRecovery = z.infer<typeof StartedRecoverySchema>;

/**
 * `POST /v2/webhooks/{id}/recover` (docs/design.md §6b): checks the request, takes the webhook's recovery lock (one
 * recovery at a time: a second one is 409 `recovery_in_progress`) and queues the recovery's first page; the
 * Recover function works through the deliveries (lambdas/core/recovery/recovery-worker.ts), so the answer comes at once
 * whether 3 or 10,000 deliveries failed.
 */
export class RecoveryService {
  private readonly now: () => Date;

  constructor(private readonly options: RecoveryServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async start(tenantId: string, webhookId: string, body: unknown): Promise<StartedRecovery> {
    const input = parseOrThrow(recoverRequestSchema, body, 'recovery');
    const now = this.now();
    const until = input.until ?? now.toISOString();
    const earliest = new Date(now.getTime() - MAX_RECOVERY_DAYS * 86_400_000).toISOString();
    if (input.until !== undefined && input.until > now.toISOString())
      throw windowError('must not be in the future', 'until');
    if (input.since > until) throw windowError('must not be after until (which defaults to now)');
    if (input.since < earliest) throw windowError(`must be within the last ${MAX_RECOVERY_DAYS} days`);
    await activeWebhookOf(this.options.webhooks, tenantId, webhookId);
    const recoveryId = newRecoveryId();
    const lock = await this.options.locks.acquire(tenantId, webhookId, recoveryId, now);
    if (!lock.acquired) throw new RecoveryInProgressError(lock.runningRecoveryId);
    try {
      await this.options.jobs.send({ recoveryId, tenantId, webhookId, since: input.since, until });
    } catch (error) {
      await this.options.locks.release(tenantId, webhookId, recoveryId);
      throw error;
    }
    return { recoveryId, since: input.since, until };
  }
}

const windowError = (message: string, path: 'since' | 'until' = 'since') =>
  new ValidationError(`Invalid recovery: ${path}: ${message}`, [{ path, message }]);
