import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { parseDestinationArn } from '../../core/webhooks/aws-destination';
import type {
  AttemptOutcome,
  DeliveryAttemptRequest,
  DeliveryDestination,
} from '../../core/delivery/delivery-destination';
import { AwsSender, awsDestinationContext, type AwsDestinationContext, type AwsSendLimits } from './aws-attempt';

/** The `source` of every event the platform puts on a customer's bus (rules match on it). */
export const EVENT_SOURCE = 'serverless-webhooks';

/**
 * A customer's own EventBridge bus: `detail` is the envelope `{id, type, data}` (its id is the webhook-id receivers
 * de-duplicate by), `detail-type` the webhook's `detailType` or else the event's type, `time` the attempt's start.
 * No signature: the bus admits only what IAM allows, and its policy allows the platform only for this tenant.
 */
export class EventBridgeDestination implements DeliveryDestination {
  private readonly sender: AwsSender<EventBridgeClient>;

  constructor(context: AwsDestinationContext) {
    this.sender = new AwsSender(context, (settings) => new EventBridgeClient(settings));
  }

  async attempt({ task, webhook, startedAt }: DeliveryAttemptRequest): Promise<AttemptOutcome> {
    if (webhook.destination?.type !== 'eventbridge')
      throw new Error('EventBridgeDestination: the webhook has no EventBridge destination');
    const { eventBusArn, detailType = task.eventType } = webhook.destination;
    const arn = parseDestinationArn('eventbridge', eventBusArn);
    if (typeof arn === 'string') throw new Error(`not an event bus ARN: ${eventBusArn}`);
    const sizedTexts = [EVENT_SOURCE, detailType, task.payload, startedAt.toISOString()];
    const message = { service: 'EventBridge', tenantId: webhook.tenantId, region: arn.region, sizedTexts };
    return this.sender.attempt(message, async (client, abortSignal) => {
      const answer = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: eventBusArn,
              Source: EVENT_SOURCE,
              DetailType: detailType,
              Detail: task.payload,
              Time: startedAt,
            },
          ],
        }),
        { abortSignal },
      );
      // PutEvents answers 200 and reports a refused entry inside the answer
      const entry = answer.Entries?.[0];
      if (answer.FailedEntryCount || entry?.ErrorCode)
        return `${entry?.ErrorCode ?? 'PutEventsFailed'}: ${entry?.ErrorMessage ?? 'the bus refused the event'}`;
      return undefined;
    });
  }
}

/** The lane's adapter, with the container's shared role sessions (the registry loads this module on first use). */
export const eventBridgeDestination = (limits: AwsSendLimits) =>
  new EventBridgeDestination(awsDestinationContext(limits));
