/** Median and spread of repeated measurements; benchmarks quote these, never a single run. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, rounds: sorted.length };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** How long a delivery took from its publish (the bench puts `publishedAt` in each event's data) to its arrival. */
export function publishToArrivalMs(delivery: { receivedAt: number; body: string }): number {
  return delivery.receivedAt - (JSON.parse(delivery.body) as { data: { publishedAt: number } }).data.publishedAt;
}

/** The isolation scenarios' view of one run: the latency percentiles of the deliveries of the tenant watched. */
export function latencyPercentiles(latencies: readonly number[]) {
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    deliveries: latencies.length,
  };
}

/** Runs `work` once to warm up, then `rounds` times, returning each round's result. */
export async function repeat<T>(rounds: number, work: (round: number) => Promise<T>): Promise<T[]> {
  await work(-1);
  const results: T[] = [];
  for (let round = 0; round < rounds; round += 1) results.push(await work(round));
  return results;
}

/** Scenarios run in child processes and hand their result to the runner as the last line of stdout. */
export function report(result: unknown): void {
  console.log(`RESULT ${JSON.stringify(result)}`);
}

export const settings = {
  deliveries: Number(process.env.BENCH_N ?? 20_000),
  concurrency: Number(process.env.BENCH_C ?? 50),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  events: Number(process.env.BENCH_E ?? 5_000),
};
