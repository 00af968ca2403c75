import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

/**
 * docs/design.md §10: nothing the local platform starts listens beyond loopback, so no one on the same network can
 * read webhook secrets from DynamoDB Local or send to the queues. The emulators are the ones the test run started
 * with local/emulators.ts, as `npm start` does.
 */

/** The local addresses of every listening TCP socket on a port, from the kernel's tables (Linux). */
function listeningAddresses(port: number): string[] {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // columns: sl, local_address (hex address:hex port), rem_address, st (0A = LISTEN)
      .filter((columns) => columns[1]?.endsWith(`:${portHex}`) && columns[3] === '0A')
      .map((columns) => columns[1]!.split(':')[0]!),
  );
}

// 127.0.0.1 as /proc/net/tcp writes it, and as ::ffff:127.0.0.1 or ::1 in /proc/net/tcp6
const LOOPBACK = new Set(['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000']);

/** Whether a TCP connection to address:port is accepted. */
function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const otherAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((entry) => entry && !entry.internal && entry.family === 'IPv4')
  .map((entry) => entry!.address);

describe('Local platform: listens on loopback only', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.stop());

  const servers = () =>
    [
      ['DynamoDB Local', Number(new URL(inject('dynamoEndpoint')).port)],
      ['fauxqs (SQS)', Number(new URL(inject('sqsEndpoint')).port)],
      ['API', Number(new URL(platform.apiUrl).port)],
    ] as const;

  it('binds DynamoDB Local, fauxqs and the API to 127.0.0.1, never to every interface', () => {
    // Prepare
    const ports = servers();

    // Act
    const bound = ports.map(([name, port]) => ({ name, addresses: listeningAddresses(port) }));

    // Assess
    for (const { name, addresses } of bound) {
      expect(addresses.length, name).toBeGreaterThan(0);
      expect(
        addresses.filter((address) => !LOOPBACK.has(address)),
        name,
      ).toEqual([]);
    }
  });

  it("refuses connections through this machine's network addresses, and accepts them on loopback", async () => {
    // Prepare
    const ports = servers();

    // Act
    const results = await Promise.all(
      ports.map(async ([name, port]) => ({
        name,
        loopback: await accepts('127.0.0.1', port),
        network: await Promise.all(otherAddresses.map((address) => accepts(address, port))),
      })),
    );

    // Assess
    for (const { name, loopback, network } of results) {
      expect(loopback, name).toBe(true);
      expect(network.filter(Boolean), name).toEqual([]);
    }
  });
});
