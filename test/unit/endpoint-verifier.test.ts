import { testSigningSealers } from '../helpers/test-sealer';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { newSigningKey } from '../../lambdas/core/webhooks/signing-keys';
import { verifyWebhook } from '../../verify';
import {
  awaitingVerification,
  parseVerificationTask,
  startVerification,
  type EndpointVerification,
  type VerificationTask,
} from '../../lambdas/core/webhooks/endpoint-verification';
import {
  EndpointVerifier,
  judgeChallenge,
  judgeHandshake,
  type ProbeAnswer,
  type VerificationProbe,
  type VerificationStore,
} from '../../lambdas/core/delivery/endpoint-verifier';
import type { Webhook } from '../../lambdas/core/webhooks/webhook';

// the receiver's verifier checks the signature's timestamp against the clock
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const WEBHOOK_ID = 'webhook_01JD8Z6Q3N5V7W9X1Y2Z3A4B5C';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ORIGIN = 'webhooks.example.com';

function webhookWith(verification: EndpointVerification, extra: Partial<Webhook> = {}): Webhook {
  return {
    tenantId: 'acme',
    id: WEBHOOK_ID,
    url: 'https://receiver.example.com/hooks',
    events: ['verification.completed'],
    secret: SECRET,
    active: true,
    verification,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...extra,
  };
}

/** The store and the probe in memory; the probe answers as told and records what it was sent. */
function setup(answers: { options?: ProbeAnswer; post?: (body: string) => ProbeAnswer }, extra: Partial<Webhook> = {}) {
  const verification = startVerification(NOW, () => 'vrf_1');
  let webhook: Webhook | undefined = webhookWith(verification, extra);
  const saved: { verification: EndpointVerification; throttleRate?: number }[] = [];
  const sent: { method: string; headers: Record<string, string>; body?: string }[] = [];
  const store: VerificationStore = {
    get: async () => webhook,
    save: async (read, next, throttleRate) => {
      if (!webhook || webhook.verification?.id !== next.id || webhook.url !== read.url) return false;
      saved.push({ verification: next, ...(throttleRate ? { throttleRate } : {}) });
      webhook = { ...webhook, verification: next, ...(throttleRate ? { throttleRate } : {}) };
      return true;
    },
  };
  const probe: VerificationProbe = {
    options: async (_url, headers) => {
      sent.push({ method: 'OPTIONS', headers });
      return answers.options ?? { statusCode: 404, headers: {} };
    },
    post: async (_url, headers, body) => {
      sent.push({ method: 'POST', headers, body });
      return answers.post?.(body) ?? { statusCode: 200, headers: {}, body: 'ok' };
    },
  };
  const verifier = new EndpointVerifier(store, probe, {
    origin: ORIGIN,
    retrySeconds: [5, 60, 1800],
    maxHopSeconds: 900,
    now: () => NOW,
    newChallenge: () => 'the-challenge',
    sealers: testSigningSealers(),
  });
  const task = (attempt: number, more: Partial<VerificationTask> = {}): VerificationTask => ({
    kind: 'endpoint-verification',
    tenantId: 'acme',
    webhookId: WEBHOOK_ID,
    verificationId: 'vrf_1',
    attempt,
    ...more,
  });
  return {
    verifier,
    task,
    saved,
    sent,
    current: () => webhook,
    replace: (next: Webhook | undefined) => (webhook = next),
  };
}

const echo = (body: string): ProbeAnswer => ({
  statusCode: 200,
  headers: {},
  body: JSON.stringify({ challenge: JSON.parse(body).data.challenge }),
});

