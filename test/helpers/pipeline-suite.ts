import { afterAll, beforeAll } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer } from './pipeline';
import { startTestPlatform, type TestPlatform } from './test-platform';

export interface PipelineSuite {
  platform: TestPlatform;
  /** A producer on the suite's events queue (the AWS SDK's SQS client). */
  sqs: ReturnType<typeof producer>;
  /** A receiver that the suite stops after its tests. */
  receiver(options?: Parameters<typeof startReceiver>[0]): Promise<Receiver>;
}

/** A test file's local stack: started before its tests and stopped after them, with every receiver it started. */
export function pipelineSuite(...args: Parameters<typeof startTestPlatform>): PipelineSuite {
  const receivers: Receiver[] = [];
  const suite = {
    async receiver(options?: Parameters<typeof startReceiver>[0]) {
      const started = await startReceiver(options);
      receivers.push(started);
      return started;
    },
  } as PipelineSuite;
  beforeAll(async () => {
    suite.platform = await startTestPlatform(...args);
    suite.sqs = producer(suite.platform);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    await suite.platform.stop();
  });
  return suite;
}
