import { afterAll, beforeAll } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer } from './pipeline';
import { startTestPlatform, type TestPlatform } from './test-platform';

/**
 * One local platform for a test file: started before its tests, stopped after them with every receiver the
 * file started through it. The accessors throw if used outside a test (before the platform is up).
 */
export function usePlatform(...settings: Parameters<typeof startTestPlatform>) {
  let platform: TestPlatform | undefined;
  let sqs: ReturnType<typeof producer> | undefined;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    platform = await startTestPlatform(...settings);
    sqs = producer(platform);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    await platform?.stop();
  });
  const running = () => {
    if (!platform || !sqs) throw new Error('the test platform is not running yet');
    return { platform, sqs };
  };

  return {
    get platform() {
      return running().platform;
    },
    /** A producer on the platform's events queue (the AWS SDK, nothing of ours). */
    get sqs() {
      return running().sqs;
    },
    /** A receiver that verifies signatures, stopped with the platform. */
    async receiver(behaviour: Receiver['behaviour']): Promise<Receiver> {
      const receiver = await startReceiver({ behaviour });
      receivers.push(receiver);
      return receiver;
    },
    /** A webhook at the receiver for the tenant's key; the receiver learns its secret. */
    async webhookAt(
      receiver: Receiver,
      key: string,
      events: string[] = ['document.uploaded'],
    ): Promise<{ id: string; secret: string }> {
      const { body } = await running().platform.request('POST', '/v2/webhooks', {
        key,
        body: { url: `${receiver.url}/hooks`, events },
      });
      receiver.secrets.push(body.secret);
      return body;
    },
  };
}
