/**
 * fauxqs (2.x) hands out one message of a FIFO message group per receive, and puts messages made visible again
 * at the front of their group one by one (so a batch handed back in order comes back reversed). SQS does
 * neither: a receive returns as many messages of one group as it can, up to MaxNumberOfMessages (10), in order,
 * and only then messages of other groups, each group in order; while any message of a group is in flight, no
 * other message of it is handed out; each receive adds one to the receive count of every message it returns, and
 * a message received more often than the redrive policy's maxReceiveCount goes to the dead-letter queue
 * (docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html).
 * The ordered lane's behaviour depends on exactly that, so the local runtime (`npm start`, the tests, the soak)
 * gets SQS's semantics by replacing fauxqs's FIFO receive here, once per process, and keeping each group in
 * sequence-number order whenever fauxqs puts a message back.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The parts of fauxqs's queue (dist/sqs/sqsStore.js, SqsQueue) this patch reads and replaces. */
interface FauxqsMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  messageAttributes: Record<string, unknown>;
  messageGroupId?: string;
  sequenceNumber?: string;
  approximateReceiveCount: number;
  approximateFirstReceiveTimestamp?: number;
}

interface FauxqsQueue {
  name: string;
  attributes: Record<string, string>;
  inflightMessages: Map<string, { message: FauxqsMessage; receiptHandle: string; visibilityDeadline: number }>;
  fifoMessages: Map<string, FauxqsMessage[]>;
  fifoLockedGroups: Map<string, number>;
  persistence?: {
    deleteMessage(messageId: string): void;
    updateMessageInflight(
      messageId: string,
      receiptHandle: string,
      deadline: number,
      receiveCount: number,
      firstReceive?: number,
    ): void;
  };
  spy?: { addMessage(entry: Record<string, unknown>): void };
  processTimers(): void;
  changeVisibility(receiptHandle: string, timeoutSeconds: number): void;
  dequeueFifo(
    maxCount: number,
    visibilityTimeoutOverride: number | undefined,
    dlqResolver?: (arn: string) => { enqueue(message: FauxqsMessage): void } | undefined,
  ): Record<string, unknown>[];
}

const PATCHED = Symbol.for('webhooks.fauxqs-fifo');

/** Sequence numbers are 20-digit strings, so their text order is their order; one without sorts where it was. */
const bySequence = (a: FauxqsMessage, b: FauxqsMessage) =>
  a.sequenceNumber && b.sequenceNumber ? a.sequenceNumber.localeCompare(b.sequenceNumber) : 0;

function redrivePolicy(queue: FauxqsQueue): { maxReceiveCount: number; deadLetterTargetArn?: string } {
  try {
    const policy = JSON.parse(queue.attributes.RedrivePolicy ?? '{}') as {
      maxReceiveCount?: number | string;
      deadLetterTargetArn?: string;
    };
    return {
      maxReceiveCount: Number(policy.maxReceiveCount ?? Infinity),
      deadLetterTargetArn: policy.deadLetterTargetArn,
    };
  } catch {
    return { maxReceiveCount: Infinity };
  }
}

/** SQS's FIFO receive: the first available group's messages in order, as many as fit, then other groups'. */
function dequeueFifo(
  this: FauxqsQueue,
  maxCount: number,
  visibilityTimeoutOverride: number | undefined,
  dlqResolver?: (arn: string) => { enqueue(message: FauxqsMessage): void } | undefined,
): Record<string, unknown>[] {
  this.processTimers();
  const visibilityTimeout = visibilityTimeoutOverride ?? Number.parseInt(this.attributes.VisibilityTimeout ?? '30', 10);
  const { maxReceiveCount, deadLetterTargetArn } = redrivePolicy(this);
  const received: Record<string, unknown>[] = [];
  const count = Math.min(maxCount, 10);
  for (const [groupId, group] of this.fifoMessages) {
    if (received.length >= count) break;
    if (this.fifoLockedGroups.has(groupId) || group.length === 0) continue;
    while (received.length < count && group.length > 0) {
      const message = group.shift()!;
      message.approximateReceiveCount += 1;
      message.approximateFirstReceiveTimestamp ??= Date.now();
      const dlq = deadLetterTargetArn && dlqResolver ? dlqResolver(deadLetterTargetArn) : undefined;
      if (dlq && message.approximateReceiveCount > maxReceiveCount) {
        this.spy?.addMessage({
          service: 'sqs',
          queueName: this.name,
          messageId: message.messageId,
          body: message.body,
          messageAttributes: message.messageAttributes,
          status: 'dlq',
          timestamp: Date.now(),
        });
        this.persistence?.deleteMessage(message.messageId);
        dlq.enqueue(message);
        continue;
      }
      const receiptHandle = randomUUID();
      const visibilityDeadline = Date.now() + visibilityTimeout * 1000;
      this.inflightMessages.set(receiptHandle, { message, receiptHandle, visibilityDeadline });
      this.persistence?.updateMessageInflight(
        message.messageId,
        receiptHandle,
        visibilityDeadline,
        message.approximateReceiveCount,
        message.approximateFirstReceiveTimestamp,
      );
      // the group stays locked while any of its messages is in flight (fauxqs counts them)
      this.fifoLockedGroups.set(groupId, (this.fifoLockedGroups.get(groupId) ?? 0) + 1);
      received.push({
        MessageId: message.messageId,
        ReceiptHandle: receiptHandle,
        MD5OfBody: message.md5OfBody,
        Body: message.body,
        ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
        ...(Object.keys(message.messageAttributes).length > 0 ? { MessageAttributes: message.messageAttributes } : {}),
      });
    }
    if (group.length === 0) this.fifoMessages.delete(groupId);
  }
  return received;
}

/**
 * fauxqs's package exports only its entry point (for `import` alone, so `require.resolve` refuses it too): its
 * queue module is found in the node_modules folders Node would look in, by its path inside the package. Loaded by
 * that file URL, it is the very module fauxqs's entry imported.
 */
function fauxqsQueueModule(): string {
  const require = createRequire(import.meta.url);
  for (const folder of require.resolve.paths('fauxqs') ?? []) {
    const file = join(folder, 'fauxqs', 'dist', 'sqs', 'sqsStore.js');
    if (existsSync(file)) return pathToFileURL(file).href;
  }
  throw new Error('fauxqs is not installed (npm install)');
}

/** Replaces fauxqs's FIFO receive with SQS's and keeps groups in order when messages come back; idempotent. */
export async function useSqsFifoSemantics(): Promise<void> {
  const { SqsQueue } = (await import(fauxqsQueueModule())) as { SqsQueue: { prototype: FauxqsQueue } };
  const prototype = SqsQueue.prototype as FauxqsQueue & { [PATCHED]?: true };
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  prototype.dequeueFifo = dequeueFifo;
  const { changeVisibility, processTimers } = prototype;
  prototype.changeVisibility = function changeVisibilityInOrder(this: FauxqsQueue, receiptHandle, timeoutSeconds) {
    const groupId = this.inflightMessages.get(receiptHandle)?.message.messageGroupId;
    changeVisibility.call(this, receiptHandle, timeoutSeconds);
    if (groupId) this.fifoMessages.get(groupId)?.sort(bySequence);
  };
  prototype.processTimers = function processTimersInOrder(this: FauxqsQueue) {
    processTimers.call(this);
    for (const group of this.fifoMessages?.values() ?? []) group.sort(bySequence);
  };
}
