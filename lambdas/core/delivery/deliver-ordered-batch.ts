import type { DeliveryLogEntry } from './deliver-batch';
import { parseDeliveryTask, type DeliveryStatus, type DeliveryTask } from './delivery';
import type { DeliveryNotice } from './delivery-notice';
import { stepOf } from './delivery-plan';
import type { DeliveryService } from './delivery-service';
import type { Webhook } from '../webhooks/webhook';

/** One message of an ordered lane (an SQS FIFO queue whose message group is the webhook). */
export interface OrderedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  groupId: string;
  /**
   * Its place in the ordered queue fan-out sent it to (`queuePosition` of its SQS sequence number), carried along
   * when it is forwarded to the slow ordered lane; absent when SQS gave none.
   */
  position?: string;
}

/**
 * An SQS sequence number as a text whose order is the numbers' order (zero-padded to the 39 digits of 128 bits),
 * so positions compare as strings, in code and in a DynamoDB condition.
 */
export const queuePosition = (sequenceNumber: string) => sequenceNumber.padStart(39, '0');

/** What the delivery log knows of a delivery: where it stands in its schedule. */
export interface OrderedDeliveryState {
  status: DeliveryStatus;
  /** Scheduled attempts made so far (manual ones are not part of the schedule). */
  scheduledAttempts: number;
  nextAttemptAt?: string;
  /** Why it is where it is (for a delivery waiting behind another: which one). */
  reason?: string;
}

export interface OrderedPlan {
  log: DeliveryLogEntry[];
  deadLetters: { fromMessageId: string; body: string; reason: string }[];
  /** The head of a group that waits (a retry, an open breaker, a throttle slot): kept in flight, hidden this long. */
  hides: { messageId: string; receiptHandle: string; seconds: number }[];
  /**
   * Messages behind a waiting head (their receipt handles): handed back at once, to follow it as soon as it is done.
   */
  released: string[];
  notices: DeliveryNotice[];
  /**
   * The ordered lane: the messages of a webhook that belongs in the slow ordered lane, from the first not handled
   * here, in order: sent there one after the other, then acknowledged (the rest comes back from the first that
   * could not be sent). `through` is the last one's position.
   */
  forwards: { webhook: Webhook; through: string; messages: OrderedMessage[] }[];
  /**
   * The slow ordered lane: per webhook, the messages settled here (delivered, parked, skipped), in order, with
   * their positions in the ordered queue; the position of the last of them that is acknowledged is recorded, which
   * is when the ordered lane may take the webhook back.
   */
  settled: { webhook: Webhook; messages: { messageId: string; position: string }[] }[];
  /** Messages to receive again (the hidden heads, the released ones, and those whose handling failed). */
  failedMessageIds: string[];
}

export interface DeliverOrderedOptions {
  /** SQS keeps a received message hidden for at most 12 hours. */
  maxHideSeconds: number;
  /**
   * No attempt starts after this (ms): one that could not finish within the function's timeout is left for the next
   * batch.
   */
  startAttemptsBeforeMs: number;
  now?: () => Date;
  onRecordError?: (messageId: string, error: unknown) => void;
  /**
   * The ordered lane only: where a webhook's deliveries belong now (WebhookHealth.orderedLaneOf); those of a webhook
   * in the slow ordered lane are forwarded there. The slow ordered lane has none: it never forwards.
   */
  laneOf?: (webhook: Webhook, now: Date) => 'ordered' | 'ordered-slow';
}

const stateKey = (task: Pick<DeliveryTask, 'webhookId' | 'eventId'>) => `${task.webhookId}|${task.eventId}`;

/** What the log says of a delivery held back by its webhook's earliest undelivered one. */
export const waitingReason = (headEventId: string) =>
  `waiting behind event ${headEventId}, which is not delivered yet (ordering: fifo)`;

/**
 * The deliver use case for the ordered lane: each webhook's deliveries are attempted strictly in the order the
 * queue holds them (fan-out's order). A group's messages are handled one after the other; the first that has to
 * wait (its retry, an open breaker, a throttle slot) stays in flight, hidden until it is due, and the rest of its
 * group goes back to the queue, where FIFO keeps them behind it: only that webhook waits. Its attempt number and
 * due time come from its delivery record (the message body cannot change while it waits), which also lets a
 * message received again after a crash be acknowledged without a second send once its record says it is done.
 */
