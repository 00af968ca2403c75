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
