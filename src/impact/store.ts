import { between, eq, sql } from 'drizzle-orm';
import { impactCounts, impactSettings } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import type { Language } from '../protocol/api/common.js';
import type { ImpactTopic, StoredMetric } from '../protocol/api/impact.js';
import type { DayRange } from './period.js';

// The impact report's rows: daily sums, written in one transaction per flush (counter.ts), read
// summed over a period. Nothing here is per person; see schema.ts and SECURITY.md.

/** Where a count belongs: its day, metric, language and topic. */
export interface CountKey {
  day: number;
  metric: StoredMetric;
  language: Language;
  topic: ImpactTopic;
}
export interface CountRow extends CountKey {
  count: number;
}
/** A period's sum for one metric, language and topic. */
export type PeriodCount = Omit<CountRow, 'day'>;

/** Adds counts to their day's rows (a row is created by its first count). */
export function addCounts(db: Db, rows: readonly CountRow[]): void {
  if (rows.length === 0) return;
  db.transaction((tx) => {
    for (const row of rows) {
      if (row.count <= 0) continue;
      tx.insert(impactCounts).values(row)
        .onConflictDoUpdate({ target: [impactCounts.day, impactCounts.metric, impactCounts.language, impactCounts.topic], set: { count: sql`${impactCounts.count} + excluded.count` } })
        .run();
    }
  });
}

/** The period's counts, summed per metric, language and topic. */
export function readCounts(db: Db, range: DayRange): PeriodCount[] {
  return db.select({
    metric: impactCounts.metric,
    language: impactCounts.language,
    topic: impactCounts.topic,
    count: sql<number>`sum(${impactCounts.count})`.mapWith(Number),
  }).from(impactCounts)
    .where(between(impactCounts.day, range.from, range.to))
    .groupBy(impactCounts.metric, impactCounts.language, impactCounts.topic)
    .all();
}

/** Whether the admin has switched the public report page on (off until they do). */
export function publicPageEnabled(db: Db): boolean {
  return db.select({ on: impactSettings.publicPage }).from(impactSettings).where(eq(impactSettings.id, 1)).get()?.on ?? false;
}

export function setPublicPage(db: Db, on: boolean): void {
  db.insert(impactSettings).values({ id: 1, publicPage: on })
    .onConflictDoUpdate({ target: impactSettings.id, set: { publicPage: on } })
    .run();
}

/** Whether any count is stored for a day of the period (the public page offers only months that have figures). */
export function hasCounts(db: Db, range: DayRange): boolean {
  return db.select({ one: sql`1` }).from(impactCounts).where(between(impactCounts.day, range.from, range.to)).limit(1).get() !== undefined;
}
