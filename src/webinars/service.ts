import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { webinars } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { storedTime } from '../db/time-granularity.js';
import { AppError } from '../errors.js';
import type {
  PublicWebinar, PublicWebinarQuery, StaffWebinar, WebinarRequest, WebinarStatus,
} from '../protocol/api/webinars.js';
import { newId } from '../protocol/ids.js';
import { instantOf, localTimeOf } from '../protocol/time-zone.js';

// Webinars (DESIGN.md §7): staff announce events, the public reads them and registers without
// identity, staff enter attendance afterwards. The rules (which act is possible in which state,
// what the public sees of a row) are pure functions at the top; the reads and writes below apply
// them, each write in one transaction with its audit row.
//
//   draft ──publish──▶ published ──cancel──▶ cancelled
//     └──delete (gone)     └──edit, figures once started
//
// A draft can be edited and deleted; a published event edited (links come and go), cancelled,
// and given figures once it has started. A cancelled event stays listed so that people who
// registered learn it is off; it takes no further change.

export type WebinarRow = typeof webinars.$inferSelect;

export const WEBINAR_ACTIONS = ['created', 'updated', 'published', 'cancelled', 'deleted', 'figures'] as const;
export type WebinarAction = (typeof WEBINAR_ACTIONS)[number];

/** One staff act on a webinar, for the append-only staff audit log: ids, states, field names and figures, never the text. */
export interface WebinarAuditRecord {
  actor: string;
  action: WebinarAction;
  webinarId: string;
  detail: Record<string, string | number | boolean | null | string[]>;
}
/** Appends a row to the audit log; called inside the act's transaction (app.ts passes the staff domain's writer). */
export type WebinarAudit = (record: WebinarAuditRecord, now: number) => void;

export interface StaffAct {
  actor: string;
  now: number;
  audit: WebinarAudit;
}

const MINUTE = 60_000;

// ---- pure rules -------------------------------------------------------------------------------

const ALLOWED: Record<Exclude<WebinarAction, 'created'>, readonly WebinarStatus[]> = {
  updated: ['draft', 'published'],
  published: ['draft'],
  cancelled: ['published'],
  deleted: ['draft'],
  figures: ['published'],
};

/** Whether `action` may be taken on an event in `status` at `now` (figures only once it has started). */
export function allowed(action: Exclude<WebinarAction, 'created'>, row: Pick<WebinarRow, 'status' | 'startsAt'>, now: number): boolean {
  if (!ALLOWED[action].includes(row.status)) return false;
  return action !== 'figures' || row.startsAt <= now;
}

export const endsAt = (row: Pick<WebinarRow, 'startsAt' | 'durationMinutes'>): number => row.startsAt + row.durationMinutes * MINUTE;

/** Registration is taken while the event is published and has not ended (late joiners count too). */
export const registrationOpen = (row: WebinarRow, now: number): boolean => row.status === 'published' && endsAt(row) > now;

/** The UTC instant of the request's wall-clock start; a time its zone skips is refused with the field named. */
export function startOf(input: Pick<WebinarRequest, 'localStart' | 'timeZone'>): number {
  const instant = instantOf(input.localStart, input.timeZone);
  if (instant === null) throw new AppError('invalid_input', { issues: [{ path: 'localStart', code: 'not_in_time_zone' }] });
  return storedTime('webinars.starts_at', instant);
}

function eventFields(row: WebinarRow) {
  return {
    id: row.id, title: row.title, speaker: row.speaker, description: row.description, language: row.language, audience: row.audience,
    startsAt: row.startsAt, endsAt: endsAt(row), timeZone: row.timeZone, localStart: localTimeOf(row.startsAt, row.timeZone), durationMinutes: row.durationMinutes,
  };
}

export function staffView(row: WebinarRow): StaffWebinar {
  return {
    ...eventFields(row), status: row.status, joinUrl: row.joinUrl, recordingUrl: row.recordingUrl,
    registrations: row.registrations, attendance: row.attendance, recordingViews: row.recordingViews,
  };
}

/** What anyone may see of a published or cancelled event: the join link only while it can be used, no figures. */
export function publicView(row: WebinarRow, now: number): PublicWebinar {
  const past = endsAt(row) <= now;
  return {
    ...eventFields(row),
    status: row.status === 'cancelled' ? 'cancelled' : 'published',
    past,
    joinUrl: row.status === 'published' && !past ? row.joinUrl : null,
    recordingUrl: past && row.status === 'published' ? row.recordingUrl : null,
    registrationOpen: registrationOpen(row, now),
  };
}

const EDITABLE = ['title', 'speaker', 'description', 'language', 'audience', 'startsAt', 'timeZone', 'durationMinutes', 'joinUrl', 'recordingUrl'] as const;

