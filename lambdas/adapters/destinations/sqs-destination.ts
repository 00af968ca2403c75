import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseDestinationArn } from '../../core/webhooks/aws-destination';
import type {
  AttemptOutcome,
  DeliveryAttemptRequest,
  DeliveryDestination,
} from '../../core/delivery/delivery-destination';
import type { SigningSealers } from '../../core/webhooks/signing-keys';
import { AwsSender, awsDestinationContext, type AwsDestinationContext, type AwsSendLimits } from './aws-attempt';
import { signedMessageAttributes } from './signed-message-attributes';

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
  private readonly sender: AwsSender<SQSClient>;

  constructor(
    context: AwsDestinationContext,
    /** Opens the webhook's signing keys: the attributes carry the same signatures as an HTTP delivery. */
    private readonly sealers: SigningSealers,
  ) {
    this.sender = new AwsSender(context, (settings) => new SQSClient({ ...settings, useQueueUrlAsEndpoint: false }));
  }

  async attempt(request: DeliveryAttemptRequest): Promise<AttemptOutcome> {
    const { task, webhook } = request;
    if (webhook.destination?.type !== 'sqs') throw new Error('SqsDestination: the webhook has no SQS destination');
    const queue = queueUrlOf(webhook.destination.queueArn);
    const { attributes, sizedTexts } = await signedMessageAttributes(request, this.sealers);
    const message = { service: 'SQS', tenantId: webhook.tenantId, region: queue.region, sizedTexts };
    return this.sender.attempt(message, async (client, abortSignal) => {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queue.url,
          MessageBody: task.payload,
          MessageAttributes: attributes,
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
