/**
 * Timeouts sized to the step they bound, so that no verdict depends on a clock that a busy machine breaks: each is
 * several times the step's time on an idle two-core machine, enough for one twice as slow (another process holding
 * a core). A test that passes one is stuck, not slow. Steps of a few seconds keep vitest's defaults
 * (vitest.config.ts).
 */
export const STEP_TIMEOUT_MS = {
  /**
   * Setting a file's stage up (beforeAll): a local platform (its table and queues on the shared emulators), a
   * receiver, Chromium; seconds idle.
   */
  setup: 180_000,
  /**
   * A synthesis of the whole stack in the test process: every function bundled (the first time in a process),
   * cdk-nag's rules, the template; tens of seconds idle (a busy machine took 105 s).
   */
  synthesis: 300_000,
  /** A command that builds everything: `cdk synth` through the CLI, `npm pack` (its prepack); about 30 s idle. */
  build: 300_000,
  /** The deploy suite's stage: a CLI synthesis, then the platform run from its artifacts, a receiver, Chromium. */
  deploySetup: 600_000,
} as const;
