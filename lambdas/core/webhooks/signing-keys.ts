import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { SecretSealer } from '../common/secret-sealer';
import type { StoredSigningKey, Webhook } from './webhook';
import type { SealedClearSecrets } from './webhook-store';
import type * as z from 'zod/mini';
import type { PublicKeysSchema } from '../signing/public-keys-resource';

/** Standard Webhooks' prefix of an ed25519 public key: `whpk_` + standard base64 of its 32 raw bytes. */
export const PUBLIC_KEY_PREFIX = 'whpk_';

/** What one delivery is signed with right now: HMAC secrets (`v1`) and ed25519 private keys (`v1a`), current first. */
export interface SigningKeys {
  secrets: string[];
  privateKeys: KeyObject[];
}

/**
 * What opens a webhook's signing keys: its HMAC secrets are sealed under the tenant's data key (one KMS Decrypt per
 * tenant and container, tenant-key-sealer.ts), its ed25519 private keys under a data key of its own (EnvelopeSealer).
 */
export interface SigningSealers {
  secrets: SecretSealer;
  privateKeys: SecretSealer;
}

/** Binds a sealed private key to its webhook: a sealed value copied onto another webhook does not open. */
const sealContext = (webhook: Pick<Webhook, 'tenantId' | 'id'>) => ({
  tenantId: webhook.tenantId,
  webhookId: webhook.id,
});

/** A new key pair for a webhook, its private key sealed before it leaves this function. */
export async function newSigningKey(
  webhook: Pick<Webhook, 'tenantId' | 'id'>,
  sealer: SecretSealer,
): Promise<StoredSigningKey> {
  const { privateKey } = generateKeyPairSync('ed25519');
  // the JWK's x is the raw public key, base64url: Standard Webhooks wants standard base64
  const { d, x } = privateKey.export({ format: 'jwk' });
  return {
    publicKey: PUBLIC_KEY_PREFIX + Buffer.from(x!, 'base64url').toString('base64'),
    sealedPrivateKey: await sealer.seal(d!, sealContext(webhook)),
  };
}

/** The ed25519 signature of a Standard Webhooks signed content (`<id>.<timestamp>.<body>`), base64. */
export function ed25519Signature(privateKey: KeyObject, content: string): string {
  return sign(null, Buffer.from(content, 'utf8'), privateKey).toString('base64');
}

const stillValid = (expiresAt: string | undefined, now: Date) =>
  expiresAt !== undefined && Date.parse(expiresAt) > now.getTime();

/**
 * The keys a delivery is signed with right now: the current HMAC secret and ed25519 key, then, during a rotation,
 * the previous ones until they expire. Private keys are opened here, once per attempt, and never kept.
 */
export async function signingKeys(webhook: Webhook, now: Date, sealers: SigningSealers): Promise<SigningKeys> {
  const secrets = await hmacSecrets(webhook, now, sealers.secrets);
  const stored = [
    ...(webhook.signingKey ? [webhook.signingKey] : []),
    ...(webhook.previousSigningKey && stillValid(webhook.previousSigningKeyExpiresAt, now)
      ? [webhook.previousSigningKey]
      : []),
  ];
  // a JWK imports in about a tenth of the time PKCS#8 takes (≈50 µs against ≈370 µs here), so nothing is cached
  const privateKeys = await Promise.all(
    stored.map(async ({ publicKey, sealedPrivateKey }) =>
      createPrivateKey({
        key: {
          kty: 'OKP',
          crv: 'Ed25519',
          d: await sealers.privateKeys.open(sealedPrivateKey, sealContext(webhook)),
          x: Buffer.from(publicKey.slice(PUBLIC_KEY_PREFIX.length), 'base64').toString('base64url'),
        },
        format: 'jwk',
      }),
    ),
  );
  return { secrets, privateKeys };
}

/**
 * The public keys a receiver may verify with, current first, each with the time it stops signing (null: not planned).
 */
export type PublishedPublicKey = z.infer<typeof PublicKeysSchema>['data'][number];

/** What the public-keys item holds (written whenever a webhook's keys change); expired ones are left out when read. */
export function publicKeysOf(webhook: Webhook): PublishedPublicKey[] {
  if (!webhook.signingKey) return [];
  return [
    { publicKey: webhook.signingKey.publicKey, expiresAt: null },
    ...(webhook.previousSigningKey && webhook.previousSigningKeyExpiresAt
      ? [{ publicKey: webhook.previousSigningKey.publicKey, expiresAt: webhook.previousSigningKeyExpiresAt }]
      : []),
  ];
}

export const stillPublished = (key: PublishedPublicKey, now: Date) =>
  key.expiresAt === null || stillValid(key.expiresAt, now);

/**
 * The HMAC (`v1`) secrets a delivery is signed with right now, opened: the current one, and the previous during a
 * rotation. A webhook stored before secrets were sealed may still hold either in clear until its next write.
 */
async function hmacSecrets(webhook: Webhook, now: Date, sealer: SecretSealer): Promise<string[]> {
  const open = (sealed: string | undefined, clear: string | undefined) =>
    sealed !== undefined ? sealer.open(sealed, sealContext(webhook)) : clear;
  const previousValid = stillValid(webhook.previousSecretExpiresAt, now);
  const [current, previous] = await Promise.all([
    open(webhook.sealedSecret, webhook.secret),
    previousValid ? open(webhook.previousSealedSecret, webhook.previousSecret) : undefined,
  ]);
  if (current === undefined) throw new Error(`webhook ${webhook.id} has no signing secret`);
  return [current, ...(previous !== undefined ? [previous] : [])];
}

/** Seals the secrets a webhook still holds in clear (stored before sealing); undefined when it holds none. */
export async function sealClearSecrets(
  webhook: Webhook,
  sealer: SecretSealer,
): Promise<SealedClearSecrets | undefined> {
  if (webhook.secret === undefined && webhook.previousSecret === undefined) return undefined;
  const seal = (clear: string | undefined) =>
    clear === undefined ? undefined : sealer.seal(clear, sealContext(webhook));
  const [sealedSecret, previousSealedSecret] = await Promise.all([seal(webhook.secret), seal(webhook.previousSecret)]);
  return {
    ...(sealedSecret !== undefined ? { sealedSecret } : {}),
    ...(previousSealedSecret !== undefined ? { previousSealedSecret } : {}),
  };
}

/** A new signing secret of a webhook, sealed under its tenant's key. */
export const sealSecret = (webhook: Pick<Webhook, 'tenantId' | 'id'>, secret: string, sealer: SecretSealer) =>
  sealer.seal(secret, sealContext(webhook));
