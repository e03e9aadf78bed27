import type { Language } from '../protocol/api/common.js';
import type { ImpactTopic, StoredMetric } from '../protocol/api/impact.js';
import { dayOf } from './period.js';
import type { CountRow } from './store.js';
import { DailyVisitors } from './visitors.js';

// Counting as things happen, stored as daily sums (DESIGN.md §7, issue 14 point 5). Counts
// gather in memory and reach the database only when an hour has ended, all of that hour's at
// once, written by a timer (compose.ts) rather than by the act that comes next: so neither the
// rows nor the order of writes in the write-ahead log nor the file's modification time place an
// act within its hour (DESIGN.md §2.9 allows the hour for what an asker causes outside their
// thread; the rows themselves keep only the day). Nothing of an act is kept but the +1 in its
// day's row for its metric, language and topic. A crash loses the counts of the hour under way;
// a shutdown writes them (close()).

const HOUR_MS = 3_600_000;

export interface CounterOptions {
  /** Adds rows to the store in one transaction (store.ts addCounts). */
  write: (rows: CountRow[]) => void;
  clock: () => number;
  /** A write that failed (the counts stay in memory and are tried again at the next hour). */
  onError?: (err: unknown) => void;
  /** Bound of today's distinct visitors held in memory (visitors.ts). */
  maxVisitorsPerDay?: number;
}

/** A public page was served: where it was asked from, by which browser, in which language. */
export interface Visit {
  address: string;
  userAgent: string;
  language: Language;
}

const keyOf = (r: Omit<CountRow, 'count'>): string => `${r.day}|${r.metric}|${r.language}|${r.topic}`;

function addTo(buffer: Map<string, CountRow>, row: CountRow): void {
  const key = keyOf(row);
  const had = buffer.get(key);
  if (had) had.count += row.count;
  else buffer.set(key, { ...row });
}

export class ImpactCounter {
  /** The hour under way's counts. */
  private current = new Map<string, CountRow>();
  private currentHour: number;
  /** Ended hours' counts, not yet written. */
  private ready = new Map<string, CountRow>();
  private readonly visitors: DailyVisitors;

  constructor(private readonly options: CounterOptions) {
    const now = options.clock();
    this.currentHour = Math.floor(now / HOUR_MS);
    this.visitors = new DailyVisitors(now, options.maxVisitorsPerDay);
  }

  /** One more of `metric` today, in this language and topic. */
  count(metric: StoredMetric, where: { language: Language; topic: ImpactTopic }): void {
    const now = this.options.clock();
    this.turnHour(now);
    addTo(this.current, { day: dayOf(now), metric, language: where.language, topic: where.topic, count: 1 });
  }

  /** A public page served: a visit, and a visitor if the first from this address and browser today. */
  visit(v: Visit): void {
    const now = this.options.clock();
    const where = { language: v.language, topic: 'none' } as const;
    if (this.visitors.firstToday(v.address, v.userAgent, now)) this.count('visitors', where);
    this.count('visits', where);
  }

  /** Counts not yet in the database: the report adds them to what is. */
  unwritten(): CountRow[] {
    const all = new Map<string, CountRow>();
    for (const buffer of [this.ready, this.current]) for (const row of buffer.values()) addTo(all, row);
    return [...all.values()];
  }

  /** Writes the ended hours' counts if an hour has ended; the timer calls this every minute. */
  flushIfDue(): void {
    const now = this.options.clock();
    this.turnHour(now);
    this.visitors.rotateIfDue(now);
    if (this.ready.size > 0) this.write(this.ready);
  }

  /** Writes everything held, the hour under way included (shutdown). */
  close(): void {
    for (const row of this.current.values()) addTo(this.ready, row);
    this.current.clear();
    if (this.ready.size > 0) this.write(this.ready);
  }

  /** Whether today's distinct-visitor set is full (visitors.ts). */
  get visitorsSaturated(): boolean {
    return this.visitors.saturated;
  }

  /** At a new hour, the ended hour's counts join those ready to be written. */
  private turnHour(now: number): void {
    const hour = Math.floor(now / HOUR_MS);
    if (hour === this.currentHour) return;
    for (const row of this.current.values()) addTo(this.ready, row);
    this.current.clear();
    this.currentHour = hour;
  }

  private write(buffer: Map<string, CountRow>): void {
    const rows = [...buffer.values()];
    try {
      this.options.write(rows);
      buffer.clear();
    } catch (err) {
      this.options.onError?.(err);
    }
  }
}
