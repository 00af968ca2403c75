import { join } from 'node:path';
import { localConsoleUrl, portalLink } from './console-links';
import { DEV_TENANT, ensureDevApiKey } from './dev-api-key';
import { startPlatform } from './platform';
import { LOCAL_PORTS, LOCAL_TABLE_NAME, LOCAL_DATA_DIR } from './local-settings';
import { localAdminCredential } from './sigv4-verifier';

const platform = await startPlatform({
  apiPort: LOCAL_PORTS.api,
  dynamo: { port: LOCAL_PORTS.dynamo, dataDir: join(LOCAL_DATA_DIR, 'dynamodb') },
  sqs: { port: LOCAL_PORTS.sqs, dataDir: join(LOCAL_DATA_DIR, 'sqs') },
  tableName: LOCAL_TABLE_NAME,
});

const apiKey = await ensureDevApiKey(platform.apiKeys, join(LOCAL_DATA_DIR, 'dev-api-key'), process.env.DEV_API_KEY);
const consoleUrl = localConsoleUrl(LOCAL_PORTS.api);
const { token: portalToken, expiresAt: portalExpiresAt } = await platform.apiKeys.createPortalToken(DEV_TENANT);
const admin = localAdminCredential();

console.log(`
Webhooks platform running locally (data in ${LOCAL_DATA_DIR}/)

  API             ${platform.apiUrl}/v2/webhooks
  API key         ${apiKey}   (tenant "dev")
  Web console     ${consoleUrl}   (sign in with the API key, or open the portal link below)
  Portal link     ${portalLink(consoleUrl, portalToken)}
                  (tenant "dev", until ${portalExpiresAt.toISOString()}; another: npm run portal-link -- --tenant dev)
  Admin API       ${platform.apiUrl}/admin/tenants   (SigV4, service execute-api, region us-east-1)
                  access key ${admin.accessKeyId}, secret ${admin.secretAccessKey}
                  (LOCAL_ADMIN_ACCESS_KEY_ID / LOCAL_ADMIN_SECRET_ACCESS_KEY replace them)
  DynamoDB Local  ${platform.dynamoEndpoint}   table ${platform.tableName}
  SQS (fauxqs)    ${platform.sqsEndpoint}
  events queue    ${platform.queues.events.queueUrl}

Create a webhook:
  curl -s -X POST ${platform.apiUrl}/v2/webhooks \\
    -H "Authorization: Bearer ${apiKey}" -H "Content-Type: application/json" \\
    -d '{"url":"http://127.0.0.1:4000/webhooks","events":["verification.completed"]}'

List webhooks:
  curl -s ${platform.apiUrl}/v2/webhooks -H "Authorization: Bearer ${apiKey}"

Receive and verify deliveries (in another terminal, with the secret the create call returned):
  npm run receiver -- --secret whsec_...
The webhook receives nothing but the endpoint verification challenge until the receiver has answered it
(ENDPOINT_VERIFICATION=off npm start sends at once).

Publish an event:
  npm run publish -- --tenant dev --type verification.completed --data '{"verificationId":"ver_1"}'
or with the AWS CLI (any credentials work locally):
  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws sqs send-message --region us-east-1 \
    --endpoint-url ${platform.sqsEndpoint} --queue-url ${platform.queues.events.queueUrl} \
    --message-body '{"tenantId":"dev","type":"verification.completed","data":{"verificationId":"ver_1"}}'

Act for a tenant from a backend (the admin API, signed with SigV4; the AWS CLI has no signer for it, curl does):
  curl -s --aws-sigv4 "aws:amz:us-east-1:execute-api" --user "${admin.accessKeyId}:${admin.secretAccessKey}" \\
    -X PUT ${platform.apiUrl}/admin/tenants/acme -H "Content-Type: application/json" \\
    -d '{"settings":{"maxWebhooks":10}}'

Move dead-lettered deliveries back for another try:
  npm run redrive -- --queue deliveries

Ctrl-C stops everything.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await platform.stop();
    process.exit(0);
  });
}
