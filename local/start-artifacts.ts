/**
 * `npm run start:artifacts`: the local platform as `cdk deploy` ships it. cdk.out is synthesized again when the
 * source changed since; every function runs its bundle from there with its template environment; Ctrl-C prints
 * what each function called and whether its role in the template allows it.
 */
import { startArtifactPlatform } from './artifacts/artifact-platform';
import { constructPath, DEFAULT_ASSEMBLY_DIR, freshCloudAssembly } from './artifacts/cloud-assembly';
import { localConsoleUrl, portalLink } from './console-links';
import { DEV_TENANT } from './dev-api-key';
import { LOCAL_PORTS } from './local-settings';
import { adminRoles, LOCAL_SECRET_ACCESS_KEY } from './artifacts/iam-callers';

console.log(`Synthesizing ${DEFAULT_ASSEMBLY_DIR} if the source changed since the last synth...`);
const platform = await startArtifactPlatform({
  apiPort: LOCAL_PORTS.api,
  dynamo: { port: LOCAL_PORTS.dynamo },
  sqs: { port: LOCAL_PORTS.sqs },
  assembly: freshCloudAssembly(),
  diagnostics: { POWERTOOLS_LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
});
const { key } = await platform.apiKeys.create(DEV_TENANT, 'development key (npm run start:artifacts)');
const consoleUrl = localConsoleUrl(LOCAL_PORTS.api);
const { token } = await platform.apiKeys.createPortalToken(DEV_TENANT);
const adminGrantees =
  adminRoles(platform.assembly.template).join(', ') ||
  'none (platform.grantAdmin(role) grants one): every /admin call is 403';

console.log(`
Webhooks platform running from the synthesized artifacts (stack ${platform.assembly.stackName}, nothing kept on disk)

  API             ${platform.apiUrl}/v2/webhooks
  API key         ${key}   (tenant "${DEV_TENANT}")
  Web console     ${consoleUrl}
  Portal link     ${portalLink(consoleUrl, token)}
  events queue    ${platform.outputs.EventsQueueUrl}
  table           ${platform.outputs.TableName}

Publish an event (any credentials work locally):
  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws sqs send-message --region us-east-1 \\
    --endpoint-url http://127.0.0.1:${LOCAL_PORTS.sqs} --queue-url ${platform.outputs.EventsQueueUrl} \\
    --message-body '{"tenantId":"${DEV_TENANT}","type":"verification.completed","data":{"verificationId":"ver_1"}}'

Admin API (/admin, AWS_IAM): sign with SigV4 as a role of the template (access key id = its logical id, secret
"${LOCAL_SECRET_ACCESS_KEY}"); IAM decides from that role's policies in the template, as on AWS. Roles with an
execute-api grant: ${adminGrantees}

Ctrl-C stops everything and reports each function's AWS calls against its IAM policies in the template.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    const reports = await platform.evaluateIam();
    const name = (functionId: string) => constructPath(platform.assembly.template, functionId);
    console.table(
      reports.map(({ functionId, calls, allowed, denied }) => ({
        function: name(functionId),
        'distinct calls': calls,
        allowed,
        denied: denied.length,
      })),
    );
    for (const { functionId, denied } of reports)
      for (const call of denied)
        console.log(`DENIED ${name(functionId)} ${call.operation}: missing ${JSON.stringify(call.missing)}`);
    await platform.stop();
    process.exit(reports.some((report) => report.denied.length) ? 1 : 0);
  });
}
