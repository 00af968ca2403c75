import { EnvelopeSealer, type SecretSealer } from '../core/shared/secret-sealer';
import type { PlatformConfig } from './config';
import { KmsDataKeys } from './kms-data-keys';
import { LocalDataKeys } from './local-data-keys';

/**
 * The sealer of a function that reads or writes sealed secrets: the stack's KMS key (`SECRETS_KEY_ARN`, set with
 * its grant by `bindSecretsKey`), else the local key (`SECRETS_LOCAL_KEY`, set by the local runtime). A function
 * given neither cannot handle a sealed secret, and says so when it first has to.
 */
export function secretSealerFor(config: Pick<PlatformConfig, 'SECRETS_KEY_ARN' | 'SECRETS_LOCAL_KEY'>): SecretSealer {
  if (config.SECRETS_KEY_ARN) return new EnvelopeSealer(new KmsDataKeys(config.SECRETS_KEY_ARN));
  if (config.SECRETS_LOCAL_KEY) return new EnvelopeSealer(new LocalDataKeys(config.SECRETS_LOCAL_KEY));
  const missing = async (): Promise<never> => {
    throw new Error('Invalid configuration: SECRETS_KEY_ARN or SECRETS_LOCAL_KEY is required by this function');
  };
  return { seal: missing, open: missing };
}
