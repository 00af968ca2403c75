import { constructPath, type StackTemplate } from '../../local/artifacts/cloud-assembly';
import type { FunctionReport } from '../../local/artifacts/iam-evaluation';

/**
 * Every action a deployed function is granted but the artifact suite never saw it use, with the reason it stays.
 * Keys: `<function> <action> <resource>[ <leading keys>]`, names as construct paths; a `*` word matches any one word.
 * The suite fails on a grant missing here, and on an entry here that no longer matches an unused grant.
 */
export const UNUSED_GRANTS: Record<string, string> = {
  '* xray:PutTraceSegments *':
    "Active X-Ray tracing: the Lambda runtime sends the segments through the X-Ray daemon on the function's role, " +
    'not by an SDK call of ours; X-Ray supports no resource-level permissions, hence "*".',
  '* xray:PutTelemetryRecords *': "As xray:PutTraceSegments: the X-Ray daemon's own call.",
  // the event source mappings: CDK's SqsEventSource grants what AWS's managed AWSLambdaSQSQueueExecutionRole grants
  '* sqs:GetQueueAttributes *':
    "Lambda reads the queue's attributes when the event source mapping is created and while it scales; the local " +
    'poller does not.',
  '* sqs:ChangeMessageVisibility *':
    "Part of the event source mapping's grant (CDK's grantConsumeMessages, as AWSLambdaSQSQueueExecutionRole); our " +
    'code never stretches a visibility timeout (every retry is a new, delayed message).',
  '* sqs:GetQueueUrl *':
    "Part of the event source mapping's grant (CDK's grantConsumeMessages); harmless, the function already has the " +
    'URL in its environment.',
  // the artifact runtime has no KMS: a function given the SecretsKey seals with the local key instead
  '* kms:GenerateDataKey Storage/SecretsKey':
    'Seals endpoint secrets and ed25519 keys (create, update, rotation; the deliver lanes seal the OAuth2 tokens ' +
    "they cache) and makes a tenant's signing-secret data key on its first seal. KMS is not emulated here: " +
    'local/artifacts/artifact-platform.ts gives these functions the local key.',
  '* kms:Decrypt Storage/SecretsKey':
    "Opens a webhook's sealed endpoint secrets, ed25519 keys and cached OAuth2 tokens, and its tenant's " +
    'signing-secret data key (deliver lanes; the API to seal under it); as kms:GenerateDataKey, the local key ' +
    'stands in for KMS here.',
  // failure paths the suite does not force
  '* dynamodb:PutItem Storage/Table WEBHOOK#*':
    'The fallback of each deliver lane when a BatchWriteItem of first attempts is refused (throttled): each record ' +
    'is put on its own. Needs a throttled table to reach.',
  'Delivery/DeliverSlowLane dynamodb:BatchWriteItem Storage/Table WEBHOOK#*':
    'A first attempt of a webhook already marked slow is sent through the slow lane and recorded there; the suite ' +
    'marks the webhook slow with a retry.',
  'Delivery/DeliverSlowLane sqs:SendMessage Delivery/SlowDeliveriesQueue':
    'A retry of a slow webhook that fails again waits in the slow lane.',
  'Delivery/DeliverSlowLane sqs:SendMessage Delivery/DeliveriesQueue':
    'A retry of a webhook whose slow-lane hold has ended goes back to the fast lane (after an hour).',
  'Delivery/DeliverSlowLane sqs:SendMessage Delivery/DeliveriesDlq':
    'An exhausted delivery of a slow webhook is parked in the deliveries DLQ.',
  'Delivery/DeliverOrdered dynamodb:UpdateItem Storage/Table WEBHOOK#*':
    'A later attempt of an ordered delivery updates its record.',
  'Delivery/DeliverOrdered sqs:SendMessage Delivery/DeliveriesDlq':
    'An exhausted ordered delivery is parked in the deliveries DLQ.',
  'Delivery/DeliverOrdered sqs:SendMessage Delivery/PlatformEventsQueue':
    'An exhausted ordered delivery announces delivery.exhausted; a disabled webhook, webhook.disabled.',
  'Delivery/DeliverOrderedSlowLane sqs:SendMessage Delivery/DeliveriesDlq':
    'An exhausted delivery of a slow ordered webhook is parked in the deliveries DLQ.',
  'Recovery/Recover sqs:SendMessage Recovery/RecoveriesQueue':
    'A recovery of more than one page sends its next page (100 deliveries a page).',
  'Recovery/Recover sqs:SendMessage Recovery/RecoveriesDlq':
    'A recovery job whose message is not a job is parked with its reason.',
  // endpoint verification (docs/design.md §18): the suite runs with it off (ENDPOINT_VERIFICATION=off), as every test
  // does unless it turns it on (test/integration/endpoint-verification.test.ts exercises these on the local stack)
  'Api/CreateWebhook sqs:SendMessage Delivery/DeliveriesQueue':
    "Queues a new webhook's first verification challenge; with verification off nothing is queued.",
  'Api/UpdateWebhook sqs:SendMessage Delivery/DeliveriesQueue':
    'Queues the first verification challenge of a new URL; with verification off nothing is queued.',
  // AWS destinations (docs/design.md §17): locally the SQS and SNS endpoints are fauxqs and no role is assumed
  '* sts:AssumeRole Destinations/DestinationsRole':
    'The deliver lanes assume the DestinationsRole, tagged with the tenant, only for a webhook with an AWS ' +
    'destination on AWS; the artifact platform sends to fauxqs without a session (AWS_ENDPOINT_URL_SQS is set).',
  '* sts:TagSession Destinations/DestinationsRole': 'As sts:AssumeRole: the session tag rides on the same call.',
  'Api/UpdateWebhook dynamodb:GetItem Storage/Table TENANTS':
    "The tenant's limits (docs/design.md §16) are read only when an update changes events or throttleRate; the " +
    "suite's updates change neither.",
  'Api/VerifyWebhook dynamodb:UpdateItem Storage/Table TENANT#*':
    'Starts a new verification run; with verification off the route reads the webhook and answers 409 ' +
    'verification_off.',
  'Api/VerifyWebhook sqs:SendMessage Delivery/DeliveriesQueue':
    "Queues the new run's first challenge; with verification off the route answers 409 verification_off.",
  'Api/RecoverDeliveries dynamodb:DeleteItem Storage/Table TENANT#*':
    'Releases the recovery lock when the job cannot be queued (SQS refused it).',
  'Api/UpdateWebhook dynamodb:PutItem Storage/Table TENANT#*':
    "Puts the tenant's signing-secret data key (SECRETSKEY) when an update seals a secret stored in clear before " +
    "sealing and the tenant has no key yet; the suite's webhooks are created sealed.",
  'Api/RotateWebhookSecret dynamodb:PutItem Storage/Table TENANT#*':
    "Puts the tenant's signing-secret data key when a rotation is the tenant's first seal (webhooks stored in clear " +
    "before sealing); the suite's webhooks are created sealed.",
  // erasure (docs/design.md §16): the suite erases a small tenant with nothing queued
  '* dynamodb:GetItem Storage/Table ERASURES':
    "The deliver lanes read a tenant's erasure marker only for a delivery whose webhook is gone " +
    "(lambdas/adapters/erased-tenants.ts); the suite's erased tenant has no delivery queued when it goes " +
    '(test/integration/tenant-erasure.test.ts drops queued ones on the local stack).',
  'Erasure/EraseTenant sqs:SendMessage Erasure/ErasuresQueue':
    'An erasure longer than one run (40 pages of 25 items) sends itself on; the suite erases a small tenant.',
  'Erasure/EraseTenant sqs:SendMessage Erasure/ErasuresDlq':
    'A message that is not an erasure job is parked with its reason.',
  'Api/UpdateWebhook dynamodb:DeleteItem Storage/Table TENANT#*':
    "A PUT that changes throttleRate drops the webhook's throttle reservations (THROTTLE#<id>); the suite changes " +
    'only the description.',
};

