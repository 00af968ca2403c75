import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';
import { startArtifactPlatform, type RunningArtifactPlatform } from '../../local/artifacts/artifact-platform';
import { constructPath, readCloudAssembly, synthesize, type StackTemplate } from '../../local/artifacts/cloud-assembly';
import { freePort } from '../../local/emulators';
import { localClientConfig } from '../../local/local-settings';
import { drainQueue } from '../../local/queue-inspection';
import { startReceiver, type Receiver } from '../../local/receiver';
import { launchChromium, newConsolePage } from '../helpers/browser';
import { waitFor } from '../helpers/pipeline';
import { makeTestCertificates } from '../helpers/test-certificates';
import { describeUnusedGrants, UNUSED_GRANTS } from './unused-grants';
import { verifyWebhook } from '../../verify';
import { adminClient } from '../../client/admin';
import { DEFAULT_LOCAL_ADMIN_CREDENTIAL } from '../../local/sigv4-verifier';
import { LOCAL_SECRET_ACCESS_KEY } from '../../local/artifacts/iam-callers';
import { resourcesOfType } from '../../local/artifacts/cloud-assembly';

/**
 * What `cdk deploy` ships, run: the app synthesized by the CDK CLI, every function its esbuild bundle from the
 * assembly with the environment the template gives it, the table, queues, methods and event source mappings as
 * the template declares them. A short retry schedule (a deploy-time setting) lets a delivery exhaust in seconds.
 */
