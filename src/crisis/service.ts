import { and, asc, eq, sql } from 'drizzle-orm';
import { crisisContacts } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { AppError } from '../errors.js';
import type { Language } from '../protocol/api/common.js';
import {
  CRISIS_VERIFY_DAYS, type CrisisContactRequest, type CrisisContactView,
} from '../protocol/api/crisis.js';
import { randomBytes, toBase64Url } from '../protocol/encoding.js';
import { CRISIS_CONTACTS, type CrisisSource } from '../web/crisis-contacts.js';

// Crisis contacts (issue 14 point 3): the admins' list, one per language, in the database.
// Every page shows it, so it is read from memory: `CrisisDirectory` holds the rows and a version
// that every change bumps; the page frame (web/layout.tsx) is cached per version, so the next
// page after an edit shows it. Changes go through this module only.

export type CrisisRow = typeof crisisContacts.$inferSelect;
const DAY = 86_400_000;
const LANGS: readonly Language[] = ['ru', 'kk', 'en'];

export type CrisisAction = 'created' | 'updated' | 'deleted' | 'reordered' | 'verified';
export interface CrisisAuditRecord {
  actor: string;
  action: CrisisAction;
  contactId: string;
  detail: Record<string, string | number | boolean | null | string[]>;
}
export type CrisisAudit = (record: CrisisAuditRecord, now: number) => void;
export interface CrisisAct { actor: string; now: number; audit: CrisisAudit }

const newContactId = (): string => `c_${toBase64Url(randomBytes(12))}`;

/** `tel:` with the + and the digits only, or the https link. */
export function hrefOf(row: Pick<CrisisRow, 'phone' | 'link'>): string {
  return row.phone !== null ? `tel:${row.phone.replace(/[^+0-9]/g, '')}` : row.link!;
}

/** Never confirmed, or confirmed more than CRISIS_VERIFY_DAYS before `now`. */
export function toVerify(row: Pick<CrisisRow, 'verifiedAt'>, now: number): boolean {
  return row.verifiedAt === null || now - row.verifiedAt > CRISIS_VERIFY_DAYS * DAY;
}

export function viewOf(row: CrisisRow, now: number): CrisisContactView {
  return {
    id: row.id, language: row.language, region: row.region, position: row.position, name: row.name, short: row.short,
    phone: row.phone, href: hrefOf(row), link: row.link, hours: row.hours, audiences: row.audiences, compact: row.compact,
    verifiedAt: row.verifiedAt, toVerify: toVerify(row, now),
  };
}

/**
 * The shipped defaults (crisis-contacts.json), one row per language, when the table has never
 * held any: on the first start of an install. None is verified.
 */
export function seedCrisisContacts(db: Db): number {
  const count = db.select({ n: sql<number>`count(*)` }).from(crisisContacts).get()?.n ?? 0;
  if (count > 0) return 0;
  const rows: CrisisRow[] = [];
  for (const lang of LANGS) {
    CRISIS_CONTACTS.filter((c) => c.phone !== null).forEach((c, position) => rows.push({
      id: newContactId(), language: lang, region: 'kz', position, name: c.label[lang], short: c.short[lang], phone: c.phone, link: null,
      hours: '', audiences: [...c.audiences], compact: c.compact, verifiedAt: null,
    }));
  }
  db.insert(crisisContacts).values(rows).run();
  return rows.length;
}

export class CrisisDirectory {
  #rows: CrisisRow[] | null = null;
  #version = 0;
  constructor(private readonly db: Db) {}

  /** Bumped by every change: the page frame's cache key. */
  get version(): number { return this.#version; }

  /** Every row, by language then position (read once, then from memory until a change). */
  all(): readonly CrisisRow[] {
    return (this.#rows ??= this.db.select().from(crisisContacts).orderBy(asc(crisisContacts.language), asc(crisisContacts.position)).all());
  }

  list(filter: { language?: Language | undefined; region?: string | undefined } = {}): CrisisRow[] {
    return this.all().filter((r) => (!filter.language || r.language === filter.language) && (!filter.region || r.region === filter.region));
  }

  #changed(): void {
    this.#rows = null;
    this.#version++;
  }

  #get(id: string): CrisisRow {
    const row = this.db.select().from(crisisContacts).where(eq(crisisContacts.id, id)).get();
    if (!row) throw new AppError('crisis_contact_not_found');
    return row;
  }

