import { randomUUID } from 'node:crypto';
import { verify as verifyGithubStyle } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { ReceivedDelivery, Receiver } from '../../local/receiver';
import { waitFor } from '../helpers/pipeline';
import { pipelineSuite } from '../helpers/pipeline-suite';

/**
 * Every change the API answers is what the next fan-out and the next attempt use: each test warms the
 * pipeline with one delivery (so any cache of the old state would be hot), changes the webhook, and acts right
 * after the API's answer, with no sleep. The platform runs with its deployed settings (no cache switched off).
 */
const suite = pipelineSuite({ BREAKER_FAILURE_THRESHOLD: '1000' }, { retryScheduleSeconds: [1] });

const receiver = () => suite.receiver();

const newEventId = () => `evt_${randomUUID().replaceAll('-', '')}`;

async function setup(body: Record<string, unknown> = {}) {
  const tenant = await suite.platform.newTenant('fresh');
  const first = await receiver();
  const create = (url: string, extra: Record<string, unknown> = {}) =>
    suite.platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url, events: ['verification.completed'], ...extra },
    });
  const { body: webhook } = await create(`${first.url}/hooks`, body);
  // a webhook of the same tenant that nothing changes: when it has an event, fan-out has handled that event
  const control = await receiver();
  const { body: controlWebhook } = await create(`${control.url}/hooks`);
  const publish = async (data: Record<string, unknown> = { verificationId: 'ver_1', projectId: 'proj_A' }) => {
    const id = newEventId();
    await suite.sqs.publish({ tenantId: tenant.tenantId, id, type: 'verification.completed', data });
    return id;
  };
  const arrived = (at: Receiver, eventId: string) =>
    waitFor(() => at.deliveries.find((delivery) => delivery.eventId === eventId), { what: `${eventId} at ${at.url}` });
  /**
   * Publishes one event and waits for it at the webhook's receiver: every cache of the pipeline now holds the webhook.
   */
  const warm = async () => arrived(first, await publish());
  const update = (changes: unknown) =>
    suite.platform.request('PUT', `/v2/webhooks/${webhook.id}`, { key: tenant.key, body: changes });
  /** Where the event went, once fan-out finished it (the control webhook has it). */
  const fannedOutTo = async (eventId: string) => {
    await arrived(control, eventId);
    const { body: event } = await waitFor(async () => {
      const response = await suite.platform.request('GET', `/v2/events/${eventId}`, { key: tenant.key });
      return response.status === 200 && response;
    });
    return event.deliveries.map((delivery: { webhookId: string }) => delivery.webhookId).sort();
  };
  return { tenant, webhook, controlWebhook, first, control, publish, arrived, warm, update, fannedOutTo };
}

