import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  RequestAuthorizer,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { GATEWAY_ERRORS, gatewayErrorBody, type GatewayErrorType } from '../lambdas/api/gateway-responses';
import { AUTHORIZER_ENTRY, functionOf, routeFunctions, routeMounts } from '../lambdas/api/routes';
import { TABLE_ACCESS } from '../lambdas/table-access';
import {
  API_THROTTLING,
  AUTHORIZER_CACHE_SECONDS,
  AUTHORIZER_RESERVED_CONCURRENCY,
  FUNCTION_TIMEOUT_SECONDS,
  ROUTE_QUEUE_URL_VARIABLES,
  type RouteQueue,
  FUNCTION_MEMORY_MB,
} from '../lambdas/platform-settings';
import { ApiRateLimits } from './api-rate-limits';
import { settingsEnvironment, sharedEnvironment, type AuthSettings, type WebhooksConfig } from './stack-config';
import { WebhooksFunction } from './webhooks-function';

/** What the authorizer reads to accept API keys and the team's JWTs (lambdas/api/authorizer.ts). */
function authEnvironment({ apiKeys, jwt }: AuthSettings): Record<string, string> {
  return {
    AUTH_API_KEYS: String(apiKeys),
    ...(jwt
      ? {
          AUTH_JWT_ISSUER: jwt.issuer,
          AUTH_JWT_AUDIENCE: jwt.audience,
          AUTH_JWT_TENANT_CLAIM: jwt.tenantClaim,
          ...(jwt.jwksUrl ? { AUTH_JWT_JWKS_URL: jwt.jwksUrl } : {}),
          ...(jwt.algorithms ? { AUTH_JWT_ALGORITHMS: jwt.algorithms.join(',') } : {}),
          ...(jwt.maxLifetimeSeconds ? { AUTH_JWT_MAX_LIFETIME_SECONDS: String(jwt.maxLifetimeSeconds) } : {}),
        }
      : {}),
  };
}

export interface ApiProps {
  table: ITableV2;
  config: WebhooksConfig;
  /** The pipeline's queues that routes may declare they send to. */
  queues: Record<RouteQueue, IQueue>;
  /** The stack's customer-managed key (context encryptionKey): the log groups use it. */
  dataKey?: IKey;
  /** Seals endpoint secrets: routes that declare `secrets` may use it for that. */
  secretsKey: IKey;
}

/**
 * The subscribers' REST API (docs/design.md §6). Routes come from lambdas/api/routes.ts, the same table the local
 * runtime mounts, so a route added there is deployed without touching this file: one small function per
 * route, each allowed only the table actions and key prefixes its route declares, and sqs:SendMessage on
 * the queues it declares (whose URLs it gets in its environment).
 *
 * Every method sits behind a Lambda REQUEST authorizer that turns a Bearer API key into a tenant; API Gateway
 * caches its answer per key, and the authorizer's reserved concurrency bounds what a flood of bad keys can take.
 * In front, WAF limits each source IP and each Authorization header (lib/api-rate-limits.ts). Errors API Gateway
 * answers itself get the API's error shape (gateway responses).
 */
export class Api extends Construct {
  public readonly restApi: RestApi;
  public readonly authorizerFunction: WebhooksFunction;
  public readonly routeFunctions: WebhooksFunction[];
  /** The ApiUrl output: the stage's URL, or the team's domain when the platform has one. */
  public readonly urlOutput: CfnOutput;
  /** The per-client rate limits (WAF), unless context `wafEnabled` is false. */
  public readonly rateLimits?: ApiRateLimits;
  /** The `/admin` methods (AWS_IAM): what `grantAdmin` allows, and nothing else. */
  public readonly adminMethods: Method[] = [];

