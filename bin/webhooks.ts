/**
 * The CDK app (cdk.json runs it with tsx). Settings come from context: cdk.json holds the defaults,
 * `cdk deploy -c logRetentionDays=90 -c maxWebhooksPerTenant=50` overrides them (lib/stack-config.ts checks them).
 */
import { createWebhooksApp } from '../lib/webhooks-app';

createWebhooksApp();
