import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Issued {
  certificate: string;
  privateKey: string;
}

export interface TestCertificates {
  /** Signs the server certificate: the private CA a webhook's `tls.caCertificate` names. */
  serverCa: Issued;
  /** For 127.0.0.1 and localhost, signed by serverCa. */
  server: Issued;
  /** Signs the client certificates the receiver accepts. */
  clientCa: Issued;
  /** The platform's certificate for the webhook, signed by clientCa. */
  client: Issued;
  /** A certificate of another CA, which the receiver refuses. */
  strangerClient: Issued;
  /** A client certificate that expires in `soonDays` days (for the expiring notice). */
  expiringClient: Issued;
}

/**
 * Certificates for mutual TLS tests, made by the `openssl` CLI (Node's crypto makes keys but not certificates):
 * two private CAs, a server certificate for the loopback address, and client certificates.
 */
export function makeTestCertificates({ soonDays = 10 }: { soonDays?: number } = {}): TestCertificates {
  const directory = mkdtempSync(join(tmpdir(), 'webhooks-certs-'));
  const file = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: directory, stdio: 'pipe' });
  const read = (name: string): Issued => ({
    certificate: readFileSync(file(`${name}.crt`), 'utf8'),
    privateKey: readFileSync(file(`${name}.key`), 'utf8'),
  });
  const selfSigned = (name: string, subject: string) =>
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '30',
      '-subj',
      subject,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.crt`),
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  const issued = (name: string, subject: string, issuer: string, days: number, extensions: string) => {
    openssl(
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      subject,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.csr`),
    );
    writeFileSync(file(`${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file(`${issuer}.crt`),
      '-CAkey',
      file(`${issuer}.key`),
      '-CAcreateserial',
      '-days',
      String(days),
      '-out',
      file(`${name}.crt`),
      '-extfile',
      file(`${name}.ext`),
    );
  };
  try {
    selfSigned('server-ca', '/CN=Test Server CA');
    selfSigned('client-ca', '/CN=Test Client CA');
    selfSigned('stranger-ca', '/CN=Stranger CA');
    issued(
      'server',
      '/CN=localhost',
      'server-ca',
      30,
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
    );
    issued('client', '/CN=webhooks-platform', 'client-ca', 30, 'extendedKeyUsage=clientAuth\n');
    issued('stranger', '/CN=stranger', 'stranger-ca', 30, 'extendedKeyUsage=clientAuth\n');
    issued('expiring', '/CN=expiring-soon', 'client-ca', soonDays, 'extendedKeyUsage=clientAuth\n');
    return {
      serverCa: read('server-ca'),
      server: read('server'),
      clientCa: read('client-ca'),
      client: read('client'),
      strangerClient: read('stranger'),
      expiringClient: read('expiring'),
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
