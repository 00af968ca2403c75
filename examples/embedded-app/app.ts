/**
 * A team's own CDK app that already has an API and a producer, adding the webhook platform next to them.
 * Synthesize it with `npx cdk synth --app 'npx tsx examples/embedded-app/app.ts'`.
 */
import { App } from 'aws-cdk-lib';
import { OrdersStack } from './orders-stack';

new OrdersStack(new App(), 'Orders');
