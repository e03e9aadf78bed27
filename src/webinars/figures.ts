import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { webinars } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { LANGUAGES, type Language } from '../protocol/api/common.js';

// The webinar figures of the impact report (DESIGN.md §7; issue 14 point 4): events held in a
// period with their registrations, attendance and recording views, per language. Aggregates of
// aggregates: the table holds only per-event counters, so nothing here is per person. Small
// counts are the report's to suppress, not this function's.

export interface WebinarFigureRow {
  /** Published events that started in the period and had ended by `now` (cancelled ones are not held). */
  held: number;
  /** Anonymous registrations for those events. */
  registrations: number;
  /** Live attendance summed over the events whose attendance staff have entered. */
  attendance: number;
  /** How many of the held events have an attendance figure (the rest are not yet entered). */
  attendanceReported: number;
  /** Recording views summed over the events that have a figure. */
  recordingViews: number;
}

export interface WebinarFigures {
  total: WebinarFigureRow;
  byLanguage: Record<Language, WebinarFigureRow>;
}

const empty = (): WebinarFigureRow => ({ held: 0, registrations: 0, attendance: 0, attendanceReported: 0, recordingViews: 0 });

/**
 * Webinars held with a start in [from, to) (ms since the epoch) that had ended by `now` (default:
 * the current time), totalled and per event language.
 */
export function webinarFigures(db: Db, period: { from: number; to: number; now?: number }): WebinarFigures {
  const now = period.now ?? Date.now();
  const rows = db.select({
    language: webinars.language,
    held: sql<number>`count(*)`,
    registrations: sql<number>`coalesce(sum(${webinars.registrations}), 0)`,
    attendance: sql<number>`coalesce(sum(${webinars.attendance}), 0)`,
    attendanceReported: sql<number>`count(${webinars.attendance})`,
    recordingViews: sql<number>`coalesce(sum(${webinars.recordingViews}), 0)`,
  }).from(webinars).where(and(
    eq(webinars.status, 'published'),
    gte(webinars.startsAt, period.from),
    lt(webinars.startsAt, period.to),
    sql`${webinars.startsAt} + ${webinars.durationMinutes} * 60000 <= ${now}`,
  )).groupBy(webinars.language).all();
  const byLanguage = Object.fromEntries(LANGUAGES.map((l) => [l, empty()])) as Record<Language, WebinarFigureRow>;
  const total = empty();
  for (const { language, ...figures } of rows) {
    byLanguage[language] = figures;
    for (const k of Object.keys(total) as (keyof WebinarFigureRow)[]) total[k] += figures[k];
  }
  return { total, byLanguage };
}
