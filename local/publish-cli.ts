import { parseArgs } from 'node:util';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EVENTS_QUEUE } from '../lambdas/platform-settings';
import { LOCAL_PORTS } from './local-settings';
import { localClientConfig } from './platform';

const USAGE = `Usage: npm run publish -- --tenant <id> --type <event type> [--data '<json object>'] [--id <event id>]
  Sends an event envelope (docs/design.md §7) to the events queue of the local stack, or with --queue-url <url>
  [--region <r>] to a deployed one. Any SQS client can do the same: the envelope is plain JSON.`;

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    type: { type: 'string' },
    data: { type: 'string', default: '{}' },
    id: { type: 'string' },
    'queue-url': { type: 'string' },
    region: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || !values.tenant || !values.type) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

let data: unknown;
try {
  data = JSON.parse(values.data);
} catch {
  console.error(`--data is not JSON: ${values.data}`);
  process.exit(2);
}

const local = !values['queue-url'];
const client = new SQSClient(
  local ? localClientConfig(`http://127.0.0.1:${LOCAL_PORTS.sqs}`) : values.region ? { region: values.region } : {},
);
const queueUrl =
  values['queue-url'] ?? (await client.send(new GetQueueUrlCommand({ QueueName: EVENTS_QUEUE.name }))).QueueUrl!;
const envelope = { tenantId: values.tenant, ...(values.id ? { id: values.id } : {}), type: values.type, data };
const { MessageId } = await client.send(
  new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(envelope) }),
);
console.log(`Published ${values.type} for tenant ${values.tenant} (SQS message ${MessageId}).`);
