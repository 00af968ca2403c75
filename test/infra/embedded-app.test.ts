import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DomainName } from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Role, AccountRootPrincipal } from 'aws-cdk-lib/aws-iam';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { describe, expect, it } from 'vitest';
import { OrdersStack } from '../../examples/embedded-app/orders-stack';
import { routeFunctions } from '../../lambdas/api/routes';
import { WebhookPlatform, type DomainSettings } from '../../lib/index';

const ROUTE_FUNCTIONS = routeFunctions().map((fn) => fn.name);
import { actionsOf, resourcesOfType, statementsOfFunction } from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

describe('WebhookPlatform: the construct a team adds to its own stack', { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it('builds the whole platform inside another stack, next to its own resources, with props instead of context', () => {
    // Prepare
    const app = new App({ context: NO_BUNDLING });
    const stack = new Stack(app, 'Orders');
    const producer = new Role(stack, 'Producer', { assumedBy: new AccountRootPrincipal() });

    // Act
    const platform = new WebhookPlatform(stack, 'Webhooks', {
      auth: {
        apiKeys: false,
        jwt: { issuer: 'https://auth.example.com/', audience: 'webhooks', tenantClaim: 'org_id' },
      },
      alarmEmail: 'oncall@example.com',
      settings: { maxWebhooksPerTenant: 50, retryScheduleSeconds: [5, 60, 600] },
    });
    platform.grantPublish(producer);
    const template = Template.fromStack(stack);

    // Assess
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    const variables = (prefix: string) =>
      functions.find(([id]) => id.startsWith(prefix))![1].Properties.Environment.Variables;
    expect(variables('WebhooksApiCreateWebhook').MAX_WEBHOOKS_PER_TENANT).toBe('50');
    expect(variables('WebhooksDeliveryFanOut').RETRY_SCHEDULE_SECONDS).toBe('5,60,600');
    // the admin API checks a tenant's schedule against the deployment's; no other route reads it
    expect(variables('WebhooksApiPutTenant').RETRY_SCHEDULE_SECONDS).toBe('5,60,600');
    expect(variables('WebhooksApiCreateWebhook').RETRY_SCHEDULE_SECONDS).toBeUndefined();
    expect(variables('WebhooksApiAuthorizer')).toMatchObject({
      AUTH_API_KEYS: 'false',
      AUTH_JWT_TENANT_CLAIM: 'org_id',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    const [[producerPolicyId]] = resourcesOfType(template, 'AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties.Roles).includes('Producer'),
    );
    expect(producerPolicyId).toBeDefined();
    expect(platform.eventsQueue.queueUrl).toBeDefined();
    expect(
      statementsOfFunction(template, functions.find(([id]) => id.startsWith('WebhooksDeliveryFanOut'))![0]).flatMap(
        actionsOf,
      ),
    ).toContain('dynamodb:UpdateItem');
  });

  it('refuses a bad prop with a message that names it and the construct', () => {
    // Assess
    expect(
      () =>
        new WebhookPlatform(new Stack(new App({ context: NO_BUNDLING }), 'S'), 'Webhooks', {
          settings: { maxWebhooksPerTenant: -1 },
        }),
    ).toThrow(/Invalid Webhooks props: maxWebhooksPerTenant/);
  });

  it("synthesizes examples/embedded-app: the platform beside the team's own API and producer", () => {
    // Act
    const stack = new OrdersStack(new App({ context: NO_BUNDLING }), 'Orders');
    const template = Template.fromStack(stack);

    // Assess: both APIs, the producer allowed to publish, and nothing of the platform's left out
    expect(resourcesOfType(template, 'AWS::ApiGateway::RestApi')).toHaveLength(2);
    const producerRole = resourcesOfType(template, 'AWS::IAM::Role').find(([id]) => id.startsWith('OrdersHandler'))![0];
    const producerStatements = resourcesOfType(template, 'AWS::IAM::Policy')
      .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(producerRole))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
    expect(producerStatements.flatMap(actionsOf)).toContain('sqs:SendMessage');
    expect(producerStatements.flatMap(actionsOf)).not.toContain('sqs:ReceiveMessage');
    expect(resourcesOfType(template, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('Webhooks'))).toHaveLength(
      35,
    );
  });
});

describe("WebhookPlatform eventTypes: the team's catalog", { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  const ORDER_PAID = {
    name: 'order.paid',
    description: 'An order was paid',
    example: { orderId: 'o_1' },
    schema: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } },
  };

  it('ships the catalog in a layer to the API routes and fan-out, and to no other function', () => {
    // Act
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Shop');
    new WebhookPlatform(stack, 'Webhooks', { eventTypes: [ORDER_PAID] });
    const template = Template.fromStack(stack);

    // Assess
    const [[layerId]] = resourcesOfType(template, 'AWS::Lambda::LayerVersion').filter(([id]) =>
      id.startsWith('WebhooksEventCatalog'),
    );
    const withCatalog = resourcesOfType(template, 'AWS::Lambda::Function')
      .filter(([, fn]) => fn.Properties.Environment?.Variables?.EVENT_CATALOG_FILE === '/opt/event-catalog.json')
      .map(([id, fn]) => {
        expect(fn.Properties.Layers).toEqual([{ Ref: layerId }]);
        return id.replace(/[0-9A-F]{8}$/, '');
      });
    expect(withCatalog.sort()).toEqual(
      [...ROUTE_FUNCTIONS.map((name) => `WebhooksApi${name}`), 'WebhooksDeliveryFanOut'].sort(),
    );
  });

  it('refuses at synth a catalog whose example its own schema refuses', () => {
    // Assess
    expect(
      () =>
        new WebhookPlatform(new Stack(new App({ context: NO_BUNDLING }), 'Shop'), 'Webhooks', {
          eventTypes: [{ ...ORDER_PAID, example: {} }],
        }),
    ).toThrow(
      /Invalid event catalog \(Shop\/Webhooks eventTypes\): order\.paid: its example does not match its schema/,
    );
  });

  it('refuses at synth a schema its validator cannot compile (an invalid pattern), naming the type', () => {
    // Assess
    expect(
      () =>
        new WebhookPlatform(new Stack(new App({ context: NO_BUNDLING }), 'Shop'), 'Webhooks', {
          eventTypes: [
            { ...ORDER_PAID, schema: { type: 'object', properties: { id: { type: 'string', pattern: '([a-z]' } } } },
          ],
        }),
    ).toThrow(/Invalid event catalog \(Shop\/Webhooks eventTypes\): order\.paid: its schema cannot be compiled: /);
  });
});

