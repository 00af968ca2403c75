import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import {
  destinationPolicy,
  platformIdentity,
  type AwsDestinationType,
} from '../../lambdas/core/webhooks/aws-destination';
import { resolve, type ResolvedResource, type TemplateValue } from '../../local/artifacts/intrinsics';
import { CDK_JSON, resourceByPrefix, resourcesOfType, synthesizeWebhooks } from './synthesize';

// no function code is needed to read policies: skip bundling
CDK_JSON.context['aws:cdk:bundling-stacks'] = [];
const { template } = synthesizeWebhooks();
const resourcesJson = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;

const PLATFORM_ACCOUNT = '111111111111';
const roleArnOf = (logicalId: string) => `arn:aws:iam::${PLATFORM_ACCOUNT}:role/${logicalId}`;
const scope = {
  pseudo: {
    'AWS::Partition': 'aws',
    'AWS::AccountId': PLATFORM_ACCOUNT,
    'AWS::Region': 'eu-west-1',
    'AWS::URLSuffix': 'amazonaws.com',
  },
  resources: new Map<string, ResolvedResource>(
    Object.keys(resourcesJson).map((id) => [id, { ref: id, attributes: { Arn: roleArnOf(id) } }]),
  ),
};
const resolved = (value: TemplateValue) => resolve(value, scope) as any;

const [roleId, role] = resourceByPrefix(template, 'AWS::IAM::Role', 'DestinationsDestinationsRole');
const platform = platformIdentity(roleArnOf(roleId));
const deliverRoleId = resourceByPrefix(template, 'AWS::IAM::Role', 'DeliveryDeliverServiceRole')[0];

/** Every statement of the policies attached to a role in the template, each as a policy of its own. */
function identityPolicies(ofRole: string) {
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(`"${ofRole}"`))
    .flatMap(([id, policy]) =>
      (resolved(policy.Properties.PolicyDocument).Statement as unknown[]).map((statement, index) => ({
        name: `${id}-${index}`,
        policy: { Version: '2012-10-17', Statement: [statement] },
      })),
    );
}

async function evaluate(input: {
  identityOf: string;
  principal: string;
  action: string;
  resource: string;
  resourceAccount: string;
  resourcePolicy: unknown;
  context: Record<string, string | string[]>;
}) {
  const result = await runSimulation(
    {
      identityPolicies: identityPolicies(input.identityOf),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: input.resourcePolicy,
      request: {
        action: input.action,
        principal: input.principal,
        resource: { resource: input.resource, accountId: input.resourceAccount },
        contextVariables: input.context,
      },
    } as Simulation,
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

/** A send by the deliver function's session of DestinationsRole, tagged with `tenant`. */
const sessionOf = (tenant: string) => ({
  identityOf: roleId,
  principal: `arn:aws:sts::${PLATFORM_ACCOUNT}:assumed-role/${roleId}/webhooks-${tenant}`,
  context: { 'aws:PrincipalTag/tenantId': tenant, 'aws:PrincipalAccount': PLATFORM_ACCOUNT },
});

const CUSTOMERS = { 'tenant-a': '222222222222', 'tenant-b': '333333333333' };
const KINDS: [AwsDestinationType, string, (account: string) => string][] = [
  ['sqs', 'sqs:SendMessage', (account) => `arn:aws:sqs:eu-west-1:${account}:orders`],
  ['sns', 'sns:Publish', (account) => `arn:aws:sns:eu-west-1:${account}:orders`],
  ['eventbridge', 'events:PutEvents', (account) => `arn:aws:events:eu-west-1:${account}:event-bus/orders`],
];

describe('DestinationsRole under the policy the docs give a customer (IAM evaluator)', () => {
  it.each(KINDS)('%s: tenant B is allowed into its own destination, denied on A’s', async (type, action, arnIn) => {
    const send = (tenant: string, owner: keyof typeof CUSTOMERS) =>
      evaluate({
        ...sessionOf(tenant),
        action,
        resource: arnIn(CUSTOMERS[owner]),
        resourceAccount: CUSTOMERS[owner],
        resourcePolicy: destinationPolicy(type, arnIn(CUSTOMERS[owner]), owner, platform).policy,
      });
    expect(await send('tenant-b', 'tenant-b')).toBe('Allowed');
    expect(await send('tenant-b', 'tenant-a')).toBe('ImplicitlyDenied');
    expect(await send('tenant-a', 'tenant-a')).toBe('Allowed');
  });

  it("reaches nothing in the platform's own account, even a queue that trusts the whole account", async () => {
    const queue = `arn:aws:sqs:eu-west-1:${PLATFORM_ACCOUNT}:webhooks-deliveries`;
    const trustsAccount = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${PLATFORM_ACCOUNT}:root` },
          Action: 'sqs:SendMessage',
          Resource: queue,
        },
      ],
    };
    const result = await evaluate({
      ...sessionOf('tenant-b'),
      action: 'sqs:SendMessage',
      resource: queue,
      resourceAccount: PLATFORM_ACCOUNT,
      resourcePolicy: trustsAccount,
      context: { ...sessionOf('tenant-b').context, 'aws:ResourceAccount': PLATFORM_ACCOUNT },
    });
    expect(result).toBe('ExplicitlyDenied');
  });

  it('is assumed by the deliver lanes only with the tenant tag, and no other tag', async () => {
    const trust = resolved(role.Properties.AssumeRolePolicyDocument);
    const assume = (action: string, context: Record<string, string | string[]>, principalRole = deliverRoleId) =>
      evaluate({
        identityOf: principalRole,
        principal: roleArnOf(principalRole),
        action,
        resource: platform.roleArn,
        resourceAccount: PLATFORM_ACCOUNT,
        resourcePolicy: trust,
        context,
      });
    const tagged = { 'aws:RequestTag/tenantId': 'tenant-b', 'aws:TagKeys': ['tenantId'] };
    expect(await assume('sts:AssumeRole', tagged)).toBe('Allowed');
    expect(await assume('sts:TagSession', tagged)).toBe('Allowed');
    expect(await assume('sts:AssumeRole', {})).not.toBe('Allowed');
    expect(
      await assume('sts:TagSession', {
        ...tagged,
        'aws:RequestTag/admin': 'true',
        'aws:TagKeys': ['tenantId', 'admin'],
      }),
    ).not.toBe('Allowed');
    const fanOutRoleId = resourceByPrefix(template, 'AWS::IAM::Role', 'DeliveryFanOutServiceRole')[0];
    expect(await assume('sts:AssumeRole', tagged, fanOutRoleId)).not.toBe('Allowed');
  });

  it('gives its ARN to the deliver lanes and the API routes, and as the DestinationsRoleArn output', () => {
    const withRole = resourcesOfType(template, 'AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties.Environment?.Variables?.DESTINATIONS_ROLE_ARN,
    );
    const ids = withRole.map(([id]) => id);
    for (const lane of [
      'DeliveryDeliver',
      'DeliveryDeliverSlowLane',
      'DeliveryDeliverOrdered',
      'DeliveryDeliverOrderedSlowLane',
      'ApiCreateWebhook',
    ])
      expect(ids.some((id) => new RegExp(`^${lane}[0-9A-F]{8}$`).test(id))).toBe(true);
    expect(ids.some((id) => id.startsWith('DeliveryFanOut'))).toBe(false);
    expect(template.toJSON().Outputs.DestinationsRoleArn.Value).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });
});
