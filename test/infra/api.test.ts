import { App, Stack } from 'aws-cdk-lib';
import { WebhookPlatform } from '../../lib/webhook-platform';
import { Match } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERRORS, gatewayErrorBody, type GatewayErrorType } from '../../lambdas/api/gateway-responses';
import { ROUTES, functionOf, routeFunctions, routeMounts } from '../../lambdas/api/routes';
import { Template } from 'aws-cdk-lib/assertions';
import {
  API_RATE_LIMITS,
  API_THROTTLING,
  AUTHORIZER_CACHE_SECONDS,
  AUTHORIZER_RESERVED_CONCURRENCY,
  FUNCTION_TIMEOUT_SECONDS,
} from '../../lambdas/platform-settings';
import {
  CDK_JSON,
  resourceByPrefix,
  resourcesOfType,
  stringLike,
  synthesizeWebhooks,
  synthesizeWithContext,
  tableGrantsOf,
} from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

const { template } = synthesizeWebhooks();
const [authorizerId, authorizer] = resourceByPrefix(template, 'AWS::ApiGateway::Authorizer', 'ApiApiKeyAuthorizer');
const [tableId] = resourceByPrefix(template, 'AWS::DynamoDB::GlobalTable', 'StorageTable');
const [, stage] = resourcesOfType(template, 'AWS::ApiGateway::Stage')[0]!;

/** The full path of an API Gateway resource, from its chain of parents. */
function pathOf(resourceId: string): string {
  const resource = template.toJSON().Resources[resourceId];
  const parent = resource.Properties.ParentId;
  const prefix = parent.Ref ? pathOf(parent.Ref) : '';
  return `${prefix}/${resource.Properties.PathPart}`;
}

/**
 * Each method of the API's routes as "VERB /path", with the function its proxy integration invokes (the console's are
 * lib/console.ts's).
 */
const methods = resourcesOfType(template, 'AWS::ApiGateway::Method')
  .map(([, method]) => ({
    route: `${method.Properties.HttpMethod} ${pathOf(method.Properties.ResourceId.Ref)}`,
    properties: method.Properties,
    functionId: JSON.stringify(method.Properties.Integration.Uri).match(/"([A-Za-z0-9]+)","Arn"/)?.[1],
  }))
  .filter((method) => !method.route.includes(' /console'));

const methodAt = (verb: string, path: string) => methods.find((method) => method.route === `${verb} ${path}`);
const methodFor = (route: (typeof ROUTES)[number]) => methodAt(route.method, route.path);
const TENANT_ROUTES = ROUTES.filter((route) => route.surface === 'tenant' && !route.public);
const ADMIN_MOUNTS = routeMounts().filter((mount) => mount.authorization === 'AWS_IAM');

