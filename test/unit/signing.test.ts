import { verify as verifyGithubStyle } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { githubStyleSignature, signatureHeaders } from '../../lambdas/core/signing/signing';

describe('Function: githubStyleSignature', () => {
  it("reproduces GitHub's published test vector", () => {
    // Prepare: from GitHub's "Validating webhook deliveries" documentation
    const secret = "It's a Secret to Everybody";

    // Act
    const signature = githubStyleSignature(secret, 'Hello, World!');

    // Assess
    expect(signature).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
  });
});

describe('Function: signatureHeaders', () => {
  it('reproduces the Standard Webhooks published test vector', () => {
    // Act: the vector from Svix's "verifying payloads manually" documentation
    const headers = signatureHeaders({
      messageId: 'msg_loFOjxBNrRLzqYUf',
      timestamp: new Date(1731705121 * 1000),
      body: '{"event_type":"ping","data":{"success":true}}',
      secrets: ['whsec_plJ3nmyCDGBKInavdOK15jsl'],
      privateKeys: [],
    });

    // Assess
    expect(headers['webhook-signature']).toBe('v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=');
    expect(headers['webhook-id']).toBe('msg_loFOjxBNrRLzqYUf');
    expect(headers['webhook-timestamp']).toBe('1731705121');
  });

  it('signs once per secret during rotation, and the public verifiers accept either secret', async () => {
    // Prepare
    const current = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
    const previous = `whsec_${Buffer.alloc(24, 2).toString('base64')}`;
    const body = '{"id":"evt_1","type":"verification.completed","data":{}}';
    const timestamp = new Date();

    // Act
    const headers = signatureHeaders({
      messageId: 'evt_1',
      timestamp,
      body,
      secrets: [current, previous],
      privateKeys: [],
    });

    // Assess
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    const standardHeaders = {
      'webhook-id': headers['webhook-id']!,
      'webhook-timestamp': headers['webhook-timestamp']!,
      'webhook-signature': headers['webhook-signature']!,
    };
    expect(() => new StandardWebhook(current).verify(body, standardHeaders)).not.toThrow();
    expect(() => new StandardWebhook(previous).verify(body, standardHeaders)).not.toThrow();
    expect(await verifyGithubStyle(current, body, headers['X-Verifik-Signature']!)).toBe(true);
    expect(() =>
      new StandardWebhook(`whsec_${Buffer.alloc(24, 3).toString('base64')}`).verify(body, standardHeaders),
    ).toThrow();
  });

  it('refuses to sign without a secret', () => {
    expect(() =>
      signatureHeaders({ messageId: 'evt_1', timestamp: new Date(), body: '{}', secrets: [], privateKeys: [] }),
    ).toThrow();
  });
});
