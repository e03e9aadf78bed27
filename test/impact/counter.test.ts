import { describe, expect, it } from 'vitest';
import { ImpactCounter } from '../../src/impact/counter.js';
import { completedMonths, monthRange, presetRange, rangeOf } from '../../src/impact/period.js';
import { medianBucket, replyBucket } from '../../src/impact/reply-time.js';
import type { CountRow } from '../../src/impact/store.js';
import { topicOfTags } from '../../src/impact/topics.js';
import { DailyVisitors } from '../../src/impact/visitors.js';
import { impactQuery } from '../../src/protocol/api/impact.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY;

function counterAt(start: number, options: { fail?: () => boolean; maxVisitorsPerDay?: number } = {}) {
  const clock = { now: start };
  const written: CountRow[][] = [];
  const errors: unknown[] = [];
  const counter = new ImpactCounter({
    clock: () => clock.now,
    write: (rows) => {
      if (options.fail?.()) throw new Error('disk full');
      written.push(rows.map((r) => ({ ...r })));
    },
    onError: (err) => errors.push(err),
    ...(options.maxVisitorsPerDay ? { maxVisitorsPerDay: options.maxVisitorsPerDay } : {}),
  });
  return { clock, written, errors, counter };
}

describe('the counter', () => {
  it('writes nothing during an hour, then the ended hour at once, as daily rows; the hour under way waits', () => {
    const start = Date.parse('2025-03-10T09:10:00Z');
    const { clock, written, counter } = counterAt(start);
    counter.count('consultations_opened', { language: 'ru', topic: 'anxiety' });
    clock.now += 20 * 60_000;
    counter.count('consultations_opened', { language: 'ru', topic: 'anxiety' });
    counter.flushIfDue();
    expect(written).toEqual([]);
    // The report still sees them.
    expect(counter.unwritten()).toEqual([{ day: day('2025-03-10'), metric: 'consultations_opened', language: 'ru', topic: 'anxiety', count: 2 }]);
    clock.now = Date.parse('2025-03-10T10:00:30Z');
    counter.count('questions_submitted', { language: 'kk', topic: 'none' });
    counter.flushIfDue();
    // The 10:00 question is not in the 10:00 write: that write holds the 9 o'clock hour alone.
    expect(written).toEqual([[{ day: day('2025-03-10'), metric: 'consultations_opened', language: 'ru', topic: 'anxiety', count: 2 }]]);
    expect(counter.unwritten()).toEqual([{ day: day('2025-03-10'), metric: 'questions_submitted', language: 'kk', topic: 'none', count: 1 }]);
    counter.close();
    expect(written[1]).toEqual([{ day: day('2025-03-10'), metric: 'questions_submitted', language: 'kk', topic: 'none', count: 1 }]);
    expect(counter.unwritten()).toEqual([]);
  });

  it('keeps counts in memory when a write fails, and writes them with the next hour', () => {
    let failing = true;
    const { clock, written, errors, counter } = counterAt(Date.parse('2025-03-10T09:00:00Z'), { fail: () => failing });
    counter.count('visits', { language: 'en', topic: 'none' });
    clock.now += HOUR;
    counter.flushIfDue();
    expect(errors).toHaveLength(1);
    expect(counter.unwritten()).toHaveLength(1);
    failing = false;
    counter.count('visits', { language: 'en', topic: 'none' });
    clock.now += HOUR;
    counter.flushIfDue();
    expect(written).toEqual([[{ day: day('2025-03-10'), metric: 'visits', language: 'en', topic: 'none', count: 2 }]]);
  });

  it('counts a visitor once a day per address and browser, again the next day, and stops growing at its bound', () => {
    const { clock, counter } = counterAt(Date.parse('2025-03-10T09:00:00Z'), { maxVisitorsPerDay: 3 });
    const totals = () => Object.fromEntries(counter.unwritten().map((r) => [`${r.day - day('2025-03-10')} ${r.metric} ${r.language}`, r.count]));
    counter.visit({ address: '192.0.2.1', userAgent: 'A', language: 'ru' });
    counter.visit({ address: '192.0.2.1', userAgent: 'A', language: 'kk' });
    counter.visit({ address: '192.0.2.1', userAgent: 'B', language: 'ru' });
    counter.visit({ address: '192.0.2.2', userAgent: 'A', language: 'ru' });
    expect(totals()).toEqual({ '0 visits ru': 3, '0 visits kk': 1, '0 visitors ru': 3 });
    counter.visit({ address: '192.0.2.3', userAgent: 'A', language: 'ru' });
    expect(counter.visitorsSaturated).toBe(true);
    clock.now += DAY;
    counter.visit({ address: '192.0.2.1', userAgent: 'A', language: 'ru' });
    expect(counter.visitorsSaturated).toBe(false);
    expect(totals()).toMatchObject({ '1 visitors ru': 1, '1 visits ru': 1 });
  });

  it('draws a new salt each day: the same visitor hashes differently, and the old set is gone', () => {
    const v = new DailyVisitors(Date.parse('2025-03-10T23:59:00Z'));
    expect(v.firstToday('192.0.2.1', 'A', Date.parse('2025-03-10T23:59:00Z'))).toBe(true);
    expect(v.firstToday('192.0.2.1', 'A', Date.parse('2025-03-10T23:59:30Z'))).toBe(false);
    v.rotateIfDue(Date.parse('2025-03-11T00:00:10Z'));
    expect(v.size).toBe(0);
    expect(v.firstToday('192.0.2.1', 'A', Date.parse('2025-03-11T00:00:20Z'))).toBe(true);
    // The pair is unambiguous: an address ending where the agent begins is another visitor.
    expect(v.firstToday('192.0.2.1A', '', Date.parse('2025-03-11T00:00:30Z'))).toBe(true);
  });
});

