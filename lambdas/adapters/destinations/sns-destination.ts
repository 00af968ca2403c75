import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
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

/**
 * A customer's own SNS topic: the message is the envelope an HTTP receiver gets, with `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` as message attributes (a subscribed queue with raw delivery gets
 * them as its own attributes). A FIFO topic gets the webhook as its message group and the event id as its
 * de-duplication id.
 */
export class SnsDestination implements DeliveryDestination {
  private readonly clients: ClientCache<SNSClient>;

  constructor(
    private readonly context: AwsDestinationContext,
    /** Opens the webhook's signing keys: the attributes carry the same signatures as an HTTP delivery. */
    private readonly sealers: SigningSealers,
  ) {
    this.clients = new ClientCache((tenantId, region) => new SNSClient(clientSettings(context, tenantId, region)));
  }

  async attempt({ task, webhook, startedAt }: DeliveryAttemptRequest): Promise<AttemptOutcome> {
    if (webhook.destination?.type !== 'sns') throw new Error('SnsDestination: the webhook has no SNS destination');
    const { topicArn } = webhook.destination;
    const arn = parseDestinationArn('sns', topicArn);
    if (typeof arn === 'string') throw new Error(`not a topic ARN: ${topicArn}`);
    const attributes = await signedAttributes(task, webhook, startedAt, this.sealers);
    const tooLarge = tooLargeReason('SNS', [task.payload, ...attributeParts(attributes)]);
    if (tooLarge) return { kind: 'failed', reason: tooLarge, permanent: true, durationMs: 0 };
    const client = this.clients.get(webhook.tenantId, arn.region);
    return attemptSend(this.context.limits, async (abortSignal) => {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: task.payload,
          MessageAttributes: Object.fromEntries(
            Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
          ),
          ...(arn.name.endsWith('.fifo') ? { MessageGroupId: webhook.id, MessageDeduplicationId: task.eventId } : {}),
        }),
        { abortSignal },
      );
      return undefined;
    });
  }
}

/** The lane's adapter, with the container's shared role sessions (the registry loads this module on first use). */
export const snsDestination = (limits: AwsSendLimits, sealers: SigningSealers) =>
  new SnsDestination(awsDestinationContext(limits), sealers);
