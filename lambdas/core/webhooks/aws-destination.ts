/**
 * Keyless delivery into a customer's own SQS queue, SNS topic or EventBridge bus (docs/design.md §17). The platform
 * stores no customer key: its deliver functions send through a session of its own `DestinationsRole` tagged with the
 * tenant id, and the customer's resource policy allows that role only under its own tenant's tag.
 */
import type * as z from 'zod/mini';
import type { DestinationPolicySchema } from './destination-policy-resource';

export const AWS_DESTINATION_TYPES = ['sqs', 'sns', 'eventbridge'] as const;
export type AwsDestinationType = (typeof AWS_DESTINATION_TYPES)[number];

export type AwsDestination =
  | { type: 'sqs'; queueArn: string }
  | { type: 'sns'; topicArn: string }
  | { type: 'eventbridge'; eventBusArn: string; detailType?: string };

/** The session tag (and resource-policy condition key) that carries the tenant. */
export const TENANT_TAG = 'tenantId';

/** SQS, SNS and EventBridge all refuse a message, notification or entry above 256 KiB. */
export const MAX_AWS_MESSAGE_BYTES = 256 * 1024;

/** EventBridge: detail-type is 1 to 128 characters. */
export const MAX_DETAIL_TYPE_LENGTH = 128;

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** The queue or topic name, or the bus name (without `event-bus/`). */
  name: string;
}

interface KindRules {
  service: string;
  /** The field of the destination that holds its ARN. */
  arnField: 'queueArn' | 'topicArn' | 'eventBusArn';
  /** The resource part of the ARN, after the account; captures the name. */
  resource: RegExp;
  resourceRule: string;
  /** The one action the platform's role needs on the resource. */
  action: string;
  noun: string;
}

// names as the services define them: SQS 1-80, SNS 1-256 ([A-Za-z0-9_-], .fifo allowed), buses 1-256 of
// [/.\-_A-Za-z0-9]
export const DESTINATION_KINDS: Record<AwsDestinationType, KindRules> = {
  sqs: {
    service: 'sqs',
    arnField: 'queueArn',
    resource: /^([A-Za-z0-9_-]{1,75}(?:\.fifo)?|[A-Za-z0-9_-]{1,80})$/,
    resourceRule: 'a queue name of 1 to 80 letters, digits, - or _ (a FIFO queue ends in .fifo)',
    action: 'sqs:SendMessage',
    noun: 'queue',
  },
  sns: {
    service: 'sns',
    arnField: 'topicArn',
    resource: /^([A-Za-z0-9_-]{1,251}(?:\.fifo)?|[A-Za-z0-9_-]{1,256})$/,
    resourceRule: 'a topic name of 1 to 256 letters, digits, - or _ (a FIFO topic ends in .fifo)',
    action: 'sns:Publish',
    noun: 'topic',
  },
  eventbridge: {
    service: 'events',
    arnField: 'eventBusArn',
    resource: /^event-bus\/([A-Za-z0-9/._-]{1,256})$/,
    resourceRule: 'event-bus/ followed by a bus name of 1 to 256 letters, digits, /, ., - or _',
    action: 'events:PutEvents',
    noun: 'event bus',
  },
};

const ARN_PATTERN = /^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]+):([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):(.+)$/;

/** The ARN's parts, or why it is not an ARN of this kind. */
export function parseDestinationArn(type: AwsDestinationType, arn: string): ParsedArn | string {
  const rules = DESTINATION_KINDS[type];
  const match = ARN_PATTERN.exec(arn);
  if (!match)
    return (
      `must be an ARN arn:<partition>:${rules.service}:<region>:<12-digit account>:…, with partition aws, ` +
      `aws-cn or aws-us-gov`
    );
  const [, partition, service, region, account, resource] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (service !== rules.service) return `must be an ARN of ${rules.service} (a ${rules.noun}), not of ${service}`;
  const name = rules.resource.exec(resource)?.[1];
  if (!name) return `must end in ${rules.resourceRule}`;
  return { partition, service, region, account, name };
}

/** Who the platform is: its destinations role, whose account and partition a destination is checked against. */
export interface PlatformIdentity {
  roleArn: string;
  account: string;
  partition: string;
}

export function platformIdentity(roleArn: string): PlatformIdentity {
  const match = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/.+$/.exec(roleArn);
  if (!match) throw new Error(`Invalid configuration: DESTINATIONS_ROLE_ARN must be an IAM role ARN, not ${roleArn}`);
  return { roleArn, partition: match[1]!, account: match[2]! };
}

/**
 * Why this tenant may not use the ARN as a destination, or undefined. The platform's own account is refused: its
 * role may reach resources there through their account's trust alone, whatever their policy says (confused deputy).
 */
export function findDestinationProblem(
  type: AwsDestinationType,
  arn: string,
  platform: PlatformIdentity | undefined,
): string | undefined {
  if (!platform) return 'AWS destinations are not enabled in this deployment (it has no destinations role)';
  const parsed = parseDestinationArn(type, arn);
  if (typeof parsed === 'string') return parsed;
  if (parsed.partition !== platform.partition)
    return `must be in the platform's partition (${platform.partition}), not ${parsed.partition}`;
  if (parsed.account === platform.account)
    return "must be in the customer's own AWS account: the platform's account is refused";
  return undefined;
}

export function destinationArn(destination: AwsDestination): string {
  switch (destination.type) {
    case 'sqs':
      return destination.queueArn;
    case 'sns':
      return destination.topicArn;
    case 'eventbridge':
      return destination.eventBusArn;
  }
}

/** The statement a customer adds to the resource policy of the queue, topic or bus. */
export type PolicyStatement = DestinationPolicy['statement'];

export type DestinationPolicy = z.infer<typeof DestinationPolicySchema>;

/**
 * The resource policy that lets the platform deliver this tenant's events into the resource, and nobody else's:
 * the role's sessions carry the tenant as a session tag, and the condition admits only this tenant's.
 */
export function destinationPolicy(
  type: AwsDestinationType,
  arn: string,
  tenantId: string,
  platform: PlatformIdentity,
): DestinationPolicy {
  const statement: PolicyStatement = {
    Sid: 'ServerlessWebhooksDelivery',
    Effect: 'Allow',
    Principal: { AWS: platform.roleArn },
    Action: DESTINATION_KINDS[type].action,
    Resource: arn,
    Condition: { StringEquals: { [`aws:PrincipalTag/${TENANT_TAG}`]: tenantId } },
  };
  return { type, arn, policy: { Version: '2012-10-17', Statement: [statement] }, statement };
}
