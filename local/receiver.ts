import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
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
  /**
   * Which verification challenges it answers (docs/design.md §18): the OPTIONS handshake, the signed POST's
   * challenge, both (the default) or none (a bystander: the challenge is then answered like any delivery).
   */
  answers?: 'both' | 'handshake' | 'challenge' | 'none';
  /** The WebHook-Allowed-Rate it announces in the handshake (requests per minute). */
  allowedRate?: number;
  /** Called for every challenge it consented to. */
  onChallenge?: (challenge: ReceivedChallenge) => void;
}

/** A verification challenge as it reached the receiver. */
export interface ReceivedChallenge {
  method: 'OPTIONS' | 'POST';
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** For a POST: the Standard Webhooks signature checked against the receiver's secrets. */
  standardVerified: boolean;
  receivedAt: number;
  /** Whether it answered so as to consent. */
  consented: boolean;
}

export interface Receiver {
  url: string;
  deliveries: ReceivedDelivery[];
  /** Verification challenges it consented to (the others are in `deliveries`, answered like any request). */
  challenges: ReceivedChallenge[];
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
  const receiver: Receiver = {
    url: '',
    deliveries: [],
    challenges: [],
    behaviour,
    secrets,
    stop: async () => undefined,
  };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let parsed: { id?: string; type?: string; data?: { challenge?: unknown } } = {};
    try {
      parsed = JSON.parse(body);
    } catch {
      // recorded with empty ids
    }
    if (answerChallenge(receiver, request, response, body, parsed)) return;
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

/**
 * Consent to the platform's verification, either way a receiver may (docs/design.md §18): the CloudEvents handshake
 * names the requesting origin as allowed; a signed `webhook.verification` POST gets its challenge back, once its
 * signature checks out (any signature, while the receiver knows no secret yet). True when it answered.
 */
function answerChallenge(
  receiver: Receiver,
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
  parsed: { type?: string; data?: { challenge?: unknown } },
): boolean {
  const answers = receiver.behaviour.answers ?? 'both';
  const origin = request.headers['webhook-request-origin'];
  const challenge = {
    path: request.url ?? '/',
    headers: request.headers,
    body,
    receivedAt: Date.now(),
    consented: true,
  };
  if (request.method === 'OPTIONS' && typeof origin === 'string' && (answers === 'both' || answers === 'handshake')) {
    record(receiver, { ...challenge, method: 'OPTIONS', standardVerified: false });
    const rate = receiver.behaviour.allowedRate;
    response.writeHead(200, {
      'WebHook-Allowed-Origin': origin,
      ...(rate ? { 'WebHook-Allowed-Rate': String(rate) } : {}),
    });
    response.end();
    return true;
  }
  const echo = parsed.data?.challenge;
  if (
    request.method === 'POST' &&
    parsed.type === 'webhook.verification' &&
    typeof echo === 'string' &&
    (answers === 'both' || answers === 'challenge')
  ) {
    const standardVerified =
      receiver.secrets.length > 0 && standardSignatureVerifies(receiver.secrets, body, request.headers);
    if (receiver.secrets.length > 0 && !standardVerified) return false;
    record(receiver, { ...challenge, method: 'POST', standardVerified });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ challenge: echo }));
    return true;
  }
  return false;
}

function record(receiver: Receiver, challenge: ReceivedChallenge): void {
  receiver.challenges.push(challenge);
  receiver.behaviour.onChallenge?.(challenge);
}

function standardSignatureVerifies(secrets: readonly string[], body: string, headers: IncomingHttpHeaders): boolean {
  return secrets.some((secret) => {
    try {
      new StandardWebhook(secret).verify(body, {
        'webhook-id': String(headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(headers['webhook-signature'] ?? ''),
      });
      return true;
    } catch {
      return false;
    }
  });
}
