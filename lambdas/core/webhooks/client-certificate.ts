import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

/** A PEM is at most this long (a certificate chain of a few certificates, or an RSA-4096 key, is well under). */
export const MAX_PEM_LENGTH = 16_384;

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM (a chain: the leaf first), or a problem in words. Never echoes the input. */
export function parseCertificates(pem: string): X509Certificate[] | string {
  const blocks = pem.match(CERTIFICATE_BLOCK);
  if (!blocks) return 'must be a PEM certificate (-----BEGIN CERTIFICATE-----)';
  try {
    return blocks.map((block) => new X509Certificate(block));
  } catch {
    return 'is not a readable X.509 certificate';
  }
}

/** The private key of a PEM (PKCS#8, PKCS#1 or SEC1, unencrypted), or a problem in words. Never echoes the input. */
export function parsePrivateKey(pem: string): KeyObject | string {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) return 'must be a PEM private key (-----BEGIN PRIVATE KEY-----)';
  if (pem.includes('ENCRYPTED')) return 'must not be encrypted with a passphrase';
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return 'is not a readable private key';
  }
}

/** Whether the key is the private half of the certificate's public key. */
export function keyMatchesCertificate(certificate: X509Certificate, key: KeyObject): boolean {
  return certificate.checkPrivateKey(key);
}

/** When the certificate stops being valid, as ISO-8601. */
export function certificateExpiry(certificate: X509Certificate): string {
  return new Date(certificate.validTo).toISOString();
}
