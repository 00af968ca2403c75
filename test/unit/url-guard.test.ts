import { describe, expect, it } from 'vitest';
import { findUrlProblem, isAllowedAddress } from '../../lambdas/core/common/url-guard';

const strict = { allowHttp: false, allowLoopback: false };
const local = { allowHttp: true, allowLoopback: true };

describe('Function: isAllowedAddress', () => {
  it.each([
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '100.64.0.1',
    '127.0.0.1',
    '127.255.255.254',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.1',
    '192.168.1.1',
    '198.18.0.1',
    '198.19.255.255',
    '224.0.0.1',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:10.0.0.1',
    '::127.0.0.1',
    '64:ff9b::a00:1',
    '2002:a00:1::',
    'ff02::1',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isAllowedAddress(address, strict)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(isAllowedAddress(address, strict)).toBe(true);
    },
  );

  it('allows loopback only where the policy says so', () => {
    expect(isAllowedAddress('127.0.0.1', local)).toBe(true);
    expect(isAllowedAddress('::1', local)).toBe(true);
    expect(isAllowedAddress('10.0.0.1', local)).toBe(false);
  });
});

describe('Function: findUrlProblem', () => {
  it.each([
    ['http://example.com/hooks', 'must use https'],
    ['ftp://example.com/hooks', 'must use https'],
    ['example.com/hooks', 'must be an absolute URL'],
    ['https://user:pass@example.com/', 'must not contain a user name or password'],
    ['https://user@example.com/', 'must not contain a user name or password'],
    [`https://example.com/${'x'.repeat(2040)}`, 'must be at most 2048 characters'],
    ['https://localhost/hooks', 'must not point at localhost'],
    ['https://LOCALHOST./hooks', 'must not point at localhost'],
    ['https://api.localhost/hooks', 'must not point at localhost'],
    // WHATWG URL parsing turns these spellings into dotted IPv4 before the guard sees them
    ['https://2130706433/', 'non-public'],
    ['https://0x7f000001/', 'non-public'],
    ['https://0177.0.0.1/', 'non-public'],
    ['https://127.1/', 'non-public'],
    ['https://0/', 'non-public'],
    ['https://[::1]/', 'non-public'],
    ['https://[::]/', 'non-public'],
    ['https://[::ffff:7f00:1]/', 'non-public'],
    ['https://[::ffff:169.254.169.254]/', 'non-public'],
    ['https://169.254.169.254./latest/meta-data', 'non-public'],
    ['https://10.0.0.1:8443/', 'non-public'],
    // the URL parser would drop these, so the URL stored would not be the one called
    ['https://example.com/ok\r\nHost: x', 'must not contain spaces or control characters'],
    ['https://exa\tmple.com/', 'must not contain spaces or control characters'],
    [' https://example.com/', 'must not contain spaces or control characters'],
    ['https://example.com/a b', 'must not contain spaces or control characters'],
    ['https://example.com/\u0085', 'must not contain spaces or control characters'],
  ])('refuses %j', (url, problem) => {
    expect(findUrlProblem(url, strict)).toContain(problem);
  });

  it.each(['https://example.com/hooks', 'https://93.184.215.14:8443/x?y=1', 'https://[2606:4700:4700::1111]/'])(
    'accepts %s',
    (url) => {
      expect(findUrlProblem(url, strict)).toBeUndefined();
    },
  );

  it('accepts http and loopback receivers in local mode only', () => {
    expect(findUrlProblem('http://127.0.0.1:4000/hooks', local)).toBeUndefined();
    expect(findUrlProblem('http://localhost:4000/hooks', local)).toBeUndefined();
    expect(findUrlProblem('http://127.0.0.1:4000/hooks', strict)).toBeDefined();
  });
});