describe('periods, reply buckets and topics', () => {
  it('gives the presets as whole UTC days up to today', () => {
    const today = day('2025-05-14');
    expect(presetRange('last-5-weeks', today)).toEqual({ from: day('2025-04-10'), to: today });
    expect(presetRange('month', today)).toEqual({ from: day('2025-05-01'), to: today });
    expect(presetRange('quarter', today)).toEqual({ from: day('2025-04-01'), to: today });
    expect(presetRange('year', today)).toEqual({ from: day('2025-01-01'), to: today });
    expect(rangeOf(impactQuery.parse({ from: '2024-02-28', to: '2024-03-01' }), today)).toEqual({ from: day('2024-02-28'), to: day('2024-03-01') });
    expect(rangeOf(impactQuery.parse({}), today)).toEqual(presetRange('last-5-weeks', today));
    expect(monthRange('2024-02')).toEqual({ from: day('2024-02-01'), to: day('2024-02-29') });
    expect(completedMonths(day('2025-01-15'), 3)).toEqual(['2024-12', '2024-11', '2024-10']);
  });

  it('buckets waits and finds the bucket of the median, but not of fewer than 5', () => {
    expect([0, 59 * 60_000, HOUR, 4 * HOUR - 1, 4 * HOUR, 23 * HOUR, 24 * HOUR, 72 * HOUR, -5].map(replyBucket))
      .toEqual(['lt1h', 'lt1h', '1h-4h', '1h-4h', '4h-12h', '12h-24h', '1d-3d', 'gt3d', 'lt1h']);
    const h = { 'lt1h': 2, '1h-4h': 1, '4h-12h': 3, '12h-24h': 0, '1d-3d': 0, 'gt3d': 0 };
    expect(medianBucket(h, 5)).toBe('1h-4h'); // ranks 1-2 under an hour, 3 in 1-4 h: the lower median of 6 is the 3rd
    expect(medianBucket({ ...h, 'lt1h': 0 }, 5)).toBeNull();
  });

  it('takes a knowledge entry\'s topic from its first topic tag, with the seeded spelling of treatment', () => {
    expect(topicOfTags(['plhiv', 'adherence', 'sleep'])).toBe('treatment-adherence');
    expect(topicOfTags(['msm', 'sleep'])).toBe('sleep');
    expect(topicOfTags(['msm', 'none'])).toBe('none');
    expect(topicOfTags([])).toBe('none');
  });
});
