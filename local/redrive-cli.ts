import { parseArgs } from 'node:util';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DELIVERIES_QUEUE, EVENTS_QUEUE, ORDERED_DELIVERIES_QUEUE } from '../lambdas/platform-settings';
import { LOCAL_PORTS } from './local-settings';
import { localClientConfig } from './platform';
import { moveMessages, startMoveTask } from './redrive';

const USAGE = `Usage:
  npm run redrive -- --queue deliveries|events|ordered  local stack: move the DLQ's messages back to their queue
  npm run redrive -- --dlq-url <url> [--to <queue url>] [--region <r>]
                                                        AWS: start SQS's message move task from that DLQ (the stack's
                                                        DeliveriesDlqUrl / EventsDlqUrl output) into --to, or into the
                                                        DLQ's only source queue (the deliveries DLQ has two: pass
                                                        --to <DeliveriesQueueUrl output>)`;

const { values } = parseArgs({
  options: {
    queue: { type: 'string' },
    'dlq-url': { type: 'string' },
    to: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || (!values.queue && !values['dlq-url'])) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

if (values['dlq-url']) {
  const client = new SQSClient(values.region ? { region: values.region } : {});
  const handle = await startMoveTask(client, values['dlq-url'], values.to);
  console.log(`Started the move task ${handle}; SQS moves the messages back into the queue.`);
} else {
  const settings = { deliveries: DELIVERIES_QUEUE, events: EVENTS_QUEUE, ordered: ORDERED_DELIVERIES_QUEUE }[
    values.queue as 'deliveries' | 'events' | 'ordered'
  ];
  if (!settings) {
    console.error(`--queue must be deliveries, events or ordered\n\n${USAGE}`);
    process.exit(2);
  }
  const client = new SQSClient(localClientConfig(values.endpoint ?? `http://127.0.0.1:${LOCAL_PORTS.sqs}`));
  const url = async (name: string) => (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  const moved = await moveMessages(client, await url(settings.dlq.name), await url(settings.name));
  console.log(`Moved ${moved} message(s) from ${settings.dlq.name} back to ${settings.name}.`);
}
