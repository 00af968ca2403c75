import { parseDeliveryTask, serializeTask, type DeliveryTask } from './delivery';
import type { DeliveryNotice } from './delivery-notice';
import { stepOf, type DeliveryRecordUpdate } from './delivery-plan';
import type { DeliveryService } from './delivery-service';
import type { DeliveryLane } from './webhook-health';
import type { Webhook } from '../webhooks/webhook';

/** One deliveries-queue message as received. */
export interface ReceivedDelivery {
  messageId: string;
  body: string;
}

export interface DeliveryLogEntry {
  /** The message whose attempt this is: if its log cannot be written for now, that message alone comes back. */
  fromMessageId: string;
  task: DeliveryTask;
  update: DeliveryRecordUpdate;
  /** The pair has no log yet (its first attempt): the whole item can be put, in a batch. */
  firstWrite: boolean;
}

/**
 * What the handler must do for a batch: write the log first, then send the messages, each only for records
 * whose log was written (a record whose log failed comes back whole, so nothing is sent twice for it).
 */
export interface DeliveryPlan {
  log: DeliveryLogEntry[];
  /** Messages to send to a lane's queue, with a delay (retries, waits) or not (forwards); their originals are done. */
  requeues: { fromMessageId: string; task: DeliveryTask; body: string; delaySeconds: number; lane: DeliveryLane }[];
  deadLetters: { fromMessageId: string; body: string; reason: string }[];
  notices: DeliveryNotice[];
  /** Records to receive again: something failed before their attempt was settled (a read, a health write). */
  failedMessageIds: string[];
}

export interface DeliverBatchOptions {
  /** The longest delay SQS gives one message (900 s); longer waits hop. */
  maxHopSeconds: number;
  now?: () => Date;
  /** Told of a record whose handling failed (it comes back alone). */
  onRecordError?: (messageId: string, error: unknown) => void;
}

/**
 * The deliver use case for one batch of a lane's queue. Every wait happens outside the in-flight state: a
 * retry, or a postponement behind an open breaker, re-sends the message with a delay of at most 900 s and the
 * original is done (the due time and the attempt number travel in its body, so a long wait takes several hops
 * and no attempt is lost or added; SQS's receive count is never read, so a receive that made no attempt uses
 * none up). What cannot be delivered goes to the DLQ with its reason; a webhook in the slow lane has its
 * deliveries forwarded there. One record's failure never fails its batch-mates. Nothing here talks to AWS: the
 * plan says what to write and send.
 */
export async function deliverBatch(
  messages: readonly ReceivedDelivery[],
  webhooksOf: (tasks: DeliveryTask[]) => Promise<Map<string, Webhook | undefined>>,
  deliveries: DeliveryService,
  options: DeliverBatchOptions,
): Promise<DeliveryPlan> {
  const now = options.now ?? (() => new Date());
  const plan: DeliveryPlan = { log: [], requeues: [], deadLetters: [], notices: [], failedMessageIds: [] };
  // SQS delays are whole seconds: rounded up, the message is back once it is due; a throttle slot rounds down,
  // so the delivery is back before its slot and the service waits for it to the millisecond
  const requeue = (
    fromMessageId: string,
    task: DeliveryTask,
    dueMs: number,
    lane: DeliveryLane = deliveries.lane,
    round = Math.ceil,
  ) => {
    const waitSeconds = Math.max(0, round((dueMs - now().getTime()) / 1000));
    const next = { ...task, dueAt: new Date(dueMs).toISOString() };
    plan.requeues.push({
      fromMessageId,
      task: next,
      body: serializeTask(next),
      delaySeconds: Math.min(options.maxHopSeconds, waitSeconds),
      lane,
    });
  };

  const tasks = new Map<string, DeliveryTask>();
  for (const message of messages) {
    const task = parseDeliveryTask(message.body);
    if (!task)
      plan.deadLetters.push({
        fromMessageId: message.messageId,
        body: message.body,
        reason: 'invalid_message: not a delivery this platform queued',
      });
    // a long wait's next hop: not due yet, so not an attempt
    else if (task.dueAt && Date.parse(task.dueAt) - now().getTime() >= 1000) {
      requeue(
        message.messageId,
        task,
        Date.parse(task.dueAt),
        deliveries.lane,
        task.throttleSlotAt ? Math.floor : Math.ceil,
      );
    } else tasks.set(message.messageId, task);
  }
  if (tasks.size === 0) return plan;
  const webhooks = await webhooksOf([...tasks.values()]);

  await Promise.all(
    [...tasks].map(async ([messageId, task]) => {
      let result;
      try {
        result = await deliveries.deliver(task, webhooks.get(task.webhookId));
      } catch (error) {
        options.onRecordError?.(messageId, error);
        plan.failedMessageIds.push(messageId);
        return;
      }
      const step = stepOf(task, result, deliveries.lane, now().getTime());
      plan.notices.push(...step.notices);
      if (step.record)
        plan.log.push({
          fromMessageId: messageId,
          task,
          update: step.record,
          firstWrite: (task.attempt ?? 1) === 1 && task.trigger !== 'manual' && !task.deadLettered,
        });
      if (step.deadLetter) plan.deadLetters.push({ fromMessageId: messageId, ...step.deadLetter });
      // SQS delays are whole seconds: a throttle slot rounds down (see requeue)
      if (step.next)
        requeue(
          messageId,
          step.next.task,
          step.next.dueMs,
          step.next.lane,
          step.next.slotReserved ? Math.floor : Math.ceil,
        );
    }),
  );
  return plan;
}
