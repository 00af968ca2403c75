import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { verify as verifyGithubStyle } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/emulators';
import { startReceiver, type Receiver } from '../../local/receiver';
import { waitFor } from '../helpers/pipeline';

/** `npm start` as a newcomer runs it: its own process, its own emulators, its printed key and URLs. */
async function startLocalStack(
  environment: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await waitFor(() => output.includes('Ctrl-C stops everything') || child.exitCode !== null, {
    timeoutMs: 60_000,
    what: 'npm start',
  });
  if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
  return { child, output: () => output };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
}

const printed = (output: string, label: string) => new RegExp(`${label}\\s+(\\S+)`).exec(output)?.[1];

describe('The local stack (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'webhooks-e2e-'));
  let environment: Record<string, string>;
  let receiver: Receiver;

  beforeAll(async () => {
    environment = {
      API_PORT: String(await freePort()),
      DYNAMODB_PORT: String(await freePort()),
      SQS_PORT: String(await freePort()),
      LOCAL_DATA_DIR: dataDir,
    };
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes a webhook over HTTP, an event from the AWS SDK, delivers it verifiably, and keeps its data across a ' +
    'restart', async () => {
    // Prepare: start it and read what it prints
    const first = await startLocalStack(environment);
    const apiKey = printed(first.output(), 'API key')!;
    const apiUrl = printed(first.output(), 'API')!;
    const queueUrl = printed(first.output(), 'events queue')!;
    expect(apiKey).toMatch(/^whk_/);
    // the web console it prints, and a portal link for tenant "dev" that opens it
    const consoleUrl = printed(first.output(), 'Web console')!;
    const portalLink = new URL(printed(first.output(), 'Portal link')!);
    expect(consoleUrl).toBe(`http://127.0.0.1:${environment.API_PORT}/console`);
    expect(`${portalLink.origin}${portalLink.pathname}`).toBe(consoleUrl);
    const page = await fetch(consoleUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const portalToken = portalLink.hash.replace(/^#token=/, '');
    expect((await fetch(`${apiUrl}`, { headers: { authorization: `Bearer ${portalToken}` } })).status).toBe(200);
    const created = await fetch(apiUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/hooks`, events: ['verification.completed'], description: 'e2e' }),
    });
    expect(created.status).toBe(201);
    const webhook = (await created.json()) as { id: string; secret: string };

    // Act: a producer publishes with the plain AWS SDK
    const sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${environment.SQS_PORT}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
    });
    const envelope = {
      tenantId: 'dev',
      id: 'evt_e2e_1',
      type: 'verification.completed',
      data: { verificationId: 'ver_1', userId: 'user_1' },
    };
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(envelope) }));

    // Assess: verified by the public libraries, with nothing of ours in between
    const [delivery] = await waitFor(() => receiver.deliveries.length > 0 && receiver.deliveries, {
      what: 'the delivery',
    });
    const headers = delivery!.headers as Record<string, string>;
    const payload = new StandardWebhook(webhook.secret).verify(delivery!.body, headers);
    expect(payload).toEqual({ id: 'evt_e2e_1', type: 'verification.completed', data: envelope.data });
    expect(await verifyGithubStyle(webhook.secret, delivery!.body, headers['x-verifik-signature']!)).toBe(true);

    // Act: restart
    await stop(first.child);
    const second = await startLocalStack(environment);

    // Assess: same key, same webhook
    try {
      expect(printed(second.output(), 'API key')).toBe(apiKey);
      const fetched = await fetch(`${apiUrl}/${webhook.id}`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(fetched.status).toBe(200);
      // the secret is shown only by create, never by a read
      expect(await fetched.json()).toMatchObject({ id: webhook.id, description: 'e2e' });
    } finally {
      await stop(second.child);
    }
    sqs.destroy();
  }, 120_000);
});
