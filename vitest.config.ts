import { defineConfig } from 'vitest/config';
import { STEP_TIMEOUT_MS } from './test/helpers/step-timeouts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    // a file's setup starts a platform, a receiver or Chromium: sized to that step (test/helpers/step-timeouts.ts)
    hookTimeout: STEP_TIMEOUT_MS.setup,
    // tests meet today's behaviour unless they turn endpoint verification on (npm start's own default is handshake);
    // the platforms they start, `npm start` in a child process included, read it from the environment
    env: { ENDPOINT_VERIFICATION: 'off' },
    // two cores: integration files each host a platform; keep parallelism modest and predictable
    maxWorkers: 2,
  },
});
