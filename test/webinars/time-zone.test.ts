import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, instantOf, localTimeOf, zoneOffset } from '../../src/protocol/time-zone.js';

// Wall-clock times in IANA zones with Intl alone: the conversion staff input goes through.

describe('time zones', () => {
  it('accepts IANA names Intl knows, in their canonical spelling, and nothing else', () => {
    expect(canonicalTimeZone('Asia/Almaty')).toBe('Asia/Almaty');
    expect(canonicalTimeZone('asia/almaty')).toBe('Asia/Almaty');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    // Three-part names too (Intl may answer with its own canonical alias).
    expect(canonicalTimeZone('America/Argentina/Buenos_Aires')).toMatch(/Buenos_Aires$/);
    for (const bad of ['Mars/Olympus', '+05:00', 'GMT+5:00', '', 'Asia/Almaty ', '../etc/passwd', 'A'.repeat(65)]) expect([bad, canonicalTimeZone(bad)]).toEqual([bad, null]);
  });

  it('turns a wall-clock time into the instant and back', () => {
    expect(instantOf('2026-12-03T15:00', 'Asia/Almaty')).toBe(Date.UTC(2026, 11, 3, 10, 0));
    expect(instantOf('2026-07-01T12:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 1, 10, 0));
    expect(instantOf('2026-12-01T12:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 11, 1, 11, 0));
    expect(localTimeOf(Date.UTC(2026, 11, 3, 10, 0), 'Asia/Almaty')).toBe('2026-12-03T15:00');
    expect(zoneOffset(Date.UTC(2026, 11, 3), 'Asia/Almaty')).toBe(5 * 3_600_000);
  });

  it('refuses a time the zone skips and a date that does not exist; takes one of a time shown twice', () => {
    expect(instantOf('2027-03-28T02:30', 'Europe/Berlin')).toBeNull();
    expect(instantOf('2026-02-30T10:00', 'UTC')).toBeNull();
    expect(instantOf('2026-13-01T10:00', 'UTC')).toBeNull();
    expect(instantOf('2026-12-03 15:00', 'UTC')).toBeNull();
    // 02:30 on 25 October 2026 happens twice in Berlin (CEST, then CET).
    expect([Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 25, 1, 30)]).toContain(instantOf('2026-10-25T02:30', 'Europe/Berlin'));
  });

  it('round-trips every minute-aligned instant through its wall-clock time', () => {
    const zones = ['Asia/Almaty', 'Asia/Qyzylorda', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];
    fc.assert(fc.property(fc.integer({ min: 24 * 60, max: 200 * 365 * 24 * 60 }), fc.constantFrom(...zones), (minutes, zone) => {
      const instant = minutes * 60_000;
      const local = localTimeOf(instant, zone);
      const back = instantOf(local, zone);
      // Back to the same instant, or (a time shown twice) to another with the same wall clock.
      expect(back).not.toBeNull();
      expect(localTimeOf(back!, zone)).toBe(local);
    }), { numRuns: 500 });
  });
});
