import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { LRUCache } from 'lru-cache';
import { TENANT_TAG } from '../core/webhooks/aws-destination';

/** What an SDK client signs with (the shape of the SDK's own credential identity). */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** One role session per tenant and container, renewed this long before it expires. */
const RENEW_BEFORE_MS = 5 * 60_000;
const SESSION_SECONDS = 3600;
/** Tenants whose sessions a container keeps (each is a few hundred bytes). */
const MAX_SESSIONS = 1000;

export interface DestinationSessionsOptions {
  /** The platform's DestinationsRole; absent (local mode): the function's own credentials. */
  roleArn?: string;
  sts?: Pick<STSClient, 'send'>;
  now?: () => number;
}

/**
 * Credentials for sending into a tenant's own queue, topic or bus: a session of the platform's DestinationsRole
 * tagged `tenantId=<tenant>` (docs/design.md §17). A customer's resource policy admits the role only under its own
 * tenant's tag, so a delivery of tenant A can never be allowed into tenant B's destination, and no customer key
 * exists anywhere. One AssumeRole per tenant per container per session (an hour), shared by concurrent sends.
 */
export class DestinationSessions {
  private readonly sessions = new LRUCache<string, Promise<AwsCredentialIdentity>>({ max: MAX_SESSIONS });
  private readonly sts: Pick<STSClient, 'send'>;
  private readonly now: () => number;

  constructor(private readonly options: DestinationSessionsOptions) {
    this.sts = options.sts ?? new STSClient({});
    this.now = options.now ?? Date.now;
  }

  /** The provider an SDK client of this tenant signs with; undefined: the client's default credentials. */
  credentialsFor(tenantId: string): AwsCredentialIdentityProvider | undefined {
    if (!this.options.roleArn) return undefined;
    return () => this.session(tenantId);
  }

  private session(tenantId: string): Promise<AwsCredentialIdentity> {
    const cached = this.sessions.get(tenantId);
    if (cached) return cached.then((credentials) => (this.fresh(credentials) ? credentials : this.renew(tenantId)));
    return this.renew(tenantId);
  }

  private fresh(credentials: AwsCredentialIdentity): boolean {
    return credentials.expiration === undefined || credentials.expiration.getTime() - RENEW_BEFORE_MS > this.now();
  }

  private renew(tenantId: string): Promise<AwsCredentialIdentity> {
    const pending = this.assume(tenantId);
    this.sessions.set(tenantId, pending);
    // a refused AssumeRole is not kept: the next attempt asks again
    pending.catch(() => {
      if (this.sessions.get(tenantId) === pending) this.sessions.delete(tenantId);
    });
    return pending;
  }

  private async assume(tenantId: string): Promise<AwsCredentialIdentity> {
    const { Credentials: credentials } = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: this.options.roleArn,
        // shows in the customer's CloudTrail; tenant ids are letters, digits, '.', '_' and '-', all allowed here
        RoleSessionName: `webhooks-${tenantId}`.slice(0, 64),
        DurationSeconds: SESSION_SECONDS,
        Tags: [{ Key: TENANT_TAG, Value: tenantId }],
      }),
    );
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey)
      throw new Error('AssumeRole of the destinations role returned no credentials');
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
  }
}