  public constructor(scope: Construct, id: string, { table, config, queues, dataKey, secretsKey }: ApiProps) {
    super(scope, id);
    const timeout = Duration.seconds(FUNCTION_TIMEOUT_SECONDS.api);

    this.authorizerFunction = new WebhooksFunction(this, 'Authorizer', {
      entry: `api/${AUTHORIZER_ENTRY}`,
      description: 'Checks the Bearer API key and names the tenant',
      timeout,
      memorySize: FUNCTION_MEMORY_MB.api,
      logGroupRetention: config.logRetention,
      dataKey,
      environment: { ...sharedEnvironment(config), ...authEnvironment(config.auth) },
      reservedConcurrentExecutions: AUTHORIZER_RESERVED_CONCURRENCY,
    });
    this.authorizerFunction.bindTable(table, TABLE_ACCESS.authorizer);

    const authorizer = new RequestAuthorizer(this, 'ApiKeyAuthorizer', {
      handler: this.authorizerFunction,
      identitySources: [IdentitySource.header('Authorization')],
      // a revoked key keeps working for at most this long
      resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_SECONDS),
    });

    this.restApi = new RestApi(this, 'RestApi', {
      description: 'Webhook subscriptions (docs/design.md §6)',
      endpointTypes: [EndpointType.REGIONAL],
      // the account-wide role API Gateway writes logs with, only when asked for (lib/stack-config.ts,
      // apiGatewayLogging)
      cloudWatchRole: config.apiGatewayLogging === 'create-account-role',
      deployOptions: {
        throttlingRateLimit: API_THROTTLING.rateLimit,
        throttlingBurstLimit: API_THROTTLING.burstLimit,
        ...(config.apiGatewayLogging === 'off'
          ? {}
          : {
              accessLogDestination: new LogGroupLogDestination(
                new LogGroup(this, 'AccessLogs', {
                  retention: config.logRetention,
                  encryptionKey: dataKey,
                  removalPolicy: RemovalPolicy.DESTROY,
                }),
              ),
              accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
              // errors only, and never request or response bodies: they carry webhook secrets
              loggingLevel: MethodLoggingLevel.ERROR,
              dataTraceEnabled: false,
            }),
        tracingEnabled: true,
      },
    });

