import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalDataKeys } from '../../lambdas/adapters/local-data-keys';
import {
  OAuth2Tokens,
  type OAuth2Auth,
  type SharedToken,
  type SharedTokenStore,
  type TokenAnswer,
  type TokenRequest,
  tokenFingerprint,
} from '../../lambdas/core/delivery/oauth2-tokens';
import { EnvelopeSealer } from '../../lambdas/core/common/secret-sealer';
import type { Webhook } from '../../lambdas/core/webhooks/webhook';

const sealer = new EnvelopeSealer(new LocalDataKeys(randomBytes(32).toString('base64')));

/** The shared item of every container, in memory, with DynamoDB's conditional lease. */
class MemoryTokenStore implements SharedTokenStore {
  token?: SharedToken;
  leaseUntilMs?: number;
  reads = 0;
  leaseAttempts = 0;
  async read() {
    this.reads++;
    return {
      ...(this.token ? { token: this.token } : {}),
      ...(this.leaseUntilMs ? { leaseUntilMs: this.leaseUntilMs } : {}),
    };
  }
  async takeLease(_context: unknown, leaseUntilMs: number, nowMs: number, seenSealedToken?: string) {
    this.leaseAttempts++;
    if (this.leaseUntilMs !== undefined && this.leaseUntilMs > nowMs) return false;
    if (this.token?.sealedToken !== seenSealedToken) return false;
    this.leaseUntilMs = leaseUntilMs;
    return true;
  }
  async store(_context: unknown, token: SharedToken) {
    this.token = token;
    this.leaseUntilMs = undefined;
  }
  async releaseLease() {
    this.leaseUntilMs = undefined;
  }
}

/** A token endpoint that answers what the test says, counting requests; `gate` holds answers back. */
function tokenEndpoint(answer: (request: TokenRequest, count: number) => TokenAnswer) {
  const requests: TokenRequest[] = [];
  let release: () => void = () => {};
  let gate: Promise<void> | undefined;
  return {
    requests,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
    endpoint: {
      async fetch(request: TokenRequest) {
        requests.push(request);
        if (gate) await gate;
        return answer(request, requests.length);
      },
    },
  };
}

async function webhookWith(overrides: Partial<OAuth2Auth> = {}): Promise<{ webhook: Webhook; auth: OAuth2Auth }> {
  const auth: OAuth2Auth = {
    type: 'oauth2_client_credentials',
    tokenUrl: 'https://auth.example.com/token',
    clientId: 'platform',
    sealedClientSecret: await sealer.seal('s3cret', { tenantId: 'acme', webhookId: 'webhook_1' }),
    ...overrides,
  };
  const webhook = {
    tenantId: 'acme',
    id: 'webhook_1',
    url: 'https://receiver.example.com/hooks',
    events: ['document.uploaded'],
    secret: 'whsec_x',
    active: true,
    auth,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  } as Webhook;
  return { webhook, auth };
}

function container(
  store: SharedTokenStore,
  endpoint: { fetch(request: TokenRequest): Promise<TokenAnswer> },
  clock: { now: number },
) {
  return new OAuth2Tokens({ store, endpoint, sealer, now: () => clock.now, pollMs: 5, waitForOthersMs: 1_000 });
}

