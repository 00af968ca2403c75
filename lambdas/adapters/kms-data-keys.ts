import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DataKeyRefusedError,
  type DataKey,
  type DataKeyProvider,
  type EncryptionContext,
} from '../core/common/secret-sealer';

/**
 * Data keys from the stack's `SecretsKey`, each bound to its webhook (or, for signing secrets, its tenant) by the
 * encryption context: KMS decrypts a data key only for the context it was made for (and CloudTrail logs which one
 * each request opened).
 */
export class KmsDataKeys implements DataKeyProvider {
  constructor(
    private readonly keyArn: string,
    private readonly kms: Pick<KMSClient, 'send'> = new KMSClient({}),
  ) {}

  async generate(context: EncryptionContext): Promise<DataKey> {
    const answer = await this.kms.send(
      new GenerateDataKeyCommand({
        KeyId: this.keyArn,
        KeySpec: 'AES_256',
        EncryptionContext: { ...context },
      }),
    );
    if (!answer.Plaintext || !answer.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
    return { plaintext: answer.Plaintext, encrypted: answer.CiphertextBlob };
  }

  async decrypt(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    try {
      const answer = await this.kms.send(
        new DecryptCommand({
          KeyId: this.keyArn,
          CiphertextBlob: encrypted,
          EncryptionContext: { ...context },
        }),
      );
      if (!answer.Plaintext) throw new Error('KMS Decrypt returned no key');
      return answer.Plaintext;
    } catch (error) {
      // a data key of another context (or another key) is refused as this; anything else (throttling) stays itself
      if ((error as Error).name === 'InvalidCiphertextException') throw new DataKeyRefusedError();
      throw error;
    }
  }
}
