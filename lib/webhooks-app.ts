import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';
import { checkSettings, contextSettings } from './stack-config';
import { WebhooksStack } from './webhooks-stack';

/**
 * The app as bin/webhooks.ts runs it, also built by the infra tests so they check what deploys: one stack,
 * configured from context, checked on every synth by cdk-nag's AwsSolutions rules and by AWS Control Tower's
 * proactive controls (cfn-guard).
 *
 * cdk-nag 3 is a policy-validation plugin (it replaced v2's Aspect): any finding that is not acknowledged,
 * warning or error, fails synthesis. Acknowledgements sit beside the resource they explain
 * (`Validations.of(construct).acknowledge`), and are also written into the template's metadata for auditors.
 */
export function createWebhooksApp(
  props?: AppProps,
  { controlTowerChecks = true }: { controlTowerChecks?: boolean } = {},
): { app: App; stack: WebhooksStack } {
  const app = new App(props);
  const settings = checkSettings(contextSettings(app));
  const stack = new WebhooksStack(app, settings.stackName, {
    settings,
    description: 'Serverless webhooks: subscriptions API, fan-out and signed deliveries with retries',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  // AWS Control Tower's proactive controls, as cfn-guard rules (lib/control-tower.ts lists the ones acknowledged);
  // about 9 s a synthesis, so the infra tests that check something else leave them out
  if (controlTowerChecks) Validations.of(app).addPlugins(new CfnGuardValidator({ controlTowerRulesEnabled: true }));
  return { app, stack };
}
