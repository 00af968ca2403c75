import { createServer } from 'node:http';
import { exampleReceiver } from './receiver';

// WEBHOOK_SECRET=whsec_... npx tsx examples/receiver/server.ts  (listens on PORT, default 4000, loopback only)
const secret = process.env.WEBHOOK_SECRET;
if (!secret) throw new Error('Set WEBHOOK_SECRET to the secret the webhook was created with');
const port = Number(process.env.PORT ?? 4000);
createServer(
  exampleReceiver(
    () => secret,
    (event) => console.log(`${event.type} ${event.id}`),
  ),
).listen(port, '127.0.0.1', () => console.log(`Receiving webhooks at http://127.0.0.1:${port}/`));
