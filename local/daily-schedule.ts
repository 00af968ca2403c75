/** A scheduled function's EventBridge rule, locally: the handler runs once now and then every `periodMs` (a day). */
export interface Schedule {
  /** Runs the handler now (tests use it as "a day later"); a run already going is awaited, not doubled. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;

export function startDailySchedule(name: string, handler: () => Promise<unknown>, periodMs = DAY_MS): Schedule {
  let running: Promise<void> | undefined;
  const runNow = () =>
    (running ??= handler()
      .then(() => undefined)
      // a failed run is retried by the next one, as a scheduled Lambda's would be
      .catch((error: unknown) => console.error(`local schedule ${name}:`, (error as Error).message))
      .finally(() => {
        running = undefined;
      }));
  const timer = setInterval(runNow, periodMs);
  timer.unref();
  void runNow();
  return {
    runNow,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