describe('OAuth2Tokens', () => {
  it('fetches one token for all containers until shortly before expiry, sealed in the shared item', async () => {
    const clock = { now: 1_000_000 };
    const store = new MemoryTokenStore();
    const server = tokenEndpoint((_, count) => ({ accessToken: `token-${count}`, expiresInSeconds: 3600 }));
    const { webhook, auth } = await webhookWith({ scope: 'hooks' });
    const [a, b] = [container(store, server.endpoint, clock), container(store, server.endpoint, clock)];

    expect(await a.bearer(webhook, auth)).toEqual({ token: 'token-1' });
    expect(await a.bearer(webhook, auth)).toEqual({ token: 'token-1' });
    expect(await b.bearer(webhook, auth)).toEqual({ token: 'token-1' });
    expect(server.requests).toEqual([
      { tokenUrl: auth.tokenUrl, clientId: 'platform', clientSecret: 's3cret', scope: 'hooks' },
    ]);
    expect(store.token!.sealedToken).toMatch(/^v1:/);
    expect(JSON.stringify(store.token)).not.toContain('token-1');

    clock.now += 3600_000 - 59_000; // inside the last minute
    expect(await b.bearer(webhook, auth)).toEqual({ token: 'token-2' });
    expect(await a.bearer(webhook, auth)).toEqual({ token: 'token-2' });
    expect(server.requests).toHaveLength(2);
  });

  it('lets one container fetch while the others wait for its token', async () => {
    const clock = { now: 1_000_000 };
    const store = new MemoryTokenStore();
    const server = tokenEndpoint((_, count) => ({ accessToken: `token-${count}`, expiresInSeconds: 60 }));
    const { webhook, auth } = await webhookWith();
    server.hold();
    const answers = Promise.all(
      Array.from({ length: 5 }, () => container(store, server.endpoint, clock).bearer(webhook, auth)),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.release();
    expect(await answers).toEqual(Array(5).fill({ token: 'token-1' }));
    expect(server.requests).toHaveLength(1);
  });

  it("does not fetch again when another container stored its token between this one's read and its lease", async () => {
    const clock = { now: 1_000_000 };
    const server = tokenEndpoint((_, count) => ({ accessToken: `token-${count}`, expiresInSeconds: 3600 }));
    const { webhook, auth } = await webhookWith();
    const other = container(new MemoryTokenStore(), server.endpoint, clock);
    const store = new MemoryTokenStore();
    const read = store.read.bind(store);
    // the other container finishes (stores its token, ends its lease) right after this one's first read
    store.read = async () => {
      const seen = await read();
      if (store.reads === 1) {
        const { token } = (await other.bearer(webhook, auth)) as { token: string };
        await store.store(undefined, {
          sealedToken: await sealer.seal(token, { tenantId: 'acme', webhookId: 'webhook_1' }),
          fingerprint: tokenFingerprint(webhook, auth),
          refreshAtMs: clock.now + 3_000_000,
          expiresAtMs: clock.now + 3_600_000,
        });
      }
      return seen;
    };

    expect(await container(store, server.endpoint, clock).bearer(webhook, auth)).toEqual({ token: 'token-1' });
    expect(server.requests).toHaveLength(1);
  });

  it("reads the shared item once, and asks for one lease, for a batch's attempts that miss together", async () => {
    const clock = { now: 1_000_000 };
    const store = new MemoryTokenStore();
    const server = tokenEndpoint((_, count) => ({ accessToken: `token-${count}`, expiresInSeconds: 60 }));
    const { webhook, auth } = await webhookWith();
    const lane = container(store, server.endpoint, clock);

    const answers = await Promise.all(Array.from({ length: 10 }, () => lane.bearer(webhook, auth)));
    expect(answers).toEqual(Array(10).fill({ token: 'token-1' }));
    expect({ reads: store.reads, leaseAttempts: store.leaseAttempts, fetches: server.requests.length }).toEqual({
      reads: 1,
      leaseAttempts: 1,
      fetches: 1,
    });

    clock.now += 60_000; // due for refresh: the batch's attempts again share one read and one fetch
    expect(await Promise.all(Array.from({ length: 10 }, () => lane.bearer(webhook, auth)))).toEqual(
      Array(10).fill({ token: 'token-2' }),
    );
    expect({ reads: store.reads, leaseAttempts: store.leaseAttempts, fetches: server.requests.length }).toEqual({
      reads: 2,
      leaseAttempts: 2,
      fetches: 2,
    });
  });

  it('replaces a token the endpoint refused once, and a container holding the old one takes the new one', async () => {
    const clock = { now: 1_000_000 };
    const store = new MemoryTokenStore();
    const server = tokenEndpoint((_, count) => ({ accessToken: `token-${count}`, expiresInSeconds: 3600 }));
    const { webhook, auth } = await webhookWith();
    const [a, b] = [container(store, server.endpoint, clock), container(store, server.endpoint, clock)];
    await a.bearer(webhook, auth);
    await b.bearer(webhook, auth);

    expect(await a.bearer(webhook, auth, 'token-1')).toEqual({ token: 'token-2' });
    expect(await b.bearer(webhook, auth, 'token-1')).toEqual({ token: 'token-2' });
    expect(server.requests).toHaveLength(2);
  });

  it('fetches anew once the url or the credentials change', async () => {
    const clock = { now: 1_000_000 };
    const store = new MemoryTokenStore();
    const server = tokenEndpoint((_, count) => ({ accessToken: `token-${count}` }));
    const { webhook, auth } = await webhookWith();
    const tokens = container(store, server.endpoint, clock);
    await tokens.bearer(webhook, auth);
    expect(await tokens.bearer({ ...webhook, url: 'https://other.example.com/' }, auth)).toEqual({ token: 'token-2' });
    const changed = await webhookWith({ clientId: 'platform-2' });
    expect(await tokens.bearer({ ...changed.webhook, url: 'https://other.example.com/' }, changed.auth)).toEqual({
      token: 'token-3',
    });
  });

  it('answers a token endpoint failure with its reason, frees the lease, fetches on the next attempt', async () => {
    const clock = { now: 1_000_000 };
    const store = new MemoryTokenStore();
    let down = true;
    const server = tokenEndpoint((_, count) => (down ? { failure: 'HTTP 503' } : { accessToken: `token-${count}` }));
    const { webhook, auth } = await webhookWith();
    const tokens = container(store, server.endpoint, clock);
    expect(await tokens.bearer(webhook, auth)).toEqual({ failure: 'token_endpoint: HTTP 503' });
    expect(store.leaseUntilMs).toBeUndefined();
    down = false;
    expect(await tokens.bearer(webhook, auth)).toEqual({ token: 'token-2' });
  });

  it('gives up waiting on a lease another container never finishes, with a reason, until it lapses', async () => {
    const clock = { now: 1_000_000 };
    const store = new MemoryTokenStore();
    store.leaseUntilMs = clock.now + 10_000;
    const server = tokenEndpoint(() => ({ accessToken: 'fresh' }));
    const { webhook, auth } = await webhookWith();
    const tokens = new OAuth2Tokens({
      store,
      endpoint: server.endpoint,
      sealer,
      now: () => clock.now,
      pollMs: 1,
      waitForOthersMs: 0,
    });
    expect(await tokens.bearer(webhook, auth)).toEqual({
      failure: 'token_endpoint: another attempt is fetching the token; retried later',
    });
    clock.now += 10_000;
    expect(await tokens.bearer(webhook, auth)).toEqual({ token: 'fresh' });
  });
});
