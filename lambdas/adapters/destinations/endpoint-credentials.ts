import { createHash } from 'node:crypto';
import type { OAuth2Tokens } from '../../core/delivery/oauth2-tokens';
import type { SecretSealer } from '../../core/common/secret-sealer';
import type { Webhook } from '../../core/webhooks/webhook';
import type { ClientTls } from '../client-tls';

/** What an attempt presents to a webhook's endpoint: an Authorization header, a client certificate, or both. */
export interface Credentials {
  authorization?: string;
  /** The bearer token sent, so that a 401 can replace exactly this one. */
  bearer?: string;
  tls?: ClientTls;
}

/**
 * Opens a webhook's sealed endpoint secrets for one attempt (docs/design.md §17): basic credentials, an OAuth2
 * bearer token (lambdas/core/delivery/oauth2-tokens.ts) and the client certificate with its key. Webhooks without
 * `auth` or `tls` never come here. Secrets stay in memory for the request; nothing here logs or returns them in a
 * reason.
 */
export class EndpointCredentials {
  constructor(
    private readonly sealer: SecretSealer,
    private readonly tokens: OAuth2Tokens,
  ) {}

  /** The credentials, or a failed attempt's reason (`token_endpoint: …`); `rejectedBearer` was just refused (401). */
  async for(webhook: Webhook, rejectedBearer?: string): Promise<Credentials | { failure: string }> {
    const context = { tenantId: webhook.tenantId, webhookId: webhook.id };
    const credentials: Credentials = {};
    const { auth, tls } = webhook;
    if (auth?.type === 'basic') {
      const password = await this.sealer.open(auth.sealedPassword, context);
      credentials.authorization = `Basic ${Buffer.from(`${auth.username}:${password}`).toString('base64')}`;
    } else if (auth?.type === 'oauth2_client_credentials') {
      const bearer = await this.tokens.bearer(webhook, auth, rejectedBearer);
      if ('failure' in bearer) return bearer;
      credentials.authorization = `Bearer ${bearer.token}`;
      credentials.bearer = bearer.token;
    }
    if (tls) {
      credentials.tls = {
        // a connection pool per certificate, key and CA: a change of any of them gets new connections
        poolKey: createHash('sha256')
          .update(JSON.stringify([tls.clientCertificate, tls.sealedPrivateKey, tls.caCertificate]))
          .digest('base64url'),
        ...(tls.clientCertificate && tls.sealedPrivateKey
          ? { certificate: tls.clientCertificate, privateKey: await this.sealer.open(tls.sealedPrivateKey, context) }
          : {}),
        ...(tls.caCertificate ? { caCertificate: tls.caCertificate } : {}),
      };
    }
    return credentials;
  }
}