/** The names of the fields an edit changes (the audit log records names, not values). */
export function changedFields(before: WebinarRow, after: Pick<WebinarRow, (typeof EDITABLE)[number]>): string[] {
  return EDITABLE.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

function fieldsOf(input: WebinarRequest) {
  return {
    title: input.title, speaker: input.speaker, description: input.description, language: input.language, audience: input.audience,
    startsAt: startOf(input), timeZone: input.timeZone, durationMinutes: input.durationMinutes, joinUrl: input.joinUrl, recordingUrl: input.recordingUrl,
  };
}

// ---- reads --------------------------------------------------------------------------------------

export function getWebinar(db: Db, id: string): WebinarRow | null {
  return db.select().from(webinars).where(eq(webinars.id, id)).get() ?? null;
}

/** Every event, latest start first (the console's list). */
export function listAll(db: Db, limit: number): WebinarRow[] {
  return db.select().from(webinars).orderBy(desc(webinars.startsAt), asc(webinars.id)).limit(limit).all();
}

/** Published and cancelled events: not yet ended (soonest first) or ended (latest first). */
export function listPublic(db: Db, q: PublicWebinarQuery, now: number): WebinarRow[] {
  const end = sql`${webinars.startsAt} + ${webinars.durationMinutes} * ${MINUTE}`;
  return db.select().from(webinars).where(and(
    inArray(webinars.status, ['published', 'cancelled']),
    q.language ? eq(webinars.language, q.language) : undefined,
    q.when === 'upcoming' ? sql`${end} > ${now}` : sql`${end} <= ${now}`,
  )).orderBy(q.when === 'upcoming' ? asc(webinars.startsAt) : desc(webinars.startsAt), asc(webinars.id)).limit(q.limit).all();
}

/** A published or cancelled event (what the public may see), or null. */
export function getPublic(db: Db, id: string): WebinarRow | null {
  const row = getWebinar(db, id);
  return row && row.status !== 'draft' ? row : null;
}

// ---- staff writes ---------------------------------------------------------------------------------

function existing(db: Db, id: string): WebinarRow {
  const row = getWebinar(db, id);
  if (!row) throw new AppError('webinar_not_found');
  return row;
}

function guard(db: Db, id: string, action: Exclude<WebinarAction, 'created'>, now: number): WebinarRow {
  const row = existing(db, id);
  if (!allowed(action, row, now)) throw new AppError('webinar_state');
  return row;
}

export function createWebinar(db: Db, input: WebinarRequest, act: StaffAct): WebinarRow {
  const row: WebinarRow = { id: newId('webinar'), status: 'draft', ...fieldsOf(input), registrations: 0, attendance: null, recordingViews: null };
  db.transaction(() => {
    db.insert(webinars).values(row).run();
    act.audit({ actor: act.actor, action: 'created', webinarId: row.id, detail: { language: row.language, startsAt: row.startsAt } }, act.now);
  });
  return row;
}

export function updateWebinar(db: Db, id: string, input: WebinarRequest, act: StaffAct): WebinarRow {
  const fields = fieldsOf(input);
  return db.transaction(() => {
    const before = guard(db, id, 'updated', act.now);
    const changed = changedFields(before, fields);
    if (changed.length === 0) return before;
    db.update(webinars).set(fields).where(eq(webinars.id, id)).run();
    act.audit({ actor: act.actor, action: 'updated', webinarId: id, detail: { status: before.status, changed } }, act.now);
    return { ...before, ...fields };
  });
}

function setStatus(db: Db, id: string, action: 'published' | 'cancelled', act: StaffAct): WebinarRow {
  return db.transaction(() => {
    const before = guard(db, id, action, act.now);
    db.update(webinars).set({ status: action }).where(eq(webinars.id, id)).run();
    act.audit({ actor: act.actor, action, webinarId: id, detail: { from: before.status, to: action, registrations: before.registrations } }, act.now);
    return { ...before, status: action };
  });
}

export const publishWebinar = (db: Db, id: string, act: StaffAct): WebinarRow => setStatus(db, id, 'published', act);
export const cancelWebinar = (db: Db, id: string, act: StaffAct): WebinarRow => setStatus(db, id, 'cancelled', act);

/** Deletes a draft (never announced, so nobody can have registered). */
export function deleteWebinar(db: Db, id: string, act: StaffAct): void {
  db.transaction(() => {
    const before = guard(db, id, 'deleted', act.now);
    db.delete(webinars).where(eq(webinars.id, id)).run();
    act.audit({ actor: act.actor, action: 'deleted', webinarId: id, detail: { language: before.language, startsAt: before.startsAt } }, act.now);
  });
}

export function setFigures(db: Db, id: string, figures: { attendance: number | null; recordingViews: number | null }, act: StaffAct): WebinarRow {
  return db.transaction(() => {
    const before = guard(db, id, 'figures', act.now);
    db.update(webinars).set(figures).where(eq(webinars.id, id)).run();
    act.audit({ actor: act.actor, action: 'figures', webinarId: id, detail: { ...figures, registrations: before.registrations } }, act.now);
    return { ...before, ...figures };
  });
}

// ---- the public's registration -------------------------------------------------------------------

/** The event a registration is for, checked open; throws `webinar_not_found` or `registration_closed`. */
export function openForRegistration(db: Db, id: string, now: number): WebinarRow {
  const row = getPublic(db, id);
  if (!row) throw new AppError('webinar_not_found');
  if (!registrationOpen(row, now)) throw new AppError('registration_closed');
  return row;
}

/**
 * Counts one registration: the counter goes up by one and nothing else is written (no row, no
 * time, no network key), so the stored count cannot be linked to anyone or any moment.
 */
export function countRegistration(db: Db, id: string): void {
  db.update(webinars).set({ registrations: sql`${webinars.registrations} + 1` }).where(and(eq(webinars.id, id), eq(webinars.status, 'published'))).run();
}
