import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // tests meet today's behaviour unless they turn endpoint verification on (npm start's own default is handshake);
    // the platforms they start, `npm start` in a child process included, read it from the environment
    env: { ENDPOINT_VERIFICATION: 'off' },
    // two cores: integration files each host a platform; keep parallelism modest and predictable
    maxWorkers: 2,
  },
});
