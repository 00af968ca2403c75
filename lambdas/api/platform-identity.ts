import type { PlatformConfig } from '../adapters/config';
import { platformIdentity, type PlatformIdentity } from '../core/webhooks/aws-destination';

/** The deployment's destinations role, when it has one: AWS destinations are checked against its account. */
export function platformIdentityOf(config: PlatformConfig): PlatformIdentity | undefined {
  return config.DESTINATIONS_ROLE_ARN ? platformIdentity(config.DESTINATIONS_ROLE_ARN) : undefined;
}
