/**
 * What a webhook's `tls` gives a connection: its client certificate and key, and a CA trusted beside the public ones.
 */
export interface ClientTls {
  /** Names the combination: connections are pooled per pool key, never shared between two of them. */
  poolKey: string;
  certificate?: string;
  privateKey?: string;
  caCertificate?: string;
}
