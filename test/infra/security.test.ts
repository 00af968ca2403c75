import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { actionsOf, resourcesOfType, synthesizeWebhooks } from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

const { stack, template } = synthesizeWebhooks();

/** Every Allow statement of every policy document in the template (identity and resource policies). */
const allowStatements = [
  ...resourcesOfType(template, 'AWS::IAM::Policy').map(([, policy]) => policy.Properties.PolicyDocument),
  ...resourcesOfType(template, 'AWS::IAM::Role').flatMap(([, role]) =>
    (role.Properties.Policies ?? []).map((p: any) => p.PolicyDocument),
  ),
  ...resourcesOfType(template, 'AWS::SQS::QueuePolicy').map(([, policy]) => policy.Properties.PolicyDocument),
]
  .flatMap((document) => document.Statement)
  .filter((statement) => statement.Effect === 'Allow');

/** Every cdk-nag acknowledgement in the stack: rule id, reason, and the construct it sits on. */
const acknowledgements = stack.node.findAll().flatMap((construct) =>
  construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
    .map(([id, reason]) => ({ rule: id.replace(/^annotation::/i, ''), reason, path: construct.node.path })),
);

describe('Stack: Webhooks security', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it('grants no action "*" and no service-wide wildcard such as "sqs:*" or "dynamodb:*"', () => {
    // Prepare
    const wildcard = /^(\*|[a-z0-9-]+:\*)$/;

    // Act
    const actions = allowStatements.flatMap(actionsOf);

    // Assess
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => wildcard.test(action))).toEqual([]);
  });

  it('grants on Resource "*" only the X-Ray actions, which have no resource-level permissions', () => {
    // Prepare
    const onEverything = allowStatements.filter((statement) => statement.Resource === '*');

    // Act
    const actions = new Set(onEverything.flatMap(actionsOf));

    // Assess
    expect([...actions].sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('grants DynamoDB data actions only with a dynamodb:LeadingKeys condition, and Scan to nobody', () => {
    // Prepare
    const dataActions = /^dynamodb:(Get|BatchGet|Query|Scan|Put|Update|Delete|BatchWrite|ConditionCheck|PartiQL)/;

    // Act
    const dynamoStatements = allowStatements.filter((statement) =>
      actionsOf(statement).some((action) => dataActions.test(action)),
    );

    // Assess
    expect(dynamoStatements.length).toBeGreaterThan(0);
    for (const statement of dynamoStatements) {
      expect(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toBeDefined();
    }
    expect(allowStatements.flatMap(actionsOf)).not.toContain('dynamodb:Scan');
  });

  it("attaches no AWS-managed policy but the functions' logging one (API Gateway's account role is opt-in)", () => {
    // Prepare
    const allowed = ['AWSLambdaBasicExecutionRole'];

    // Act
    const managed = resourcesOfType(template, 'AWS::IAM::Role')
      .flatMap(([, role]) => role.Properties.ManagedPolicyArns ?? [])
      .map((arn: unknown) => JSON.stringify(arn).match(/policy\/service-role\/([A-Za-z]+)/)?.[1]);

    // Assess
    expect(new Set(managed)).toEqual(new Set(allowed));
  });

  it('passes cdk-nag AwsSolutions with nothing left unacknowledged, errors or warnings', () => {
    // Prepare
    const checks = new AwsSolutionsChecks();

    // Act
    const report = checks.validateScope(stack);
    const findings = report.violations.map(
      (violation) =>
        `${violation.ruleName} (${violation.severity}) at ` +
        `${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );

    // Assess
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges only the cdk-nag findings the design accepts, each where it arises', () => {
    // Prepare
    const expected = [
      // API Gateway logs need the account-wide role, opt-in (context apiGatewayLogging)
      'AwsSolutions-APIG1',
      'AwsSolutions-APIG6',
      'AwsSolutions-APIG2',
      // the web console's page and assets (lib/console.ts): public like any sign-in page
      'AwsSolutions-APIG4',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM5[Resource::*]',
      // the customers' own queues, topics, buses and keys (lib/destinations.ts): admitted per tenant by their policies
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:*:*:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sns:*:*:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:*:*:event-bus/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:*:*:key/*]',
    ];

    // Act: the Control Tower controls are acknowledged on the whole stack, from lib/control-tower.ts
    // (service-rules.test.ts)
    const nag = acknowledgements.filter(({ rule }) => rule.startsWith('AwsSolutions-'));
    const rules = new Set(nag.map(({ rule }) => rule));

    // Assess
    expect([...rules].sort()).toEqual(expected.sort());
    expect(nag.filter(({ path }) => path === stack.node.path)).toEqual([]);
  });

  it('gives every acknowledgement a specific reason', () => {
    // Prepare
    const generic = /^(n\/?a|none|todo|tbd|ok|ignore|suppressed?|not needed|false positive)\.?$/i;

    // Act
    const vague = acknowledgements.filter(({ reason }) => reason.trim().length < 60 || generic.test(reason.trim()));

    // Assess
    expect(acknowledgements.length).toBeGreaterThan(0);
    expect(vague).toEqual([]);
  });
});
