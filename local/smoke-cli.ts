import { parseArgs } from 'node:util';

const USAGE = `Usage:
  npm run smoke -- --api-url <ApiUrl> --key <api key> --receiver <a URL you control> [--timeout <seconds>]

Checks a deployment end to end through its public API only: creates a webhook for --receiver, sends it a test
event, waits until the delivery log says delivered (or failed), prints every step and attempt, then deletes the
webhook. Exits 0 when the delivery was delivered, 1 when it was not, 2 on bad arguments.
  --api-url     the stack's ApiUrl output (e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod)
  --key         an API key of a tenant (npm run api-key -- create --tenant smoke ...)
  --receiver    where the test delivery goes: public https on AWS; any URL that answers 2xx`;

const { values } = parseArgs({
  options: {
    'api-url': { type: 'string' },
    key: { type: 'string' },
    receiver: { type: 'string' },
    timeout: { type: 'string', default: '60' },
    help: { type: 'boolean', short: 'h' },
  },
});

function usage(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

if (values.help) usage('The smoke test of a deployment.');
const apiUrl = values['api-url']?.replace(/\/+$/, '');
if (!apiUrl || !values.key || !values.receiver) usage('Pass --api-url, --key and --receiver.');
const timeoutMs = Number(values.timeout) * 1000;
if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) usage('--timeout takes a number of seconds.');

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${values.key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

class SmokeFailure extends Error {}

function step(what: string, response: { status: number; body: any }, expected: number): any {
  const error = response.body?.error;
  console.log(
    `${response.status === expected ? 'ok  ' : 'FAIL'} ${what}: HTTP ` +
      `${response.status}${error ? ` ${error.code}: ${error.message}` : ''}`,
  );
  if (response.status !== expected) throw new SmokeFailure(what);
  return response.body;
}

/** Creates, tests and deletes one webhook; true when its test event was delivered. */
async function smoke(): Promise<boolean> {
  const types = step('GET /v2/event-types', await call('GET', '/v2/event-types'), 200);
  const eventType = (types.data as { name: string; operational: boolean }[]).find((type) => !type.operational)?.name;
  if (!eventType) throw new Error('the catalog has no product event type to test with');
  const webhook = step(
    'POST /v2/webhooks',
    await call('POST', '/v2/webhooks', {
      url: values.receiver,
      events: [eventType],
      description: 'smoke test (npm run smoke)',
    }),
    201,
  );
  console.log(`     webhook ${webhook.id} → ${webhook.url}`);
  let delivered = false;
  try {
    const test = step(
      'POST /v2/webhooks/{id}/test',
      await call('POST', `/v2/webhooks/${webhook.id}/test`, { eventType }),
      202,
    );
    console.log(`     test event ${test.eventId} (${eventType})`);
    const deadline = Date.now() + timeoutMs;
    let delivery: any;
    while (Date.now() < deadline) {
      const response = await call('GET', `/v2/webhooks/${webhook.id}/deliveries/${test.eventId}`);
      if (response.status === 200 && (response.body.status === 'delivered' || response.body.status === 'failed')) {
        delivery = response.body;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    if (!delivery) {
      console.log(`FAIL the delivery log did not say delivered within ${timeoutMs / 1000} s`);
    } else {
      for (const attempt of delivery.attempts) {
        console.log(
          `     attempt at ${attempt.at}: ${attempt.statusCode ? `HTTP ${attempt.statusCode}` : attempt.error} in ` +
            `${attempt.durationMs} ms`,
        );
      }
      delivered = delivery.status === 'delivered';
      console.log(
        `${delivered ? 'ok  ' : 'FAIL'} delivery ${delivery.status}${delivery.reason ? `: ${delivery.reason}` : ''}`,
      );
    }
  } finally {
    step('DELETE /v2/webhooks/{id}', await call('DELETE', `/v2/webhooks/${webhook.id}`), 204);
  }
  return delivered;
}

let passed = false;
try {
  passed = await smoke();
} catch (error) {
  if (!(error instanceof SmokeFailure)) console.log(`FAIL ${(error as Error).message}`);
}
console.log(passed ? 'SMOKE TEST PASSED' : 'SMOKE TEST FAILED');
process.exit(passed ? 0 : 1);
