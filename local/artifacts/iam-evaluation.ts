import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { RecordedCall } from './call-recorder';
import { resourcesOfType, type StackTemplate } from './cloud-assembly';
import type { TemplateValue } from './intrinsics';
import { iamRequestsOf, type IamRequest, type TableKeys } from './iam-requests';

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
  Sid?: string;
};
type PolicyDocument = { Version: string; Statement: Statement[] };

export interface EvaluationInput {
  template: StackTemplate;
  resolve: (value: TemplateValue) => unknown;
  calls: readonly RecordedCall[];
  /** Each function's logical id → its role's logical id (the principal its calls were signed as). */
  roleOfFunction: Readonly<Record<string, string>>;
  tables: ReadonlyMap<string, TableKeys>;
  queueArn: (queueUrl: string) => string;
  accountId: string;
}

export interface DeniedCall {
  operation: string;
  request: IamRequest;
  /** The statement the role lacks, ready to paste. */
  missing: Statement;
}

export interface GrantedAction {
  /** The template's policy resource and the statement's position in it. */
  statement: string;
  action: string;
  resources: string[];
  /** The statement's `dynamodb:LeadingKeys` patterns, when it has them. */
  leadingKeys?: string[];
}

export interface FunctionReport {
  functionId: string;
  role: string;
  calls: number;
  authorizations: number;
  allowed: number;
  denied: DeniedCall[];
  unused: GrantedAction[];
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.?+^$()[\]{}|\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );

/** Each statement of a role's policies in the template, as a policy of its own, so an analysis names the statement. */
function identityStatements(
  template: StackTemplate,
  resolve: EvaluationInput['resolve'],
  roleId: string,
): { name: string; statement: Statement }[] {
  const attached = resourcesOfType(template, 'AWS::IAM::Policy').filter(([, policy]) =>
    asList(policy.Properties!.Roles as TemplateValue[]).some(
      (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
    ),
  );
  const inline = (
    (template.Resources[roleId]?.Properties?.Policies as
      | { PolicyName: string; PolicyDocument: TemplateValue }[]
      | undefined) ?? []
  ).map((policy) => [`${roleId}.${policy.PolicyName}`, policy.PolicyDocument] as const);
  return [...attached.map(([id, policy]) => [id, policy.Properties!.PolicyDocument!] as const), ...inline].flatMap(
    ([name, document]) =>
      (resolve(document) as PolicyDocument).Statement.map((statement, index) => ({
        name: `${name}[${index}]`,
        statement,
      })),
  );
}

/** Queue ARN → the queue policy of the template that covers it. */
function queuePolicies(
  template: StackTemplate,
  resolve: EvaluationInput['resolve'],
  queueArn: EvaluationInput['queueArn'],
): Map<string, PolicyDocument> {
  const byArn = new Map<string, PolicyDocument>();
  for (const [, policy] of resourcesOfType(template, 'AWS::SQS::QueuePolicy')) {
    for (const url of resolve(policy.Properties!.Queues!) as string[])
      byArn.set(queueArn(url), resolve(policy.Properties!.PolicyDocument!) as PolicyDocument);
  }
  return byArn;
}

function leadingKeysOf(statement: Statement): { leadingKeys?: string[] } {
  const patterns = (statement.Condition as Record<string, Record<string, string | string[]>> | undefined)?.[
    'ForAllValues:StringLike'
  ]?.['dynamodb:LeadingKeys'];
  return patterns ? { leadingKeys: asList(patterns) } : {};
}

function missingStatement(request: IamRequest): Statement {
  const leadingKeys = request.context['dynamodb:LeadingKeys'];
  return {
    Effect: 'Allow',
    Action: request.action,
    Resource: request.resource,
    ...(leadingKeys ? { Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } } } : {}),
  };
}

