import ipaddr from 'ipaddr.js';

/** Which destinations a deployment accepts. Local mode allows plain http and loopback receivers; AWS allows neither. */
export interface UrlPolicy {
  allowHttp: boolean;
  allowLoopback: boolean;
}

export const MAX_URL_LENGTH = 2048;

/**
 * Whether a webhook may be delivered to this IP address. Only globally routable unicast addresses pass
 * (plus loopback where the policy allows it): private, CGNAT, link-local (cloud metadata), multicast,
 * reserved, benchmarking, documentation and IPv4-embedding IPv6 forms are refused.
 */
export function isAllowedAddress(address: string, policy: UrlPolicy): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (parsed.kind() === 'ipv6' && isIpv4Compatible(parsed as ipaddr.IPv6)) return false;
  const range = parsed.range();
  if (range === 'unicast') return true;
  return policy.allowLoopback && range === 'loopback';
}

/** Deprecated `::a.b.c.d` form: ipaddr calls it unicast, but it reaches the embedded IPv4 address. */
function isIpv4Compatible(address: ipaddr.IPv6): boolean {
  return address.parts.slice(0, 6).every((part) => part === 0) && address.range() !== 'loopback';
}

const LOOPBACK_NAMES = /^(localhost|.+\.localhost)$/;
const SPACE_OR_CONTROL = /[\x00-\x20\x7f-\x9f]/;

/**
 * The reason a webhook URL is refused, or undefined when it is acceptable. DNS names are checked again at
 * delivery time, against the addresses they resolve to; here only what the URL itself says is judged.
 */
export function findUrlProblem(raw: string, policy: UrlPolicy): string | undefined {
  if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  // the URL parser drops tabs and line breaks and trims spaces: what is stored must be what is called
  if (SPACE_OR_CONTROL.test(raw)) return 'must not contain spaces or control characters (tabs, line breaks)';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    return policy.allowHttp ? 'must use https or http' : 'must use https';
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  const host = url.hostname.replace(/\.$/, '').toLowerCase();
  if (host === '') return 'must have a host';
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (ipaddr.isValid(literal)) {
    return isAllowedAddress(literal, policy)
      ? undefined
      : 'must not point at a private, loopback, link-local or otherwise non-public address';
  }
  if (LOOPBACK_NAMES.test(host) && !policy.allowLoopback) return 'must not point at localhost';
  return undefined;
}
