import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CONTROL_TOWER_ACKNOWLEDGEMENTS } from '../../lib/control-tower';
import { createWebhooksApp } from '../../lib/webhooks-app';
import { CDK_JSON, resourcesOfType, synthesizeWebhooks } from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

/**
 * What CloudFormation, Lambda, IAM and SQS would refuse or regret, checked on the synthesized template. A reference
 * is sized at its longest (a queue URL or ARN of an 80-character name in a long region, a 255-character table
 * name), since the template cannot say how long CloudFormation's names will be.
 */
const QUOTAS = {
  resourcesPerTemplate: 500,
  templateBytes: 1_000_000,
  outputsPerTemplate: 200,
  lambdaEnvironmentBytes: 4 * 1024,
  inlinePolicyCharactersPerRole: 10_240,
};
const LONGEST_REFERENCE = 256;
const PSEUDO_PARAMETER_LENGTH: Record<string, number> = {
  'AWS::AccountId': 12,
  'AWS::Region': 14,
  'AWS::Partition': 10,
  'AWS::URLSuffix': 16,
};

function longestLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + longestLength(item) + 3, 2);
  const object = value as Record<string, unknown>;
  if ('Ref' in object) return PSEUDO_PARAMETER_LENGTH[object.Ref as string] ?? LONGEST_REFERENCE;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.reduce((sum: number, part) => sum + longestLength(part), separator.length * (parts.length - 1));
  }
  if (Object.keys(object).length === 1 && Object.keys(object)[0]!.startsWith('Fn::')) return LONGEST_REFERENCE;
  return Object.entries(object).reduce((sum, [key, item]) => sum + key.length + longestLength(item) + 4, 2);
}

describe('The template keeps the service quotas and rules', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  const { template, outdir } = synthesizeWebhooks();
  const json = template.toJSON() as { Resources: Record<string, any>; Outputs: Record<string, unknown> };

  it("stays within CloudFormation's quotas for resources, template size and outputs", () => {
    // Assess
    expect(Object.keys(json.Resources).length).toBeLessThanOrEqual(QUOTAS.resourcesPerTemplate);
    expect(readFileSync(join(outdir, 'Webhooks.template.json')).length).toBeLessThanOrEqual(QUOTAS.templateBytes);
    expect(Object.keys(json.Outputs).length).toBeLessThanOrEqual(QUOTAS.outputsPerTemplate);
  });

  it("keeps each function's environment under Lambda's 4 KB, every reference at its longest", () => {
    // Act
    const sizes = resourcesOfType(template, 'AWS::Lambda::Function').map(
      ([id, fn]) => [id, longestLength(fn.Properties.Environment?.Variables ?? {})] as const,
    );

    // Assess
    expect(sizes.filter(([, size]) => size > QUOTAS.lambdaEnvironmentBytes)).toEqual([]);
    expect(sizes.length).toBeGreaterThan(10);
  });

  it("keeps each role's inline policies under IAM's 10,240 characters", () => {
    // Act
    const byRole = new Map<string, number>();
    for (const [, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
      for (const role of policy.Properties.Roles as { Ref: string }[]) {
        byRole.set(role.Ref, (byRole.get(role.Ref) ?? 0) + longestLength(policy.Properties.PolicyDocument));
      }
    }

    // Assess
    expect([...byRole].filter(([, size]) => size > QUOTAS.inlinePolicyCharactersPerRole)).toEqual([]);
  });

  it(
    'gives every SQS event source what Lambda requires: visibility, batching window, concurrency, partial ' +
      'failures',
    () => {
      // Act
      const problems = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').flatMap(
        ([id, { Properties: mapping }]) => {
          const queue = json.Resources[mapping.EventSourceArn['Fn::GetAtt'][0]].Properties;
          const fn = json.Resources[mapping.FunctionName.Ref].Properties;
          const concurrency = mapping.ScalingConfig?.MaximumConcurrency;
          return [
            queue.VisibilityTimeout >= 6 * fn.Timeout ||
              `${id}: visibility ${queue.VisibilityTimeout} s < 6 × ${fn.Timeout} s`,
            mapping.BatchSize <= 10 ||
              mapping.MaximumBatchingWindowInSeconds >= 1 ||
              `${id}: a batch over 10 needs a batching window`,
            !queue.FifoQueue ||
              (mapping.BatchSize <= 10 && mapping.MaximumBatchingWindowInSeconds === undefined) ||
              `${id}: a FIFO source takes at most 10 and no window`,
            (concurrency >= 2 && concurrency <= 1000) || `${id}: maxConcurrency ${concurrency} outside 2–1000`,
            mapping.FunctionResponseTypes?.includes('ReportBatchItemFailures') || `${id}: no partial batch responses`,
          ].filter((result): result is string => typeof result === 'string');
        },
      );

      // Assess: fan-out (events and platform events), the four deliver lanes, recover and the erasure worker
      expect(problems).toEqual([]);
      expect(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')).toHaveLength(8);
    },
  );

  it("associates the web ACL with this API's stage", () => {
    // Act
    const [[, association]] = resourcesOfType(template, 'AWS::WAFv2::WebACLAssociation') as [[string, any]];
    const [restApiId] = resourcesOfType(template, 'AWS::ApiGateway::RestApi')[0]!;
    const [stageId] = resourcesOfType(template, 'AWS::ApiGateway::Stage')[0]!;

    // Assess
    const [, parts] = association.Properties.ResourceArn['Fn::Join'] as [string, unknown[]];
    expect(parts).toEqual(expect.arrayContaining([{ Ref: restApiId }, { Ref: stageId }]));
    expect(parts.filter((part) => typeof part === 'string').join('')).toMatch(
      /:apigateway:.*::\/restapis\/\/stages\/$/,
    );
  });
});

