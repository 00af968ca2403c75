import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { parseDestinationArn } from '../../core/webhooks/aws-destination';
import type {
  AttemptOutcome,
  DeliveryAttemptRequest,
  DeliveryDestination,
} from '../../core/delivery/delivery-destination';
import type { SigningSealers } from '../../core/webhooks/signing-keys';
import { AwsSender, awsDestinationContext, type AwsDestinationContext, type AwsSendLimits } from './aws-attempt';
import { signedMessageAttributes } from './signed-message-attributes';

/**
 * A customer's own SNS topic: the message is the envelope an HTTP receiver gets, with `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` as message attributes (a subscribed queue with raw delivery gets
 * them as its own attributes). A FIFO topic gets the webhook as its message group and the event id as its
 * de-duplication id.
 */
export class SnsDestination implements DeliveryDestination {
  private readonly sender: AwsSender<SNSClient>;

  constructor(
    context: AwsDestinationContext,
    /** Opens the webhook's signing keys: the attributes carry the same signatures as an HTTP delivery. */
    private readonly sealers: SigningSealers,
  ) {
    this.sender = new AwsSender(context, (settings) => new SNSClient(settings));
  }

  async attempt(request: DeliveryAttemptRequest): Promise<AttemptOutcome> {
    const { task, webhook } = request;
    if (webhook.destination?.type !== 'sns') throw new Error('SnsDestination: the webhook has no SNS destination');
    const { topicArn } = webhook.destination;
    const arn = parseDestinationArn('sns', topicArn);
    if (typeof arn === 'string') throw new Error(`not a topic ARN: ${topicArn}`);
    const { attributes, sizedTexts } = await signedMessageAttributes(request, this.sealers);
    const message = { service: 'SNS', tenantId: webhook.tenantId, region: arn.region, sizedTexts };
    return this.sender.attempt(message, async (client, abortSignal) => {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: task.payload,
          MessageAttributes: attributes,
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
