import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseDestinationArn } from '../../core/webhooks/aws-destination';
import type {
  AttemptOutcome,
  DeliveryAttemptRequest,
  DeliveryDestination,
} from '../../core/delivery/delivery-destination';
import { attributeParts, signedAttributes, tooLargeReason } from '../../core/delivery/destination-message';
import type { SigningSealers } from '../../core/webhooks/signing-keys';
import {
  attemptSend,
  awsDestinationContext,
  ClientCache,
  clientSettings,
  type AwsDestinationContext,
  type AwsSendLimits,
} from './aws-attempt';

/** The queue's URL from its ARN (the client sends to its region's endpoint, or AWS_ENDPOINT_URL_SQS locally). */
export function queueUrlOf(queueArn: string): { url: string; region: string; fifo: boolean } {
  const arn = parseDestinationArn('sqs', queueArn);
  if (typeof arn === 'string') throw new Error(`not a queue ARN: ${queueArn}`);
  const domain = arn.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return {
    url: `https://sqs.${arn.region}.${domain}/${arn.account}/${arn.name}`,
    region: arn.region,
    fifo: arn.name.endsWith('.fifo'),
  };
}

/**
 * A customer's own SQS queue: the body is the envelope an HTTP receiver gets, with `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` as message attributes. A FIFO queue gets the webhook as its
 * message group and the event id as its de-duplication id.
 */
export class SqsDestination implements DeliveryDestination {
  private readonly clients: ClientCache<SQSClient>;

  constructor(
    private readonly context: AwsDestinationContext,
    /** Opens the webhook's signing keys: the attributes carry the same signatures as an HTTP delivery. */
    private readonly sealers: SigningSealers,
  ) {
    this.clients = new ClientCache(
      (tenantId, region) =>
        new SQSClient({ ...clientSettings(context, tenantId, region), useQueueUrlAsEndpoint: false }),
    );
  }

  async attempt({ task, webhook, startedAt }: DeliveryAttemptRequest): Promise<AttemptOutcome> {
    if (webhook.destination?.type !== 'sqs') throw new Error('SqsDestination: the webhook has no SQS destination');
    const queue = queueUrlOf(webhook.destination.queueArn);
    const attributes = await signedAttributes(task, webhook, startedAt, this.sealers);
    const tooLarge = tooLargeReason('SQS', [task.payload, ...attributeParts(attributes)]);
    if (tooLarge) return { kind: 'failed', reason: tooLarge, permanent: true, durationMs: 0 };
    const client = this.clients.get(webhook.tenantId, queue.region);
    return attemptSend(this.context.limits, async (abortSignal) => {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queue.url,
          MessageBody: task.payload,
          MessageAttributes: Object.fromEntries(
            Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
          ),
          ...(queue.fifo ? { MessageGroupId: webhook.id, MessageDeduplicationId: task.eventId } : {}),
        }),
        { abortSignal },
      );
      return undefined;
    });
  }
}

/** The lane's adapter, with the container's shared role sessions (the registry loads this module on first use). */
export const sqsDestination = (limits: AwsSendLimits, sealers: SigningSealers) =>
  new SqsDestination(awsDestinationContext(limits), sealers);