describe('The synthesized artifacts (cdk synth → bundles, template environment, template IAM)', () => {
  const assemblyDir = mkdtempSync(join(tmpdir(), 'webhooks-artifacts-'));
  let platform: RunningArtifactPlatform;
  let receiver: Receiver;
  let producer: SQSClient;
  let browser: Browser;
  let key: string;
  const tenant = 'deployed';

  const api = async (method: string, path: string, body?: unknown, bearer = key) => {
    const response = await fetch(`${platform.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as any) : undefined };
  };
  const publish = (envelope: unknown) =>
    producer.send(
      new SendMessageCommand({ QueueUrl: platform.outputs.EventsQueueUrl, MessageBody: JSON.stringify(envelope) }),
    );

  beforeAll(async () => {
    // the app with a backend role granted by grantAdmin, and a role allowed one admin method (backend-app.ts)
    synthesize(assemblyDir, { retryScheduleSeconds: '[1,1]' }, { app: 'test/deploy/backend-app.ts' });
    const sqsPort = await freePort();
    platform = await startArtifactPlatform({
      apiPort: 0,
      dynamo: { port: await freePort() },
      sqs: { port: sqsPort },
      assembly: readCloudAssembly(assemblyDir),
      diagnostics: { POWERTOOLS_LOG_LEVEL: process.env.LOG_LEVEL ?? 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
    });
    producer = new SQSClient(localClientConfig(`http://127.0.0.1:${sqsPort}`));
    receiver = await startReceiver();
    ({ key } = await platform.apiKeys.create(tenant, 'deploy suite'));
    browser = await launchChromium();
  }, STEP_TIMEOUT_MS.deploySetup);
  afterAll(async () => {
    await browser?.close();
    await receiver?.stop();
    producer?.destroy();
    await platform?.stop();
    rmSync(assemblyDir, { recursive: true, force: true });
  });

  it('serves the webhook routes through the authorizer bundle, and refuses a bad key in the error shape', async () => {
    // Act
    const created = await api('POST', '/v2/webhooks', {
      url: `${receiver.url}/routes`,
      events: ['verification.completed'],
    });
    const listed = await api('GET', '/v2/webhooks');
    const read = await api('GET', `/v2/webhooks/${created.body.id}`);
    const updated = await api('PUT', `/v2/webhooks/${created.body.id}`, { description: 'deployed bundle' });
    // the suite runs with endpoint verification off: the route reads the webhook, then says so
    const verify = await api('POST', `/v2/webhooks/${created.body.id}/verify`);
    const types = await api('GET', '/v2/event-types');
    const deleted = await api('DELETE', `/v2/webhooks/${created.body.id}`);
    const gone = await api('GET', `/v2/webhooks/${created.body.id}`);
    const refused = await api('GET', '/v2/webhooks', undefined, 'whk_not_a_key_of_anyone');

    // Assess
    expect(created.status).toBe(201);
    expect(listed.body.data.map((webhook: { id: string }) => webhook.id)).toContain(created.body.id);
    expect(read.body.id).toBe(created.body.id);
    expect(updated.body.description).toBe('deployed bundle');
    expect([verify.status, verify.body.error.code]).toEqual([409, 'verification_off']);
    expect(types.body.data.map((type: { name: string }) => type.name)).toContain('verification.completed');
    expect([deleted.status, gone.status]).toEqual([204, 404]);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
  });

  it(
    'delivers an event sent with the AWS SDK, signed so the public verifiers accept it, and lists it in the events ' +
      'log',
    async () => {
      // Prepare
      const webhook = (
        await api('POST', '/v2/webhooks', { url: `${receiver.url}/signed`, events: ['document.uploaded'] })
      ).body;
      receiver.secrets.push(webhook.secret);

      // Act
      await publish({ tenantId: tenant, type: 'document.uploaded', data: { documentId: 'doc_deployed' } });

      // Assess
      const delivery = await waitFor(() => receiver.deliveries.find((d) => d.path === '/signed'), {
        what: 'the signed delivery',
      });
      expect([delivery.standardVerified, delivery.githubVerified]).toEqual([true, true]);
      const events = await api('GET', '/v2/events');
      const event = events.body.data.find((item: { id: string }) => item.id === delivery.eventId);
      expect(event.type).toBe('document.uploaded');
      const detail = await waitFor(
        async () => {
          const answer = await api('GET', `/v2/events/${delivery.eventId}`);
          return answer.body.deliveries?.[0]?.status === 'delivered' && answer;
        },
        { what: 'the event detail with its delivery' },
      );
      expect(detail.body.deliveries[0].webhookId).toBe(webhook.id);
      expect(JSON.parse(delivery.body).data).toEqual({ documentId: 'doc_deployed' });
      const record = await api('GET', `/v2/webhooks/${webhook.id}/deliveries/${delivery.eventId}`);
      expect(record.body).toMatchObject({ status: 'delivered', attempts: [{ statusCode: 200 }] });
    },
  );

  it(
    'retries a failing receiver, parks exhausted deliveries in the DLQ, and a retry and a recovery send them ' +
      'again',
    async () => {
      // Prepare: a receiver that fails every attempt
      const webhook = (
        await api('POST', '/v2/webhooks', { url: `${receiver.url}/failing`, events: ['verification.completed'] })
      ).body;
      receiver.secrets.push(webhook.secret);
      const since = new Date(Date.now() - 1000).toISOString();
      receiver.behaviour.decide = (d) => ({ status: d.path === '/failing' ? 503 : 200 });
      const succeeded = (eventId: string) =>
        receiver.deliveries.some((d) => d.eventId === eventId && d.answeredStatus === 200);

      // Act: three attempts each (the schedule [1, 1]), then the DLQ; then one retried, the other recovered
      await publish({ tenantId: tenant, type: 'verification.completed', data: { verificationId: 'ver_retried' } });
      await publish({ tenantId: tenant, type: 'verification.completed', data: { verificationId: 'ver_recovered' } });
      const failed = await waitFor(
        async () => {
          const answer = await api('GET', `/v2/webhooks/${webhook.id}/deliveries`);
          const items = (answer.body.data ?? []).filter((item: { status: string }) => item.status === 'failed');
          return items.length === 2 && (items as { eventId: string }[]);
        },
        { what: 'both exhausted deliveries', timeoutMs: 30_000 },
      );
      const parked: unknown[] = [];
      await waitFor(async () => parked.push(...(await drainQueue(producer, platform.outputs.DeliveriesDlqUrl!))) >= 2, {
        what: 'both DLQ entries',
      });
      receiver.behaviour.decide = undefined;
      const [retriedEvent, recoveredEvent] = failed.map((item) => item.eventId) as [string, string];
      const retried = await api('POST', `/v2/webhooks/${webhook.id}/deliveries/${retriedEvent}/retry`, {});
      await waitFor(() => succeeded(retriedEvent), { what: 'the retried delivery' });
      const recovered = await api('POST', `/v2/webhooks/${webhook.id}/recover`, { since });
      await waitFor(() => succeeded(recoveredEvent), { what: 'the recovered delivery' });

      // Assess
      expect(receiver.deliveries.filter((d) => d.path === '/failing' && d.answeredStatus === 503)).toHaveLength(6);
      expect(parked).toHaveLength(2);
      expect([retried.status, recovered.status]).toEqual([202, 202]);
    },
  );

  it(
    'delivers through the ordered lane (FIFO) and, for receivers slower than the fast lane waits, through the slow ' +
      'lane and, in order, through the slow ordered lane',
    async () => {
      // Prepare
      const ordered = (
        await api('POST', '/v2/webhooks', {
          url: `${receiver.url}/ordered`,
          events: ['verification.started'],
          ordering: 'fifo',
        })
      ).body;
      const slow = (await api('POST', '/v2/webhooks', { url: `${receiver.url}/slow`, events: ['biometric.captured'] }))
        .body;
      const firstAnswers = new Set<string>();
      // each webhook's first answer takes 3.5 s: cut off at 3 s, the rest goes through a slow lane
      receiver.behaviour.decide = (d) =>
        (d.path === '/slow' || d.path === '/ordered') && !firstAnswers.has(d.path) && firstAnswers.add(d.path)
          ? { status: 200, delayMs: 3_500 }
          : { status: 200 };

      // Act
      // the order an ordered webhook is sent in is the order fan-out completed its events; from a standard queue two
      // fan-out batches may complete in either order, so each event is fanned out before the next is published
      for (const n of [1, 2, 3]) {
        const id = `evt_ordered_${n}`;
        await publish({ tenantId: tenant, id, type: 'verification.started', data: { n } });
        await waitFor(async () => (await api('GET', `/v2/webhooks/${ordered.id}/deliveries/${id}`)).status === 200, {
          what: `event ${n} fanned out`,
        });
      }
      await publish({ tenantId: tenant, type: 'biometric.captured', data: { n: 1 } });

      // Assess
      const inOrder = await waitFor(
        () => {
          const seen = receiver.deliveries.filter((d) => d.path === '/ordered' && d.answeredStatus === 200);
          // the first request was cut off before its answer, and sent again from the slow ordered lane
          const events = [...new Set(seen.map((d) => JSON.parse(d.body).data.n as number))];
          return seen.length === 4 && events;
        },
        { what: 'three ordered deliveries', timeoutMs: 30_000 },
      );
      expect(inOrder).toEqual([1, 2, 3]);
      const slowRecord = await waitFor(
        async () => {
          const [item] = (await api('GET', `/v2/webhooks/${slow.id}/deliveries`)).body.data ?? [];
          return item?.status === 'delivered' && item;
        },
        { what: 'the slow lane delivery', timeoutMs: 30_000 },
      );
      // the fast lane gave up at 3 s; the slow lane waited for the answer
      expect(slowRecord.attemptCount).toBe(2);
      receiver.behaviour.decide = undefined;
    },
  );

  it('parks an event that is not an envelope in the events DLQ with its reason', async () => {
    // Act
    await producer.send(
      new SendMessageCommand({ QueueUrl: platform.outputs.EventsQueueUrl, MessageBody: '{"tenantId":' }),
    );

    // Assess
    const parked = await waitFor(async () => (await drainQueue(producer, platform.outputs.EventsDlqUrl!)).at(0), {
      what: 'the quarantined event',
    });
    expect(parked.MessageAttributes?.failureReason?.StringValue).toBeTruthy();
  });

  it('sends a test event, and signs with the new secret after a rotation', async () => {
    // Prepare
    const webhook = (
      await api('POST', '/v2/webhooks', { url: `${receiver.url}/rotated`, events: ['verification.completed'] })
    ).body;

    // Act
    const rotated = await api('POST', `/v2/webhooks/${webhook.id}/rotate-secret`, {});
    receiver.secrets.push(rotated.body.secret);
    const tested = await api('POST', `/v2/webhooks/${webhook.id}/test`, {});

    // Assess
    expect(tested.status).toBe(202);
    const delivery = await waitFor(() => receiver.deliveries.find((d) => d.path === '/rotated'), {
      what: 'the test event',
    });
    expect(delivery.eventType).toBe('verification.completed');
    // the receiver knows the new secret only
    expect(delivery.standardVerified).toBe(true);
  });

  it("announces a client certificate near its expiry from the daily rule's function", async () => {
    // Prepare: a webhook that subscribes to the notice, and one whose certificate expires in 10 days
    const { expiringClient } = makeTestCertificates();
    const watcher = await api('POST', '/v2/webhooks', {
      url: `${receiver.url}/certificates`,
      events: ['webhook.certificate_expiring'],
    });
    receiver.secrets.push(watcher.body.secret);
    const expiring = await api('POST', '/v2/webhooks', {
      url: `${receiver.url}/mtls`,
      events: ['verification.completed'],
      tls: { clientCertificate: expiringClient.certificate, privateKey: expiringClient.privateKey },
    });
    expect(expiring.status).toBe(201);

    // Act: the rule's run (it also ran on start, before this webhook existed)
    await platform.runSchedules();

    // Assess
    const notice = await waitFor(() => receiver.deliveries.find((d) => d.path === '/certificates'), {
      what: 'the certificate notice',
    });
    expect(JSON.parse(notice.body).data).toMatchObject({ webhookId: expiring.body.id, withinDays: 14 });
  });

  it('signs with an ed25519 key, publishes its public keys without a credential, rotates and removes it', async () => {
    // Prepare
    const webhook = (
      await api('POST', '/v2/webhooks', {
        url: `${receiver.url}/ed25519`,
        events: ['verification.completed'],
        signing: { ed25519: true },
      })
    ).body;
    const publicKeys = async () => {
      const response = await fetch(`${platform.apiUrl}/v2/webhooks/${webhook.id}/public-keys`);
      return { status: response.status, body: (await response.json()) as any };
    };

    // Act
    const rotated = await api('POST', `/v2/webhooks/${webhook.id}/rotate-secret`, { type: 'ed25519' });
    await api('POST', `/v2/webhooks/${webhook.id}/test`, {});
    const delivery = await waitFor(() => receiver.deliveries.find((d) => d.path === '/ed25519'), {
      what: 'the test event signed with both keys',
    });
    // asked again, the webhook keeps its key (and its public-keys item is written again)
    const kept = await api('PUT', `/v2/webhooks/${webhook.id}`, { signing: { ed25519: true } });
    const published = await publicKeys();
    await api('PUT', `/v2/webhooks/${webhook.id}`, { signing: { ed25519: false } });
    const removed = await publicKeys();
    await api('DELETE', `/v2/webhooks/${webhook.id}`);

    // Assess
    for (const publicKey of [webhook.publicKey, rotated.body.publicKey]) {
      await expect(verifyWebhook(delivery.body, delivery.headers, { publicKey })).resolves.toMatchObject({
        scheme: 'v1a',
      });
    }
    expect(published.body.data.map((key: { publicKey: string }) => key.publicKey)).toEqual([
      rotated.body.publicKey,
      webhook.publicKey,
    ]);
    expect(kept.body.publicKey).toBe(rotated.body.publicKey);
    expect(removed.status).toBe(404);
  });

  it('serves the console from its bundle and layer: a user signs in and sees the webhooks', async () => {
    // Prepare
    const { page, problems, context } = await newConsolePage(browser);

    // Act
    await page.goto(`${platform.apiUrl}/console/`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Assess
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByText(`${receiver.url}/signed`).first().waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  /** A role of the template, by its construct id's prefix: its access key id on this platform is its logical id. */
  const signingAs = (rolePrefix: string) => {
    const [roleId] = resourcesOfType(platform.assembly.template, 'AWS::IAM::Role').find(([id]) =>
      id.startsWith(rolePrefix),
    )!;
    return adminClient({
      baseUrl: platform.apiUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: roleId, secretAccessKey: LOCAL_SECRET_ACCESS_KEY },
    });
  };
  const status = (call: Promise<{ status: number }>) =>
    call.then(
      (response) => response.status,
      (refused: { status: number }) => refused.status,
    );

  it('serves the /admin routes under AWS_IAM (SigV4) from their bundles, and refuses a tenant key there', async () => {
    // Prepare: the backend's role, whose policy grantAdmin wrote into the template
    const admin = signingAs('BackendRole');
    await platform.apiKeys.create('implicit-tenant', 'deploy suite');

    // Act
    const put = await admin.admin.putTenant(tenant, { name: 'Deployed', settings: { maxWebhooks: 50 } });
    const listed = await admin.admin.listTenants({ limit: 10 });
    const detail = await admin.admin.getTenant(tenant);
    const implicit = await admin.admin.getTenant('implicit-tenant');
    const minted = await admin.admin.createApiKey(tenant, { name: 'backend' });
    const keys = await admin.admin.listApiKeys(tenant);
    const revoked = await admin.admin.revokeApiKey(tenant, minted.data.keyHash);
    const link = await admin.admin.createPortalLink(tenant, { ttlSeconds: 120 });
    const webhooks = await admin.admin.listWebhooks(tenant);
    const withTenantKey = await api('GET', '/admin/tenants');

    // Assess
    expect(put.data.settings).toEqual({ maxWebhooks: 50 });
    expect(listed.data.data.map((item) => item.id)).toContain(tenant);
    expect(detail.data).toMatchObject({ id: tenant, implicit: false });
    expect(implicit.data).toMatchObject({ id: 'implicit-tenant', implicit: true });
    expect(keys.data.data.map((item) => item.keyHash)).toContain(minted.data.keyHash);
    expect(revoked.status).toBe(204);
    expect(link.data.url).toContain('/console#token=whp_');
    expect(webhooks.status).toBe(200);
    expect(withTenantKey.status).toBe(403);
  });

  it("checks each /admin call against the signer's IAM policy in the template, as API Gateway asks IAM", async () => {
    // Prepare
    const reader = signingAs('TenantsReaderRole');
    const functionRole = signingAs('ApiListTenants');
    const localAdmin = adminClient({
      baseUrl: platform.apiUrl,
      region: 'us-east-1',
      credentials: DEFAULT_LOCAL_ADMIN_CREDENTIAL,
    });

    // Act
    const allowed = await status(reader.admin.listTenants({ limit: 1 }));
    const otherMethod = await reader.admin.getTenant(tenant).catch((refused) => refused);
    const otherVerb = await status(reader.admin.putTenant('reader-made', { name: 'not allowed' }));
    const noGrant = await status(functionRole.admin.listTenants({ limit: 1 }));
    const noRole = await status(localAdmin.admin.listTenants({ limit: 1 }));

    // Assess: one method allowed, every other 403; a principal without a grant, or none of the template, 403 too
    expect(allowed).toBe(200);
    expect([otherMethod.status, otherVerb, noGrant, noRole]).toEqual([403, 403, 403, 403]);
    expect(otherMethod.error.error).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('IAM policy'),
    });
    // nothing was done for the refused PUT
    expect(await status(signingAs('BackendRole').admin.getTenant('reader-made'))).toBe(404);
  });

  it('erases one event and then a whole tenant through the admin routes and the EraseTenant bundle', async () => {
    // Prepare: a tenant with its item, a key, an ed25519 webhook and one delivered event
    const admin = signingAs('BackendRole');
    const leaving = 'leaving';
    await admin.admin.putTenant(leaving, { name: 'Leaving' });
    await admin.admin.createApiKey(leaving, { name: 'their key' });
    const { data: webhook } = await admin.admin.createWebhook(leaving, {
      url: `${receiver.url}/leaving`,
      events: ['document.uploaded'],
      signing: { ed25519: true },
    });
    receiver.secrets.push(webhook.secret!);
    await publish({ tenantId: leaving, id: 'evt_leaving', type: 'document.uploaded', data: { n: 1 } });
    await waitFor(() => receiver.deliveries.find((d) => d.path === '/leaving'), { what: 'the delivery' });
    await waitFor(
      async () => (await admin.admin.getDelivery(leaving, webhook.id, 'evt_leaving')).data.status === 'delivered',
      { what: 'the delivered record' },
    );

    // Act
    const erasedEvent = await admin.admin.eraseEvent(leaving, 'evt_leaving');
    const event = await admin.admin.getEvent(leaving, 'evt_leaving');
    const started = await admin.admin.eraseTenant(leaving);
    const erasure = await waitFor(
      async () => {
        const { data } = await admin.admin.getErasure(started.data.erasureId);
        return data.status === 'completed' ? data : undefined;
      },
      { what: 'the erasure' },
    );

    // Assess
    expect(erasedEvent.status).toBe(204);
    expect(event.data).toMatchObject({ erased: true });
    expect(started.status).toBe(202);
    expect(erasure).toMatchObject({
      removed: { events: 1, deliveries: 1, webhooks: 1, publicKeys: 1, apiKeys: 1, tenant: 1 },
      check: { itemsLeft: 0 },
    });
  });

  describe('IAM: each call the bundles made, against their role in the template', () => {
    it('allows every recorded call, with the template policies evaluated by a real IAM evaluator', async () => {
      // Act
      const reports = await platform.evaluateIam();

      // Assess
      const table = reports.map((report) => ({
        function: constructPath(platform.assembly.template, report.functionId),
        calls: report.calls,
        authorizations: report.authorizations,
        allowed: report.allowed,
        denied: report.denied.length,
        unused: report.unused.map((grant) => grant.action).join(' '),
      }));
      console.table(table);
      const denied = reports.flatMap((report) =>
        report.denied.map(
          (call) =>
            `${constructPath(platform.assembly.template, report.functionId)} ${call.operation}: missing ` +
            `${JSON.stringify(call.missing)}`,
        ),
      );
      expect(denied).toEqual([]);
      // the suite reached every function that has calls to make
      expect(
        reports
          .filter((report) => report.calls === 0)
          .map((report) => constructPath(platform.assembly.template, report.functionId))
          .sort(),
      ).toEqual(['Api/GetDestinationPolicy', 'Api/ListEventTypes', 'Console/Serve']);
    });

    it(
      'explains every granted action the deployed functions did not use (test/deploy/unused-grants.ts), and nothing ' +
        'more',
      async () => {
        // Act
        const reports = await platform.evaluateIam();

        // Assess
        const unexplained = describeUnusedGrants(platform.assembly.template, reports).filter((grant) => !grant.reason);
        expect(unexplained.map((grant) => grant.key)).toEqual([]);
        const stillUsed = Object.keys(UNUSED_GRANTS).filter(
          (entry) =>
            !describeUnusedGrants(platform.assembly.template, reports).some((grant) => grant.matchedBy === entry),
        );
        expect(stillUsed).toEqual([]);
      },
    );

    it(
      'denies a call once its action is removed from the template, naming the function, the call and the ' +
        'statement',
      async () => {
        // Prepare: the template without dynamodb:GetItem in the authorizer's policy
        const template = structuredClone(platform.assembly.template) as StackTemplate;
        const authorizerRole =
          platform.roleOfFunction[
            Object.keys(platform.roleOfFunction).find((id) => constructPath(template, id) === 'Api/Authorizer')!
          ];
        const policy = Object.values(template.Resources).find(
          (resource) =>
            resource.Type === 'AWS::IAM::Policy' &&
            JSON.stringify(resource.Properties!.Roles) === JSON.stringify([{ Ref: authorizerRole }]),
        )!;
        for (const statement of (policy.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] })
          .Statement) {
          statement.Action = [statement.Action].flat().filter((action) => action !== 'dynamodb:GetItem');
        }

        // Act
        const reports = await platform.evaluateIam(template);

        // Assess
        const authorizer = reports.find((report) => report.role === authorizerRole)!;
        expect(authorizer.denied.map((call) => [call.operation, call.missing.Action])).toContainEqual([
          'GetItem',
          'dynamodb:GetItem',
        ]);
        expect(authorizer.denied[0]!.missing).toMatchObject({
          Resource: expect.stringContaining(':table/'),
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [expect.stringMatching(/^APIKEY#/)] } },
        });
      },
    );
  });
});
