import { randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { describe, expect, it, vi } from 'vitest';
import { KmsDataKeys } from '../../lambdas/adapters/kms-data-keys';
import { LocalDataKeys } from '../../lambdas/adapters/local-data-keys';
import { secretSealerFor } from '../../lambdas/adapters/secret-sealer-instance';
import { EnvelopeSealer, SecretUnreadableError, type DataKeyProvider } from '../../lambdas/core/common/secret-sealer';

const context = { tenantId: 'acme', webhookId: 'webhook_01' };
const localKey = () => randomBytes(32).toString('base64');

function countingProvider(inner: DataKeyProvider) {
  const calls = { generate: 0, decrypt: 0 };
  const provider: DataKeyProvider = {
    generate: (c) => (calls.generate++, inner.generate(c)),
    decrypt: (e, c) => (calls.decrypt++, inner.decrypt(e, c)),
  };
  return { provider, calls };
}

/** Flips one bit of the part at `index` (1: data key, 2: iv, 3: ciphertext and tag). */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[index], 'base64url');
  bytes[bytes.length - 1] ^= 1;
  parts[index] = bytes.toString('base64url');
  return parts.join(':');
}

describe('EnvelopeSealer', () => {
  it('opens what it sealed, and the sealed text holds neither the secret nor its encoding', async () => {
    const sealer = new EnvelopeSealer(new LocalDataKeys(localKey()));
    const secret = 'client-secret-é-✓';
    const sealed = await sealer.seal(secret, context);
    expect(sealed).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64'));
    expect(await sealer.open(sealed, context)).toBe(secret);
    // another key opens nothing
    await expect(new EnvelopeSealer(new LocalDataKeys(localKey())).open(sealed, context)).rejects.toBeInstanceOf(
      SecretUnreadableError,
    );
  });

  it('a second container with the same key opens it; two seals of one secret differ', async () => {
    const key = localKey();
    const sealed = await new EnvelopeSealer(new LocalDataKeys(key)).seal('pw', context);
    expect(await new EnvelopeSealer(new LocalDataKeys(key)).open(sealed, context)).toBe('pw');
    const sealer = new EnvelopeSealer(new LocalDataKeys(key));
    expect(await sealer.seal('pw', context)).not.toBe(await sealer.seal('pw', context));
  });

  it.each([
    [1, 'the data key'],
    [2, 'the iv'],
    [3, 'the ciphertext or tag'],
  ])('refuses a value whose %s part (%s) was altered, ', async (index) => {
    const key = localKey();
    const sealed = await new EnvelopeSealer(new LocalDataKeys(key)).seal('secret', context);
    await expect(
      new EnvelopeSealer(new LocalDataKeys(key)).open(tamper(sealed, index), context),
    ).rejects.toBeInstanceOf(SecretUnreadableError);
  });

  it('refuses a value opened for another webhook or tenant, even with its data key cached', async () => {
    const key = localKey();
    const sealer = new EnvelopeSealer(new LocalDataKeys(key));
    const sealed = await sealer.seal('secret', context);
    for (const other of [
      { ...context, webhookId: 'webhook_02' },
      { ...context, tenantId: 'globex' },
    ]) {
      await expect(sealer.open(sealed, other)).rejects.toBeInstanceOf(SecretUnreadableError);
      await expect(new EnvelopeSealer(new LocalDataKeys(key)).open(sealed, other)).rejects.toBeInstanceOf(
        SecretUnreadableError,
      );
    }
  });

  it('refuses what is not a v1 value, with a message that holds none of it', async () => {
    const sealer = new EnvelopeSealer(new LocalDataKeys(localKey()));
    for (const bad of ['plain-password', 'v2:a:b:c', 'v1:a:b', 'v1::AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA']) {
      const error = await sealer.open(bad, context).catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(SecretUnreadableError);
      expect((error as Error).message).not.toContain(bad);
    }
  });

  it('caches data keys: one generate per webhook while sealing, no decrypt for keys it made or opened', async () => {
    const key = localKey();
    const writer = countingProvider(new LocalDataKeys(key));
    const sealer = new EnvelopeSealer(writer.provider);
    const first = await sealer.seal('a', context);
    await sealer.seal('b', context);
    await sealer.open(first, context);
    expect(writer.calls).toEqual({ generate: 1, decrypt: 0 });
    await sealer.seal('c', { ...context, webhookId: 'webhook_02' });
    expect(writer.calls.generate).toBe(2);

    const reader = countingProvider(new LocalDataKeys(key));
    const other = new EnvelopeSealer(reader.provider);
    await other.open(first, context);
    await other.open(first, context);
    expect(reader.calls).toEqual({ generate: 0, decrypt: 1 });
  });
});

describe('KmsDataKeys', () => {
  it('asks KMS for AES-256 data keys bound to the tenant and webhook, and maps a refusal', async () => {
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const dataKey = randomBytes(32);
    const send = vi.fn(async (command: unknown) => {
      if (command instanceof GenerateDataKeyCommand) {
        return { Plaintext: dataKey, CiphertextBlob: Buffer.from('blob') };
      }
      if (command instanceof DecryptCommand) {
        if (command.input.EncryptionContext?.webhookId !== context.webhookId) {
          throw Object.assign(new Error('refused'), { name: 'InvalidCiphertextException' });
        }
        return { Plaintext: dataKey };
      }
      throw new Error('unexpected command');
    });
    const provider = new KmsDataKeys(keyArn, { send } as never);
    const sealed = await new EnvelopeSealer(provider).seal('s3cret', context);
    expect(send.mock.calls[0][0]).toBeInstanceOf(GenerateDataKeyCommand);
    expect((send.mock.calls[0][0] as GenerateDataKeyCommand).input).toEqual({
      KeyId: keyArn,
      KeySpec: 'AES_256',
      EncryptionContext: { tenantId: 'acme', webhookId: 'webhook_01' },
    });
    expect(await new EnvelopeSealer(provider).open(sealed, context)).toBe('s3cret');
    await expect(
      new EnvelopeSealer(provider).open(sealed, { ...context, webhookId: 'webhook_02' }),
    ).rejects.toBeInstanceOf(SecretUnreadableError);
  });
});

describe('secretSealerFor', () => {
  it('is the local sealer with a local key, and says what is missing without either', async () => {
    const sealer = secretSealerFor({ SECRETS_LOCAL_KEY: localKey() });
    expect(await sealer.open(await sealer.seal('x', context), context)).toBe('x');
    await expect(secretSealerFor({}).seal('x', context)).rejects.toThrow(/SECRETS_KEY_ARN or SECRETS_LOCAL_KEY/);
  });
});
