import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { Api, publishEvent } from '../../client/index';
import { localClientConfig } from '../../local/local-settings';
import { waitFor } from '../helpers/pipeline';
import { pipelineSuite } from '../helpers/pipeline-suite';

/** serverless-webhooks/client against the local stack: the generated client for the API, publishEvent for producers. */
describe('The typed client and publishEvent', () => {
  const suite = pipelineSuite();

  it(
    'creates and reads a webhook with the generated client, and delivers an event sent with ' + 'publishEvent',
    async () => {
      // Prepare
      const { platform } = suite;
      const receiver = await suite.receiver();
      const { key, tenantId } = await platform.newTenant('client');
      const api = new Api({ baseUrl: platform.apiUrl, baseApiParams: { headers: { Authorization: `Bearer ${key}` } } });
      const producerSqs = new SQSClient(localClientConfig(platform.sqsEndpoint));

      // Act
      const created = await api.v2.createWebhook({ url: `${receiver.url}/typed`, events: ['verification.completed'] });
      receiver.secrets.push(created.data.secret!);
      const listed = await api.v2.listWebhooks({ limit: 10 });
      const { messageId } = await publishEvent<{ 'verification.completed': { verificationId: string } }>(
        producerSqs,
        platform.queues.events.queueUrl,
        {
          tenantId,
          type: 'verification.completed',
          data: { verificationId: 'ver_typed' },
          id: 'evt_typed_client_1',
        },
      );

      // Assess
      expect(created.status).toBe(201);
      expect(listed.data.data.map((webhook) => webhook.id)).toEqual([created.data.id]);
      expect(messageId).toBeTruthy();
      const delivery = await waitFor(() => receiver.deliveries.find((d) => d.path === '/typed'), {
        what: 'the published event',
      });
      expect(JSON.parse(delivery.body)).toMatchObject({
        id: 'evt_typed_client_1',
        type: 'verification.completed',
        data: { verificationId: 'ver_typed' },
      });
      producerSqs.destroy();
    },
  );

  it("rejects with the API's error shape for a refused request", async () => {
    // Prepare
    const api = new Api({
      baseUrl: suite.platform.apiUrl,
      baseApiParams: { headers: { Authorization: 'Bearer whk_nobody_has_this_key' } },
    });

    // Act
    const refusal = await api.v2.listWebhooks().catch((response: { status: number; error: unknown }) => response);

    // Assess
    expect(refusal).toMatchObject({ status: 401, error: { error: { code: 'unauthorized' } } });
  });
});
