import { isIPv4, isIPv6 } from 'node:net';
import { linearRegExp } from './linear-regexp';

/**
 * The `format`s a team's JSON Schemas may use, each checked in time linear in the string: by a parser (`URL`,
 * node:net) or an RE2 pattern, never a backtracking regular expression (ajv-formats' `url` takes seconds on
 * `"http://" + "a" × 30 + "!"`, doubling per character). A schema naming any other format is refused when compiled.
 */
const matches = (pattern: string) => {
  const expression = linearRegExp(pattern);
  return (text: string) => expression.test(text);
};

const FULL_DATE = matches('^(\\d{4})-(\\d{2})-(\\d{2})$');
const FULL_TIME = matches('(?i)^(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?(z|[+-](\\d{2}):(\\d{2}))$');
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

function isDate(text: string): boolean {
  if (!FULL_DATE(text)) return false;
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  const days = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

function isTime(text: string): boolean {
  if (!FULL_TIME(text)) return false;
  const [hour, minute, second] = text.slice(0, 8).split(':').map(Number) as [number, number, number];
  const offset = /[+-]\d\d:\d\d$/.exec(text)?.[0];
  const offsetFits = !offset || (Number(offset.slice(1, 3)) <= 23 && Number(offset.slice(4, 6)) <= 59);
  // a leap second (60) as RFC 3339 allows it
  return hour <= 23 && minute <= 59 && second <= 60 && offsetFits;
}

function isDateTime(text: string): boolean {
  const separator = text.length > 10 ? text[10] : undefined;
  return (
    (separator === 'T' || separator === 't' || separator === ' ') && isDate(text.slice(0, 10)) && isTime(text.slice(11))
  );
}

const HOSTNAME_LABELS = matches('(?i)^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?$');
const isHostname = (text: string) => text.length >= 1 && text.length <= 253 && HOSTNAME_LABELS(text);

/** No white space or control character anywhere: `URL` would silently drop a tab or a line break. */
const NO_SPACE_OR_CONTROL = matches('^[^\\x00-\\x20\\x7f]*$');
const SCHEME = matches('^[a-zA-Z][a-zA-Z0-9+.-]*:');

function parsesAsUrl(text: string, base?: string): URL | undefined {
  if (!NO_SPACE_OR_CONTROL(text)) return undefined;
  try {
    return new URL(text, base);
  } catch {
    return undefined;
  }
}

const isUri = (text: string) => SCHEME(text) && parsesAsUrl(text) !== undefined;
const isUriReference = (text: string) => parsesAsUrl(text, 'http://reference.invalid/') !== undefined;
const WEB_SCHEMES = new Set(['http:', 'https:', 'ftp:']);
function isUrl(text: string): boolean {
  const url = SCHEME(text) ? parsesAsUrl(text) : undefined;
  if (!url || !WEB_SCHEMES.has(url.protocol)) return false;
  const host = url.hostname;
  return isHostname(host) || isIPv4(host) || (host.startsWith('[') && isIPv6(host.slice(1, -1)));
}

const EMAIL_LOCAL = matches("(?i)^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$");
function isEmail(text: string): boolean {
  const at = text.lastIndexOf('@');
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  return at > 0 && local.length <= 64 && EMAIL_LOCAL(local) && domain.includes('.') && isHostname(domain);
}

function isRegex(text: string): boolean {
  try {
    new RegExp(text, 'u');
    return true;
  } catch {
    return false;
  }
}

const DURATION = matches('^P((\\d+Y)?(\\d+M)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?|\\d+W)$');
const isDuration = (text: string) => DURATION(text) && text !== 'P' && !text.endsWith('T');

/** The formats, for Ajv's `formats` option: each applies to strings only, other types pass as the standard says. */
export const JSON_SCHEMA_FORMATS: Record<string, { type: 'string'; validate: (text: string) => boolean }> =
  Object.fromEntries(
    Object.entries({
      date: isDate,
      time: isTime,
      'date-time': isDateTime,
      duration: isDuration,
      uri: isUri,
      'uri-reference': isUriReference,
      url: isUrl,
      hostname: isHostname,
      email: isEmail,
      ipv4: isIPv4,
      ipv6: isIPv6,
      uuid: matches('(?i)^(urn:uuid:)?[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'),
      'json-pointer': matches('^(/([^~/]|~0|~1)*)*$'),
      regex: isRegex,
    }).map(([name, validate]) => [name, { type: 'string' as const, validate }]),
  );
