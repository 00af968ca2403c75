import * as z from 'zod/mini';
import '../common/zod-messages';
import type { EndpointAuthSchema, EndpointTlsSchema } from './webhook-resource';
import {
  MAX_PEM_LENGTH,
  certificateExpiry,
  keyMatchesCertificate,
  parseCertificates,
  parsePrivateKey,
} from './client-certificate';
import { ValidationError } from '../common/errors';
import { nonEmptyText } from '../common/field-schemas';
import type { SealContext, SecretSealer } from '../common/secret-sealer';

/**
 * How the platform authenticates to a webhook's HTTP endpoint (docs/design.md §17), as stored: the secret part
 * is sealed (lambdas/core/common/secret-sealer.ts), so reading the table reveals none of it, and the API never returns
 * it.
 */
export type StoredEndpointAuth =
  | {
      type: 'oauth2_client_credentials';
      tokenUrl: string;
      clientId: string;
      sealedClientSecret: string;
      scope?: string;
      audience?: string;
    }
  | { type: 'basic'; username: string; sealedPassword: string };

/** The webhook's client certificate and/or private CA for mutual TLS, as stored (the private key sealed). */
export interface StoredEndpointTls {
  clientCertificate?: string;
  sealedPrivateKey?: string;
  /** Trusted beside the public roots for the receiver's server certificate. */
  caCertificate?: string;
  certificateSubject?: string;
  certificateExpiresAt?: string;
}

/** `auth` as the API shows it: everything but the secret. */
export type EndpointAuthView = NonNullable<z.infer<typeof EndpointAuthSchema>>;

/** `tls` as the API shows it: who the certificates are and when the client certificate expires; no key. */
export type EndpointTlsView = NonNullable<z.infer<typeof EndpointTlsSchema>>;

const MAX_NAME_LENGTH = 256;
const MAX_SECRET_LENGTH = 1024;
/** Visible ASCII and inner spaces: these values travel in headers and form bodies. */
const VISIBLE_ASCII = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

const text = (maximum: number) =>
  nonEmptyText(maximum).check(
    z.regex(VISIBLE_ASCII, 'must be visible ASCII (spaces only between other characters), with no line breaks'),
  );

/** `auth` of create; the token URL follows the same rules as the webhook's URL. */
export const endpointAuthSchema = (urlSchema: z.ZodMiniType<string>) => authSchema(urlSchema, text(MAX_SECRET_LENGTH));

/**
 * `auth` of update: the secret may be left out to keep the stored one (`sealEndpointAuthChange`), so a form that
 * never shows a secret can still change the rest.
 */
export const endpointAuthChangeSchema = (urlSchema: z.ZodMiniType<string>) =>
  authSchema(urlSchema, z.optional(text(MAX_SECRET_LENGTH)));

function authSchema<Secret extends z.ZodMiniType<string | undefined>>(
  urlSchema: z.ZodMiniType<string>,
  secret: Secret,
) {
  return z.discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('oauth2_client_credentials'),
        tokenUrl: urlSchema,
        clientId: text(MAX_NAME_LENGTH),
        clientSecret: secret,
        scope: z.optional(text(MAX_SECRET_LENGTH)),
        audience: z.optional(text(MAX_SECRET_LENGTH)),
      }),
      z.strictObject({
        type: z.literal('basic'),
        // RFC 7617: the user-id cannot hold a colon
        username: text(MAX_NAME_LENGTH).check(z.refine((name) => !name.includes(':'), 'must not contain ":"')),
        password: secret,
      }),
    ],
    { error: 'must be {"type": "oauth2_client_credentials", …} or {"type": "basic", …}' },
  );
}

export type EndpointAuthInput = z.output<ReturnType<typeof endpointAuthSchema>>;
export type EndpointAuthChange = z.output<ReturnType<typeof endpointAuthChangeSchema>>;

/**
 * The stored form of an update's `auth`: its new secret sealed, or, when it gives none, the stored secret kept.
 * A secret is kept only for the same type and, for OAuth2, the same token URL, so a kept client secret is never
 * sent to a host it was not given for; otherwise the missing secret is a validation error naming its field.
 */
export async function sealEndpointAuthChange(
  auth: EndpointAuthChange,
  stored: StoredEndpointAuth | undefined,
  sealer: SecretSealer,
  context: SealContext,
): Promise<StoredEndpointAuth> {
  if (auth.type === 'basic') {
    if (auth.password !== undefined) return sealEndpointAuth({ ...auth, password: auth.password }, sealer, context);
    if (stored?.type === 'basic')
      return { type: 'basic', username: auth.username, sealedPassword: stored.sealedPassword };
    throw missingSecret('auth.password', 'basic auth');
  }
  const { clientSecret, ...rest } = auth;
  if (clientSecret !== undefined) return sealEndpointAuth({ ...rest, clientSecret }, sealer, context);
  if (stored?.type === 'oauth2_client_credentials' && stored.tokenUrl === auth.tokenUrl)
    return { ...rest, sealedClientSecret: stored.sealedClientSecret };
  throw missingSecret('auth.clientSecret', 'OAuth2 client credentials with this token URL');
}

