import { ed25519 } from '@noble/curves/ed25519.js';
import { sign as signGithubStyle } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError, type VerificationFailure } from '../../verify';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.alloc(32, 8).toString('base64')}`;
const BODY = '{"id":"evt_1","type":"verification.completed","data":{"n":12345678901234567890}}';
const NOW = new Date('2026-12-05T06:00:00Z');
const seconds = (date: Date) => String(Math.floor(date.getTime() / 1000));

/** Standard Webhooks headers signed by the official `standardwebhooks` library. */
function standardHeaders(secret: string, body = BODY, at = NOW): Record<string, string> {
  return {
    'webhook-id': 'evt_1',
    'webhook-timestamp': seconds(at),
    'webhook-signature': new StandardWebhook(secret).sign('evt_1', at, body),
  };
}

/** A key pair and a `v1a` signature made by @noble/curves, an implementation independent of WebCrypto's. */
function nobleKeyPair() {
  const { secretKey, publicKey } = ed25519.keygen();
  return { secretKey, publicKey: `whpk_${Buffer.from(publicKey).toString('base64')}` };
}
function nobleSignature(secretKey: Uint8Array, id: string, at: Date, body: string): string {
  const content = new TextEncoder().encode(`${id}.${seconds(at)}.${body}`);
  return `v1a,${Buffer.from(ed25519.sign(content, secretKey)).toString('base64')}`;
}

async function failure(promise: Promise<unknown>): Promise<VerificationFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).code;
}

describe('Function: verifyWebhook (v1, HMAC)', () => {
  it('accepts the published Standard Webhooks test vector', async () => {
    // Prepare: Svix's "verifying payloads manually" example
    const headers = {
      'webhook-id': 'msg_loFOjxBNrRLzqYUf',
      'webhook-timestamp': '1731705121',
      'webhook-signature': 'v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=',
    };

    // Act
    const verified = await verifyWebhook(
      '{"event_type":"ping","data":{"success":true}}',
      headers,
      { secret: 'whsec_plJ3nmyCDGBKInavdOK15jsl' },
      { now: new Date(1731705121 * 1000) },
    );

    // Assess
    expect(verified).toEqual({ scheme: 'v1', id: 'msg_loFOjxBNrRLzqYUf', timestamp: new Date(1731705121 * 1000) });
  });

  it('agrees with the standardwebhooks library on good and altered deliveries', async () => {
    // Prepare
    const headers = standardHeaders(SECRET);
    const official = new StandardWebhook(SECRET);

    // Act + Assess: both accept the signed body, both refuse one altered byte
    await expect(verifyWebhook(BODY, headers, { secret: SECRET }, { now: NOW })).resolves.toMatchObject({
      scheme: 'v1',
    });
    const altered = BODY.replace('evt_1', 'evt_2');
    expect(await failure(verifyWebhook(altered, headers, { secret: SECRET }, { now: NOW }))).toBe(
      'no_matching_signature',
    );
    expect(() => official.verify(altered, headers)).toThrow();
  });

  it('takes the body as bytes, a fetch Headers object and Node-style header arrays', async () => {
    // Prepare
    const headers = standardHeaders(SECRET);

    // Act + Assess
    await expect(
      verifyWebhook(new TextEncoder().encode(BODY), new Headers(headers), { secret: SECRET }, { now: NOW }),
    ).resolves.toMatchObject({ scheme: 'v1' });
    await expect(
      verifyWebhook(Buffer.from(BODY), { ...headers, 'Webhook-Id': ['evt_1'] }, { secret: SECRET }, { now: NOW }),
    ).resolves.toMatchObject({ scheme: 'v1' });
  });

  it('accepts any of several signatures and any of several secrets (a rotation on either side)', async () => {
    // Prepare: the sender signs with both secrets during its rotation
    const headers = standardHeaders(SECRET);
    headers['webhook-signature'] =
      `${standardHeaders(OTHER_SECRET)['webhook-signature']} ${headers['webhook-signature']}`;

    // Act + Assess
    await expect(verifyWebhook(BODY, headers, { secret: SECRET }, { now: NOW })).resolves.toMatchObject({
      scheme: 'v1',
    });
    await expect(
      verifyWebhook(BODY, standardHeaders(SECRET), { secrets: [OTHER_SECRET, SECRET] }, { now: NOW }),
    ).resolves.toMatchObject({ scheme: 'v1' });
  });

  it('refuses a timestamp outside the tolerance, either way, and accepts one at its edge', async () => {
    // Prepare
    const old = standardHeaders(SECRET, BODY, new Date(NOW.getTime() - 301_000));
    const ahead = standardHeaders(SECRET, BODY, new Date(NOW.getTime() + 301_000));
    const edge = standardHeaders(SECRET, BODY, new Date(NOW.getTime() - 300_000));

    // Act + Assess
    expect(await failure(verifyWebhook(BODY, old, { secret: SECRET }, { now: NOW }))).toBe('timestamp_too_old');
    expect(await failure(verifyWebhook(BODY, ahead, { secret: SECRET }, { now: NOW }))).toBe('timestamp_too_new');
    await expect(verifyWebhook(BODY, edge, { secret: SECRET }, { now: NOW })).resolves.toBeDefined();
    await expect(
      verifyWebhook(BODY, old, { secret: SECRET }, { now: NOW, toleranceSeconds: 600 }),
    ).resolves.toBeDefined();
  });

  it('says which check failed for missing or malformed headers and unusable keys', async () => {
    // Prepare
    const headers = standardHeaders(SECRET);
    const { 'webhook-id': _id, ...withoutId } = headers;

    // Act + Assess
    expect(await failure(verifyWebhook(BODY, {}, { secret: SECRET }, { now: NOW }))).toBe('missing_headers');
    expect(await failure(verifyWebhook(BODY, withoutId, { secret: SECRET }, { now: NOW }))).toBe('missing_headers');
    expect(
      await failure(verifyWebhook(BODY, { ...headers, 'webhook-timestamp': '1e9' }, { secret: SECRET }, { now: NOW })),
    ).toBe('invalid_header');
    expect(
      await failure(
        verifyWebhook(BODY, { ...headers, 'webhook-signature': 'v1,@@' }, { secret: SECRET }, { now: NOW }),
      ),
    ).toBe('invalid_header');
    expect(await failure(verifyWebhook(BODY, headers, {}, { now: NOW }))).toBe('invalid_key');
    expect(await failure(verifyWebhook(BODY, headers, { secret: 'whsec_not base64' }, { now: NOW }))).toBe(
      'invalid_key',
    );
    expect(await failure(verifyWebhook(BODY, headers, { publicKey: 'whpk_AAAA' }, { now: NOW }))).toBe(
      'no_matching_signature',
    );
  });
});

describe('Function: verifyWebhook (v1a, ed25519)', () => {
  it('accepts a signature made by @noble/curves, and refuses another key or an altered body', async () => {
    // Prepare
    const signer = nobleKeyPair();
    const stranger = nobleKeyPair();
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': seconds(NOW),
      'webhook-signature': nobleSignature(signer.secretKey, 'evt_1', NOW, BODY),
    };

    // Act + Assess
    await expect(verifyWebhook(BODY, headers, { publicKey: signer.publicKey }, { now: NOW })).resolves.toEqual({
      scheme: 'v1a',
      id: 'evt_1',
      timestamp: new Date(Math.floor(NOW.getTime() / 1000) * 1000),
    });
    expect(await failure(verifyWebhook(BODY, headers, { publicKey: stranger.publicKey }, { now: NOW }))).toBe(
      'no_matching_signature',
    );
    expect(await failure(verifyWebhook(`${BODY} `, headers, { publicKey: signer.publicKey }, { now: NOW }))).toBe(
      'no_matching_signature',
    );
  });

  it('finds the v1a entry beside v1 entries, with only a public key (a receiver that holds no secret)', async () => {
    // Prepare
    const signer = nobleKeyPair();
    const headers = standardHeaders(SECRET);
    headers['webhook-signature'] += ` ${nobleSignature(signer.secretKey, 'evt_1', NOW, BODY)}`;

    // Act + Assess
    await expect(
      verifyWebhook(BODY, headers, { publicKeys: [nobleKeyPair().publicKey, signer.publicKey] }, { now: NOW }),
    ).resolves.toMatchObject({ scheme: 'v1a' });
  });

  it('refuses a public key that is not whpk_ and 32 bytes', async () => {
    // Prepare
    const headers = standardHeaders(SECRET);
    headers['webhook-signature'] = nobleSignature(nobleKeyPair().secretKey, 'evt_1', NOW, BODY);

    // Act + Assess
    expect(await failure(verifyWebhook(BODY, headers, { publicKey: `whpk_${'A'.repeat(40)}` }, { now: NOW }))).toBe(
      'invalid_key',
    );
  });
});

describe('Function: verifyWebhook (legacy sha256=)', () => {
  it('accepts an @octokit/webhooks-methods signature only if allowed, never beside Standard headers', async () => {
    // Prepare
    const headers = { 'X-Verifik-Signature': await signGithubStyle(SECRET, BODY) };

    // Act + Assess
    expect(await failure(verifyWebhook(BODY, headers, { secret: SECRET }, { now: NOW }))).toBe('missing_headers');
    await expect(
      verifyWebhook(BODY, headers, { secret: SECRET }, { allowSha256WithoutTimestamp: true }),
    ).resolves.toEqual({ scheme: 'sha256' });
    expect(
      await failure(verifyWebhook(`${BODY} `, headers, { secret: SECRET }, { allowSha256WithoutTimestamp: true })),
    ).toBe('no_matching_signature');
    // a delivery whose Standard signature fails does not fall back to the header without a timestamp
    const both = { ...standardHeaders(OTHER_SECRET), ...headers };
    expect(
      await failure(verifyWebhook(BODY, both, { secret: SECRET }, { allowSha256WithoutTimestamp: true, now: NOW })),
    ).toBe('no_matching_signature');
  });
});

describe('Module: serverless-webhooks/verify', () => {
  it('imports nothing, so it runs wherever WebCrypto does (browsers, edge runtimes), not only in Node', () => {
    // Act
    const source = readFileSync(new URL('../../verify/index.ts', import.meta.url), 'utf8');

    // Assess
    expect(source).not.toMatch(/^\s*import\s|\brequire\(|\bBuffer\b|from\s+['"]/m);
  });
});
