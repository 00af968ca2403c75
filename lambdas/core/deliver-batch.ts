import { parseDeliveryTask, serializeTask, type DeliveryTask } from './delivery';
import { isOperational } from './event-catalog';
import type { DeliveryLane, DeliveryNotice, DeliveryRecordUpdate, DeliveryService } from './delivery-service';
import type { Webhook } from './webhook';

/** One deliveries-queue message as received. */
export interface ReceivedDelivery {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** SQS's receive count of this message: a crash, or a short in-flight wait, brings it back. */
  receiveCount: number;
  /** When this message was first received (ms): SQS keeps a message hidden for at most 12 h from then. */
  firstReceivedAtMs: number;
}

export interface DeliveryLogEntry {
  task: DeliveryTask;
  update: DeliveryRecordUpdate;
  /** The pair has no log yet (its first attempt): the whole item can be put, in a batch. */
  firstWrite: boolean;
}

/** What the handler must do for a batch, in this order: write the log, send, change visibilities. */
export interface DeliveryPlan {
  log: DeliveryLogEntry[];
  /** Messages to send to a lane's queue, with a delay (long waits) or not (forwards); their originals are done. */
  requeues: { fromMessageId: string; task: DeliveryTask; body: string; delaySeconds: number; lane: DeliveryLane }[];
  /** Short waits: the message stays in flight, hidden this long, and is reported as failed. */
  stretches: { messageId: string; receiptHandle: string; seconds: number; task: DeliveryTask }[];
  deadLetters: { fromMessageId: string; body: string; reason: string }[];
  notices: DeliveryNotice[];
}

export interface DeliverBatchOptions {
  /** Waits up to this long keep the message in flight (hidden); longer ones leave the in-flight state. */
  maxInFlightWaitSeconds: number;
  /** The longest delay SQS gives one message (900 s); longer waits hop. */
  maxDelaySeconds: number;
  now?: () => Date;
}

/** SQS hides a received message for at most 12 hours from its first receipt. */
const MAX_HIDDEN_SECONDS = 12 * 3600;

/**
 * The deliver use case for one batch of the deliveries queue (DESIGN §9). A failed attempt waits for its next
 * one outside the in-flight state: a short wait stretches the message's visibility, a longer one re-sends it
 * with a delay of at most 900 s (the due time and the attempt number travel in its body, so a long wait takes
 * several hops and no attempt is lost or added); an open breaker postpones without an attempt. What cannot be
 * delivered goes to the DLQ with its reason. A webhook in the slow lane has its deliveries forwarded there, and
 * its retries wait there. Nothing here talks to AWS: the plan says what to send and write.
 */
export async function deliverBatch(
  messages: readonly ReceivedDelivery[],
  webhooksOf: (tasks: DeliveryTask[]) => Promise<Map<string, Webhook | undefined>>,
  deliveries: DeliveryService,
  options: DeliverBatchOptions,
): Promise<DeliveryPlan> {
  const now = options.now ?? (() => new Date());
  // the batch came from the queue of the lane the service sends from
  const ownLane = deliveries.lane;
  const plan: DeliveryPlan = { log: [], requeues: [], stretches: [], deadLetters: [], notices: [] };
  const requeue = (fromMessageId: string, task: DeliveryTask, dueMs: number, lane: DeliveryLane = ownLane) => {
    const waitSeconds = Math.max(0, Math.ceil((dueMs - now().getTime()) / 1000));
    const delaySeconds = Math.min(options.maxDelaySeconds, waitSeconds);
    const next = { ...task, dueAt: new Date(dueMs).toISOString() };
    plan.requeues.push({ fromMessageId, task: next, body: serializeTask(next), delaySeconds, lane });
  };

  const tasks = new Map<string, DeliveryTask>();
  for (const message of messages) {
    const task = parseDeliveryTask(message.body);
    if (!task) plan.deadLetters.push({ fromMessageId: message.messageId, body: message.body, reason: 'invalid_message: not a delivery this platform queued' });
    // a long wait's next hop: not due yet, so not an attempt
    else if (task.dueAt && Date.parse(task.dueAt) - now().getTime() >= 1000) requeue(message.messageId, task, Date.parse(task.dueAt));
    else tasks.set(message.messageId, task);
  }
  const webhooks = await webhooksOf([...tasks.values()]);

  await Promise.all(
    messages.map(async (message) => {
      const task = tasks.get(message.messageId);
      if (!task) return;
      const attemptNumber = (task.attempt ?? 1) + message.receiveCount - 1;
      const current: DeliveryTask = { ...task, attempt: attemptNumber };
      const { decision, record, notices, lane = ownLane } = await deliveries.deliver(current, webhooks.get(task.webhookId), attemptNumber);
      // a delivery of an operational event never produces another one (no loops, no storms)
      plan.notices.push(...(isOperational(task.eventType) ? notices.filter((notice) => notice.kind === 'breaker-opened') : notices));
      if (record) plan.log.push({ task, update: record, firstWrite: attemptNumber === 1 && task.trigger !== 'manual' && !task.deadLettered });
      switch (decision.action) {
        case 'done':
          return;
        case 'postpone':
          requeue(message.messageId, current, decision.untilMs, lane);
          return;
        case 'forward':
          requeue(message.messageId, current, now().getTime(), lane);
          return;
        case 'dead-letter': {
          // a replay from the DLQ starts the schedule again; its log keeps the earlier attempts
          const { attempt: _attempt, dueAt: _dueAt, ...replayable } = task;
          plan.deadLetters.push({ fromMessageId: message.messageId, body: serializeTask({ ...replayable, deadLettered: true }), reason: decision.reason });
          return;
        }
        case 'retry': {
          const next: DeliveryTask = { ...task, attempt: attemptNumber + 1, trigger: 'scheduled' };
          const hiddenSoFar = (now().getTime() - message.firstReceivedAtMs) / 1000;
          const staysInLane = lane === ownLane;
          if (staysInLane && decision.delaySeconds <= options.maxInFlightWaitSeconds && decision.delaySeconds < MAX_HIDDEN_SECONDS - hiddenSoFar) {
            // the message comes back with its receive count one higher, which is the next attempt number
            plan.stretches.push({ messageId: message.messageId, receiptHandle: message.receiptHandle, seconds: decision.delaySeconds, task: next });
          } else {
            requeue(message.messageId, next, now().getTime() + decision.delaySeconds * 1000, lane);
          }
        }
      }
    }),
  );
  return plan;
}