describe('Class: EndpointVerifier', () => {
  it('sends the handshake first, with the origin, and is verified by WebHook-Allowed-Origin', async () => {
    const { verifier, task, saved, sent } = setup({
      options: { statusCode: 200, headers: { 'webhook-allowed-origin': ORIGIN } },
    });
    const step = await verifier.verify(task(1));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('OPTIONS');
    expect(sent[0]!.headers['WebHook-Request-Origin']).toBe(ORIGIN);
    expect(saved[0]!.verification).toMatchObject({ state: 'verified', method: 'handshake', attempts: 1 });
    expect(step.next).toBeUndefined();
    expect(step.notice).toMatchObject({ kind: 'verified', method: 'handshake' });
  });

  it('sends a signed webhook.verification POST on the second attempt; takes the echo as JSON or text', async () => {
    for (const answer of [
      echo,
      (body: string) => ({ statusCode: 200, headers: {}, body: JSON.parse(body).data.challenge }),
    ]) {
      const { verifier, task, saved, sent } = setup({ post: answer });
      const step = await verifier.verify(task(2));
      expect(sent[0]!.method).toBe('POST');
      const body = sent[0]!.body!;
      expect(JSON.parse(body)).toMatchObject({ type: 'webhook.verification', data: { challenge: 'the-challenge' } });
      // signed as a delivery is: the receiver's Standard Webhooks verifier accepts it
      expect(() => new StandardWebhook(SECRET).verify(body, sent[0]!.headers)).not.toThrow();
      expect(saved[0]!.verification).toMatchObject({ state: 'verified', method: 'challenge' });
      expect(step.notice?.kind).toBe('verified');
    }
  });

  it('signs the POST challenge with v1a too given an ed25519 key: verify and @noble/curves accept it', async () => {
    const sealers = testSigningSealers();
    const signingKey = await newSigningKey({ tenantId: 'acme', id: WEBHOOK_ID }, sealers.privateKeys);
    const { verifier, task, sent } = setup({ post: echo }, { signingKey });

    await verifier.verify(task(2));

    const { body, headers } = sent[0]!;
    expect(headers['webhook-signature']!.split(' ').map((entry) => entry.split(',')[0])).toEqual(['v1', 'v1a']);
    await expect(verifyWebhook(body!, headers, { publicKey: signingKey.publicKey })).resolves.toMatchObject({
      scheme: 'v1a',
    });
    const v1a = headers['webhook-signature']!.split(' ')[1]!.slice('v1a,'.length);
    const content = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
    const raw = Buffer.from(signingKey.publicKey.slice('whpk_'.length), 'base64');
    expect(ed25519.verify(Buffer.from(v1a, 'base64'), new TextEncoder().encode(content), raw)).toBe(true);
  });

  it('keeps a bystander answering 200 to anything pending, with the reason; schedules the next challenge', async () => {
    const { verifier, task, saved } = setup({ options: { statusCode: 200, headers: {} } });
    const step = await verifier.verify(task(1));
    expect(saved[0]!.verification).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: `OPTIONS answered 200 without WebHook-Allowed-Origin: ${ORIGIN}`,
    });
    expect(step.next).toEqual({
      task: task(2, { dueAt: new Date(NOW.getTime() + 5000).toISOString() }),
      delaySeconds: 5,
    });
    const second = await verifier.verify(task(2));
    expect(saved[1]!.verification.lastError).toBe('POST answered 200 without echoing the challenge');
    expect(second.next?.delaySeconds).toBe(60);
  });

  it('fails the run after the last wait of the schedule, and tells the tenant', async () => {
    const { verifier, task, saved } = setup({});
    const step = await verifier.verify(task(4));
    expect(saved[0]!.verification).toMatchObject({ state: 'failed', attempts: 4 });
    expect(step.next).toBeUndefined();
    expect(step.notice).toMatchObject({
      kind: 'verification-failed',
      attempts: 4,
      lastError: 'POST answered 200 without echoing the challenge',
    });
  });

  it('a wait longer than one SQS delay hops without a challenge', async () => {
    const { verifier, task, sent } = setup({});
    const dueAt = new Date(NOW.getTime() + 1800 * 1000).toISOString();
    const step = await verifier.verify(task(4, { dueAt }));
    expect(sent).toHaveLength(0);
    expect(step.next).toEqual({ task: task(4, { dueAt }), delaySeconds: 900 });
  });

  it('does nothing for a task of an older run, a verified webhook or a deleted one', async () => {
    const stale = setup({});
    await expect(stale.verifier.verify(stale.task(1, { verificationId: 'vrf_old' }))).resolves.toEqual({});
    const verified = setup({});
    verified.replace({
      ...verified.current()!,
      verification: { ...verified.current()!.verification!, state: 'verified' },
    });
    await expect(verified.verifier.verify(verified.task(1))).resolves.toEqual({});
    const deleted = setup({});
    deleted.replace(undefined);
    await expect(deleted.verifier.verify(deleted.task(1))).resolves.toEqual({});
    for (const { sent } of [stale, verified, deleted]) expect(sent).toHaveLength(0);
  });

  it('a consent for a URL the webhook no longer has is not saved, and no notice is given', async () => {
    const run = setup({ options: { statusCode: 200, headers: { 'webhook-allowed-origin': '*' } } });
    const original = run.current()!;
    // the step reads the webhook at once; its URL changes while the challenge is on the wire
    const step = run.verifier.verify(run.task(1));
    run.replace({ ...original, url: 'https://elsewhere.example.com/' });
    expect(await step).toEqual({});
    expect(run.saved).toHaveLength(0);
  });

  it("turns WebHook-Allowed-Rate (per minute) into a throttle per second, never above the tenant's", async () => {
    const cases: [string, number | undefined, number | undefined][] = [
      ['600', undefined, 10],
      ['30', undefined, 1],
      ['6000', 50, 50],
      ['*', 7, undefined],
    ];
    for (const [rate, tenantRate, expected] of cases) {
      const { verifier, task, saved } = setup(
        { options: { statusCode: 200, headers: { 'webhook-allowed-origin': ORIGIN, 'webhook-allowed-rate': rate } } },
        tenantRate ? { throttleRate: tenantRate } : {},
      );
      await verifier.verify(task(1));
      expect(saved[0]!.throttleRate).toBe(expected);
    }
  });
});

