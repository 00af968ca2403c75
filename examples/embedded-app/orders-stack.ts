import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { LambdaIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { WebhookPlatform } from '../../lib/index';

/** The team's stack: its orders API and producer, and the webhook platform it adds beside them. */
export class OrdersStack extends Stack {
  public readonly webhooks: WebhookPlatform;

  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // what the team had: an orders API whose handler publishes events
    const ordersHandler = new LambdaFunction(this, 'OrdersHandler', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      timeout: Duration.seconds(10),
      code: Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "[]" });'),
    });
    new RestApi(this, 'OrdersApi').root.addResource('orders').addMethod('GET', new LambdaIntegration(ordersHandler));

    // what it adds: the webhook platform, its customers signing in with the team's tokens
    this.webhooks = new WebhookPlatform(this, 'Webhooks', {
      auth: {
        apiKeys: false,
        jwt: { issuer: 'https://auth.example.com/', audience: 'webhooks', tenantClaim: 'org_id' },
      },
      alarmEmail: 'oncall@example.com',
      settings: { maxWebhooksPerTenant: 50, retryScheduleSeconds: [5, 60, 600], wafEnabled: false },
    });
    this.webhooks.grantPublish(ordersHandler);
    ordersHandler.addEnvironment('WEBHOOK_EVENTS_QUEUE_URL', this.webhooks.eventsQueue.queueUrl);
  }
}