export async function deliverOrderedBatch(
  messages: readonly OrderedMessage[],
  webhooksOf: (tasks: DeliveryTask[]) => Promise<Map<string, Webhook | undefined>>,
  statesOf: (tasks: DeliveryTask[]) => Promise<Map<string, OrderedDeliveryState>>,
  deliveries: DeliveryService,
  options: DeliverOrderedOptions,
): Promise<OrderedPlan> {
  const now = options.now ?? (() => new Date());
  const plan: OrderedPlan = {
    log: [],
    deadLetters: [],
    hides: [],
    released: [],
    notices: [],
    forwards: [],
    settled: [],
    failedMessageIds: [],
  };
  const recordsSettled = deliveries.lane === 'ordered-slow';
  const tasks = new Map<string, DeliveryTask>();
  for (const message of messages) {
    const task = parseDeliveryTask(message.body);
    if (task) tasks.set(message.messageId, task);
  }
  const [webhooks, states] = tasks.size
    ? await Promise.all([webhooksOf([...tasks.values()]), statesOf([...tasks.values()])])
    : [new Map(), new Map()];

  const groups = new Map<string, OrderedMessage[]>();
  for (const message of messages) groups.set(message.groupId, [...(groups.get(message.groupId) ?? []), message]);

  const handleGroup = async (group: OrderedMessage[]) => {
    const webhook = group.map((message) => tasks.get(message.messageId)).find((task) => task)?.webhookId;
    const current = webhook === undefined ? undefined : webhooks.get(webhook);
    let slow = current !== undefined && options.laneOf?.(current, now()) === 'ordered-slow';
    /** A webhook of the slow ordered lane: its messages from `from` on go there, in order (all have positions). */
    const forward = (from: number) => {
      const rest = group.slice(from);
      if (!slow || !current || rest.some((message) => message.position === undefined)) return false;
      plan.forwards.push({ webhook: current, through: rest.at(-1)!.position!, messages: rest });
      return true;
    };
    const settled: { messageId: string; position: string }[] = [];
    const settle = (message: OrderedMessage) => {
      if (recordsSettled && message.position !== undefined)
        settled.push({ messageId: message.messageId, position: message.position });
    };
    try {
      await handleMessages(group, forward, settle, () => (slow = options.laneOf !== undefined));
    } finally {
      if (current && settled.length) plan.settled.push({ webhook: current, messages: settled });
    }
  };

  const handleMessages = async (
    group: OrderedMessage[],
    forward: (from: number) => boolean,
    settle: (message: OrderedMessage) => void,
    turnedSlow: () => void,
  ) => {
    const release = (from: number) => {
      for (const later of group.slice(from)) {
        plan.released.push(later.receiptHandle);
        plan.failedMessageIds.push(later.messageId);
      }
    };
    /**
     * The head waits (a retry, an open breaker, a throttle slot, a failure to handle it): the messages behind it go
     * back, and each is logged `pending` with the event it waits behind, once per head (a delivery not attempted
     * yet has no record otherwise, and would be missing from the log for as long as its webhook keeps failing).
     */
    const waitBehind = (head: DeliveryTask, from: number) => {
      const reason = waitingReason(head.eventId);
      for (const later of group.slice(from)) {
        const task = tasks.get(later.messageId);
        const state = task && states.get(stateKey(task));
        const untouched = !state || (state.status === 'pending' && state.scheduledAttempts === 0);
        if (task && untouched && state?.reason !== reason)
          plan.log.push({
            fromMessageId: later.messageId,
            task,
            update: { status: 'pending', reason },
            firstWrite: !state,
          });
      }
      release(from);
    };
    for (const [index, message] of group.entries()) {
      if (forward(index)) return;
      const task = tasks.get(message.messageId);
      if (!task) {
        plan.deadLetters.push({
          fromMessageId: message.messageId,
          body: message.body,
          reason: 'invalid_message: not a delivery this platform queued',
        });
        settle(message);
        continue;
      }
      const state = states.get(stateKey(task));
      // a message received again after its delivery was settled (a crash after the send): not sent twice; one whose
      // dead letter may not have reached the DLQ is parked again, since nothing may be dropped silently
      if (state && state.scheduledAttempts > 0 && state.status === 'failed') {
        plan.deadLetters.push({
          fromMessageId: message.messageId,
          body: message.body,
          reason: 'exhausted: parked again (its delivery record says failed)',
        });
        settle(message);
        continue;
      }
      if (state && state.scheduledAttempts > 0 && state.status !== 'pending') {
        settle(message);
        continue;
      }
      const waitMs = state?.nextAttemptAt ? Date.parse(state.nextAttemptAt) - now().getTime() : 0;
      if (waitMs >= 1000) {
        hide(message, waitMs);
        return waitBehind(task, index + 1);
      }
      if (now().getTime() > options.startAttemptsBeforeMs) return release(index);
      let result;
      try {
        result = await deliveries.deliver(
          { ...task, attempt: (state?.scheduledAttempts ?? 0) + 1 },
          webhooks.get(task.webhookId),
        );
      } catch (error) {
        options.onRecordError?.(message.messageId, error);
        plan.failedMessageIds.push(message.messageId);
        return waitBehind(task, index + 1);
      }
      // an answer too slow for this lane: the webhook's next attempts, and the deliveries behind it, go to the slow one
      if (result.lane === 'slow') turnedSlow();
      const step = stepOf(task, result, deliveries.lane, now().getTime());
      plan.notices.push(...step.notices);
      if (step.record)
        plan.log.push({ fromMessageId: message.messageId, task, update: step.record, firstWrite: !state });
      if (step.deadLetter) plan.deadLetters.push({ fromMessageId: message.messageId, ...step.deadLetter });
      if (!step.next) {
        settle(message);
        continue;
      }
      // its retry waits in the slow ordered lane (its record says when), its group behind it
      if (forward(index)) return;
      // a retry, or no attempt yet (an open breaker, a throttle slot): the head waits in flight, its group behind it
      hide(message, step.next.dueMs - now().getTime());
      return waitBehind(task, index + 1);
    }
  };
  const hide = (message: OrderedMessage, waitMs: number) => {
    plan.hides.push({
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      seconds: Math.min(options.maxHideSeconds, Math.max(0, Math.ceil(waitMs / 1000))),
    });
    plan.failedMessageIds.push(message.messageId);
  };

  await Promise.all([...groups.values()].map(handleGroup));
  return plan;
}
