import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import { createWebhooksApp } from '../../lib/webhooks-app';
import type { WebhooksStack } from '../../lib/webhooks-stack';

export const PROJECT_ROOT = new URL('../../', import.meta.url).pathname;

export const CDK_JSON = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
  app: string;
  notices?: boolean;
  versionReporting?: boolean;
  context: Record<string, unknown>;
};

export interface Synthesized {
  app: App;
  stack: WebhooksStack;
  template: Template;
  outdir: string;
}

/**
 * Builds the app the way `cdk synth` does (cdk.json's context, cdk-nag registered, functions bundled by the
 * local esbuild) into a temporary directory removed after the file's tests. `prepare` may add constructs
 * (another stack, a grant) before the one synthesis: call this once per test file.
 */
export function synthesizeWebhooks(prepare?: (synthesized: Omit<Synthesized, 'template'>) => void): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'webhooks-infra-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const { app, stack } = createWebhooksApp({ outdir, context: CDK_JSON.context }, { controlTowerChecks: false });
  prepare?.({ app, stack, outdir });
  return { app, stack, template: Template.fromStack(stack), outdir };
}

const variants = new Map<string, Template>();

/**
 * The stack with other context than cdk.json's, its functions left unbundled (what such tests assert does not depend
 * on them): one synthesis per distinct context (and CDK environment) in a test process, however many tests read it.
 */
export function synthesizeWithContext(context: Record<string, unknown>): Template {
  const key = JSON.stringify([context, process.env.CDK_DEFAULT_ACCOUNT, process.env.CDK_DEFAULT_REGION]);
  const known = variants.get(key);
  if (known) return known;
  const { stack } = createWebhooksApp(
    { context: { ...CDK_JSON.context, ...context, 'aws:cdk:bundling-stacks': [] } },
    { controlTowerChecks: false },
  );
  const template = Template.fromStack(stack);
  variants.set(key, template);
  return template;
}

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** Logical ids and resources of one type. */
export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

/** The one resource of a type whose logical id starts with the construct path given (e.g. `DeliveryEventsQueue`). */
export function resourceByPrefix(template: Template, type: string, prefix: string): [string, Resource] {
  const matches = resourcesOfType(template, type).filter(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  if (matches.length !== 1) throw new Error(`expected one ${type} named ${prefix}…, found ${matches.length}`);
  return matches[0]!;
}

/** The logical ids of the stack's queues, by their role in the pipeline. */
export function queueIdsOf(template: Template) {
  const id = (prefix: string) => resourceByPrefix(template, 'AWS::SQS::Queue', prefix)[0];
  return {
    events: id('DeliveryEventsQueue'),
    eventsDlq: id('DeliveryEventsDlq'),
    platformEvents: id('DeliveryPlatformEventsQueue'),
    orderedDeliveries: id('DeliveryOrderedDeliveriesQueue'),
    orderedDeliveriesDlq: id('DeliveryOrderedDeliveriesDlq'),
    slowOrderedDeliveries: id('DeliverySlowOrderedDeliveriesQueue'),
    deliveries: id('DeliveryDeliveriesQueue'),
    deliveriesDlq: id('DeliveryDeliveriesDlq'),
    slowDeliveries: id('DeliverySlowDeliveriesQueue'),
    recoveries: id('RecoveryRecoveriesQueue'),
    recoveriesDlq: id('RecoveryRecoveriesDlq'),
    erasures: id('ErasureErasuresQueue'),
    erasuresDlq: id('ErasureErasuresDlq'),
  };
}

/** Every statement of the inline policies attached to a function's role. */
export function statementsOfFunction(template: Template, functionId: string): Statement[] {
  const fn = template.toJSON().Resources[functionId] as Resource;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: { Ref?: string }) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** The actions a function may perform on the resource whose logical id is given. */
export function actionsOn(template: Template, functionId: string, resourceId: string): string[] {
  return statementsOfFunction(template, functionId)
    .filter((statement) => JSON.stringify(statement.Resource).includes(`"${resourceId}"`))
    .flatMap(actionsOf);
}

/** One DynamoDB grant of a function, as the template states it. */
export interface TableGrantInTemplate {
  actions: string[];
  /** The index the grant is on, or undefined for the table itself. */
  index: string | undefined;
  /** The `dynamodb:LeadingKeys` patterns (ForAllValues:StringLike), or undefined when unconditioned. */
  leadingKeys: string[] | undefined;
}

/** Every statement of a function that names the table (or one of its indexes), sorted for comparison. */
export function tableGrantsOf(template: Template, functionId: string, tableId: string): TableGrantInTemplate[] {
  return statementsOfFunction(template, functionId)
    .filter((statement) => JSON.stringify(statement.Resource).includes(`"${tableId}"`))
    .map((statement) => {
      const leadingKeys = (statement as { Condition?: Record<string, Record<string, string | string[]>> }).Condition?.[
        'ForAllValues:StringLike'
      ]?.['dynamodb:LeadingKeys'];
      return {
        actions: [...actionsOf(statement)].sort(),
        index: JSON.stringify(statement.Resource).match(/\/index\/([A-Za-z0-9_.-]+)/)?.[1],
        leadingKeys: leadingKeys === undefined ? undefined : [leadingKeys].flat().sort(),
      };
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** Whether an IAM StringLike pattern (`*` any characters, `?` one) matches a value. */
export function stringLike(pattern: string, value: string): boolean {
  const expression = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${expression}$`).test(value);
}
