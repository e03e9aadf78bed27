import { LANGUAGES, type Language } from '../protocol/api/common.js';
import {
  IMPACT_TOPICS, REPLY_BUCKETS, REPORT_METRICS, type ImpactReport, type ImpactTable, type ReplyBucket, type ReportMetric,
} from '../protocol/api/impact.js';
import { isoDay, type DayRange } from './period.js';
import { medianBucket, replyMetric } from './reply-time.js';
import type { PeriodCount } from './store.js';
import { SMALL_COUNT_LIMIT, suppress } from './suppression.js';

// The report of a period: each metric as a table by topic and language, suppressed
// (suppression.ts), and the median wait for a first reply. Only the published values leave
// this module: the true small counts never reach a page, the CSV or the JSON.

/** One language's webinar figures for a period. */
export interface WebinarCounts {
  held: number;
  registrations: number;
  attendance: number;
}

/**
 * The webinars domain's figures for a period (unix ms, `from` included, `to` excluded), per
 * language. app.ts passes it in; until the webinars domain is wired there, a stub gives zeros.
 */
export type WebinarFigures = (period: { from: number; to: number }) => Record<Language, WebinarCounts>;

export const noWebinars: WebinarFigures = () => ({
  ru: { held: 0, registrations: 0, attendance: 0 },
  kk: { held: 0, registrations: 0, attendance: 0 },
  en: { held: 0, registrations: 0, attendance: 0 },
});

/** Metrics broken down by topic; the others (visits, webinars) have one row. */
const TOPICAL: ReadonlySet<ReportMetric> = new Set<ReportMetric>([
  'consultations_opened', 'consultations_taken', 'consultations_answered', 'questions_submitted', 'answers_published', 'cases_opened', 'cases_answered',
]);
const WEBINAR_FIELD: Partial<Record<ReportMetric, keyof WebinarCounts>> = {
  webinars_held: 'held', webinar_registrations: 'registrations', webinar_attendance: 'attendance',
};

type Grid = Map<string, Record<Language, number>>;

const zeros = (): Record<Language, number> => ({ ru: 0, kk: 0, en: 0 });

function table(grid: Grid): ImpactTable {
  const topics = [...grid.keys()];
  // No topic with a count: an empty table whose totals are zeros (suppress() has no columns to total).
  if (topics.length === 0) return { rows: [], totals: zeros(), total: 0 };
  const t = suppress(topics.map((topic) => LANGUAGES.map((l) => grid.get(topic)![l])));
  const byLanguage = <T,>(xs: T[]): Record<Language, T> => ({ ru: xs[0]!, kk: xs[1]!, en: xs[2]! });
  return {
    rows: topics.map((topic, r) => ({ topic: topic as ImpactTable['rows'][number]['topic'], counts: byLanguage(t.cells[r]!), total: t.rowTotals[r]! })),
    totals: byLanguage(t.colTotals),
    total: t.total,
  };
}

/** The report of `range` from the period's counts and the webinar figures, every count suppressed. */
export function buildReport(counts: readonly PeriodCount[], webinars: WebinarFigures, range: DayRange): ImpactReport {
  const day = 86_400_000;
  const figures = webinars({ from: range.from * day, to: (range.to + 1) * day });
  const metrics = REPORT_METRICS.map((metric) => {
    const grid: Grid = new Map();
    const field = WEBINAR_FIELD[metric];
    if (field) {
      grid.set('none', { ru: figures.ru[field], kk: figures.kk[field], en: figures.en[field] });
    } else if (TOPICAL.has(metric)) {
      // Topics in the fixed order, only those with a count: a row of zeros says nothing.
      for (const topic of IMPACT_TOPICS) {
        const row = zeros();
        for (const c of counts) if (c.metric === metric && c.topic === topic) row[c.language] += c.count;
        if (LANGUAGES.some((l) => row[l] > 0)) grid.set(topic, row);
      }
    } else {
      const row = zeros();
      for (const c of counts) if (c.metric === metric) row[c.language] += c.count;
      grid.set('none', row);
    }
    return { metric, table: table(grid) };
  });
  const histogram = (languages: readonly Language[]): Record<ReplyBucket, number> => Object.fromEntries(REPLY_BUCKETS.map((b) => [b,
    counts.filter((c) => c.metric === replyMetric(b) && languages.includes(c.language)).reduce((a, c) => a + c.count, 0)])) as Record<ReplyBucket, number>;
  const median = (languages: readonly Language[]) => medianBucket(histogram(languages), SMALL_COUNT_LIMIT);
  return {
    from: isoDay(range.from),
    to: isoDay(range.to),
    metrics,
    medianReply: { ru: median(['ru']), kk: median(['kk']), en: median(['en']), all: median(LANGUAGES) },
  };
}
