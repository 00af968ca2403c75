import { parseArgs } from 'node:util';
import { startReceiver } from './receiver';
import { LOCAL_PORTS } from './local-settings';

const { values } = parseArgs({
  options: {
    secret: { type: 'string', multiple: true },
    port: { type: 'string' },
    'fail-rate': { type: 'string' },
    status: { type: 'string' },
    'delay-ms': { type: 'string' },
    answer: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(`Usage: npm run receiver -- [--secret whsec_...] [--port 4000] [--fail-rate 0.3] [--status 500]
                            [--delay-ms 0]
  --secret     the webhook's secret (repeatable; or WEBHOOK_SECRET); without one, signatures are shown unverified
  --fail-rate  share of deliveries answered with --status instead of 200, to watch retries (0..1)
  --status     the failing status (default 500; 410 disables the webhook, 429/503 come with Retry-After: 30)
  --answer     which endpoint verification challenges to answer: both (default), handshake (OPTIONS), challenge
               (the signed POST) or none (to watch a webhook stay pending)`);
  process.exit(0);
}

const secrets = values.secret ?? (process.env.WEBHOOK_SECRET ? [process.env.WEBHOOK_SECRET] : []);
const status = Number(values.status ?? 500);
const answers = values.answer ?? 'both';
if (!['both', 'handshake', 'challenge', 'none'].includes(answers)) {
  console.error('--answer must be both, handshake, challenge or none');
  process.exit(2);
}
const mark = (verified: boolean) =>
  secrets.length === 0 ? 'unverified (no --secret)' : verified ? 'verified' : 'INVALID';
await startReceiver({
  port: Number(values.port ?? LOCAL_PORTS.receiver),
  secrets,
  behaviour: {
    answers: answers as 'both' | 'handshake' | 'challenge' | 'none',
    onChallenge: (challenge) =>
      console.log(
        `${new Date(challenge.receivedAt).toISOString()} answered the endpoint verification ${
          challenge.method === 'OPTIONS'
            ? `handshake of ${challenge.headers['webhook-request-origin']}`
            : `challenge (webhook-signature: ${mark(challenge.standardVerified)})`
        }`,
      ),
    decide: () => ({
      delayMs: Number(values['delay-ms'] ?? 0),
      ...(Math.random() < Number(values['fail-rate'] ?? 0)
        ? {
            status,
            headers: status === 429 || status === 503 ? { 'retry-after': '30' } : ({} as Record<string, string>),
          }
        : { status: 200 }),
    }),
    onDelivery: (delivery) =>
      console.log(
        `${new Date(delivery.receivedAt).toISOString()} ${delivery.answeredStatus} ${delivery.eventType} ` +
          `${delivery.eventId} ` +
          `webhook-signature: ${mark(delivery.standardVerified)}, X-Verifik-Signature: ` +
          `${mark(delivery.githubVerified)}`,
      ),
  },
});

console.log(`Receiving webhooks at http://127.0.0.1:${values.port ?? LOCAL_PORTS.receiver}/ (any path). Ctrl-C stops.`);
