import { randomUUID } from 'node:crypto';
import { verify as verifyGithubStyle } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type ReceivedDelivery, type Receiver } from '../../local/receiver';
import { producer, sleep, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let sqs: ReturnType<typeof producer>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  sqs = producer(platform);
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await platform.stop();
});

async function webhookWithReceiver() {
  const tenant = await platform.newTenant('rotate');
  const receiver = await startReceiver();
  receivers.push(receiver);
  const { body: webhook } = await platform.request('POST', '/v2/webhooks', {
    key: tenant.key,
    body: { url: `${receiver.url}/hooks`, events: ['verification.completed'] },
  });
  const rotate = (body: unknown) =>
    platform.request('POST', `/v2/webhooks/${webhook.id}/rotate-secret`, { key: tenant.key, body });
  /** Publishes one event and answers its delivery. */
  const deliverOne = async (): Promise<ReceivedDelivery> => {
    const id = `evt_${randomUUID().replaceAll('-', '')}`;
    await sqs.publish({
      tenantId: tenant.tenantId,
      id,
      type: 'verification.completed',
      data: { verificationId: 'ver_1', projectId: 'proj_A' },
    });
    return waitFor(() => receiver.deliveries.find((delivery) => delivery.eventId === id), {
      what: `the delivery of ${id}`,
    });
  };
  return { tenant, webhook, rotate, deliverOne };
}

/** What a receiver holding only this secret concludes, with the public verifier of each scheme. */
async function verifiesWith(secret: string, delivery: ReceivedDelivery) {
  const header = (name: string) => String(delivery.headers[name]);
  let standard = true;
  try {
    new StandardWebhook(secret).verify(delivery.body, {
      'webhook-id': header('webhook-id'),
      'webhook-timestamp': header('webhook-timestamp'),
      'webhook-signature': header('webhook-signature'),
    });
  } catch {
    standard = false;
  }
  const githubStyle = await verifyGithubStyle(secret, delivery.body, header('x-verifik-signature'));
  return { standard, githubStyle };
}

describe('POST /v2/webhooks/{id}/rotate-secret', () => {
  it(
    'signs with both secrets during the grace period: each alone verifies webhook-signature; X-Verifik-Signature ' +
      'uses the new one',
    async () => {
      // Prepare
      const { webhook, rotate, deliverOne } = await webhookWithReceiver();
      const oldSecret = webhook.secret;

      // Act
      const rotated = await rotate({});
      const delivery = await deliverOne();

      // Assess
      expect(rotated.status).toBe(200);
      expect(rotated.body).toMatchObject({ id: webhook.id, secret: expect.stringMatching(/^whsec_/) });
      expect(rotated.body.secret).not.toBe(oldSecret);
      expect(rotated.body).not.toHaveProperty('previousSecret');
      expect(String(delivery.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(await verifiesWith(rotated.body.secret, delivery)).toEqual({ standard: true, githubStyle: true });
      expect(await verifiesWith(oldSecret, delivery)).toEqual({ standard: true, githubStyle: false });
    },
  );

  it('keeps a given secret, and with a grace period of 0 signs only with it', async () => {
    // Prepare
    const { webhook, rotate, deliverOne } = await webhookWithReceiver();
    const newSecret = `whsec_${Buffer.alloc(32, 11).toString('base64')}`;

    // Act
    const rotated = await rotate({ secret: newSecret, gracePeriodSeconds: 0 });
    const delivery = await deliverOne();

    // Assess
    expect(rotated.body.secret).toBe(newSecret);
    expect(String(delivery.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(await verifiesWith(newSecret, delivery)).toEqual({ standard: true, githubStyle: true });
    expect(await verifiesWith(webhook.secret, delivery)).toEqual({ standard: false, githubStyle: false });
  });

  it('stops signing with the old secret once the grace period is over', async () => {
    // Prepare
    const { webhook, rotate, deliverOne } = await webhookWithReceiver();
    const rotated = await rotate({ gracePeriodSeconds: 1 });

    // Act
    await sleep(1200);
    const delivery = await deliverOne();

    // Assess
    expect(await verifiesWith(rotated.body.secret, delivery)).toEqual({ standard: true, githubStyle: true });
    expect(await verifiesWith(webhook.secret, delivery)).toEqual({ standard: false, githubStyle: false });
  });

  it.each([
    [{ gracePeriodSeconds: 604_801 }, 'gracePeriodSeconds'],
    [{ gracePeriodSeconds: -1 }, 'gracePeriodSeconds'],
    [{ gracePeriodSeconds: 3.5 }, 'gracePeriodSeconds'],
    [{ secret: 'whsec_tooshort' }, 'secret'],
    [{ secret: 'whsec_x', extra: true }, 'extra'],
  ])('refuses %j with validation_error naming %s, and keeps the secret', async (body, path) => {
    const { webhook, rotate, deliverOne } = await webhookWithReceiver();
    const response = await rotate(body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'validation_error', requestId: expect.any(String) });
    expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
    // the secret is shown only once: the next delivery tells which secret signs, and it is the same one alone
    const delivery = await deliverOne();
    expect(await verifiesWith(webhook.secret, delivery)).toEqual({ standard: true, githubStyle: true });
    expect(String(delivery.headers['webhook-signature']).split(' ')).toHaveLength(1);
  });

  it("answers 404 for another tenant's webhook and for one that does not exist, and rotates nothing", async () => {
    const { webhook, deliverOne } = await webhookWithReceiver();
    const intruder = await platform.newTenant('intruder');
    for (const path of [
      `/v2/webhooks/${webhook.id}/rotate-secret`,
      '/v2/webhooks/webhook_01JD0000000000000000000000/rotate-secret',
    ]) {
      const response = await platform.request('POST', path, { key: intruder.key, body: {} });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
    // the secret is shown only once: the next delivery tells which secret signs, and it is the same one alone
    const delivery = await deliverOne();
    expect(await verifiesWith(webhook.secret, delivery)).toEqual({ standard: true, githubStyle: true });
    expect(String(delivery.headers['webhook-signature']).split(' ')).toHaveLength(1);
  });
});