    const routeEnvironment = {
      ...sharedEnvironment(config),
      ...settingsEnvironment(config, ['maxWebhooksPerTenant', 'endpointVerification']),
    };
    const functionsByName = new Map(
      routeFunctions().map(({ name, entry, routes }) => {
        const fn = new WebhooksFunction(this, name, {
          entry: `api/${entry}`,
          description: routes.map((route) => `${route.method} ${route.path}`).join(', '),
          timeout,
          memorySize: FUNCTION_MEMORY_MB.api,
          logGroupRetention: config.logRetention,
          dataKey,
          environment: routeEnvironment,
        });
        // a shared function: the union of its routes' grants, each still one statement
        fn.bindTable(
          table,
          routes.flatMap((route) => route.table),
        );
        const secrets = [...new Set(routes.flatMap((route) => (route.secrets ? [route.secrets] : [])))];
        for (const access of secrets) fn.bindSecretsKey(secretsKey, access);
        // only the route that checks a tenant's schedule carries the deployment's (the template's size is bounded)
        if (routes.some((route) => route.retrySchedule)) {
          for (const [name, value] of Object.entries(settingsEnvironment(config, ['retryScheduleSeconds'])))
            fn.addEnvironment(name, value);
        }
        for (const queueName of new Set(routes.flatMap((route) => route.queues ?? []))) {
          queues[queueName].grant(fn, 'sqs:SendMessage');
          fn.addEnvironment(ROUTE_QUEUE_URL_VARIABLES[queueName], queues[queueName].queueUrl);
        }
        return [name, fn] as const;
      }),
    );
    this.routeFunctions = [...functionsByName.values()];
    // each tenant route twice (the tenant's, and the team's backend's under /admin/tenants/{tenantId}), one function
    // allowTestInvoke off: no second Lambda permission per method for the console's test button (about 115 KB of a
    // template held under CloudFormation's 1 MB, test/infra/service-rules.test.ts); only the deployed stage invokes
    for (const { route, path, authorization } of routeMounts()) {
      const method = this.restApi.root
        .resourceForPath(path)
        .addMethod(
          route.method,
          new LambdaIntegration(functionsByName.get(functionOf(route))!, { allowTestInvoke: false }),
          authorization === 'NONE'
            ? { authorizationType: AuthorizationType.NONE }
            : authorization === 'AWS_IAM'
              ? { authorizationType: AuthorizationType.IAM }
              : { authorizer, authorizationType: AuthorizationType.CUSTOM },
        );
      if (authorization === 'NONE') {
        acknowledgePublicRoute(method);
        continue;
      }
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          authorization === 'AWS_IAM'
            ? "The /admin routes are the team's backend's, authorized by IAM (SigV4) " +
              'and granted with grantAdmin (docs/design.md §16).'
            : 'Subscribers authenticate with API keys checked by the Lambda REQUEST authorizer (docs/design.md §6); ' +
              'there are no Cognito users.',
      });
      if (authorization === 'AWS_IAM') this.adminMethods.push(method);
    }

    for (const type of Object.keys(GATEWAY_ERRORS) as GatewayErrorType[]) {
      this.restApi.addGatewayResponse(`GatewayResponse${type}`, {
        type: ResponseType.of(type),
        statusCode: String(GATEWAY_ERRORS[type].statusCode),
        templates: { 'application/json': gatewayErrorBody(type, '$context.requestId') },
      });
    }

    // RestApi adds an output with a generated name ("Endpoint…"); ApiUrl replaces it with a stable one
    this.restApi.node.tryRemoveChild('Endpoint');
    this.urlOutput = new CfnOutput(this, 'ApiUrlOutput', {
      description: 'Base URL of the webhooks API; routes live under /v2/webhooks',
      value: this.restApi.url,
    });
    this.urlOutput.overrideLogicalId('ApiUrl');

    if (config.wafEnabled)
      this.rateLimits = new ApiRateLimits(this, 'RateLimits', { stage: this.restApi.deploymentStage });
    this.acknowledgeNagFindings(config);
  }

  /**
   * `execute-api:Invoke` on exactly the `/admin` methods (docs/design.md §16), for the team's backend. Each ARN's `*`
   * stands for a path parameter (cdk-nag's AwsSolutions-IAM5 flags them in the grantee's policy).
   */
  public grantAdmin(grantee: IGrantable): Grant {
    const grant = Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: this.adminMethods.map((method) => method.methodArn),
    });
    return grant;
  }

  private acknowledgeNagFindings(config: WebhooksConfig): void {
    Validations.of(this.restApi.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Requests are validated in the handlers with zod (lambdas/core/webhooks/webhook-schemas.ts), ' +
        "which also rejects unknown fields and answers in the API's error shape; " +
        'API Gateway models would duplicate the schemas.',
    });
    if (!config.wafEnabled) {
      Validations.of(this.restApi.deploymentStage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'This deployment turned the per-client WAF rate limits off (context wafEnabled=false): every route still ' +
          'needs an API key and the stage is throttled.',
      });
    }
    if (config.apiGatewayLogging === 'create-account-role') {
      Validations.of(this.restApi.node.findChild('CloudWatchRole')).acknowledge({
        id:
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/' +
          'AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level role API Gateway needs to write access and execution logs; AWS documents this managed ' +
          'policy for exactly that.',
      });
    }
    if (config.apiGatewayLogging === 'off') {
      for (const id of ['AwsSolutions-APIG1', 'AwsSolutions-APIG6']) {
        Validations.of(this.restApi.deploymentStage).acknowledge({
          id,
          reason:
            "API Gateway's logs need a CloudWatch role for the whole account (AWS::ApiGateway::Account), which this " +
            'stack does not set unless asked (context apiGatewayLogging); every function still logs each request it ' +
            'handles, with its requestId.',
        });
      }
    }
  }
}

/** A public route (lambdas/api/routes.ts `public`): readable by anyone by design, and holding nothing of a tenant's. */
function acknowledgePublicRoute(method: IConstruct): void {
  const reason =
    "A webhook's ed25519 public keys are public by design: receivers fetch them without a credential; " +
    "the route's function may read only the public-keys items.";
  Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
}
