import { REPLY_BUCKETS, type ReplyBucket, type ReplyMetric } from '../protocol/api/impact.js';

// How long consultations waited for a first reply, kept without keeping any one wait. A thread's
// own opening and first reply are already in its rows (to the minute, and only while it lives);
// the report must outlive them without becoming a per-thread record, so each first reply adds
// one to its day's count in a coarse bucket, and the median is read off the histogram as the
// bucket that holds it. Coarse on purpose: a bucket says "within 1-4 hours", which cannot be
// matched to a thread's minutes in a copy of the database.

/** Upper bounds (exclusive) of the buckets, in order; the last is open. */
const HOUR = 3_600_000;
const UPPER_MS: readonly number[] = [HOUR, 4 * HOUR, 12 * HOUR, 24 * HOUR, 72 * HOUR, Infinity];

/** The bucket of a wait (milliseconds from opening to the first reply). */
export function replyBucket(waitedMs: number): ReplyBucket {
  const i = UPPER_MS.findIndex((upper) => Math.max(0, waitedMs) < upper);
  return REPLY_BUCKETS[i]!;
}

export const replyMetric = (bucket: ReplyBucket): ReplyMetric => `reply_${bucket}`;

/**
 * The bucket holding the median of a histogram (the lower median for an even count), or null
 * when it holds fewer than `minimum` waits: a median of one or two is someone's own wait.
 */
export function medianBucket(histogram: Readonly<Record<ReplyBucket, number>>, minimum: number): ReplyBucket | null {
  const n = REPLY_BUCKETS.reduce((a, b) => a + histogram[b], 0);
  if (n === 0 || n < minimum) return null;
  const rank = Math.ceil(n / 2);
  let seen = 0;
  for (const b of REPLY_BUCKETS) {
    seen += histogram[b];
    if (seen >= rank) return b;
  }
  return null;
}
