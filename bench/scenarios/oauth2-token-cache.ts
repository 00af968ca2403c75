import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhook, startDeliverStack } from '../deliver-stack';
import { report } from '../stats';

// Scenario 13 (issue 23's bench): the OAuth2 token cache with a real token server. CONTAINERS deliver containers
// (processes, bench/token-container.ts) deliver one webhook's events for BENCH_TOKEN_SECONDS with tokens that live
// BENCH_TOKEN_LIFETIME seconds; the token server counts its requests, the receiver refuses any token that is not one
// it issued or has expired. The promise: one token request per webhook per token lifetime, not per container or per
// delivery, and what the cache costs in the table's reads and writes per delivery.
const CONTAINERS = Number(process.env.BENCH_TOKEN_CONTAINERS ?? 3);
const LIFETIME_SECONDS = Number(process.env.BENCH_TOKEN_LIFETIME ?? 4);
const SECONDS = Number(process.env.BENCH_TOKEN_SECONDS ?? 20);
const PAUSE_MS = 100;
const CLIENT = { id: 'bench-client', secret: randomBytes(16).toString('hex') };

const stack = await startDeliverStack();

async function listen(handle: (request: IncomingMessage, body: string, response: ServerResponse) => void) {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => handle(request, body, response));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const issued = new Map<string, number>();
const tokenRequests: number[] = [];
const tokenServer = await listen((request, _body, response) => {
  const expected = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;
  if (request.headers.authorization !== expected) {
    response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
    return;
  }
  tokenRequests.push(Date.now());
  const token = randomBytes(16).toString('hex');
  issued.set(token, Date.now() + LIFETIME_SECONDS * 1000);
  response
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: LIFETIME_SECONDS }));
});
const receipts = { accepted: 0, refused: 0 };
const receiver = await listen((request, _body, response) => {
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  const valid = token !== undefined && (issued.get(token) ?? 0) > Date.now();
  receipts[valid ? 'accepted' : 'refused'] += 1;
  response.writeHead(valid ? 200 : 401).end();
});

const webhookId = await createWebhook({
  url: `${receiver.url}/hooks`,
  auth: {
    type: 'oauth2_client_credentials',
    tokenUrl: `${tokenServer.url}/token`,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
  },
});

type ContainerResult = {
  deliveries: number;
  failures: number;
  tokenStore: { read: number; takeLease: number; store: number; releaseLease: number };
  requests: Record<string, number>;
};
function runContainer(index: number): Promise<ContainerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('../token-container.ts', import.meta.url).pathname],
      {
        env: {
          ...process.env,
          BENCH_WEBHOOK_ID: webhookId,
          BENCH_SECONDS: String(SECONDS),
          BENCH_PAUSE_MS: String(PAUSE_MS),
          BENCH_CONTAINER: String(index),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => {
      const line = output.split('\n').find((candidate) => candidate.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`container ${index} failed (exit ${code}):\n${output}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)));
    });
  });
}

const started = Date.now();
const containers = await Promise.all(Array.from({ length: CONTAINERS }, (_, index) => runContainer(index)));
const elapsedSeconds = (Date.now() - started) / 1000;
tokenServer.server.close();
receiver.server.close();
await stack.stop();

const sum = (pick: (container: ContainerResult) => number) => containers.reduce((total, c) => total + pick(c), 0);
const deliveries = sum((container) => container.deliveries);
const reads = sum((container) => container.tokenStore.read);
const writes = sum((c) => c.tokenStore.takeLease + c.tokenStore.store + c.tokenStore.releaseLease);
const span = tokenRequests.length > 1 ? (tokenRequests.at(-1)! - tokenRequests[0]!) / 1000 : 0;
report({
  containers: CONTAINERS,
  tokenLifetimeSeconds: LIFETIME_SECONDS,
  seconds: elapsedSeconds,
  deliveries,
  failures: sum((container) => container.failures),
  receipts,
  tokenRequests: tokenRequests.length,
  // the lifetimes the run spanned (the first token's included): the promise is one request for each
  lifetimesSpanned: Math.ceil(span / LIFETIME_SECONDS) + 1,
  tokenStore: { reads, writes, readsPerDelivery: reads / deliveries, writesPerDelivery: writes / deliveries },
  perContainer: containers.map(({ deliveries: count, tokenStore }) => ({ deliveries: count, tokenStore })),
  dynamoDbRequestsPerDelivery: Object.fromEntries(
    [...new Set(containers.flatMap((container) => Object.keys(container.requests)))].map((command) => [
      command,
      sum((container) => container.requests[command] ?? 0) / deliveries,
    ]),
  ),
});
process.exit(0);