describe("WebhookPlatform domain: the API and the console on the team's domain", {
  timeout: STEP_TIMEOUT_MS.synthesis,
}, () => {
  const synth = (domain: (stack: Stack) => DomainSettings) => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Shop', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const platform = new WebhookPlatform(stack, 'Webhooks', { domain: domain(stack) });
    return { platform, template: Template.fromStack(stack) };
  };
  const certificate = (stack: Stack) =>
    Certificate.fromCertificateArn(
      stack,
      'Cert',
      'arn:aws:acm:eu-west-1:123456789012:certificate/0f8b2f3a-1111-2222-3333-444455556666',
    );

  it(
    'creates a regional TLS 1.2 domain, maps the stage at the base path, adds the alias, and names it in ApiUrl and ' +
      'ConsoleUrl',
    () => {
      // Act
      const { template } = synth((stack) => ({
        domainName: 'api.example.com',
        certificate: certificate(stack),
        basePath: 'webhooks',
        hostedZone: HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
          hostedZoneId: 'Z123',
          zoneName: 'example.com',
        }),
      }));

      // Assess
      template.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: 'api.example.com',
        SecurityPolicy: 'TLS_1_2',
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
      template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', { BasePath: 'webhooks' });
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'api.example.com.', Type: 'A' });
      const outputs = template.toJSON().Outputs;
      expect(JSON.stringify(outputs.ApiUrl.Value)).toContain('/webhooks/');
      expect(JSON.stringify(outputs.ConsoleUrl.Value)).toMatch(/\/webhooks\/console"/);
    },
  );

  it('maps onto a domain the team already has, at its root when no base path is given', () => {
    // Act
    const { template } = synth((stack) => ({
      domain: DomainName.fromDomainNameAttributes(stack, 'Existing', {
        domainName: 'api.example.com',
        domainNameAliasHostedZoneId: 'Z2',
        domainNameAliasTarget: 'd-1.execute-api.eu-west-1.amazonaws.com',
      }),
    }));

    // Assess
    expect(resourcesOfType(template, 'AWS::ApiGateway::DomainName')).toEqual([]);
    const [[, mapping]] = resourcesOfType(template, 'AWS::ApiGateway::BasePathMapping') as [[string, any]];
    expect(mapping.Properties.DomainName).toBe('api.example.com');
    expect(mapping.Properties.BasePath).toBeUndefined();
    expect(template.toJSON().Outputs.ConsoleUrl.Value).toBe('https://api.example.com/console');
  });

  it('refuses a base path with a leading slash', () => {
    // Assess
    expect(() =>
      synth((stack) => ({ domainName: 'api.example.com', certificate: certificate(stack), basePath: '/v2' })),
    ).toThrow(/domain\.basePath: "\/v2" must be path segments/);
  });
});
