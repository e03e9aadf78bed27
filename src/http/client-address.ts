import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

// Which network address a request counts against for rate limits (DESIGN.md §2.2: the address
// is reduced at once to a keyed hash in memory; it is never stored or logged). Behind a TLS
// proxy every request arrives from the proxy, so every user would share one bucket; the proxy's
// `X-Forwarded-For` names the client, but anyone can send that header, so it is read only when
// the operator said which peers are proxies (TRUST_PROXY), and only the part those proxies wrote.

export type TrustProxy =
  | { kind: 'off' }
  /** This many proxies in front: the client is that many hops from the right of peer + XFF. */
  | { kind: 'hops'; hops: number }
  /** Proxies by address or CIDR: walk XFF from the right, skipping them. */
  | { kind: 'addresses'; entries: string[] };

const MAX_HOPS = 10;
// A proxy chain longer than this is not a deployment but an attacker padding the header.
const MAX_XFF_ENTRIES = 32;

function familyOf(address: string): 'ipv4' | 'ipv6' | null {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : null;
}

/** An address or `address/prefix`, or null when it is neither. */
function parseEntry(entry: string): { address: string; prefix: number | null; family: 'ipv4' | 'ipv6' } | null {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = familyOf(address);
  if (!family) return null;
  if (slash < 0) return { address, prefix: null, family };
  const text = entry.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(text) ? Number(text) : -1;
  if (prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128)) return null;
  return { address, prefix, family };
}

/** `off` (default), a hop count (`1`), or a comma-separated list of proxy addresses and CIDRs. */
export const trustProxySchema = z.string().default('off').transform((raw, ctx): TrustProxy => {
  const value = raw.trim();
  if (value === '' || value === 'off' || value === 'false' || value === '0') return { kind: 'off' };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_HOPS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_HOPS} hops` });
    return { kind: 'hops', hops };
  }
  const entries = value.split(',').map((e) => e.trim());
  if (entries.some((e) => parseEntry(e) === null)) ctx.addIssue({ code: 'custom', message: 'a hop count or proxy addresses/CIDRs' });
  return { kind: 'addresses', entries };
});

/** `::ffff:192.0.2.1` (IPv4 on a dual-stack socket) and `192.0.2.1` are one client. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** The proxies' forwarded chain, nearest hop first, bounded. */
function forwardedChain(xff: string): string[] {
  const parts = xff.split(',');
  const chain: string[] = [];
  for (let i = parts.length - 1; i >= 0 && chain.length < MAX_XFF_ENTRIES; i--) {
    const p = parts[i]!.trim();
    if (p !== '') chain.push(normalise(p));
  }
  return chain;
}

export type ClientAddressOf = (peer: string, forwardedFor: string | undefined) => string;

/**
 * The address to rate-limit for a TCP peer and its `X-Forwarded-For` (undefined when absent).
 * Without TRUST_PROXY the header is ignored, so spoofing it escapes nothing. A malformed entry is
 * never a key: the nearest hop that is a well-formed address is used instead.
 */
export function clientAddressResolver(trust: TrustProxy): ClientAddressOf {
  if (trust.kind === 'off') return (peer) => normalise(peer);
  if (trust.kind === 'hops') {
    return (peer, xff) => {
      const hops = [normalise(peer), ...(xff ? forwardedChain(xff) : [])];
      const at = Math.min(trust.hops, hops.length - 1);
      for (let i = at; i > 0; i--) if (familyOf(hops[i]!)) return hops[i]!;
      return hops[0]!;
    };
  }
  const proxies = new BlockList();
  for (const e of trust.entries) {
    const { address, prefix, family } = parseEntry(e)!;
    if (prefix === null) proxies.addAddress(address, family);
    else proxies.addSubnet(address, prefix, family);
  }
  const trusted = (address: string): boolean => {
    const family = familyOf(address);
    return family !== null && proxies.check(address, family);
  };
  return (peer, xff) => {
    let client = normalise(peer);
    if (!trusted(client) || !xff) return client;
    for (const hop of forwardedChain(xff)) {
      if (!familyOf(hop)) return client;
      client = hop;
      if (!trusted(hop)) return client;
    }
    return client;
  };
}

/** The eight 16-bit groups of a valid IPv6 literal (`::` expanded, an IPv4 tail as two groups). */
function ipv6Groups(address: string): number[] {
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').flatMap((g) => {
    if (!g.includes('.')) return [parseInt(g, 16)];
    const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  }));
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * What a rate limit counts for a client address. One IPv6 subscriber is given a whole /64 (often
 * a /56) and can rotate through it at will, so an IPv6 address counts as its /64; IPv4 as itself.
 */
export function limitSubject(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${ipv6Groups(address).slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}
