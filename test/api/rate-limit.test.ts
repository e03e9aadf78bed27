import { describe, expect, it } from 'vitest';
import { NetworkKeyer, RateLimiter } from '../../src/http/rate-limit.js';

describe('network keyer', () => {
  it('never returns the address, and changes every key after a day', () => {
    const keyer = new NetworkKeyer(0);
    const a = keyer.keyFor('203.0.113.7', 1000);
    expect(a).not.toContain('203.0.113.7');
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(keyer.keyFor('203.0.113.7', 2000)).toBe(a);
    expect(keyer.keyFor('203.0.113.8', 2000)).not.toBe(a);
    expect(keyer.keyFor('203.0.113.7', 86_400_001)).not.toBe(a);
  });

  it('tells which day key is current, so that a key kept with a connection is dropped when it is replaced', () => {
    const keyer = new NetworkKeyer(0);
    const g = keyer.generation(1000);
    const a = keyer.keyFor('203.0.113.7', 1000);
    expect(keyer.generation(86_399_999)).toBe(g);
    expect(keyer.generation(86_400_000)).not.toBe(g);
    expect(keyer.keyFor('203.0.113.7', 86_400_000)).not.toBe(a);
  });
});

describe('rate limiter', () => {
  it('allows `limit` hits per window per key, and says when the window ends', () => {
    const limiter = new RateLimiter();
    const hits = Array.from({ length: 4 }, () => limiter.hit('k', 3, 1000, 0));
    expect(hits.map((h) => h.allowed)).toEqual([true, true, true, false]);
    expect(hits[3]!.resetAt).toBe(1000);
    expect(limiter.hit('other', 3, 1000, 0).allowed).toBe(true);
    expect(limiter.hit('k', 3, 1000, 1000)).toEqual({ allowed: true, resetAt: 2000 });
  });

  it('holds a bounded number of windows however many keys arrive, dropping expired ones first, then the oldest', () => {
    const limiter = new RateLimiter(1000);
    for (let i = 0; i < 5000; i++) limiter.hit(`flood:${i}`, 1, 60_000, i);
    expect(limiter.size).toBe(1000);
    // The newest keys are still counted: a second hit inside the window is refused.
    expect(limiter.hit('flood:4999', 1, 60_000, 5000).allowed).toBe(false);
    // Once windows have expired, a sweep frees them before anything live is evicted.
    const fresh = new RateLimiter(10);
    for (let i = 0; i < 5; i++) fresh.hit(`old:${i}`, 1, 10, 0);
    for (let i = 0; i < 5; i++) fresh.hit(`live:${i}`, 1, 60_000, 0);
    fresh.hit('new', 1, 60_000, 100);
    expect(fresh.size).toBe(6);
    expect(fresh.hit('live:0', 1, 60_000, 100).allowed).toBe(false);
  });
});
