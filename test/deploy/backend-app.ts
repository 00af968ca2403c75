/**
 * The deploy suite's app: this repository's app (bin/webhooks.ts, with cdk-nag and the Control Tower checks) plus
 * what a team adds beside it for its backend: a role granted the operator plane with `platform.grantAdmin`, and a role
 * whose own policy allows one admin method only (`GET /admin/tenants`). The artifact platform checks every /admin call
 * against the signer's policies in this template.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { AccountRootPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { createWebhooksApp } from '../../lib/webhooks-app';

/** How cdk-nag names a resource in a finding (its flattenCfnReference): `Ref` as `<Id>`, joins joined. */
function flattened(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattened).join(delimiter);
  }
  if (node.Ref) return `<${node.Ref as string}>`;
  return JSON.stringify(value);
}

const { stack } = createWebhooksApp();
const { api } = stack.platform;

const backend = new Role(stack, 'BackendRole', { assumedBy: new AccountRootPrincipal() });
stack.platform.grantAdmin(backend);
Validations.of(backend).acknowledge(
  ...api.adminMethods.map((method) => ({
    id: `AwsSolutions-IAM5[Resource::${flattened(Stack.of(stack).resolve(method.methodArn))}]`,
    reason: "Each * of an admin method's ARN is a path parameter (a tenant id, a key hash): grantAdmin's own grant.",
  })),
);

const tenantsReader = new Role(stack, 'TenantsReaderRole', { assumedBy: new AccountRootPrincipal() });
tenantsReader.addToPolicy(
  new PolicyStatement({
    actions: ['execute-api:Invoke'],
    resources: [api.restApi.arnForExecuteApi('GET', '/admin/tenants', api.restApi.deploymentStage.stageName)],
  }),
);