/** The rule names of every finding in a synthesis' validation report (acknowledged findings are not in it). */
function violationsIn(directory: string): string[] {
  const report = JSON.parse(readFileSync(join(directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations: { ruleName: string }[] }[];
  };
  return report.pluginReports.flatMap((plugin) => plugin.violations.map((violation) => violation.ruleName));
}

describe('AWS Control Tower proactive controls (cfn-guard, @cdklabs/cdk-validator-cfnguard)', {
  timeout: STEP_TIMEOUT_MS.synthesis,
}, () => {
  const outdir = mkdtempSync(join(tmpdir(), 'webhooks-guard-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const withoutBundling = (context: Record<string, unknown> = {}) => ({
    ...CDK_JSON.context,
    ...context,
    'aws:cdk:bundling-stacks': [],
  });

  it(
    'fails exactly the controls lib/control-tower.ts acknowledges, when the plugin reads the template on its ' + 'own',
    () => {
      // Prepare: the template of the default app; run outside a synthesis, the plugin sees no acknowledgement
      const { app } = createWebhooksApp({ outdir, context: withoutBundling() }, { controlTowerChecks: false });
      const assembly = app.synth();

      // Act
      const report = new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate({
        appConstruct: app,
        templatePaths: assembly.stacks.map((stack) => join(outdir, stack.templateFile)),
      });

      // Assess
      const failing = new Set(report.violations.map((violation) => violation.ruleName));
      expect([...failing].sort()).toEqual(CONTROL_TOWER_ACKNOWLEDGEMENTS.map((entry) => entry.rule).sort());
    },
  );

  it(
    'passes the log retention, log encryption and API logging controls once the context asks for them (static egress ' +
      'on too), with no acknowledgement',
    () => {
      // Prepare: a customer-managed key needs the Region, which the CLI takes from the profile
      vi.stubEnv('CDK_DEFAULT_REGION', 'eu-west-1');

      // Act
      const { app } = createWebhooksApp({
        outdir: join(outdir, 'compliant'),
        context: withoutBundling({
          logRetentionDays: 365,
          apiGatewayLogging: 'existing-account-role',
          encryptionKey: 'create',
          staticEgress: true,
        }),
      });

      // Assess: no finding at all, not even one the plugin lets pass (it concludes "success" on some controls'
      // findings)
      expect(() => app.synth()).not.toThrow();
      expect(violationsIn(join(outdir, 'compliant'))).toEqual([]);
    },
  );
});