describe('Construct: Api', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it('has exactly one method per mount of each lambdas/api/routes.ts route (tenant routes twice, admin once)', () => {
    // Prepare
    const expected = routeMounts()
      .map(({ route, path }) => `${route.method} ${path}`)
      .sort();

    // Act
    const actual = methods.map((method) => method.route).sort();

    // Assess
    expect(actual).toEqual(expected);
  });

  it.each(TENANT_ROUTES)('serves $method $path with its own function, behind the API key authorizer', (route) => {
    // Prepare
    const functionName = new RegExp(`^Api${route.name}[0-9A-F]{8}$`);

    // Act
    const method = methodFor(route);

    // Assess
    expect(method?.properties).toMatchObject({
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizerId },
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
    });
    expect(method?.functionId).toMatch(functionName);
    expect(template.toJSON().Resources[method!.functionId!].Properties).toMatchObject({
      Description: `${route.method} ${route.path}`,
      Timeout: FUNCTION_TIMEOUT_SECONDS.api,
    });
  });

  it.each(ROUTES.filter((route) => route.public))(
    'serves the public $method $path without authorizer, its function reading only the public-keys items',
    (route) => {
      // Act
      const method = methodFor(route);

      // Assess
      expect(method?.properties).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY' } });
      expect(method?.properties.AuthorizerId).toBeUndefined();
      expect(tableGrantsOf(template, method!.functionId!, tableId)).toEqual([
        { actions: ['dynamodb:GetItem'], index: undefined, leadingKeys: ['PUBLICKEYS#*'] },
      ]);
    },
  );

  it.each(ADMIN_MOUNTS)(
    'serves $route.method $path under AWS_IAM (no authorizer), with the same function as its route',
    ({ route, path }) => {
      // Act
      const method = methodAt(route.method, path);

      // Assess
      expect(method?.properties.AuthorizationType).toBe('AWS_IAM');
      expect(method?.properties.AuthorizerId).toBeUndefined();
      expect(method?.functionId).toMatch(new RegExp(`^Api${functionOf(route)}[0-9A-F]{8}$`));
    },
  );

  it('grantAdmin allows execute-api:Invoke on exactly the /admin methods, none of the tenant ones', () => {
    // Prepare
    const expected = ADMIN_MOUNTS.map(({ route, path }) => `/${route.method}${path.replace(/\{\w+\}/g, '*')}`).sort();

    const app = new App({ context: CDK_JSON.context });
    const stack = new Stack(app, 'Team');
    const platform = new WebhookPlatform(stack, 'Webhooks');
    const backend = new Stack(app, 'Backend');
    platform.grantAdmin(new Role(backend, 'BackendRole', { assumedBy: new AccountRootPrincipal() }));

    // Act
    const [, policy] = resourcesOfType(Template.fromStack(backend), 'AWS::IAM::Policy')[0]!;
    const statements = policy.Properties.PolicyDocument.Statement;
    const resources = statements.flatMap((statement: { Resource: unknown }) => [statement.Resource].flat());
    const suffixes = resources.map((resource: unknown) => {
      const parts = (resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      return String(parts.at(-1));
    });

    // Assess
    expect(statements.map((statement: { Action: string }) => statement.Action)).toEqual(
      statements.map(() => 'execute-api:Invoke'),
    );
    expect(suffixes.sort()).toEqual(expected);
  });

  it('serves the three erasure routes from one function, AdminErasure (lambdas/api/admin-erasure.ts)', () => {
    // Prepare
    const erasureRoutes = ROUTES.filter((route) => route.function === 'AdminErasure');

    // Act
    const functionIds = new Set(erasureRoutes.map((route) => methodFor(route)?.functionId));

    // Assess
    expect(erasureRoutes.map((route) => route.name).sort()).toEqual(['EraseEvent', 'EraseTenant', 'GetErasure']);
    expect([...functionIds]).toEqual([expect.stringMatching(/^ApiAdminErasure[0-9A-F]{8}$/)]);
  });

  it("lets API Gateway invoke a route's function from the deployed stage only: no console test-invoke grant", () => {
    // Act
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').filter(
      ([id, permission]) => permission.Properties.Principal === 'apigateway.amazonaws.com' && !id.includes('console'),
    );

    // Assess
    expect(permissions.length).toBeGreaterThan(0);
    expect(permissions.filter(([, permission]) => JSON.stringify(permission).includes('test-invoke-stage'))).toEqual(
      [],
    );
  });

  const publicKeys = (actions: string[]) => ({ actions, index: undefined, leadingKeys: ['PUBLICKEYS#*'] });
  const tenantSettings = { actions: ['dynamodb:GetItem'], index: undefined, leadingKeys: ['TENANTS'] };
  it.each([
    ['ListWebhooks', ['dynamodb:Query'], []],
    ['GetWebhook', ['dynamodb:GetItem'], []],
    ['VerifyWebhook', ['dynamodb:GetItem', 'dynamodb:UpdateItem'], [tenantSettings]],
    ['DeleteWebhook', ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'], [publicKeys(['dynamodb:DeleteItem'])]],
  ])('lets %s do only %j to the table on webhook partitions (TENANT#), and %j besides', (name, actions, others) => {
    // Prepare
    const route = ROUTES.find((candidate) => candidate.name === name)!;

    // Act
    const grants = tableGrantsOf(template, methodFor(route)!.functionId!, tableId);

    // Assess
    const expected = [{ actions, index: undefined, leadingKeys: ['TENANT#*'] }, ...others];
    expect(grants).toEqual(expect.arrayContaining(expected));
    expect(grants).toHaveLength(expected.length);
  });

  it.each(routeFunctions())('grants $name exactly the table access its routes declare, and never Scan', (fn) => {
    // Prepare: a function shared by several routes holds each route's grants
    const declared = fn.routes
      .flatMap((route) => route.table)
      .map((grant) => ({
        actions: grant.actions.map((action) => `dynamodb:${action}`).sort(),
        index: grant.index,
        leadingKeys: [...grant.leadingKeys].sort(),
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

    // Act
    const grants = tableGrantsOf(template, methodFor(fn.routes[0]!)!.functionId!, tableId);

    // Assess
    expect(grants).toEqual(declared);
    expect(grants.flatMap((grant) => grant.actions)).not.toContain('dynamodb:Scan');
  });

  it('configures the route functions from context: table, URL policy, webhook limit, retention, auto-disable', () => {
    // Prepare
    const environment = {
      ALLOW_HTTP_URLS: 'false',
      ALLOW_LOOPBACK_URLS: 'false',
      MAX_WEBHOOKS_PER_TENANT: '100',
      EVENT_RETENTION_DAYS: '30',
      AUTO_DISABLE_AFTER_SECONDS: '432000',
    };

    // Act
    const routeFunctions = ROUTES.map((route) => ({
      route,
      fn: template.toJSON().Resources[methodFor(route)!.functionId!],
    }));

    // Assess: a route without table access gets no table name either
    for (const { route, fn } of routeFunctions) {
      expect(fn.Properties.Environment.Variables).toMatchObject(environment);
      expect(fn.Properties.Environment.Variables.TABLE_NAME).toEqual(
        route.table.length > 0 ? { Ref: tableId } : undefined,
      );
    }
  });

  it('authorizes with a REQUEST authorizer on the Authorization header, cached for a bounded time', () => {
    // Prepare
    const expected = {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE_SECONDS,
    };

    // Act
    const authorizerFunctionId = JSON.stringify(authorizer.Properties.AuthorizerUri).match(
      /"(ApiAuthorizer[0-9A-F]{8})","Arn"/,
    )?.[1];

    // Assess
    expect(authorizer.Properties).toMatchObject(expected);
    expect(authorizerFunctionId).toBeDefined();
  });

  it('lets the authorizer GetItem API-key items only: it can read no webhook, secret, delivery or event', () => {
    // Prepare
    const authorizerFunctionId = JSON.stringify(authorizer.Properties.AuthorizerUri).match(
      /"(ApiAuthorizer[0-9A-F]{8})","Arn"/,
    )![1]!;
    const otherPartitions = ['TENANT#tenant-1', 'WEBHOOK#wh_1', 'EVENT#tenant-1#evt_1', 'EVENTS#tenant-1'];

    // Act
    const grants = tableGrantsOf(template, authorizerFunctionId, tableId);

    // Assess
    expect(grants).toEqual([{ actions: ['dynamodb:GetItem'], index: undefined, leadingKeys: ['APIKEY#*'] }]);
    for (const partition of otherPartitions) {
      expect(grants.some((grant) => grant.leadingKeys!.some((pattern) => stringLike(pattern, partition)))).toBe(false);
    }
  });

  it("bounds the authorizer's concurrency, so a flood of bad keys cannot take the routes' share", () => {
    // Prepare
    const authorizerFunctionId = JSON.stringify(authorizer.Properties.AuthorizerUri).match(
      /"(ApiAuthorizer[0-9A-F]{8})","Arn"/,
    )![1]!;

    // Act
    const { ReservedConcurrentExecutions } = template.toJSON().Resources[authorizerFunctionId].Properties;

    // Assess
    expect(ReservedConcurrentExecutions).toBe(AUTHORIZER_RESERVED_CONCURRENCY);
    expect(AUTHORIZER_RESERVED_CONCURRENCY).toBeGreaterThan(0);
  });

  it(
    'rate-limits each source IP and each Authorization header with a WAF web ACL on the stage, answering 429 in the ' +
      'error shape',
    () => {
      // Prepare
      const [aclId, acl] = resourcesOfType(template, 'AWS::WAFv2::WebACL')[0]!;
      const [stageId] = resourcesOfType(template, 'AWS::ApiGateway::Stage')[0]!;

      // Act
      const rules = Object.fromEntries(acl.Properties.Rules.map((rule: { Name: string }) => [rule.Name, rule]));
      const [, association] = resourcesOfType(template, 'AWS::WAFv2::WebACLAssociation')[0]!;
      const [bodyKey, body] = Object.entries(acl.Properties.CustomResponseBodies)[0] as [string, { Content: string }];

      // Assess
      expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
      expect(rules.PerSourceIp.Statement.RateBasedStatement).toEqual({
        AggregateKeyType: 'IP',
        Limit: API_RATE_LIMITS.perIp,
        EvaluationWindowSec: API_RATE_LIMITS.evaluationWindowSeconds,
      });
      expect(rules.PerAuthorizationHeader.Statement.RateBasedStatement).toEqual({
        AggregateKeyType: 'CUSTOM_KEYS',
        CustomKeys: [
          {
            Header: {
              Name: 'authorization',
              TextTransformations: [
                { Priority: 0, Type: 'LOWERCASE' },
                { Priority: 1, Type: 'COMPRESS_WHITE_SPACE' },
              ],
            },
          },
        ],
        Limit: API_RATE_LIMITS.perAuthorization,
        EvaluationWindowSec: API_RATE_LIMITS.evaluationWindowSeconds,
      });
      for (const rule of Object.values(rules) as { Action: unknown }[]) {
        expect(rule.Action).toEqual({
          Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: bodyKey } },
        });
      }
      expect(JSON.parse(body.Content).error.code).toBe(GATEWAY_ERRORS.THROTTLED.code);
      expect(association.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
      expect(JSON.stringify(association.Properties.ResourceArn)).toContain(`"${stageId}"`);
    },
  );

  it('leaves the WAF out when context wafEnabled is false', () => {
    // Prepare (no bundling: only the template's resources matter here)
    const context = { wafEnabled: 'false' };

    // Act
    const withoutWaf = synthesizeWithContext(context);

    // Assess
    withoutWaf.resourceCountIs('AWS::WAFv2::WebACL', 0);
    withoutWaf.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    withoutWaf.resourceCountIs('AWS::ApiGateway::RestApi', 1);
  });

  it.each(Object.keys(GATEWAY_ERRORS) as GatewayErrorType[])('answers %s itself in the API error shape', (type) => {
    // Prepare
    const { statusCode, code } = GATEWAY_ERRORS[type];
    const body = gatewayErrorBody(type, '$context.requestId');

    // Act
    const parsed = JSON.parse(body);

    // Assess
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: String(statusCode),
      ResponseTemplates: { 'application/json': body },
    });
    expect(parsed).toEqual({
      error: { code, message: expect.any(String), details: [], requestId: '$context.requestId' },
    });
  });

  it('throttles the stage', () => {
    // Act
    const { MethodSettings, TracingEnabled } = stage.Properties;

    // Assess
    expect(MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: API_THROTTLING.rateLimit,
        ThrottlingBurstLimit: API_THROTTLING.burstLimit,
      }),
    ]);
    expect(TracingEnabled).toBe(true);
  });

  it('creates nothing account-wide by default: no AWS::ApiGateway::Account, and so no API Gateway logs', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(stage.Properties.AccessLogSetting).toBeUndefined();
  });

  describe.each([
    ['existing-account-role', 0],
    ['create-account-role', 1],
  ])('with apiGatewayLogging=%s', (apiGatewayLogging, accountResources) => {
    const logging = synthesizeWithContext({ apiGatewayLogging });
    const [, loggingStage] = resourcesOfType(logging, 'AWS::ApiGateway::Stage')[0]!;

    it(`creates ${accountResources} AWS::ApiGateway::Account`, () => {
      logging.resourceCountIs('AWS::ApiGateway::Account', accountResources);
    });

    it(
      'logs errors, never bodies, and access logs as JSON with the standard fields with the configured ' + 'retention',
      () => {
        // Prepare
        const standardFields = [
          'requestId',
          'ip',
          'caller',
          'user',
          'requestTime',
          'httpMethod',
          'resourcePath',
          'status',
          'protocol',
          'responseLength',
        ];

        // Act
        const { DestinationArn, Format } = loggingStage.Properties.AccessLogSetting;
        const logGroup = logging.toJSON().Resources[DestinationArn['Fn::GetAtt'][0]];

        // Assess
        expect(loggingStage.Properties.MethodSettings).toEqual([
          expect.objectContaining({ LoggingLevel: 'ERROR', DataTraceEnabled: false }),
        ]);
        expect(Object.keys(JSON.parse(Format))).toEqual(expect.arrayContaining(standardFields));
        expect(logGroup.Properties.RetentionInDays).toBe(30);
      },
    );
  });

  it('outputs the API URL under a stable name, and no other URL', () => {
    // Prepare
    const urlValue = { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^https://')])] };

    // Act
    const outputs = Object.keys(template.toJSON().Outputs);

    // Assess
    template.hasOutput('ApiUrl', { Value: urlValue });
    expect(outputs.filter((name) => name.includes('Endpoint'))).toEqual([]);
  });
});
