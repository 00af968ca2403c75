import { Aws, CfnOutput, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TENANT_TAG } from '../lambdas/core/webhooks/aws-destination';
import type { WebhooksFunction } from './webhooks-function';

export interface DestinationsProps {
  /** The deliver lanes: they assume the role, tagged with the tenant of the delivery. */
  deliverFunctions: readonly WebhooksFunction[];
  /** The API routes: they check a destination against the role's account and give its resource policy. */
  apiFunctions: readonly WebhooksFunction[];
}

/** The one action each kind of AWS destination needs (lambdas/core/webhooks/aws-destination.ts, DESTINATION_KINDS). */
const DELIVERY_GRANTS = [
  { action: 'sqs:SendMessage', resource: `arn:${Aws.PARTITION}:sqs:*:*:*` },
  { action: 'sns:Publish', resource: `arn:${Aws.PARTITION}:sns:*:*:*` },
  { action: 'events:PutEvents', resource: `arn:${Aws.PARTITION}:events:*:*:event-bus/*` },
];

/**
 * Keyless delivery into customers' own queues, topics and buses (docs/design.md §17). `DestinationsRole` is the
 * only principal that sends there: the deliver functions assume it with a `tenantId` session tag (required by its
 * trust policy), and a customer's resource policy allows it only under that customer's tenant tag, so one tenant's
 * webhook can never make the platform write into another tenant's destination. The role can reach nothing in the
 * platform's own account (a deny on aws:ResourceAccount), whatever a resource there trusts: no confused deputy.
 */
export class Destinations extends Construct {
  public readonly role: iam.Role;

  public constructor(scope: Construct, id: string, { deliverFunctions, apiFunctions }: DestinationsProps) {
    super(scope, id);
    // exactly one session tag, the tenant's: an untagged session would match no customer's policy, and is refused
    // outright
    const tagged = {
      Null: { [`aws:RequestTag/${TENANT_TAG}`]: 'false' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_TAG] },
    };
    this.role = new iam.Role(this, 'DestinationsRole', {
      description: "Sends deliveries into customers' own SQS queues, SNS topics and EventBridge buses, per tenant",
      assumedBy: new iam.CompositePrincipal(
        ...deliverFunctions.map((fn) =>
          new iam.ArnPrincipal(fn.role!.roleArn).withConditions(tagged).withSessionTags(),
        ),
      ),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeliverIntoCustomerResources',
        actions: DELIVERY_GRANTS.map((grant) => grant.action),
        resources: DELIVERY_GRANTS.map((grant) => grant.resource),
      }),
    );
    // a queue or topic encrypted with the customer's key: the key's policy must allow the role too (README)
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptForCustomerQueuesAndTopics',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [`arn:${Aws.PARTITION}:kms:*:*:key/*`],
        conditions: { StringLike: { 'kms:ViaService': ['sqs.*.amazonaws.com', 'sns.*.amazonaws.com'] } },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'NothingInThePlatformAccount',
        effect: iam.Effect.DENY,
        actions: [...DELIVERY_GRANTS.map((grant) => grant.action), 'kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:ResourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const unknownAtDeployTime =
      "The customers' queues, topics, buses and keys are not known at deploy time: " +
      "each customer's resource policy admits this role only under its own tenant's session tag, " +
      "and the platform's own account is denied.";
    Validations.of(this.role).acknowledge(
      ...[...DELIVERY_GRANTS.map((grant) => grant.resource), `arn:${Aws.PARTITION}:kms:*:*:key/*`].map((resource) => ({
        id: `AwsSolutions-IAM5[Resource::${resource.replace(Aws.PARTITION, '<AWS::Partition>')}]`,
        reason: unknownAtDeployTime,
      })),
    );

    for (const fn of deliverFunctions) {
      iam.Grant.addToPrincipal({
        grantee: fn,
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resourceArns: [this.role.roleArn],
      });
      fn.addEnvironment('DESTINATIONS_ROLE_ARN', this.role.roleArn);
    }
    for (const fn of apiFunctions) fn.addEnvironment('DESTINATIONS_ROLE_ARN', this.role.roleArn);

    new CfnOutput(this, 'DestinationsRoleArnOutput', {
      description: 'The principal customers name in their queue, topic or bus policy (GET /v2/destination-policy)',
      value: this.role.roleArn,
    }).overrideLogicalId('DestinationsRoleArn');
  }
}
