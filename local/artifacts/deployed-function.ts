import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const WORKER_FILE = new URL('./lambda-worker.mjs', import.meta.url);

export interface DeployedFunctionSpec {
  logicalId: string;
  functionName: string;
  functionArn: string;
  /** The unzipped code asset and the template's `Handler` (`index.handler`). */
  codeDirectory: string;
  handler: string;
  timeoutSeconds: number;
  memorySize: number;
  /** The whole process.env of the function: the template's variables and what the Lambda runtime adds. */
  environment: Record<string, string>;
}

/** The flags of NODE_OPTIONS a worker thread accepts (the rest are per process, and Lambda's process is ours). */
const THREAD_FLAGS = new Set(['--enable-source-maps']);

/**
 * One function of the template, run from its bundle in a thread of its own, whose environment is exactly the
 * function's. Invocations may overlap, as several warm containers of one function would.
 */
export class DeployedFunction {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private readonly ready: Promise<void>;

  public constructor(public readonly spec: DeployedFunctionSpec) {
    const [file, exportName] = spec.handler.split('.') as [string, string];
    this.worker = new Worker(WORKER_FILE, {
      env: spec.environment,
      execArgv: (spec.environment.NODE_OPTIONS ?? '').split(/\s+/).filter((flag) => THREAD_FLAGS.has(flag)),
      workerData: {
        bundleFile: join(spec.codeDirectory, `${file}.mjs`),
        handlerName: exportName,
        functionName: spec.functionName,
        functionArn: spec.functionArn,
        memorySize: spec.memorySize,
      },
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', (message: { type: string; error?: Error }) =>
        message.type === 'ready'
          ? resolve()
          : reject(new Error(`${spec.logicalId} failed to initialize: ${message.error?.stack}`)),
      );
      this.worker.once('error', reject);
    });
    this.worker.on(
      'message',
      (message: { id?: number; result?: unknown; error?: { name: string; message: string } }) => {
        if (message.id === undefined) return;
        const call = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) call?.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
        else call?.resolve(message.result);
      },
    );
  }

  /** Resolves once the bundle imported; rejects with its error when it did not (a missing module, a bad variable). */
  public started(): Promise<void> {
    return this.ready;
  }

  public async invoke<T>(event: unknown): Promise<T> {
    await this.ready;
    const id = this.nextId++;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.spec.logicalId} ran past its ${this.spec.timeoutSeconds} s timeout`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value as T)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.worker.postMessage({ id, event, timeoutMs });
    });
  }

  public async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
