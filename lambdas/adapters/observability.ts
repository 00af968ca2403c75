import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/** One logger per container. Request and event bodies are never logged: they carry secrets and customer data. */
const containerLogger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'webhooks' });

// On Lambda a process is one function. The local runtime hosts every function in one process, so each
// invocation it runs gets a child logger of its own (runAsFunction), and log lines name the right function.
const invocationLogger = new AsyncLocalStorage<Logger>();

export const logger: Logger = new Proxy(containerLogger, {
  get(target, property) {
    const current = invocationLogger.getStore() ?? target;
    const value: unknown = Reflect.get(current, property, current);
    return typeof value === 'function' ? value.bind(current) : value;
  },
});

/** Runs one invocation of a function with a logger that carries that function's Lambda context (local runtime). */
export function runAsFunction<T>(context: Context, invoke: () => Promise<T>): Promise<T> {
  const child = containerLogger.createChild();
  child.addContext(context);
  return invocationLogger.run(child, invoke);
}
