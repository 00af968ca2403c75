import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import { AuthorizationType, LambdaIntegration, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { buildConsole, writeConsole } from './console-bundle';
import { CONSOLE_PATH } from '../lambdas/console/console-site';
import { FUNCTION_MEMORY_MB } from '../lambdas/platform-settings';
import { contentDirectory } from './content-directory';
import { FROM_SOURCE, PREBUILT_CONSOLE } from './function-code';
import { WebhooksFunction } from './webhooks-function';

export interface ConsoleProps {
  restApi: RestApi;
  logRetention: RetentionDays;
  /** The stack's customer-managed key (context encryptionKey): the function's log group uses it. */
  dataKey?: IKey;
  /** The platform's public base URL when it is on the team's domain (ends in `/`); else the stage's URL. */
  publicBaseUrl?: string;
}

/**
 * The web console (docs/design.md §13), served by the API itself at `<API URL>console`: a small function returns the
 * page and its assets (built here, at synth, and shipped in a layer) with the console's security headers.
 * Same origin as the API, so the browser needs no CORS and the credential never leaves that origin; the stage's
 * throttling and WAF cover it too. See docs/architecture.md for why not S3 + CloudFront.
 */
export class Console extends Construct {
  public readonly function: WebhooksFunction;
  public readonly url: string;

  public constructor(scope: Construct, id: string, { restApi, logRetention, dataKey, publicBaseUrl }: ConsoleProps) {
    super(scope, id);
    const files = new LayerVersion(this, 'Files', {
      description: 'The web console: index.html and its hashed assets',
      code: Code.fromAsset(builtConsoleDirectory()),
      compatibleArchitectures: [Architecture.ARM_64],
      compatibleRuntimes: [Runtime.NODEJS_24_X],
    });

    this.function = new WebhooksFunction(this, 'Serve', {
      entry: 'console/serve-console',
      description: `GET ${CONSOLE_PATH} and its assets`,
      timeout: Duration.seconds(5),
      memorySize: FUNCTION_MEMORY_MB.console,
      logGroupRetention: logRetention,
      dataKey,
      layers: [files],
      environment: { CONSOLE_ASSETS_DIR: '/opt' },
    });

    // public like any web page: the data behind it needs the user's key on every API call
    const integration = new LambdaIntegration(this.function);
    const publicMethod = { authorizationType: AuthorizationType.NONE };
    const page = restApi.root.addResource(CONSOLE_PATH.slice(1));
    const methods = [
      page.addMethod('GET', integration, publicMethod),
      page.addResource('{proxy+}').addMethod('GET', integration, publicMethod),
    ];
    for (const method of methods) acknowledgePublicPage(method);

    this.url = `${publicBaseUrl ?? restApi.url}${CONSOLE_PATH.slice(1)}`;
    new CfnOutput(this, 'ConsoleUrlOutput', {
      description:
        'The web console; portal links: npm run portal-link -- --tenant <id> --console-url <this> --table <TableName>',
      value: this.url,
    }).overrideLogicalId('ConsoleUrl');
  }
}

/** The console built from source (this repository), or prebuilt (the packed package). */
function builtConsoleDirectory(): string {
  if (!FROM_SOURCE) return PREBUILT_CONSOLE;
  const site = buildConsole();
  return contentDirectory('webhooks-console-', (staging) => writeConsole(site, staging));
}

function acknowledgePublicPage(method: IConstruct): void {
  const reason =
    'The console page and its static assets are public, as any sign-in page is; every API call it makes carries the ' +
    "user's API key or portal token to the authorizer.";
  Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
}
