import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify as verifyGithubStyle } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';

export interface ReceivedDelivery {
  webhookId: string;
  eventId: string;
  eventType: string;
  path: string;
  /** Both signatures checked with the third-party verifiers (standardwebhooks, @octokit/webhooks-methods). */
  standardVerified: boolean;
  githubVerified: boolean;
  body: string;
  headers: IncomingHttpHeaders;
  receivedAt: number;
  answeredStatus: number;
}

export interface ReceiverBehaviour {
  /** Share of requests answered with `status` instead of 200 (0..1). */
  failRate?: number;
  status?: number;
  delayMs?: number;
  /** Full control per request, for tests and the soak; returns the status to answer or 'hang' / 'reset'. */
  decide?: (
    delivery: ReceivedDelivery,
  ) => { status: number; headers?: Record<string, string>; delayMs?: number; body?: string } | 'hang' | 'reset';
  /** Called for every delivery answered. */
  onDelivery?: (delivery: ReceivedDelivery) => void;
}

export interface Receiver {
  url: string;
  deliveries: ReceivedDelivery[];
  behaviour: ReceiverBehaviour;
  secrets: string[];
  stop(): Promise<void>;
}

async function verifies(secrets: readonly string[], body: string, headers: IncomingHttpHeaders) {
  const header = (name: string) => String(headers[name] ?? '');
  let standardVerified = false;
  let githubVerified = false;
  for (const secret of secrets) {
    try {
      new StandardWebhook(secret).verify(body, {
        'webhook-id': header('webhook-id'),
        'webhook-timestamp': header('webhook-timestamp'),
        'webhook-signature': header('webhook-signature'),
      });
      standardVerified = true;
    } catch {
      // not this secret
    }
    if (await verifyGithubStyle(secret, body, header('x-verifik-signature')).catch(() => false)) githubVerified = true;
  }
  return { standardVerified, githubVerified };
}

/**
 * A webhook receiver as a subscriber would write one: it verifies both signatures of every delivery with
 * the public verifier libraries, and can be told to fail, to watch retries.
 */
export async function startReceiver({
  port = 0,
  secrets = [],
  behaviour = {},
}: {
  port?: number;
  secrets?: string[];
  behaviour?: ReceiverBehaviour;
} = {}): Promise<Receiver> {
  const receiver: Receiver = { url: '', deliveries: [], behaviour, secrets, stop: async () => undefined };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let parsed: { id?: string; type?: string } = {};
    try {
      parsed = JSON.parse(body);
    } catch {
      // recorded with empty ids
    }
    const delivery: ReceivedDelivery = {
      webhookId: String(request.headers['webhook-id'] ?? ''),
      eventId: parsed.id ?? '',
      eventType: parsed.type ?? '',
      path: request.url ?? '/',
      ...(await verifies(receiver.secrets, body, request.headers)),
      body,
      headers: request.headers,
      receivedAt: Date.now(),
      answeredStatus: 200,
    };
    const { failRate = 0, status = 500, delayMs = 0, decide } = receiver.behaviour;
    const decision: ReturnType<NonNullable<ReceiverBehaviour['decide']>> = decide
      ? decide(delivery)
      : { status: Math.random() < failRate ? status : 200, delayMs };
    if (decision === 'hang') return; // never answers: the sender's timeout must end it
    if (decision === 'reset') {
      request.socket.destroy();
      return;
    }
    delivery.answeredStatus = decision.status;
    receiver.deliveries.push(delivery);
    receiver.behaviour.onDelivery?.(delivery);
    if (decision.delayMs) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    response.writeHead(decision.status, { 'content-type': 'text/plain', ...decision.headers });
    response.end(decision.body ?? (decision.status < 300 ? 'ok' : 'failing on purpose'));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return receiver;
}