/** One request as IAM evaluates it: the principal's identity statements, and the resource's policy when it has one. */
async function simulate(
  statements: readonly { name: string; statement: Statement }[],
  request: IamRequest,
  { principal, accountId, resourcePolicy }: { principal: string; accountId: string; resourcePolicy?: PolicyDocument },
) {
  const simulation: Simulation = {
    identityPolicies: statements.map(({ name, statement }) => ({
      name,
      policy: { Version: '2012-10-17', Statement: [statement] },
    })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy } : {}),
    request: {
      action: request.action,
      principal,
      resource: { resource: request.resource, accountId },
      contextVariables: request.context,
    },
  } as Simulation;
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error')
    throw new Error(`the evaluator refused ${JSON.stringify(request)}: ${JSON.stringify(result.errors)}`);
  return result;
}

/** The roles of the template a caller may sign as (its access key id is the role's logical id). */
export const templateRoles = (template: StackTemplate): string[] =>
  resourcesOfType(template, 'AWS::IAM::Role').map(([logicalId]) => logicalId);

/**
 * Whether a role of the template may call an API method, as API Gateway asks IAM for an AWS_IAM method:
 * `execute-api:Invoke` on the method's ARN, evaluated against the role's policies as the template has them (those
 * `grantAdmin` writes, or any other) by the same evaluator as the functions' calls.
 */
export async function allowsInvoke(
  input: Pick<EvaluationInput, 'template' | 'resolve' | 'accountId'>,
  roleId: string,
  methodArn: string,
): Promise<boolean> {
  const statements = identityStatements(input.template, input.resolve, roleId);
  const result = await simulate(
    statements,
    { action: 'execute-api:Invoke', resource: methodArn, context: {} },
    { principal: `arn:aws:iam::${input.accountId}:role/${roleId}`, accountId: input.accountId },
  );
  return result.overallResult === 'Allowed';
}

/**
 * Checks every recorded call against its caller's policies in the synthesized template with a real IAM policy
 * evaluator (@cloud-copilot/iam-simulate: identity policies, the queue's resource policy, condition operators),
 * and reports what each role was granted and never used.
 */
export async function evaluateCalls(input: EvaluationInput): Promise<FunctionReport[]> {
  const resourcePolicies = queuePolicies(input.template, input.resolve, input.queueArn);
  const functionOfRole = Object.fromEntries(Object.entries(input.roleOfFunction).map(([fn, role]) => [role, fn]));
  const reports: FunctionReport[] = [];
  for (const [functionId, roleId] of Object.entries(input.roleOfFunction)) {
    const statements = identityStatements(input.template, input.resolve, roleId);
    const calls = input.calls.filter((call) => functionOfRole[call.principal] === functionId);
    const distinct = new Map<string, { operation: string; request: IamRequest }>();
    for (const call of calls) {
      for (const request of iamRequestsOf(call, input.tables, input.queueArn))
        distinct.set(JSON.stringify(request), { operation: call.operation, request });
    }
    const used = new Set<string>();
    const denied: DeniedCall[] = [];
    for (const { operation, request } of distinct.values()) {
      const resourcePolicy = request.action.startsWith('sqs:') ? resourcePolicies.get(request.resource) : undefined;
      const result = await simulate(statements, request, {
        principal: `arn:aws:iam::${input.accountId}:role/${roleId}`,
        accountId: input.accountId,
        resourcePolicy,
      });
      if (result.overallResult !== 'Allowed') {
        denied.push({ operation, request, missing: missingStatement(request) });
        continue;
      }
      const analysis = result.resultType === 'single' ? result.result.analysis : undefined;
      for (const allow of analysis?.identityAnalysis?.allowStatements ?? [])
        used.add(`${allow.policyId} ${request.action}`);
    }
    const unused = statements.flatMap(({ name, statement }) =>
      statement.Effect !== 'Allow'
        ? []
        : asList(statement.Action)
            .filter(
              (action) =>
                ![...used].some(
                  (entry) => entry.startsWith(`${name} `) && wildcard(action).test(entry.slice(name.length + 1)),
                ),
            )
            .map((action) => ({
              statement: name,
              action,
              resources: asList(statement.Resource),
              ...leadingKeysOf(statement),
            })),
    );
    const allowed = distinct.size - denied.length;
    reports.push({
      functionId,
      role: roleId,
      calls: calls.length,
      authorizations: distinct.size,
      allowed,
      denied,
      unused,
    });
  }
  return reports;
}
