import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface ReceivedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * A webhook receiver as the README shows it: it consents to the platform's endpoint verification either way (the
 * CloudEvents OPTIONS handshake, or echoing the signed POST's challenge), then verifies every delivery's signature.
 * `secret` is read per request, so it can be set once the webhook is created (the handshake needs none).
 */
export function exampleReceiver(secret: () => string, onEvent: (event: ReceivedEvent) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'OPTIONS' && req.headers['webhook-request-origin']) {
      // CloudEvents handshake: name the origin that asks (optionally WebHook-Allowed-Rate, requests per minute)
      res.writeHead(200, { 'WebHook-Allowed-Origin': String(req.headers['webhook-request-origin']) });
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let event: ReceivedEvent & { data: { challenge?: string } };
    try {
      event = new Webhook(secret()).verify(rawBody, req.headers as Record<string, string>) as typeof event;
    } catch {
      res.writeHead(401);
      res.end();
      return;
    }
    if (event.type === 'webhook.verification') {
      // the signed POST challenge: echo it (as JSON here; the bare challenge as text works too)
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ challenge: event.data.challenge }));
      return;
    }
    onEvent(event);
    res.writeHead(204);
    res.end();
  };
}
