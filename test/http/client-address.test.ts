import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientAddressResolver, limitSubject, trustProxySchema } from '../../src/http/client-address.js';
import { DEFAULT_LIMITS, rateLimitsSchema } from '../../src/http/limits.js';
import { loadConfig } from '../../src/config.js';

describe('TRUST_PROXY', () => {
  it('is off by default and parses a hop count or proxy addresses and CIDRs', () => {
    expect(trustProxySchema.parse(undefined)).toEqual({ kind: 'off' });
    expect(trustProxySchema.parse('1')).toEqual({ kind: 'hops', hops: 1 });
    expect(trustProxySchema.parse('127.0.0.1, 10.0.0.0/8,::1')).toEqual({ kind: 'addresses', entries: ['127.0.0.1', '10.0.0.0/8', '::1'] });
    for (const bad of ['yes', '10.0.0.0/33', '300.1.1.1', '99', 'fe80::/129', '1.2.3.4,']) {
      expect(trustProxySchema.safeParse(bad).success, bad).toBe(false);
    }
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('ignores X-Forwarded-For when off: spoofing it changes nothing', () => {
    const of = clientAddressResolver({ kind: 'off' });
    expect(of('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(of('::ffff:203.0.113.9', undefined)).toBe('203.0.113.9');
  });

  it('with a hop count, takes the address that many hops from the right', () => {
    const one = clientAddressResolver({ kind: 'hops', hops: 1 });
    // The client forged the left entry; the proxy appended the address it saw.
    expect(one('127.0.0.1', '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
    expect(one('127.0.0.1', undefined)).toBe('127.0.0.1');
    const two = clientAddressResolver({ kind: 'hops', hops: 2 });
    expect(two('127.0.0.1', '6.6.6.6, 198.51.100.7, 10.0.0.2')).toBe('198.51.100.7');
    expect(two('127.0.0.1', '198.51.100.7')).toBe('198.51.100.7');
  });

  it('with proxy addresses, trusts the header only from them and walks it from the right', () => {
    const of = clientAddressResolver({ kind: 'addresses', entries: ['127.0.0.1', '10.0.0.0/8'] });
    expect(of('203.0.113.9', '198.51.100.7')).toBe('203.0.113.9');
    expect(of('127.0.0.1', '6.6.6.6, 198.51.100.7, 10.1.2.3')).toBe('198.51.100.7');
    expect(of('127.0.0.1', '10.1.2.3')).toBe('10.1.2.3');
  });

  it('never crashes on a malformed header and never keys on a malformed entry', () => {
    const resolvers = [
      clientAddressResolver({ kind: 'hops', hops: 1 }),
      clientAddressResolver({ kind: 'hops', hops: 3 }),
      clientAddressResolver({ kind: 'addresses', entries: ['127.0.0.1'] }),
    ];
    expect(resolvers[0]!('127.0.0.1', 'not-an-ip')).toBe('127.0.0.1');
    expect(resolvers[2]!('127.0.0.1', '198.51.100.7, <script>')).toBe('127.0.0.1');
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (xff) => {
      for (const of of resolvers) {
        const got = of('127.0.0.1', xff);
        expect(got === '127.0.0.1' || xff.includes(got)).toBe(true);
        expect(got).toMatch(/^[0-9a-f.:]+$/i);
      }
    }));
  });
});

describe('limit subject', () => {
  it('counts an IPv6 address as its /64, however it is written, and an IPv4 address as itself', () => {
    expect(limitSubject('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(limitSubject('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(limitSubject('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(limitSubject('2001:db8:0:0:1::')).toBe('2001:db8:0:0::/64');
    expect(limitSubject('::1')).toBe('0:0:0:0::/64');
    expect(limitSubject('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(limitSubject('::ffff:1.2.3.4')).toBe('0:0:0:0::/64');
    expect(limitSubject('2001:db8:1:3::1')).not.toBe(limitSubject('2001:db8:1:2::1'));
    expect(limitSubject('198.51.100.7')).toBe('198.51.100.7');
    expect(limitSubject('local')).toBe('local');
  });
});

describe('RATE_LIMITS', () => {
  it('overrides named limits over the defaults and refuses unknown names or shapes', () => {
    const limits = rateLimitsSchema.parse('login=5/30s, network=100000/1m');
    expect(limits.login).toEqual({ limit: 5, windowMs: 30_000 });
    expect(limits.network).toEqual({ limit: 100_000, windowMs: 60_000 });
    expect(limits.search).toEqual(DEFAULT_LIMITS.search);
    expect(rateLimitsSchema.parse(undefined)).toEqual(DEFAULT_LIMITS);
    for (const bad of ['logins=5/1m', 'login=5', 'login=0/1m', 'login=5/1d', 'login=-1/1m']) {
      expect(rateLimitsSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});
