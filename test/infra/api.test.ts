import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERRORS, gatewayErrorBody, type GatewayErrorType } from '../../lambdas/api/gateway-responses';
import { ROUTES } from '../../lambdas/api/routes';
import { API_THROTTLING, AUTHORIZER_CACHE_SECONDS, FUNCTION_TIMEOUT_SECONDS } from '../../lambdas/platform-settings';
import { actionsOn, resourceByPrefix, resourcesOfType, synthesizeWebhooks } from './synthesize';

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

/** Each method as "VERB /path", with the function its proxy integration invokes. */
const methods = resourcesOfType(template, 'AWS::ApiGateway::Method').map(([, method]) => ({
  route: `${method.Properties.HttpMethod} ${pathOf(method.Properties.ResourceId.Ref)}`,
  properties: method.Properties,
  functionId: JSON.stringify(method.Properties.Integration.Uri).match(/"([A-Za-z0-9]+)","Arn"/)?.[1],
}));

const methodFor = (route: (typeof ROUTES)[number]) => methods.find((method) => method.route === `${route.method} ${route.path}`);

describe('Construct: Api', () => {
  it('has exactly one method per route of lambdas/api/routes.ts', () => {
    // Prepare
    const expected = ROUTES.map((route) => `${route.method} ${route.path}`).sort();

    // Act
    const actual = methods.map((method) => method.route).sort();

    // Assess
    expect(actual).toEqual(expected);
  });

  it.each(ROUTES)('serves $method $path with its own function, behind the API key authorizer', (route) => {
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

  it.each(ROUTES)('lets $name read the table, and write it only if it is not a GET', (route) => {
    // Prepare
    const functionId = methodFor(route)!.functionId!;

    // Act
    const actions = actionsOn(template, functionId, tableId);

    // Assess
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    if (route.method === 'GET') expect(actions).not.toContain('dynamodb:PutItem');
    else expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
  });

  it('configures the route functions from context: table, URL policy, webhook limit', () => {
    // Prepare
    const environment = {
      TABLE_NAME: { Ref: tableId },
      ALLOW_HTTP_URLS: 'false',
      ALLOW_LOOPBACK_URLS: 'false',
      MAX_WEBHOOKS_PER_TENANT: '100',
    };

    // Act
    const routeFunctions = ROUTES.map((route) => template.toJSON().Resources[methodFor(route)!.functionId!]);

    // Assess
    for (const fn of routeFunctions) expect(fn.Properties.Environment.Variables).toMatchObject(environment);
  });

  it('authorizes with a REQUEST authorizer on the Authorization header, cached for a bounded time', () => {
    // Prepare
    const expected = {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE_SECONDS,
    };

    // Act
    const authorizerFunctionId = JSON.stringify(authorizer.Properties.AuthorizerUri).match(/"(ApiAuthorizer[0-9A-F]{8})","Arn"/)?.[1];

    // Assess
    expect(authorizer.Properties).toMatchObject(expected);
    expect(authorizerFunctionId).toBeDefined();
    expect(actionsOn(template, authorizerFunctionId!, tableId)).toContain('dynamodb:GetItem');
    expect(actionsOn(template, authorizerFunctionId!, tableId)).not.toContain('dynamodb:PutItem');
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
    expect(parsed).toEqual({ error: { code, message: expect.any(String), details: [], requestId: '$context.requestId' } });
  });

  it('throttles the stage and never logs bodies', () => {
    // Prepare
    const methodSettings = {
      HttpMethod: '*',
      ResourcePath: '/*',
      ThrottlingRateLimit: API_THROTTLING.rateLimit,
      ThrottlingBurstLimit: API_THROTTLING.burstLimit,
      LoggingLevel: 'ERROR',
      DataTraceEnabled: false,
    };

    // Act
    const { MethodSettings, TracingEnabled } = stage.Properties;

    // Assess
    expect(MethodSettings).toEqual([methodSettings]);
    expect(TracingEnabled).toBe(true);
  });

  it('writes access logs as JSON with the standard fields to a log group with the configured retention', () => {
    // Prepare
    const standardFields = ['requestId', 'ip', 'caller', 'user', 'requestTime', 'httpMethod', 'resourcePath', 'status', 'protocol', 'responseLength'];

    // Act
    const { DestinationArn, Format } = stage.Properties.AccessLogSetting;
    const logGroup = template.toJSON().Resources[DestinationArn['Fn::GetAtt'][0]];

    // Assess
    expect(Object.keys(JSON.parse(Format))).toEqual(expect.arrayContaining(standardFields));
    expect(logGroup.Properties.RetentionInDays).toBe(30);
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
