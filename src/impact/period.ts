import type { ImpactPreset, ImpactQuery } from '../protocol/api/impact.js';

// Report periods as UTC day numbers (days since 1970-01-01), first and last day both included.
// Stored counts are per UTC day; a period is whole days, and a month or a quarter is the
// calendar's (Kazakhstan is UTC+5: a day's counts start at 05:00 local time, a shift of hours
// at a month's edge, not of days).

export interface DayRange {
  from: number;
  to: number;
}

const DAY_MS = 86_400_000;

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);
export const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const parseIsoDay = (s: string): number => dayOf(Date.parse(`${s}T00:00:00Z`));

const utcDay = (year: number, month: number, date: number): number => dayOf(Date.UTC(year, month, date));

/** A preset's days up to and including today: the last five weeks, or this month, quarter or year so far. */
export function presetRange(preset: ImpactPreset, today: number): DayRange {
  const d = new Date(today * DAY_MS);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  switch (preset) {
    case 'last-5-weeks': return { from: today - 34, to: today };
    case 'month': return { from: utcDay(year, month, 1), to: today };
    case 'quarter': return { from: utcDay(year, month - (month % 3), 1), to: today };
    case 'year': return { from: utcDay(year, 0, 1), to: today };
  }
}

/** The days a validated report query asks for (no preset and no dates: the last five weeks). */
export function rangeOf(query: ImpactQuery, today: number): DayRange {
  if (query.from !== undefined && query.to !== undefined) return { from: parseIsoDay(query.from), to: parseIsoDay(query.to) };
  return presetRange(query.preset ?? 'last-5-weeks', today);
}

/** `YYYY-MM` of a day. */
export const monthOf = (day: number): string => isoDay(day).slice(0, 7);

/** The days of a calendar month `YYYY-MM`. */
export function monthRange(month: string): DayRange {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return { from: utcDay(year, m - 1, 1), to: utcDay(year, m, 1) - 1 };
}

/** The last `count` whole calendar months before today's, newest first. */
export function completedMonths(today: number, count: number): string[] {
  const d = new Date(today * DAY_MS);
  return Array.from({ length: count }, (_, i) => monthOf(utcDay(d.getUTCFullYear(), d.getUTCMonth() - 1 - i, 1)));
}
