import type { Db } from '../db/connection.js';
import type { ImpactQuery, ImpactReport } from '../protocol/api/impact.js';
import type { ImpactCounter } from './counter.js';
import { completedMonths, dayOf, monthRange, rangeOf, type DayRange } from './period.js';
import { buildReport, type WebinarFigures } from './report.js';
import { hasCounts, publicPageEnabled, readCounts, type PeriodCount } from './store.js';

// The report over the store and the counts still in memory, for the admin (any period) and for
// the public page (whole calendar months only: months do not overlap, so two published reports
// cannot be subtracted to reveal a few days' small counts; SECURITY.md, "Impact report").

export interface ImpactDeps {
  db: Db;
  counter: ImpactCounter;
  /** The webinars domain's figures (report.ts WebinarFigures; a stub until it is wired in app.ts). */
  webinars: WebinarFigures;
  clock: () => number;
}

/** How many past months the public page offers. */
const PUBLIC_MONTHS = 12;

export interface PublicMonthReport {
  /** The months on offer, newest first (none before the first month with figures has ended). */
  months: string[];
  /** The month shown and its report; null when no month is on offer yet. */
  shown: { month: string; report: ImpactReport } | null;
}

export function impactService(deps: ImpactDeps) {
  const { db, counter } = deps;

  /** The period's sums: what is stored plus what is still in memory. */
  const periodCounts = (range: DayRange): PeriodCount[] => {
    const sums = new Map<string, PeriodCount>();
    const add = (c: PeriodCount): void => {
      const key = `${c.metric}|${c.language}|${c.topic}`;
      const had = sums.get(key);
      if (had) had.count += c.count;
      else sums.set(key, { metric: c.metric, language: c.language, topic: c.topic, count: c.count });
    };
    readCounts(db, range).forEach(add);
    counter.unwritten().filter((r) => r.day >= range.from && r.day <= range.to).forEach(add);
    return [...sums.values()];
  };

  const reportOf = (range: DayRange): ImpactReport => buildReport(periodCounts(range), deps.webinars, range);

  /** Completed months with any figure, newest first. */
  const publicMonths = (): string[] => completedMonths(dayOf(deps.clock()), PUBLIC_MONTHS).filter((m) => hasCounts(db, monthRange(m)));

  return {
    /** The report an admin asked for (a validated query: a preset or dates). */
    report: (query: ImpactQuery): ImpactReport => reportOf(rangeOf(query, dayOf(deps.clock()))),
    publicPageEnabled: (): boolean => publicPageEnabled(db),
    /**
     * The public page's report of a completed month (the latest with figures when none is
     * asked), or null when the page is off or the month is not one on offer.
     */
    publicMonth: (month: string | undefined): PublicMonthReport | null => {
      if (!publicPageEnabled(db)) return null;
      const months = publicMonths();
      const chosen = month ?? months[0];
      if (chosen === undefined) return { months, shown: null };
      if (!months.includes(chosen)) return null;
      return { months, shown: { month: chosen, report: reportOf(monthRange(chosen)) } };
    },
  };
}

export type ImpactService = ReturnType<typeof impactService>;
