import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One AWS API call as it crossed the wire: who signed it, which service and operation, and its input. */
export interface RecordedCall {
  /** The access key id the request was signed with: the local runtime gives each role its own. */
  principal: string;
  service: 'dynamodb' | 'sqs';
  operation: string;
  input: Record<string, unknown>;
}

export interface CallRecorder {
  /** Where a client sends its requests instead of the emulator. */
  endpoint: string;
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The access key id a SigV4 Authorization header names: on this platform, the role the caller signs as. */
export const signingAccessKeyId = (authorization: string | undefined): string | undefined =>
  /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];

const signer = (authorization: string | undefined) => signingAccessKeyId(authorization) ?? 'unsigned';

/**
 * The operation and input of a request in the JSON protocols (DynamoDB's, and SQS's since 2023) or SQS's query
 * protocol.
 */
function parseCall(
  headers: IncomingMessage['headers'],
  body: Buffer,
): { operation: string; input: Record<string, unknown> } {
  const target = headers['x-amz-target'];
  if (typeof target === 'string')
    return { operation: target.split('.').at(-1)!, input: body.length ? JSON.parse(body.toString('utf8')) : {} };
  const form = new URLSearchParams(body.toString('utf8'));
  return { operation: form.get('Action') ?? 'Unknown', input: Object.fromEntries(form) };
}

/**
 * A pass-through proxy in front of one emulator that writes down every call before forwarding it untouched, so
 * the calls the bundles really make can be checked against the template's IAM policies afterwards.
 */
export async function startCallRecorder(
  service: RecordedCall['service'],
  target: string,
  onCall: (call: RecordedCall) => void,
): Promise<CallRecorder> {
  const upstream = new URL(target);
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    try {
      onCall({ principal: signer(request.headers.authorization), service, ...parseCall(request.headers, body) });
    } catch (error) {
      response.writeHead(400).end(`call recorder: unreadable request (${(error as Error).message})`);
      return;
    }
    const outgoing = forward(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    outgoing.on('error', (error) => response.writeHead(502).end(`call recorder: ${error.message}`));
    outgoing.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
