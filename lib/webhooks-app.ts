import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './stack-config';
import { WebhooksStack } from './webhooks-stack';

/**
 * The app as bin/webhooks.ts runs it, also built by the infra tests so they check what deploys: one stack,
 * configured from context, checked by cdk-nag's AwsSolutions rules on every synth.
 *
 * cdk-nag 3 is a policy-validation plugin (it replaced v2's Aspect): any finding that is not acknowledged,
 * warning or error, fails synthesis. Acknowledgements sit beside the resource they explain
 * (`Validations.of(construct).acknowledge`), and are also written into the template's metadata for auditors.
 */
export function createWebhooksApp(props?: AppProps): { app: App; stack: WebhooksStack } {
  const app = new App(props);
  const config = readConfig(app);
  const stack = new WebhooksStack(app, config.stackName, {
    config,
    description: 'Serverless webhooks: subscriptions API, fan-out and signed deliveries with retries',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  return { app, stack };
}