describe('Function: judgeHandshake', () => {
  it('needs 200 and the origin named (any case) or *', () => {
    const ok = (headers: Record<string, string>, statusCode = 200) =>
      judgeHandshake({ statusCode, headers }, ORIGIN).consent;
    expect(ok({ 'webhook-allowed-origin': 'WEBHOOKS.example.com' })).toBe(true);
    expect(ok({ 'webhook-allowed-origin': '*' })).toBe(true);
    expect(ok({ 'webhook-allowed-origin': 'other.example.com' })).toBe(false);
    expect(ok({ 'webhook-allowed-origin': ORIGIN }, 204)).toBe(false);
    expect(judgeHandshake({ error: 'connection_refused', headers: {} }, ORIGIN)).toEqual({
      consent: false,
      reason: 'OPTIONS: connection_refused',
    });
  });
});

describe('Function: judgeChallenge', () => {
  it('needs a 2xx whose body is the challenge', () => {
    expect(judgeChallenge({ statusCode: 200, headers: {}, body: ' abc\n' }, 'abc').consent).toBe(true);
    expect(judgeChallenge({ statusCode: 201, headers: {}, body: '{"challenge":"abc"}' }, 'abc').consent).toBe(true);
    expect(judgeChallenge({ statusCode: 200, headers: {}, body: '{"challenge":"abd"}' }, 'abc').consent).toBe(false);
    expect(judgeChallenge({ statusCode: 500, headers: {}, body: 'abc' }, 'abc')).toEqual({
      consent: false,
      reason: 'POST answered 500',
    });
  });
});

describe('Endpoint verification rules', () => {
  it('holds back a webhook whose run is pending or failed, never one without a run', () => {
    const run = startVerification(NOW);
    expect(awaitingVerification({ verification: run })).toBe(true);
    expect(awaitingVerification({ verification: { ...run, state: 'failed' } })).toBe(true);
    expect(awaitingVerification({ verification: { ...run, state: 'verified' } })).toBe(false);
    expect(awaitingVerification({})).toBe(false);
  });

  it('tells a verification step from a delivery on the shared queue', () => {
    const task: VerificationTask = {
      kind: 'endpoint-verification',
      tenantId: 't',
      webhookId: 'w',
      verificationId: 'v',
      attempt: 1,
    };
    expect(parseVerificationTask(JSON.stringify(task))).toEqual(task);
    expect(parseVerificationTask(JSON.stringify({ ...task, attempt: 0 }))).toBeUndefined();
    expect(parseVerificationTask('{"tenantId":"t","payload":"endpoint-verification"}')).toBeUndefined();
  });
});
