import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EnvelopeSealer, type DataKeyProvider, type SecretSealer } from '../core/common/secret-sealer';
import { TenantKeySealer } from '../core/common/tenant-key-sealer';
import type { PlatformConfig } from './config';
import { KmsDataKeys } from './kms-data-keys';
import { LocalDataKeys } from './local-data-keys';
import { DynamoTenantKeyRepository } from './tenant-key-repository';

type SealerConfig = Pick<PlatformConfig, 'SECRETS_KEY_ARN' | 'SECRETS_LOCAL_KEY'>;

/**
 * The stack's KMS key (`SECRETS_KEY_ARN`, set with its grant by `bindSecretsKey`), else the local key
 * (`SECRETS_LOCAL_KEY`, set by the local runtime); undefined for a function given neither.
 */
function dataKeysFor(config: SealerConfig): DataKeyProvider | undefined {
  if (config.SECRETS_KEY_ARN) return new KmsDataKeys(config.SECRETS_KEY_ARN);
  if (config.SECRETS_LOCAL_KEY) return new LocalDataKeys(config.SECRETS_LOCAL_KEY);
  return undefined;
}

/** A function given no key cannot handle a sealed secret, and says so when it first has to. */
const refuse = async (): Promise<never> => {
  throw new Error('Invalid configuration: SECRETS_KEY_ARN or SECRETS_LOCAL_KEY is required by this function');
};
const missingKey: SecretSealer = { seal: refuse, open: refuse };

/** The sealer of a webhook's endpoint secrets and ed25519 private keys: a data key per webhook. */
export function secretSealerFor(config: SealerConfig): SecretSealer {
  const dataKeys = dataKeysFor(config);
  return dataKeys ? new EnvelopeSealer(dataKeys) : missingKey;
}

/** The sealer of webhooks' HMAC signing secrets: a data key per tenant, kept in the table (tenant-key-sealer.ts). */
export function signingSecretSealerFor(
  config: SealerConfig,
  client: DynamoDBDocumentClient,
  tableName: string,
): SecretSealer {
  const dataKeys = dataKeysFor(config);
  return dataKeys ? new TenantKeySealer(dataKeys, new DynamoTenantKeyRepository(client, tableName)) : missingKey;
}
