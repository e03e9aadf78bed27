// How finely each time column is stored, and why (DESIGN.md §2.9). A copy of the database must
// not link a public act (a question, a flag, a vote) to the session that did it by their times:
// whatever an asker causes outside their own thread is stored no finer than an hour, so every
// session used in that hour is as likely as any other. Values are rounded down where they are
// written (`storedTime`); test/db/time-granularity.test.ts reads every time column of a filled
// database against this table, and a time column missing from it fails that test.

export type Granularity = 'ms' | 'minute' | 'hour' | 'day';

export const GRANULARITY_MS: Readonly<Record<Granularity, number>> = { ms: 1, minute: 60_000, hour: 3_600_000, day: 86_400_000 };
export const HOUR_MS = GRANULARITY_MS.hour;

export interface TimeColumn {
  granularity: Granularity;
  /** Unix milliseconds rounded down to the granularity, or (day columns of identities) a day number: ms / 1 day. */
  unit: 'unix-ms' | 'day-number';
  why: string;
}

const ms = (why: string): TimeColumn => ({ granularity: 'ms', unit: 'unix-ms', why });
const minute = (why: string): TimeColumn => ({ granularity: 'minute', unit: 'unix-ms', why });
const hour = (why: string): TimeColumn => ({ granularity: 'hour', unit: 'unix-ms', why });
const day = (why: string): TimeColumn => ({ granularity: 'day', unit: 'unix-ms', why });
const dayNumbered = (why: string): TimeColumn => ({ granularity: 'day', unit: 'day-number', why });

/** Every time column of the database, keyed `table.column`. */
export const TIME_COLUMNS = {
  'identities.created_day': dayNumbered('An asker\'s own account: the day is all idle expiry needs, and matches no session.'),
  'identities.last_seen_day': dayNumbered('Idle-identity expiry counts days (RETENTION_DAYS); written once a day at most.'),
  'sessions.created_at': hour('An asker logs in outside any thread: the hour leaves every session started in it a candidate for a public act.'),
  'sessions.last_used_at': hour('Written only when the hour changes; idle expiry counts from the end of that hour.'),
  'sessions.expires_at': hour('Derived from created_at (its hour + 1 h + the absolute lifetime): says nothing finer.'),
  'staff.disabled_at': ms('An admin\'s act on a named staff account, tied to no asker.'),
  'directory_manifests.imported_at': ms('An admin\'s act: installing a signed staff manifest.'),
  'staff_audit_log.at': ms('An admin\'s act on a named staff account; the audit log is read for who did what when.'),
  'staff.created_at': ms('When a named staff member accepted an invite: an act of a known account, tied to no asker.'),
  'invites.created_at': ms('An admin\'s act on a named staff invite, tied to no asker.'),
  'invites.expires_at': ms('The 72 h validity of a staff invite, checked to the moment; an admin\'s act.'),
  'threads.created_at': minute('Inside the asker\'s own thread (the row names its opener anyway); the pool\'s oldest-first order needs the minute.'),
  'threads.closed_at': minute('Inside the thread; retention counts from it.'),
  'messages.created_at': minute('Inside the thread, seen only by its participants (DESIGN.md §2.9 allows the minute there).'),
  'kb_entries.created_at': hour('A question\'s submission is an asker\'s public act: the hour only.'),
  'kb_entries.updated_at': hour('Written by asker acts (submit, a flag that hides) and by staff: one column, one granularity.'),
  'kb_entries.published_at': hour('Shown to everyone; the list orders by it with the entry number as tiebreak.'),
  'kb_revisions.created_at': hour('A staff member\'s proposed edit; nothing reads it finer, so it is rounded like the rest of the knowledge base.'),
  'kb_flags.created_at': day('A reader\'s flag, an asker\'s act: coarser than the hour the rule asks; nothing reads it finer.'),
  'moderation_log.at': hour('Rows for asker acts (submit, withdraw) and the flag that hides an entry; staff rows alike; the log orders by id.'),
  'pii_words.created_at': hour('An admin\'s act; nothing reads it finer.'),
  'webinars.starts_at': minute('A public start time staff announce, entered to the minute; registrations write no time at all.'),
  'impact_counts.day': dayNumbered('Daily aggregate counts: the day is the unit of the report, and the row names no one.'),
  'crisis_contacts.verified_at': ms('An admin confirms a public service\'s number; tied to no asker.'),
  '__drizzle_migrations.created_at': ms('When the migration was written (drizzle\'s journal): the same in every install, no one\'s act.'),
} as const satisfies Record<string, TimeColumn>;

export type TimeColumnName = keyof typeof TIME_COLUMNS;

/** `ms` rounded down to the granularity. */
export function coarsen(at: number, granularity: Granularity): number {
  const step = GRANULARITY_MS[granularity];
  return Math.floor(at / step) * step;
}

/** The day number (days since the epoch) of a moment. */
export const dayNumber = (at: number): number => Math.floor(at / GRANULARITY_MS.day);

/** The value to write into `column` for the moment `at`: rounded to the column's declared granularity. */
export function storedTime(column: TimeColumnName, at: number): number {
  const c: TimeColumn = TIME_COLUMNS[column];
  return c.unit === 'day-number' ? dayNumber(at) : coarsen(at, c.granularity);
}
