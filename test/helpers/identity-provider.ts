import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export interface IdentityProvider {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /**
   * A token signed by the provider's key (RS256), valid for five minutes unless `expiresIn` says otherwise (`null`:
   * no `exp` at all); `crit` names header extensions the token requires; `kid` names a key the JWKS may not hold.
   */
  mint(claims: JWTPayload, options?: MintOptions): Promise<string>;
  /** A well-formed token signed by a key the JWKS does not hold. */
  mintWithForeignKey(claims: JWTPayload): Promise<string>;
  /** A token signed with HS256 and a shared secret, an algorithm the platform does not accept. */
  mintSymmetric(claims: JWTPayload): Promise<string>;
  /** Whether the JWKS is served (false: it answers 503, as a provider in an outage). */
  setJwksAvailable(available: boolean): void;
  stop(): Promise<void>;
}

interface MintOptions {
  audience?: string;
  expiresIn?: string | null;
  issuer?: string;
  crit?: string[];
  kid?: string;
}

/** A team's identity provider on loopback: its JWKS served over http, tokens minted with jose. */
export async function startIdentityProvider(): Promise<IdentityProvider> {
  const issuer = 'https://auth.example.test/';
  const audience = 'webhooks';
  const own = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(own.publicKey)), kid: 'own-key', alg: 'RS256', use: 'sig' };
  let jwksAvailable = true;
  const server = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
    if (!jwksAvailable) return void response.writeHead(503).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sign = (claims: JWTPayload, key: Parameters<SignJWT['sign']>[0], kid: string, options: MintOptions = {}) => {
    const token = new SignJWT(claims)
      .setProtectedHeader({
        alg: 'RS256',
        kid: options.kid ?? kid,
        // each critical extension is a header parameter of its own
        ...(options.crit
          ? { crit: options.crit, ...Object.fromEntries(options.crit.map((name) => [name, true])) }
          : {}),
      })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? audience)
      .setIssuedAt();
    if (options.expiresIn !== null) token.setExpirationTime(options.expiresIn ?? '5m');
    // jose signs a critical extension only when told it is understood
    return token.sign(key, { crit: Object.fromEntries((options.crit ?? []).map((name) => [name, true])) });
  };
  return {
    issuer,
    audience,
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    mint: (claims, options) => sign(claims, own.privateKey, 'own-key', options),
    mintWithForeignKey: (claims) => sign(claims, foreign.privateKey, 'own-key'),
    setJwksAvailable: (available) => {
      jwksAvailable = available;
    },
    mintSymmetric: (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: 'own-key' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!')),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
