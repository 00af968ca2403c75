import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Issued } from './test-certificates';

export interface MtlsReceiver {
  url: string;
  /** The subject CN of the client certificate of every request answered. */
  deliveries: { clientSubject: string; body: string }[];
  /** TLS handshakes refused (no client certificate, or one of another CA). */
  refusedHandshakes: number;
  stop(): Promise<void>;
}

/** An HTTPS receiver that accepts only clients with a certificate of `clientCa`, as an enterprise gateway does. */
export async function startMtlsReceiver({
  server,
  clientCa,
}: {
  server: Issued;
  clientCa: Issued;
}): Promise<MtlsReceiver> {
  const receiver: MtlsReceiver = { url: '', deliveries: [], refusedHandshakes: 0, stop: async () => undefined };
  const https = createServer(
    {
      key: server.privateKey,
      cert: server.certificate,
      ca: [clientCa.certificate],
      requestCert: true,
      rejectUnauthorized: true,
    },
    async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const peer = (request.socket as TLSSocket).getPeerCertificate();
      receiver.deliveries.push({
        clientSubject: String(peer.subject?.CN ?? ''),
        body: Buffer.concat(chunks).toString(),
      });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
    },
  );
  https.on('tlsClientError', () => receiver.refusedHandshakes++);
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  receiver.url = `https://127.0.0.1:${(https.address() as AddressInfo).port}/hooks`;
  receiver.stop = async () => {
    https.closeAllConnections();
    await new Promise((resolve) => https.close(resolve));
  };
  return receiver;
}
