import { describe, expect, it } from 'vitest';
import { resourceByPrefix, resourcesOfType, statementsOfFunction, synthesizeWebhooks } from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

const { template } = synthesizeWebhooks();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
const [consoleFunctionId, consoleFunction] = resourceByPrefix(template, 'AWS::Lambda::Function', 'ConsoleServe');

/** The full path of an API Gateway resource, from its chain of parents. */
function pathOf(resourceId: string): string {
  const resource = resources[resourceId]!;
  const parent = resource.Properties.ParentId;
  return `${parent.Ref ? pathOf(parent.Ref) : ''}/${resource.Properties.PathPart}`;
}

const methods = resourcesOfType(template, 'AWS::ApiGateway::Method').map(([, method]) => ({
  route: `${method.Properties.HttpMethod} ${pathOf(method.Properties.ResourceId.Ref)}`,
  properties: method.Properties,
}));

describe('Construct: Console', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it('serves GET /console and everything under it, without authorizer, from its own function', () => {
    // Act
    const consoleMethods = methods.filter((method) => method.route.includes(' /console'));

    // Assess
    expect(consoleMethods.map((method) => method.route).sort()).toEqual(['GET /console', 'GET /console/{proxy+}']);
    for (const method of consoleMethods) {
      expect(method.properties).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY' } });
      expect(method.properties.AuthorizerId).toBeUndefined();
      expect(JSON.stringify(method.properties.Integration.Uri)).toContain(consoleFunctionId);
    }
  });

  it('leaves every tenant route behind the authorizer, every /admin one behind IAM, and only public-keys open', () => {
    const authorizationOf = (route: string) =>
      route.includes(' /console')
        ? 'NONE'
        : route.includes(' /admin/')
          ? 'AWS_IAM'
          : route.endsWith('/public-keys')
            ? 'NONE'
            : 'CUSTOM';
    expect(methods.filter((method) => authorizationOf(method.route) === 'CUSTOM').length).toBeGreaterThan(5);
    for (const method of methods) expect(method.properties.AuthorizationType).toBe(authorizationOf(method.route));
  });

  it('ships the built console in a layer the function reads, and grants the function nothing but its logs', () => {
    // Prepare
    const [layerId] = resourcesOfType(template, 'AWS::Lambda::LayerVersion').find(([id]) =>
      id.startsWith('ConsoleFiles'),
    )!;

    // Assess
    expect(consoleFunction.Properties).toMatchObject({
      Layers: [{ Ref: layerId }],
      Environment: { Variables: expect.objectContaining({ CONSOLE_ASSETS_DIR: '/opt' }) },
      Architectures: ['arm64'],
    });
    const actions = statementsOfFunction(template, consoleFunctionId).flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => !action.startsWith('xray:'))).toEqual([]);
  });

  it('outputs ConsoleUrl: the API URL with console appended, the same origin, so the API needs no CORS', () => {
    // Prepare
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(JSON.stringify(outputs.ConsoleUrl!.Value)).toContain('/console');
    expect(JSON.stringify(outputs.ConsoleUrl!.Value)).toContain(
      JSON.stringify(outputs.ApiUrl!.Value).slice(1, -1).slice(0, 40),
    );
    expect(methods.filter((method) => method.route.startsWith('OPTIONS'))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('Access-Control-Allow-Origin');
  });
});
