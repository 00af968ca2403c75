import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { summarize } from './stats';

/** What the functions read at start-up, with placeholder values: importing a bundle must not need AWS. */
export const BUNDLE_ENVIRONMENT = {
  ...process.env,
  TABLE_NAME: 'bench',
  EVENTS_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/events-dlq',
  DELIVERIES_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/deliveries',
  SLOW_DELIVERIES_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/deliveries-slow',
  ORDERED_DELIVERIES_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/deliveries-ordered.fifo',
  EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/events',
  RECOVERIES_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/recoveries',
  RECOVERIES_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/recoveries-dlq',
  PLATFORM_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/platform-events',
  PLATFORM_EVENTS_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:platform-events',
  DELIVERIES_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/deliveries-dlq',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
};

/**
 * Milliseconds fresh Node processes spend importing a bundle (Node's own start-up excluded), as the median and
 * spread of `spawns` runs; with `cgroup`, each process runs inside that cgroup (a CPU quota) from its first
 * instruction.
 */
export function importMilliseconds(bundle: string, spawns: number, cgroup?: string): ReturnType<typeof summarize> {
  const script = `const t = performance.now(); await import(${JSON.stringify(bundle)}); console.log(performance.now() - t);`;
  const [command, args] = cgroup
    ? [
        'sh',
        ['-c', `echo $$ > ${join(cgroup, 'tasks')} && exec "$0" --input-type=module -e "$1"`, process.execPath, script],
      ]
    : [process.execPath, ['--input-type=module', '-e', script]];
  const times = Array.from({ length: spawns }, () => {
    const result = spawnSync(command, args as string[], { env: BUNDLE_ENVIRONMENT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`importing ${bundle} failed: ${result.stderr}`);
    return Number(result.stdout.trim());
  });
  return summarize(times);
}