function missingSecret(path: string, what: string): ValidationError {
  const message = `is required: there is no stored secret of ${what} to keep`;
  return new ValidationError(`Invalid webhook: ${path}: ${message}`, [{ path, message }]);
}

const pem = nonEmptyText(MAX_PEM_LENGTH, 'must be a PEM string');

/**
 * `tls` of create and update: a client certificate with its key, a private CA, or both. The PEMs must parse, the
 * key must match the certificate, and the certificate must still be valid; no message ever quotes a PEM.
 */
export const endpointTlsSchema = z
  .strictObject(
    { clientCertificate: z.optional(pem), privateKey: z.optional(pem), caCertificate: z.optional(pem) },
    { error: 'must be an object with clientCertificate and privateKey (PEM), and/or caCertificate (PEM)' },
  )
  .check(
    z.superRefine((tls, ctx) => {
      const problem = (path: string, message: string) =>
        ctx.addIssue({ code: 'custom', message, path: [path], input: '' });
      if (!tls.clientCertificate && !tls.privateKey && !tls.caCertificate) {
        ctx.addIssue({
          code: 'custom',
          message: 'must give clientCertificate and privateKey, or caCertificate',
          input: '',
        });
        return;
      }
      if (Boolean(tls.clientCertificate) !== Boolean(tls.privateKey)) {
        problem(
          tls.clientCertificate ? 'privateKey' : 'clientCertificate',
          'is required with the other half of the pair',
        );
        return;
      }
      if (tls.caCertificate) {
        const ca = parseCertificates(tls.caCertificate);
        if (typeof ca === 'string') problem('caCertificate', ca);
      }
      if (!tls.clientCertificate || !tls.privateKey) return;
      const certificates = parseCertificates(tls.clientCertificate);
      if (typeof certificates === 'string') return problem('clientCertificate', certificates);
      const key = parsePrivateKey(tls.privateKey);
      if (typeof key === 'string') return problem('privateKey', key);
      if (!keyMatchesCertificate(certificates[0]!, key)) {
        return problem('privateKey', "does not match the client certificate's public key");
      }
      if (Date.parse(certificates[0]!.validTo) <= Date.now()) problem('clientCertificate', 'has expired');
    }),
  );

export type EndpointTlsInput = z.output<typeof endpointTlsSchema>;

/** The stored form of `auth`: its secret sealed for this webhook. */
export async function sealEndpointAuth(
  auth: EndpointAuthInput,
  sealer: SecretSealer,
  context: SealContext,
): Promise<StoredEndpointAuth> {
  if (auth.type === 'basic') {
    return { type: 'basic', username: auth.username, sealedPassword: await sealer.seal(auth.password, context) };
  }
  const { clientSecret, ...rest } = auth;
  return { ...rest, sealedClientSecret: await sealer.seal(clientSecret, context) };
}

/** The stored form of `tls`: the private key sealed, the certificate's subject and expiry noted for the API. */
export async function sealEndpointTls(
  tls: EndpointTlsInput,
  sealer: SecretSealer,
  context: SealContext,
): Promise<StoredEndpointTls> {
  const stored: StoredEndpointTls = {};
  if (tls.clientCertificate && tls.privateKey) {
    const leaf = (
      parseCertificates(tls.clientCertificate) as Exclude<ReturnType<typeof parseCertificates>, string>
    )[0]!;
    stored.clientCertificate = tls.clientCertificate;
    stored.sealedPrivateKey = await sealer.seal(tls.privateKey, context);
    stored.certificateSubject = leaf.subject.replaceAll('\n', ', ');
    stored.certificateExpiresAt = certificateExpiry(leaf);
  }
  if (tls.caCertificate) stored.caCertificate = tls.caCertificate;
  return stored;
}

export function endpointAuthView(auth: StoredEndpointAuth): EndpointAuthView {
  if (auth.type === 'basic') return { type: 'basic', username: auth.username };
  return {
    type: auth.type,
    tokenUrl: auth.tokenUrl,
    clientId: auth.clientId,
    scope: auth.scope ?? null,
    audience: auth.audience ?? null,
  };
}

export function endpointTlsView(tls: StoredEndpointTls): EndpointTlsView {
  return {
    certificateSubject: tls.certificateSubject ?? null,
    certificateExpiresAt: tls.certificateExpiresAt ?? null,
    caCertificate: tls.caCertificate !== undefined,
  };
}
