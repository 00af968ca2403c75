import type { Webhook } from './api-types';

const KIND_NAMES = { sqs: 'SQS queue', sns: 'SNS topic', eventbridge: 'EventBridge bus' } as const;

/** Where a webhook's deliveries go, as a person reads it: its URL, or its AWS destination's kind and ARN. */
export function targetOf(webhook: Pick<Webhook, 'url' | 'destination'>): string {
  if (webhook.url) return webhook.url;
  const destination = webhook.destination;
  if (!destination) return '';
  const arn =
    destination.type === 'sqs'
      ? destination.queueArn
      : destination.type === 'sns'
        ? destination.topicArn
        : destination.eventBusArn;
  return `${KIND_NAMES[destination.type]} ${arn}`;
}
