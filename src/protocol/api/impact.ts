import { z } from 'zod';
import { TOPICS } from '../thread-metadata.js';
import { languageSchema } from './common.js';

// The wire shapes of the impact report (DESIGN.md §7): what is counted, and the report as an
// admin or the public page sees it. Nothing here is per person: the store holds one count per
// (day, metric, language, topic), and every published count below 5 is "<5" (impact/suppression.ts).

/** What the service counts as it happens (impact/counter.ts). */
export const COUNTED_METRICS = [
  'visits', 'visitors',
  'consultations_opened', 'consultations_taken', 'consultations_answered',
  'questions_submitted', 'answers_published',
  'cases_opened', 'cases_answered',
] as const;
export type CountedMetric = (typeof COUNTED_METRICS)[number];

/**
 * How long a consultation waited for its first reply, in coarse buckets: a day's histogram of
 * these is all that is stored, never a thread's own wait (impact/reply-time.ts).
 */
export const REPLY_BUCKETS = ['lt1h', '1h-4h', '4h-12h', '12h-24h', '1d-3d', 'gt3d'] as const;
export type ReplyBucket = (typeof REPLY_BUCKETS)[number];
export const REPLY_METRICS = ['reply_lt1h', 'reply_1h-4h', 'reply_4h-12h', 'reply_12h-24h', 'reply_1d-3d', 'reply_gt3d'] as const satisfies readonly `reply_${ReplyBucket}`[];
export type ReplyMetric = (typeof REPLY_METRICS)[number];

/** Every metric a stored row may hold. */
export const STORED_METRICS = [...COUNTED_METRICS, ...REPLY_METRICS] as const;
export type StoredMetric = (typeof STORED_METRICS)[number];

/** Figures the webinars domain keeps per event; the report asks for them by period. */
export const WEBINAR_METRICS = ['webinars_held', 'webinar_registrations', 'webinar_attendance'] as const;
export const REPORT_METRICS = [...COUNTED_METRICS, ...WEBINAR_METRICS] as const;
export type ReportMetric = (typeof REPORT_METRICS)[number];
export const reportMetricSchema = z.enum(REPORT_METRICS);

/** The thread topics, and `none` for what has no topic (a visit, a webinar, an untagged question). */
export const IMPACT_TOPICS = [...TOPICS, 'none'] as const;
export type ImpactTopic = (typeof IMPACT_TOPICS)[number];

export const IMPACT_PRESETS = ['last-5-weeks', 'month', 'quarter', 'year'] as const;
export type ImpactPreset = (typeof IMPACT_PRESETS)[number];

/** Dates are UTC calendar days, written YYYY-MM-DD. */
export const isoDaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}, { message: 'not a calendar day' });

/** The longest period a report covers: ten years of daily rows is still a small read. */
export const MAX_REPORT_DAYS = 3660;

const dayOf = (s: string): number => Date.parse(`${s}T00:00:00Z`) / 86_400_000;

const queryFields = z.object({
  preset: z.enum(IMPACT_PRESETS).optional(),
  from: isoDaySchema.optional(),
  to: isoDaySchema.optional(),
});

function checkPeriod(q: z.output<typeof queryFields>, ctx: z.RefinementCtx): void {
  if ((q.from === undefined) !== (q.to === undefined)) ctx.addIssue({ code: 'custom', path: [q.from === undefined ? 'from' : 'to'], message: 'from and to come together' });
  if (q.preset !== undefined && q.from !== undefined) ctx.addIssue({ code: 'custom', path: ['preset'], message: 'a preset or dates, not both' });
  if (q.from !== undefined && q.to !== undefined) {
    const span = dayOf(q.to) - dayOf(q.from);
    if (span < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
    else if (span >= MAX_REPORT_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_REPORT_DAYS} days` });
  }
}

/** A preset, or an explicit first and last day (both included); neither means the last five weeks. */
export const impactQuery = queryFields.superRefine(checkPeriod);
export type ImpactQuery = z.output<typeof impactQuery>;

/** The same, and the language the server renders the report's page fragment in. */
export const impactViewQuery = queryFields.extend({ lang: languageSchema.default('ru') }).superRefine(checkPeriod);

/**
 * A published count: the number, `<5` for a count from 1 to 4, or `hidden` for a count of 5 or
 * more withheld so that a `<5` beside it cannot be worked out from a total.
 */
export const publishedCount = z.union([z.number().int().min(0), z.literal('<5'), z.literal('hidden')]).meta({ id: 'PublishedCount' });
export type PublishedCount = z.infer<typeof publishedCount>;

const byLanguage = z.object({ ru: publishedCount, kk: publishedCount, en: publishedCount });

/** One metric by topic (rows) and language (columns), with totals computed from the true counts and suppressed alike. */
export const impactTable = z.object({
  rows: z.array(z.object({ topic: z.enum(IMPACT_TOPICS), counts: byLanguage, total: publishedCount })),
  totals: byLanguage,
  total: publishedCount,
}).meta({ id: 'ImpactTable' });
export type ImpactTable = z.infer<typeof impactTable>;

const medianBucket = z.enum(REPLY_BUCKETS).nullable();

export const impactReport = z.object({
  /** First and last day of the period, both included (UTC). */
  from: isoDaySchema,
  to: isoDaySchema,
  metrics: z.array(z.object({ metric: reportMetricSchema, table: impactTable })),
  /**
   * The bucket holding the median wait for a consultation's first reply, per language and over
   * all; null where fewer than 5 were answered (a median of fewer would be one person's wait).
   */
  medianReply: z.object({ ru: medianBucket, kk: medianBucket, en: medianBucket, all: medianBucket }),
}).meta({ id: 'ImpactReport' });
export type ImpactReport = z.infer<typeof impactReport>;

export const impactSettings = z.object({
  /** Whether /{lang}/impact shows the completed months' reports to everyone (off until an admin turns it on). */
  publicPage: z.boolean(),
}).meta({ id: 'ImpactSettings' });
export type ImpactSettings = z.infer<typeof impactSettings>;