  create(input: CrisisContactRequest, act: CrisisAct): CrisisRow {
    const row = this.db.transaction(() => {
      const last = this.db.select({ p: sql<number | null>`max(${crisisContacts.position})` }).from(crisisContacts).where(eq(crisisContacts.language, input.language)).get()?.p ?? null;
      const created: CrisisRow = { id: newContactId(), position: last === null ? 0 : last + 1, verifiedAt: null, ...input };
      this.db.insert(crisisContacts).values(created).run();
      act.audit({ actor: act.actor, action: 'created', contactId: created.id, detail: { language: created.language, region: created.region } }, act.now);
      return created;
    });
    this.#changed();
    return row;
  }

  /** An edit of what is shown clears the confirmation only when the number or link changes. */
  update(id: string, input: CrisisContactRequest, act: CrisisAct): CrisisRow {
    const row = this.db.transaction(() => {
      const before = this.#get(id);
      const moved = before.language !== input.language;
      const position = moved
        ? (this.db.select({ p: sql<number | null>`max(${crisisContacts.position})` }).from(crisisContacts).where(eq(crisisContacts.language, input.language)).get()?.p ?? -1) + 1
        : before.position;
      const reached = before.phone !== input.phone || before.link !== input.link;
      const updated: CrisisRow = { ...before, ...input, position, verifiedAt: reached ? null : before.verifiedAt };
      this.db.update(crisisContacts).set(updated).where(eq(crisisContacts.id, id)).run();
      act.audit({ actor: act.actor, action: 'updated', contactId: id, detail: { language: updated.language, numberChanged: reached } }, act.now);
      return updated;
    });
    this.#changed();
    return row;
  }

  delete(id: string, act: CrisisAct): void {
    this.db.transaction(() => {
      const before = this.#get(id);
      this.db.delete(crisisContacts).where(eq(crisisContacts.id, id)).run();
      act.audit({ actor: act.actor, action: 'deleted', contactId: id, detail: { language: before.language } }, act.now);
    });
    this.#changed();
  }

  verify(id: string, act: CrisisAct): CrisisRow {
    const row = this.db.transaction(() => {
      this.#get(id);
      this.db.update(crisisContacts).set({ verifiedAt: act.now }).where(eq(crisisContacts.id, id)).run();
      act.audit({ actor: act.actor, action: 'verified', contactId: id, detail: {} }, act.now);
      return this.#get(id);
    });
    this.#changed();
    return row;
  }

  reorder(language: Language, ids: readonly string[], act: CrisisAct): CrisisRow[] {
    const rows = this.db.transaction(() => {
      const current = this.db.select({ id: crisisContacts.id }).from(crisisContacts).where(eq(crisisContacts.language, language)).all().map((r) => r.id);
      if (current.length !== ids.length || !ids.every((id) => current.includes(id))) throw new AppError('crisis_order_mismatch');
      ids.forEach((id, position) => this.db.update(crisisContacts).set({ position }).where(and(eq(crisisContacts.id, id), eq(crisisContacts.language, language))).run());
      act.audit({ actor: act.actor, action: 'reordered', contactId: ids[0]!, detail: { language, ids: [...ids] } }, act.now);
      return this.db.select().from(crisisContacts).where(eq(crisisContacts.language, language)).orderBy(asc(crisisContacts.position)).all();
    });
    this.#changed();
    return rows;
  }
}

/**
 * The list as the pages show it. "To verify" there means never confirmed: the frame is cached
 * per version, and the 90-day age is the console's reminder to admins, not the public's warning.
 */
export function crisisSource(directory: CrisisDirectory): CrisisSource {
  return {
    version: () => directory.version,
    contacts: (lang) => directory.list({ language: lang }).map((r) => ({
      id: r.id, phone: r.phone, href: hrefOf(r), short: r.short, label: r.name, audiences: r.audiences, compact: r.compact,
      verified: r.verifiedAt !== null, hours: r.hours,
    })),
  };
}
