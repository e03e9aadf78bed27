import { createHmac, randomBytes } from 'node:crypto';
import { dayOf } from './period.js';

// Distinct visitors per day, without an identifier (DESIGN.md §2.2, §7): no cookie, nothing
// written. A visitor is HMAC(salt, client address ‖ user agent), where the salt is 32 random
// bytes drawn when the day starts, held only in this object, and wiped and replaced when the
// next day starts; the set of today's hashes is memory only and is cleared with it. What leaves
// this object is one bit per visit ("first today"), added into a daily count.
//
// So: yesterday's hashes cannot be matched to today's, nor to an address, by anyone, the
// process included. A restart draws a new salt and starts an empty set: that day's returning
// visitors are counted once more (a restart loses at most that day's distinctness). Two people
// behind one address with the same browser count as one; one person with two browsers as two.

const DEFAULT_MAX = 200_000;

export class DailyVisitors {
  private salt = randomBytes(32);
  private day: number;
  private readonly seen = new Set<string>();
  /** Whether today's set reached its bound (further visitors today are not counted as new). */
  saturated = false;

  /**
   * `max` bounds the memory (a 16-byte hash each): a flood of made-up user agents must not grow
   * it without end. Past it, new visitors go uncounted until the next day; visits are still counted.
   */
  constructor(now: number, private readonly max = DEFAULT_MAX) {
    this.day = dayOf(now);
  }

  /** Whether this address and user agent come for the first time today. */
  firstToday(address: string, userAgent: string, now: number): boolean {
    this.rotateIfDue(now);
    // The address holds no NUL, so the first NUL ends it: no two pairs give the same input.
    const hash = createHmac('sha256', this.salt).update(address).update('\0').update(userAgent).digest().subarray(0, 16).toString('base64url');
    if (this.seen.has(hash)) return false;
    if (this.seen.size >= this.max) {
      this.saturated = true;
      return false;
    }
    this.seen.add(hash);
    return true;
  }

  /** Replaces the salt and forgets the set when the day has changed (also called by the hourly timer, so a quiet night does not keep yesterday's salt). */
  rotateIfDue(now: number): void {
    const today = dayOf(now);
    if (today === this.day) return;
    this.salt.fill(0);
    this.salt = randomBytes(32);
    this.seen.clear();
    this.saturated = false;
    this.day = today;
  }

  /** How many distinct visitors today (for tests). */
  get size(): number {
    return this.seen.size;
  }
}
