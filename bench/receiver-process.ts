import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// The benchmarks' receiver, in its own process so that it does not share a CPU queue with the sender:
// it reads the body and answers 200, as a healthy subscriber would.
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
// the parent's end closes our stdin: a crashed benchmark leaves no receiver behind
process.stdin.on('end', () => process.exit(0)).resume();
