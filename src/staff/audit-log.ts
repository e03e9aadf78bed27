import { desc, lt } from 'drizzle-orm';
import { staffAuditLog } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { storedTime } from '../db/time-granularity.js';

// The staff audit log (DESIGN.md §4): every admin act on a staff account, one row each, written in
// the same transaction as the act so that neither exists without the other. Append-only: the
// table's triggers refuse UPDATE and DELETE, so a compromised admin session cannot rewrite what it
// did. A row says who, what, when and to whom, with structured facts (roles before and after, a
// count); never a message, a passphrase, an invite code or key material.

/** The admin's staff id, or `cli` for the admin command line (which runs with the database's own rights). */
export type AuditActor = string;
export const CLI_ACTOR = 'cli';

export const AUDIT_ACTIONS = [
  'invite_created', 'disabled', 'enabled', 'removed', 'updated', 'reset_invite_created', 'reset_accepted', 'logged_out_everywhere',
  // Staff acts on webinars (webinars/service.ts), passed in by app.ts: the same who / what / when, subject the webinar id.
  'webinar.created', 'webinar.updated', 'webinar.published', 'webinar.cancelled', 'webinar.deleted', 'webinar.figures',
  'crisis.created', 'crisis.updated', 'crisis.deleted', 'crisis.reordered', 'crisis.verified',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Facts of an act: ids, roles, languages, counts, times, fingerprints of public keys. No free text. */
export type AuditDetail = Record<string, string | number | boolean | null | string[] | Record<string, string[] | string>>;

export interface AuditRecord {
  actor: AuditActor;
  action: AuditAction;
  subject: string | null;
  detail?: AuditDetail;
}

export type AuditRow = typeof staffAuditLog.$inferSelect;

/** Appends one row; call it inside the transaction of the act it records. */
export function recordStaffAction(db: Db, record: AuditRecord, now: number): void {
  db.insert(staffAuditLog).values({
    at: storedTime('staff_audit_log.at', now),
    actor: record.actor,
    action: record.action,
    subject: record.subject,
    detail: record.detail ?? null,
  }).run();
}

/** A page of the log, newest first: rows with an id below `before` (all when absent), and the cursor of the next page. */
export function listStaffAudit(db: Db, options: { before?: number | undefined; limit: number }): { entries: AuditRow[]; next: number | null } {
  const query = db.select().from(staffAuditLog);
  const rows = (options.before === undefined ? query : query.where(lt(staffAuditLog.id, options.before)))
    .orderBy(desc(staffAuditLog.id)).limit(options.limit + 1).all();
  const entries = rows.slice(0, options.limit);
  return { entries, next: rows.length > options.limit ? entries.at(-1)!.id : null };
}
