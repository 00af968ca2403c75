// One deployed function, as Lambda's Node.js runtime hosts it: its bundle imported once in a thread of its own
// whose process.env is the function's environment (set by the parent), then one handler call per invocation.
// Plain JavaScript, so the thread needs no TypeScript loader: what it runs is the bundle only.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { bundleFile, handlerName, functionName, functionArn, memorySize } = workerData;

let handler;
try {
  const module = await import(pathToFileURL(bundleFile).href);
  handler = module[handlerName];
  if (typeof handler !== 'function') throw new Error(`${bundleFile} exports no function "${handlerName}"`);
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({
    type: 'init-error',
    error: { name: error.name, message: error.message, stack: error.stack },
  });
}

parentPort.on('message', async ({ id, event, timeoutMs }) => {
  const deadline = Date.now() + timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memorySize),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, context);
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: { name: error?.name ?? 'Error', message: error?.message ?? String(error) } });
  }
});