describe('Read your writes: the pipeline acts on what the API last answered', () => {
  it('sends the first event after a URL change to the new URL, and nothing more to the old one', async () => {
    const { first, publish, arrived, warm, update } = await setup();
    await warm();
    const moved = await receiver();

    expect((await update({ url: `${moved.url}/hooks` })).status).toBe(200);
    const eventId = await publish();

    await arrived(moved, eventId);
    expect(first.deliveries.map((delivery) => delivery.eventId)).not.toContain(eventId);
  });

  it('fans nothing out to a webhook once its pause was answered', async () => {
    const { first, controlWebhook, publish, warm, update, fannedOutTo } = await setup();
    await warm();

    expect((await update({ active: false })).status).toBe(200);
    const eventId = await publish();

    expect(await fannedOutTo(eventId)).toEqual([controlWebhook.id]);
    expect(first.deliveries.map((delivery) => delivery.eventId)).not.toContain(eventId);
  });

  it('fans nothing out to a webhook once its delete was answered', async () => {
    const { tenant, webhook, first, controlWebhook, publish, warm, fannedOutTo } = await setup();
    await warm();

    expect((await suite.platform.request('DELETE', `/v2/webhooks/${webhook.id}`, { key: tenant.key })).status).toBe(
      204,
    );
    const eventId = await publish();

    expect(await fannedOutTo(eventId)).toEqual([controlWebhook.id]);
    expect(first.deliveries.map((delivery) => delivery.eventId)).not.toContain(eventId);
  });

  it('applies a changed filter to the very next event', async () => {
    const { webhook, controlWebhook, first, publish, arrived, update, fannedOutTo } = await setup({
      filter: { projectId: ['proj_A'] },
    });
    await arrived(first, await publish({ verificationId: 'ver_1', projectId: 'proj_A' }));

    expect((await update({ filter: { projectId: ['proj_B'] } })).status).toBe(200);
    const nowMatching = await publish({ verificationId: 'ver_2', projectId: 'proj_B' });
    const noLongerMatching = await publish({ verificationId: 'ver_3', projectId: 'proj_A' });

    await arrived(first, nowMatching);
    expect(await fannedOutTo(noLongerMatching)).toEqual([controlWebhook.id]);
    expect(await fannedOutTo(nowMatching)).toEqual([webhook.id, controlWebhook.id].sort());
  });

  it(
    'signs a test event sent right after a rotation with both secrets, the new one in ' + 'X-Verifik-Signature',
    async () => {
      const { tenant, webhook, first, arrived, warm } = await setup();
      await warm();

      const { body: rotated } = await suite.platform.request('POST', `/v2/webhooks/${webhook.id}/rotate-secret`, {
        key: tenant.key,
        body: {},
      });
      const { body: test } = await suite.platform.request('POST', `/v2/webhooks/${webhook.id}/test`, {
        key: tenant.key,
        body: {},
      });

      const delivery: ReceivedDelivery = await arrived(first, test.eventId);
      const header = (name: string) => String(delivery.headers[name]);
      const standardWith = (secret: string) =>
        new StandardWebhook(secret).verify(delivery.body, {
          'webhook-id': header('webhook-id'),
          'webhook-timestamp': header('webhook-timestamp'),
          'webhook-signature': header('webhook-signature'),
        });
      expect(() => standardWith(rotated.secret)).not.toThrow();
      expect(() => standardWith(webhook.secret)).not.toThrow();
      expect(await verifyGithubStyle(rotated.secret, delivery.body, header('x-verifik-signature'))).toBe(true);
    },
  );

  it(
    'recovers, right after a re-activation, the deliveries that failed before the pause, and logs none as ' + 'skipped',
    async () => {
      // Prepare: two events fail for good (2 attempts each), then the owner pauses the webhook
      const { tenant, webhook, first, publish, update } = await setup();
      first.behaviour = { failRate: 1, status: 500 };
      const failed = [await publish(), await publish()];
      const statusOf = async (eventId: string) =>
        (await suite.platform.request('GET', `/v2/webhooks/${webhook.id}/deliveries/${eventId}`, { key: tenant.key }))
          .body?.status;
      for (const eventId of failed)
        await waitFor(async () => (await statusOf(eventId)) === 'failed', { what: `${eventId} to fail` });
      expect((await update({ active: false })).status).toBe(200);
      first.behaviour = {};

      // Act
      expect((await update({ active: true })).status).toBe(200);
      const since = new Date(Date.now() - 3600_000).toISOString();
      const recovery = await suite.platform.request('POST', `/v2/webhooks/${webhook.id}/recover`, {
        key: tenant.key,
        body: { since },
      });

      // Assess
      expect(recovery.status).toBe(202);
      for (const eventId of failed) {
        await waitFor(
          () => first.deliveries.find((delivery) => delivery.eventId === eventId && delivery.answeredStatus === 200),
          { what: `${eventId} recovered` },
        );
        await waitFor(async () => (await statusOf(eventId)) === 'delivered', { what: `${eventId} logged delivered` });
      }
    },
  );

  it('sends a retry asked for right after a re-activation, and logs it delivered, not skipped', async () => {
    const { tenant, webhook, first, publish, update } = await setup();
    first.behaviour = { failRate: 1, status: 500 };
    const eventId = await publish();
    const statusOf = async () =>
      (await suite.platform.request('GET', `/v2/webhooks/${webhook.id}/deliveries/${eventId}`, { key: tenant.key }))
        .body?.status;
    await waitFor(async () => (await statusOf()) === 'failed', { what: 'the delivery to fail' });
    expect((await update({ active: false })).status).toBe(200);
    first.behaviour = {};

    expect((await update({ active: true })).status).toBe(200);
    expect(
      (
        await suite.platform.request('POST', `/v2/webhooks/${webhook.id}/deliveries/${eventId}/retry`, {
          key: tenant.key,
        })
      ).status,
    ).toBe(202);

    await waitFor(
      () => first.deliveries.find((delivery) => delivery.eventId === eventId && delivery.answeredStatus === 200),
      { what: 'the retry' },
    );
    await waitFor(async () => (await statusOf()) === 'delivered', { what: 'the retry logged delivered' });
  });

  it(
    'shows on GET the health the next delivery acts on: a webhook the owner resumed is attempted, not ' + 'skipped',
    async () => {
      const { webhook, first, publish, arrived, update, tenant } = await setup();
      await update({ active: false });
      await update({ active: true });
      const { body: shown } = await suite.platform.request('GET', `/v2/webhooks/${webhook.id}`, { key: tenant.key });
      const eventId = await publish();

      expect(shown.active).toBe(true);
      await arrived(first, eventId);
    },
  );
});
