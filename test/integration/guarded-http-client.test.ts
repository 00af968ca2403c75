import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedHttpClient, type Resolver } from '../../lambdas/adapters/guarded-http-client';

const strict = { allowHttp: true, allowLoopback: false };
const local = { allowHttp: true, allowLoopback: true };

let server: Server;
let port: number;
const sockets = new Set<number>();
const requestedPaths: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    sockets.add(request.socket.remotePort!);
    requestedPaths.push(request.url!);
    request.resume();
    if (request.url === '/redirect') {
      response.writeHead(302, { location: '/target' }).end();
    } else if (request.url === '/big') {
      response.writeHead(200).end('x'.repeat(100_000));
    } else if (request.url === '/token') {
      response
        .writeHead(200, { 'content-type': 'application/json', 'x-method': request.method!, 'x-other': 'dropped' })
        .end(JSON.stringify({ access_token: 't'.repeat(2000) }));
    } else if (request.url === '/hang') {
      // never answers
    } else {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const resolvingTo =
  (address: string): Resolver =>
  async () => [{ address, family: address.includes(':') ? 6 : 4 }];

describe('Class: GuardedHttpClient', () => {
  it('refuses plain http once the deployment no longer allows it, even for a webhook created when it did', async () => {
    const before = requestedPaths.length;
    const sender = new GuardedHttpClient({ allowHttp: false, allowLoopback: true });
    const result = await sender.request(`http://127.0.0.1:${port}/created-while-http-was-allowed`, {
      headers: {},
      body: '{}',
    });
    expect(result.statusCode).toBeUndefined();
    expect(result.error).toMatch(/http: URLs are not allowed/);
    expect(requestedPaths.length).toBe(before);
  });

  it('refuses a host name that resolves to loopback, without connecting', async () => {
    // Prepare
    const sender = new GuardedHttpClient(strict, { resolve: resolvingTo('127.0.0.1') });
    const before = requestedPaths.length;

    // Act
    const result = await sender.request(`http://receiver.example.com:${port}/hooks`, { headers: {}, body: '{}' });

    // Assess
    expect(result.statusCode).toBeUndefined();
    expect(result.error).toMatch(/^blocked_destination/);
    expect(requestedPaths.length).toBe(before);
    sender.close();
  });

  it.each(['169.254.169.254', '10.0.0.8', '::ffff:127.0.0.1', '::1'])(
    'refuses a host name that resolves to %s',
    async (address) => {
      const sender = new GuardedHttpClient(strict, { resolve: resolvingTo(address) });
      expect(
        (await sender.request(`http://rebinding.example.com:${port}/`, { headers: {}, body: '{}' })).error,
      ).toMatch(/^blocked_destination/);
      sender.close();
    },
  );

  it('refuses an IP literal that is not public, which never goes through DNS', async () => {
    const sender = new GuardedHttpClient(strict);
    expect((await sender.request(`http://127.0.0.1:${port}/`, { headers: {}, body: '{}' })).error).toMatch(
      /^blocked_destination/,
    );
    sender.close();
  });

  it('connects to the vetted address where local mode allows loopback', async () => {
    const sender = new GuardedHttpClient(local, { resolve: resolvingTo('127.0.0.1') });
    const result = await sender.request(`http://receiver.example.com:${port}/ok`, {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(result).toMatchObject({ statusCode: 200, body: 'thanks' });
    sender.close();
  });

  it('reuses one keep-alive connection for consecutive deliveries', async () => {
    const sender = new GuardedHttpClient(local);
    sockets.clear();
    for (let index = 0; index < 10; index += 1)
      expect((await sender.request(`http://127.0.0.1:${port}/ok`, { headers: {}, body: '{}' })).statusCode).toBe(200);
    // the pool may open a second socket while the first is being released; it never opens one per request
    expect(sockets.size).toBeLessThanOrEqual(2);
    sender.close();
  });

  it('does not follow redirects: a 302 is the answer', async () => {
    const sender = new GuardedHttpClient(local);
    const result = await sender.request(`http://127.0.0.1:${port}/redirect`, { headers: {}, body: '{}' });
    expect(result.statusCode).toBe(302);
    expect(requestedPaths).not.toContain('/target');
    sender.close();
  });

  it('keeps only the first kilobyte of a long answer', async () => {
    const sender = new GuardedHttpClient(local);
    const result = await sender.request(`http://127.0.0.1:${port}/big`, { headers: {}, body: '{}' });
    expect(result.statusCode).toBe(200);
    expect(result.body).toHaveLength(1024);
    sender.close();
  });

  it('gives up on a receiver that never answers, at the total timeout', async () => {
    const sender = new GuardedHttpClient(local, { limits: { connectTimeoutMs: 500, totalTimeoutMs: 700 } });
    const result = await sender.request(`http://127.0.0.1:${port}/hang`, { headers: {}, body: '{}' });
    expect(result.error).toMatch(/^timeout/);
    // the fast lane moves a webhook whose attempt timed out to the slow lane
    expect(result.timedOut).toBe(true);
    expect(result.durationMs).toBeGreaterThanOrEqual(600);
    sender.close();
  });

  it('reports a refused connection as an error, not a status', async () => {
    const sender = new GuardedHttpClient(local);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await sender.request(`http://127.0.0.1:${closedPort}/`, { headers: {}, body: '{}' });
    expect(result.error).toBe('connection_refused');
    // a refusal is fast: it says nothing about the endpoint being slow
    expect(result.timedOut).toBeUndefined();
    sender.close();
  });

  it('sends another method, hands back only the headers asked for and as much of the body as asked', async () => {
    // a token fetch or a verification probe reuses the guarded client with its own needs
    const sender = new GuardedHttpClient(local);
    const result = await sender.request(`http://127.0.0.1:${port}/token`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      keepHeaders: ['x-method', 'content-type'],
      responseBytes: 8192,
    });
    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'x-method': 'PUT', 'content-type': 'application/json' });
    expect(JSON.parse(result.body!).access_token).toHaveLength(2000);
    sender.close();
  });
});