/** The construct path of the resource an ARN names (the local runtime names each `<stack>-<logical id>`). */
function resourcePath(template: StackTemplate, arn: string): string {
  if (arn === '*') return '*';
  const logicalId = Object.keys(template.Resources).find((id) => new RegExp(`-${id}(\\.fifo)?(/index/.*)?$`).test(arn));
  return logicalId ? constructPath(template, logicalId) + (arn.match(/\/index\/.*$/)?.[0] ?? '') : arn;
}

/** An entry matches a key word by word; `*` as a whole word matches any one word (the function, the resource). */
const matches = (entry: string, key: string) => {
  const words = entry.split(' ');
  const keyWords = key.split(' ');
  return words.length === keyWords.length && words.every((word, index) => word === '*' || word === keyWords[index]);
};

export function describeUnusedGrants(
  template: StackTemplate,
  reports: readonly FunctionReport[],
): { key: string; matchedBy?: string; reason?: string }[] {
  return reports.flatMap((report) =>
    report.unused.map((grant) => {
      const key = [
        constructPath(template, report.functionId),
        grant.action,
        grant.resources.map((arn) => resourcePath(template, arn)).join(','),
        ...(grant.leadingKeys ? [grant.leadingKeys.join(',')] : []),
      ].join(' ');
      const matchedBy = Object.keys(UNUSED_GRANTS).find((entry) => matches(entry, key));
      return { key, matchedBy, reason: matchedBy && UNUSED_GRANTS[matchedBy] };
    }),
  );
}
