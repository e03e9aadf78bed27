import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../errors.js';
import { limitSubject, type ClientAddressOf } from './client-address.js';
import type { AppEnv } from './context.js';
import type { Limit } from './limits.js';

// Rate limits without identity (DESIGN.md §2.2, §8). A network address is reduced at once to
// HMAC(day key, address) and lives only in this process's memory: the day key is random,
// never written anywhere, and replaced every 24 hours, so yesterday's keys cannot be linked
// to today's, nor to an address by anyone holding the database or the logs.

const DAY_MS = 86_400_000;

export class NetworkKeyer {
  private key = randomBytes(32);
  private rotatedAt: number;

  constructor(now: number) {
    this.rotatedAt = now;
  }

  keyFor(address: string, now: number): string {
    this.rotateIfDue(now);
    // node:crypto, not a JavaScript HMAC: this runs on every API request (MEASURED.md: 38-56 µs
    // in pure JS). 16 bytes keep buckets apart; the full tag would only cost memory.
    return createHmac('sha256', this.key).update(address).digest().subarray(0, 16).toString('base64url');
  }

  /** Which day key is current (replacing it when due): a key derived under another one is stale. */
  generation(now: number): number {
    this.rotateIfDue(now);
    return this.rotatedAt;
  }

  private rotateIfDue(now: number): void {
    if (now - this.rotatedAt >= DAY_MS) {
      this.key.fill(0);
      this.key = randomBytes(32);
      this.rotatedAt = now;
    }
  }
}

interface Window {
  count: number;
  resetAt: number;
}

export interface Hit {
  allowed: boolean;
  /** When the current window ends (epoch ms): the earliest a refused caller can succeed. */
  resetAt: number;
}

// The limiter's memory is bounded: an attacker holding many addresses (an IPv6 /48 is 65,536
// /64s) must not grow the map without end, nor make every hit walk it. Expired windows are swept
// at most once a second; past the cap the oldest windows go first. Evicting lets a key start
// afresh early, which only someone holding more than MAX_WINDOWS addresses can arrange, and they
// have that many budgets anyway.
const MAX_WINDOWS = 100_000;
const SWEEP_EVERY_MS = 1_000;

/** Fixed-window counters in memory, swept as they expire. */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private nextSweepAt = 0;

  constructor(private readonly maxWindows = MAX_WINDOWS) {}

  /** Counts one hit; not allowed when the key is over its limit for the current window. */
  hit(key: string, limit: number, windowMs: number, now: number): Hit {
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (w) this.windows.delete(key); // re-inserted below: Map order stays oldest window first
      else this.makeRoom(now);
      const resetAt = now + windowMs;
      this.windows.set(key, { count: 1, resetAt });
      return { allowed: limit >= 1, resetAt };
    }
    w.count++;
    return { allowed: w.count <= limit, resetAt: w.resetAt };
  }

  /** How many windows are held (for tests of the bound). */
  get size(): number {
    return this.windows.size;
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxWindows) return;
    if (now >= this.nextSweepAt) {
      this.nextSweepAt = now + SWEEP_EVERY_MS;
      for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    }
    for (const k of this.windows.keys()) {
      if (this.windows.size < this.maxWindows) break;
      this.windows.delete(k);
    }
  }
}

/** The TCP peer of a request; 'local' under app.request() in tests, which has no socket. */
export function peerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}

function refuse(hit: Hit, now: number): AppError {
  return new AppError('rate_limited', { retryAfter: Math.max(1, Math.ceil((hit.resetAt - now) / 1000)) });
}

export interface LimitRule extends Limit {
  name: string;
}

export interface NetworkLimits {
  limiter: RateLimiter;
  keyer: NetworkKeyer;
  clientAddress: ClientAddressOf;
  clock: () => number;
}

/**
 * The keyed hash of a connection's peer, kept with the connection (in memory, never the address)
 * while the day key stays the same: a keep-alive connection has one peer, so its requests need not
 * each compute an HMAC (3 % of an API request's time in a profile of the bench). Only for requests
 * without X-Forwarded-For: behind a proxy one connection carries many clients.
 */
const connectionKeys = new WeakMap<object, { generation: number; key: string }>();

/** The keyed hash of the request's client address, computed once per request however many limits apply. */
function networkKeyOf(c: Context<AppEnv>, deps: NetworkLimits, now: number): string {
  let key = c.get('networkKey');
  if (key === undefined) {
    const forwardedFor = c.req.header('x-forwarded-for');
    const socket = forwardedFor === undefined ? (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket : undefined;
    const generation = deps.keyer.generation(now);
    const known = socket ? connectionKeys.get(socket) : undefined;
    if (known && known.generation === generation) {
      key = known.key;
    } else {
      key = deps.keyer.keyFor(limitSubject(deps.clientAddress(peerAddress(c), forwardedFor)), now);
      if (socket) connectionKeys.set(socket, { generation, key });
    }
    c.set('networkKey', key);
  }
  return key;
}

export function limitByNetwork(deps: NetworkLimits, rule: LimitRule): MiddlewareHandler<AppEnv> {
  // Not async: a layer that only looks before the handler need not add a promise per request.
  return (c, next) => {
    const now = deps.clock();
    const hit = deps.limiter.hit(`${rule.name}:${networkKeyOf(c, deps, now)}`, rule.limit, rule.windowMs, now);
    if (!hit.allowed) throw refuse(hit, now);
    return next();
  };
}

/** Limits what one session holder can do, whatever network they come from. */
export function limitByPrincipal(limiter: RateLimiter, rule: LimitRule, clock: () => number): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const p = c.get('principal');
    if (p) {
      const now = clock();
      const id = p.kind === 'asker' ? p.identityId : p.staffId;
      const hit = limiter.hit(`${rule.name}:${id}`, rule.limit, rule.windowMs, now);
      if (!hit.allowed) throw refuse(hit, now);
    }
    return next();
  };
}
