import { describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../local/lambda-context';

describe('Function: runAsFunction (several functions in one local process)', () => {
  it('names, on each log line, the function whose invocation wrote it, even when invocations interleave', async () => {
    // Prepare: POWERTOOLS_DEV makes the logger write through the global console, where the test can read it
    process.env.POWERTOOLS_DEV = 'true';
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    const { logger, runAsFunction } = await import('../../lambdas/adapters/observability');
    const lines: string[] = [];
    vi.spyOn(console, 'info').mockImplementation((line: unknown) => void lines.push(String(line)));
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

    // Act: an API call and a fan-out batch log while both are running
    await Promise.all([
      runAsFunction(lambdaContext('CreateWebhook', 10), async () => {
        await tick();
        logger.info('from the api');
      }),
      runAsFunction(lambdaContext('FanOut', 30), async () => {
        logger.info('from fan-out, first');
        await tick();
        await tick();
        logger.info('from fan-out, second');
      }),
    ]);

    // Assess
    const byMessage = Object.fromEntries(
      lines.map((line) => JSON.parse(line)).map((entry) => [entry.message, entry.function_name]),
    );
    expect(byMessage).toEqual({
      'from the api': 'CreateWebhook',
      'from fan-out, first': 'FanOut',
      'from fan-out, second': 'FanOut',
    });
  });
});
