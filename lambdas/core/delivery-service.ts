import { classify, type SendResult } from './delivery-outcome';
import type { DeliveryAttempt, DeliveryStatus, DeliveryTask } from './delivery';
import { maxAttempts, nextDelaySeconds } from './retry-schedule';
import { signatureHeaders } from './signing';
import { signingSecrets, type Webhook } from './webhook';

export const USER_AGENT = 'Webhooks/1.0';

export interface DeliveryRecordUpdate {
  status: DeliveryStatus;
  attempt?: DeliveryAttempt;
  nextAttemptAt?: string;
  reason?: string;
}

/** What delivering needs from the outside world; adapters implement it over HTTP and DynamoDB. */
export interface DeliveryPorts {
  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
  disableWebhook(webhook: Webhook, reason: string): Promise<void>;
  /** Starts the auto-disable clock (first failure after a success). */
  markFailing(webhook: Webhook, since: string): Promise<void>;
  /** Stops it (first success after failures). */
  markHealthy(webhook: Webhook): Promise<void>;
}

export type DeliveryDecision =
  | { action: 'done' }
  | { action: 'retry'; delaySeconds: number }
  | { action: 'dead-letter'; reason: string };

/**
 * What became of one attempt: what to do with the queue message, and what the delivery log must say (the
 * caller writes the log for a whole batch at once, one write per attempt).
 */
export interface DeliveryResult {
  decision: DeliveryDecision;
  record: DeliveryRecordUpdate;
}

export interface DeliveryServiceOptions {
  retrySchedule: readonly number[];
  /** A webhook whose deliveries have all failed for this long is disabled (DESIGN §9: 5 days). */
  autoDisableAfterSeconds: number;
  now?: () => Date;
  random?: () => number;
}

const describe = (attempt: DeliveryAttempt) => attempt.error ?? `HTTP ${attempt.statusCode}`;

/** One attempt at one delivery, and what should happen to its queue message afterwards. */
export class DeliveryService {
  private readonly now: () => Date;

  constructor(
    private readonly ports: DeliveryPorts,
    private readonly options: DeliveryServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * @param webhook the webhook as it is now (not as it was at fan-out): deleted or paused webhooks are
   *   skipped, and a changed secret or URL is used.
   * @param attemptNumber 1 for the first try (SQS's receive count).
   */
  async deliver(task: DeliveryTask, webhook: Webhook | undefined, attemptNumber: number): Promise<DeliveryResult> {
    if (!webhook || webhook.tenantId !== task.tenantId) {
      return { decision: { action: 'done' }, record: { status: 'skipped', reason: 'the webhook was deleted' } };
    }
    if (!webhook.active && webhook.disabledReason) {
      // switched off by the platform, not by its owner: park the delivery so it can be replayed once re-activated
      const reason = `disabled: the webhook was disabled (${webhook.disabledReason})`;
      return { decision: { action: 'dead-letter', reason }, record: { status: 'failed', reason } };
    }
    if (!webhook.active) {
      return { decision: { action: 'done' }, record: { status: 'skipped', reason: 'the webhook is not active' } };
    }

    const startedAt = this.now();
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      ...signatureHeaders({ messageId: task.eventId, timestamp: startedAt, body: task.payload, secrets: signingSecrets(webhook, startedAt) }),
    };
    const result = await this.ports.send(webhook.url, headers, task.payload);
    const attempt: DeliveryAttempt = {
      at: startedAt.toISOString(),
      durationMs: result.durationMs,
      ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.response ? { response: result.response } : {}),
    };

    const outcome = classify(result, startedAt);
    if (outcome.kind === 'delivered') {
      if (webhook.failingSince) await this.ports.markHealthy(webhook);
      return { decision: { action: 'done' }, record: { status: 'delivered', attempt } };
    }
    if (outcome.kind === 'gone') {
      const reason = 'the endpoint answered 410 Gone';
      await this.ports.disableWebhook(webhook, reason);
      return { decision: { action: 'dead-letter', reason: `gone: ${reason}; the webhook was disabled` }, record: { status: 'failed', attempt, reason } };
    }
    if (!webhook.failingSince) {
      await this.ports.markFailing(webhook, startedAt.toISOString());
    } else if (startedAt.getTime() - Date.parse(webhook.failingSince) >= this.options.autoDisableAfterSeconds * 1000) {
      const reason = `every delivery failed since ${webhook.failingSince}`;
      await this.ports.disableWebhook(webhook, reason);
      return { decision: { action: 'dead-letter', reason: `disabled: ${reason}; the webhook was disabled` }, record: { status: 'failed', attempt, reason } };
    }
    const delaySeconds = nextDelaySeconds(attemptNumber, this.options.retrySchedule, {
      retryAfterSeconds: outcome.retryAfterSeconds,
      random: this.options.random,
    });
    if (delaySeconds === undefined) {
      const reason = `exhausted: ${attemptNumber} of ${maxAttempts(this.options.retrySchedule)} attempts failed; the last: ${describe(attempt)}`;
      return { decision: { action: 'dead-letter', reason }, record: { status: 'failed', attempt, reason } };
    }
    const nextAttemptAt = new Date(startedAt.getTime() + delaySeconds * 1000).toISOString();
    return { decision: { action: 'retry', delaySeconds }, record: { status: 'pending', attempt, nextAttemptAt } };
  }
}
