import { and, asc, count, desc, eq, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import { kbEntries, kbEntryTags, kbFlags, kbRevisions, kbVotes, moderationLog, piiWords } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { preparedFor } from '../db/prepared.js';
import { storedTime } from '../db/time-granularity.js';
import { AppError } from '../errors.js';
import type { Pepper } from '../pepper.js';
import { concatBytes, utf8 } from '../protocol/encoding.js';
import { newId } from '../protocol/ids.js';
import type {
  EntryKind, EntryStatus, PublicEntry, ReasonCode, StaffEntry, Tag,
} from '../protocol/api/knowledge.js';
import type { Language } from '../protocol/api/common.js';
import { detectPersonalData, type PiiSpan } from '../protocol/pii.js';
import { compactSearchIndex, indexEntry, rebuildIndexIfStale, retagEntry, unindexEntry, type IndexedText } from './search-index.js';
import { ensureDefaultSynonyms } from './synonyms.js';
import { allEntryTags, assertTagsExist, mergeTag, setEntryTags, tagsOf } from './tags.js';
import { ANSWER_WRITERS, transition, type Action, type Actor } from './workflow.js';

// The knowledge base's workflow over the database (DESIGN.md §6). Every state change goes
// through `move`, which checks the state machine (workflow.ts), writes the one moderation-log
// row, and keeps the search index holding exactly the published, unhidden entries. Every time
// written here is rounded to its column's granularity (db/time-granularity.ts): an hour, so a
// question, a flag or a log row cannot be matched to the session that caused it.

export type EntryRow = typeof kbEntries.$inferSelect;

export interface KnowledgePolicy {
  /** Reader flags that take a published entry out of the public index until a moderator decides. */
  flagThreshold: number;
}

/** Rows of kb_entries (or kb_flags) matching `where`. */
function countEntries(db: Db, where: SQL | undefined): number {
  return db.select({ n: count() }).from(kbEntries).where(where).get()?.n ?? 0;
}

const entryById = preparedFor((db) => db.select().from(kbEntries).where(eq(kbEntries.id, sql.placeholder('id'))).prepare());

export function getEntry(db: Db, id: string): EntryRow | null {
  return entryById(db).get({ id }) ?? null;
}

function requireEntry(db: Db, id: string): EntryRow {
  const row = getEntry(db, id);
  if (!row) throw new AppError('entry_not_found');
  return row;
}

function log(db: Db, entryId: string, actor: Actor, action: string, from: EntryStatus | null, to: EntryStatus | null, reason: string | null, now: number): void {
  db.insert(moderationLog).values({
    entryId, action, fromStatus: from, toStatus: to, reasonCode: reason, at: storedTime('moderation_log.at', now),
    actorKind: actor.kind, actorStaffId: actor.kind === 'staff' ? actor.staffId : null,
  }).run();
}

const isPublic = (r: Pick<EntryRow, 'status' | 'hidden'>): boolean => r.status === 'published' && !r.hidden;

/** The text the search indexes hold for an entry. */
export function indexedText(row: EntryRow, tags: readonly string[]): IndexedText {
  return { num: row.num, title: row.title, body: row.answer ? `${row.body}\n${row.answer}` : row.body, language: row.language as Language, tags };
}

/**
 * Makes the indexes agree with the row: in them if and only if published and not hidden.
 * `before` is the row as it was indexed (if it was), so its words can leave the vocabulary.
 */
function syncIndex(db: Db, before: EntryRow, after: EntryRow): void {
  const was = isPublic(before);
  const is = isPublic(after);
  const doc = (): IndexedText => indexedText(after, tagsOf(db, [after.num]).get(after.num) ?? []);
  const sameText = before.title === after.title && before.body === after.body && before.answer === after.answer;
  if (was && is && sameText) return retagEntry(db, doc());
  if (was) unindexEntry(db, indexedText(before, []));
  if (is) indexEntry(db, doc());
}

/** Checks the state machine, applies `changes`, logs the transition and re-syncs the index. */
function move(db: Db, row: EntryRow, action: Action, actor: Actor, now: number, changes: Partial<EntryRow> = {}, reason: string | null = null): EntryRow {
  const t = transition(action, { kind: row.kind, status: row.status, authorStaffId: row.authorStaffId }, actor);
  if (!t.ok) throw new AppError(t.code);
  if (t.to === null) {
    db.delete(kbEntries).where(eq(kbEntries.num, row.num)).run();
    log(db, row.id, actor, action, row.status, null, reason, now);
    return row;
  }
  const next = db.update(kbEntries)
    .set({ ...changes, status: t.to, updatedAt: storedTime('kb_entries.updated_at', now), ...(t.to === 'published' ? { publishedAt: storedTime('kb_entries.published_at', now) } : {}) })
    .where(eq(kbEntries.num, row.num)).returning().get()!;
  log(db, row.id, actor, action, row.status, t.to, reason, now);
  syncIndex(db, row, next);
  return next;
}

// ---- personal data ----

export function placeWords(db: Db): string[] {
  return db.select({ word: piiWords.word }).from(piiWords).orderBy(asc(piiWords.word)).all().map((r) => r.word);
}

export function addPlaceWords(db: Db, words: readonly string[], now: number): string[] {
  db.insert(piiWords).values(words.map((word) => ({ word, createdAt: storedTime('pii_words.created_at', now) }))).onConflictDoNothing().run();
  return placeWords(db);
}

interface MarkedSpan extends PiiSpan { acknowledged: boolean }

function spans(text: string | null, acknowledged: readonly string[], places: readonly string[]): MarkedSpan[] {
  if (!text) return [];
  const ack = new Set(acknowledged.map((a) => a.trim()));
  return detectPersonalData(text, { places }).map((s) => ({ ...s, acknowledged: ack.has(s.text.trim()) }));
}

/** Refuses text with a detector match nobody has confirmed as not personal (DESIGN.md §2.6). */
function assertNoPersonalData(texts: Record<string, string | null>, acknowledged: readonly string[], places: readonly string[]): void {
  const issues: { path: string; code: string }[] = [];
  for (const [path, text] of Object.entries(texts)) {
    for (const s of spans(text, acknowledged, places)) if (!s.acknowledged) issues.push({ path, code: s.kind });
  }
  if (issues.length > 0) throw new AppError('personal_data_unresolved', { issues });
}

// ---- the asker's questions ----

export interface NewQuestion {
  title: string;
  body: string;
  language: Language;
  suggestedTags: string[];
}

export function submitQuestion(db: Db, askerId: string, input: NewQuestion, now: number): EntryRow {
  assertTagsExist(db, input.suggestedTags);
  return db.transaction(() => {
    const row = db.insert(kbEntries).values({
      id: newId('entry'), kind: 'question', status: 'submitted', language: input.language,
      title: input.title, body: input.body, askerId, suggestedTags: input.suggestedTags, piiAcknowledged: [],
      createdAt: storedTime('kb_entries.created_at', now), updatedAt: storedTime('kb_entries.updated_at', now),
    }).returning().get();
    log(db, row.id, { kind: 'asker' }, 'submit', null, 'submitted', null, now);
    return row;
  });
}

/** What a published question keeps of its asker: HMAC(pepper, identity), not the identity. */
function askerRef(pepper: Pepper, askerId: string): Buffer {
  return Buffer.from(pepper.hash('question', utf8(askerId)));
}

/** The asker's questions: unpublished ones by identity id, published ones by asker_ref. */
const askedBy = (pepper: Pepper, askerId: string): SQL =>
  and(or(eq(kbEntries.askerId, askerId), eq(kbEntries.askerRef, askerRef(pepper, askerId))), eq(kbEntries.kind, 'question'))!;

export function myQuestions(db: Db, pepper: Pepper, askerId: string): EntryRow[] {
  return db.select().from(kbEntries).where(askedBy(pepper, askerId)).orderBy(desc(kbEntries.createdAt), desc(kbEntries.num)).all();
}

/** Deletes the asker's own unpublished question. Someone else's gets the same answer as a missing one. */
export function withdrawQuestion(db: Db, pepper: Pepper, askerId: string, id: string, now: number): void {
  db.transaction(() => {
    const row = db.select().from(kbEntries).where(and(eq(kbEntries.id, id), askedBy(pepper, askerId))).get();
    if (!row) throw new AppError('entry_not_found');
    move(db, row, 'withdraw', { kind: 'asker' }, now);
  });
}

// ---- moderation ----

export interface Decision {
  actor: Actor;
  now: number;
  places: readonly string[];
}

/** Accepts a question with the moderator's redacted text; the submitted text is overwritten, not kept. */
export function acceptQuestion(db: Db, id: string, input: { title: string; body: string; tags: string[]; acknowledge: string[] }, d: Decision): EntryRow {
  return db.transaction(() => {
    const row = requireEntry(db, id);
    const t = transition('accept', row, d.actor);
    if (!t.ok) throw new AppError(t.code);
    assertNoPersonalData({ title: input.title, body: input.body }, input.acknowledge, d.places);
    setEntryTags(db, row.num, input.tags);
    return move(db, row, 'accept', d.actor, d.now, { title: input.title, body: input.body, piiAcknowledged: input.acknowledge });
  });
}

/** Rejects with a reason code; the question's text is deleted at the decision (DESIGN.md §2.5). */
export function rejectQuestion(db: Db, id: string, reason: ReasonCode, d: Decision, duplicateOf: string | null = null): EntryRow {
  return db.transaction(() => {
    const row = requireEntry(db, id);
    if (duplicateOf) {
      const target = getEntry(db, duplicateOf);
      if (!target || !isPublic(target)) throw new AppError('entry_not_found');
    }
    // Everything cut from or suggested with the text goes too: acknowledged spans, tags.
    const next = move(db, row, duplicateOf ? 'merge' : 'reject', d.actor, d.now,
      { title: '', body: '', answer: null, piiAcknowledged: [], suggestedTags: [], reasonCode: reason, duplicateOf }, reason);
    setEntryTags(db, row.num, []);
    return next;
  });
}

export function answerQuestion(db: Db, id: string, answer: string, d: Decision): EntryRow {
  return db.transaction(() => {
    const row = requireEntry(db, id);
    const staffId = d.actor.kind === 'staff' ? d.actor.staffId : null;
    return move(db, row, 'answer', d.actor, d.now, { answer, authorStaffId: staffId, reasonCode: null });
  });
}

export function publishEntry(db: Db, pepper: Pepper, id: string, acknowledge: string[], d: Decision): EntryRow {
  return db.transaction(() => {
    const row = requireEntry(db, id);
    const t = transition('publish', row, d.actor);
    if (!t.ok) throw new AppError(t.code);
    const ack = [...row.piiAcknowledged, ...acknowledge];
    assertNoPersonalData({ title: row.title, body: row.body, answer: row.answer }, ack, d.places);
    return move(db, row, 'publish', d.actor, d.now, {
      piiAcknowledged: ack, reviewerStaffId: d.actor.kind === 'staff' ? d.actor.staffId : null, reasonCode: null,
      ...(row.askerId ? { askerId: null, askerRef: askerRef(pepper, row.askerId) } : {}),
    });
  });
}

export function returnEntry(db: Db, id: string, reason: ReasonCode, d: Decision): EntryRow {
  return db.transaction(() => move(db, requireEntry(db, id), 'return', d.actor, d.now, { reasonCode: reason }, reason));
}

/**
 * Takes a published entry down for good. Retired for personal data, harm or spam, its text is
 * deleted at once; otherwise it stays for staff until the purge (retention days). Flags and any
 * proposed edit go with the decision.
 */
export function retireEntry(db: Db, id: string, reason: ReasonCode, d: Decision): EntryRow {
  return db.transaction(() => {
    const row = requireEntry(db, id);
    const erase = ERASED_ON_RETIRE.has(reason) ? { title: '', body: '', answer: null, piiAcknowledged: [] } : {};
    const next = move(db, row, 'retire', d.actor, d.now, { reasonCode: reason, hidden: false, ...erase }, reason);
    db.delete(kbFlags).where(eq(kbFlags.entryNum, row.num)).run();
    db.delete(kbRevisions).where(eq(kbRevisions.entryNum, row.num)).run();
    return next;
  });
}

const ERASED_ON_RETIRE: ReadonlySet<ReasonCode> = new Set(['personal_data', 'harmful', 'spam']);

export function tagEntry(db: Db, id: string, tags: string[], d: Decision): EntryRow {
  return db.transaction(() => {
    const row = requireEntry(db, id);
    if (row.status === 'rejected') throw new AppError('invalid_transition');
    setEntryTags(db, row.num, tags);
    syncIndex(db, row, row);
    log(db, row.id, d.actor, 'tag', row.status, row.status, null, d.now);
    return row;
  });
}

/** Merges tag `from` into `into` and re-indexes the published entries that now carry `into`. */
export function mergeTags(db: Db, from: string, into: string): Tag {
  return db.transaction(() => {
    const tag = mergeTag(db, from, into);
    const rows = db.select().from(kbEntries)
      .where(sql`${kbEntries.num} IN (SELECT ${kbEntryTags.entryNum} FROM ${kbEntryTags} WHERE ${kbEntryTags.tag} = ${into})`).all();
    for (const row of rows) syncIndex(db, row, row);
    return tag;
  });
}

// ---- edits of published entries ----

export function proposeRevision(db: Db, id: string, input: { title: string; body: string; answer: string | null }, d: Decision & { staffId: string }): void {
  db.transaction(() => {
    const row = requireEntry(db, id);
    if (row.status !== 'published') throw new AppError('invalid_transition');
    if ((row.kind === 'question') !== (input.answer !== null)) throw new AppError('invalid_input', { issues: [{ path: 'answer', code: 'invalid_type' }] });
    // A published answer is a psychologist's: only those who may answer may propose a different one.
    const actorRoles = d.actor.kind === 'staff' ? d.actor.roles : [];
    if (row.kind === 'question' && input.answer !== row.answer && !actorRoles.some((r) => ANSWER_WRITERS.includes(r))) throw new AppError('forbidden');
    const r = db.insert(kbRevisions).values({ entryNum: row.num, ...input, authorStaffId: d.staffId, createdAt: storedTime('kb_revisions.created_at', d.now) }).onConflictDoNothing().run();
    if (r.changes === 0) throw new AppError('revision_pending');
    log(db, row.id, d.actor, 'propose_edit', row.status, row.status, null, d.now);
  });
}

export function decideRevision(db: Db, id: string, decision: 'approve' | 'reject', acknowledge: string[], d: Decision & { staffId: string }): EntryRow {
  return db.transaction(() => {
    const row = requireEntry(db, id);
    const rev = db.select().from(kbRevisions).where(eq(kbRevisions.entryNum, row.num)).get();
    if (!rev) throw new AppError('invalid_transition');
    if (rev.authorStaffId === d.staffId) throw new AppError('review_by_author');
    db.delete(kbRevisions).where(eq(kbRevisions.entryNum, row.num)).run();
    if (decision === 'reject') {
      log(db, row.id, d.actor, 'reject_edit', row.status, row.status, null, d.now);
      return row;
    }
    const ack = [...row.piiAcknowledged, ...acknowledge];
    assertNoPersonalData({ title: rev.title, body: rev.body, answer: rev.answer }, ack, d.places);
    const next = db.update(kbEntries).set({ title: rev.title, body: rev.body, answer: rev.answer, piiAcknowledged: ack, updatedAt: storedTime('kb_entries.updated_at', d.now) })
      .where(eq(kbEntries.num, row.num)).returning().get()!;
    log(db, row.id, d.actor, 'approve_edit', row.status, row.status, null, d.now);
    syncIndex(db, row, next);
    return next;
  });
}

// ---- articles ----

export function createArticle(db: Db, input: { language: Language; title: string; body: string; tags: string[] }, d: Decision & { staffId: string }): EntryRow {
  return db.transaction(() => {
    assertTagsExist(db, input.tags);
    const row = db.insert(kbEntries).values({
      id: newId('entry'), kind: 'article', status: 'draft', language: input.language, title: input.title, body: input.body,
      authorStaffId: d.staffId, suggestedTags: [], piiAcknowledged: [],
      createdAt: storedTime('kb_entries.created_at', d.now), updatedAt: storedTime('kb_entries.updated_at', d.now),
    }).returning().get();
    setEntryTags(db, row.num, input.tags);
    log(db, row.id, d.actor, 'create_article', null, 'draft', null, d.now);
    return row;
  });
}

export function updateArticle(db: Db, id: string, input: { language: Language; title: string; body: string; tags: string[] }, d: Decision): EntryRow {
  return db.transaction(() => {
    const row = requireEntry(db, id);
    const next = move(db, row, 'edit_article', d.actor, d.now, { language: input.language, title: input.title, body: input.body });
    setEntryTags(db, row.num, input.tags);
    return next;
  });
}

export function submitArticle(db: Db, id: string, d: Decision): EntryRow {
  return db.transaction(() => move(db, requireEntry(db, id), 'submit_article', d.actor, d.now));
}

// ---- readers: votes and flags ----

/** HMAC(pepper, identity ‖ entry): one vote or flag per identity per entry, unlinkable without the pepper. */
function readerHash(pepper: Pepper, purpose: 'vote' | 'flag', identityId: string, entryId: string): Uint8Array {
  return pepper.hash(purpose, concatBytes(utf8(identityId), new Uint8Array([0]), utf8(entryId)));
}

function requirePublic(db: Db, id: string): EntryRow {
  const row = getEntry(db, id);
  if (!row || !isPublic(row)) throw new AppError('entry_not_found');
  return row;
}

export function markHelpful(db: Db, pepper: Pepper, identityId: string, id: string): { helpfulCount: number; counted: boolean } {
  return db.transaction(() => {
    const row = requirePublic(db, id);
    const r = db.insert(kbVotes).values({ entryNum: row.num, voterHash: Buffer.from(readerHash(pepper, 'vote', identityId, id)) }).onConflictDoNothing().run();
    if (r.changes === 0) return { helpfulCount: row.helpfulCount, counted: false };
    const next = db.update(kbEntries).set({ helpfulCount: sql`${kbEntries.helpfulCount} + 1` }).where(eq(kbEntries.num, row.num)).returning().get()!;
    return { helpfulCount: next.helpfulCount, counted: true };
  });
}

/** Records a reader's flag; at the threshold the entry leaves the public index until a moderator decides. */
export function flagEntry(db: Db, pepper: Pepper, identityId: string, id: string, reason: string, policy: KnowledgePolicy, now: number): void {
  db.transaction(() => {
    const row = requirePublic(db, id);
    const flaggerHash = Buffer.from(readerHash(pepper, 'flag', identityId, id));
    const r = db.insert(kbFlags).values({ entryNum: row.num, flaggerHash, reason, createdAt: storedTime('kb_flags.created_at', now) }).onConflictDoNothing().run();
    if (r.changes === 0) return;
    const flags = db.select({ n: count() }).from(kbFlags).where(eq(kbFlags.entryNum, row.num)).get()?.n ?? 0;
    if (flags >= policy.flagThreshold) {
      // The hide is this reader's act: its times are the hour, like the flag's session's.
      const next = db.update(kbEntries).set({ hidden: true, updatedAt: storedTime('kb_entries.updated_at', now) }).where(eq(kbEntries.num, row.num)).returning().get()!;
      log(db, row.id, { kind: 'system' }, 'hide_flagged', row.status, row.status, reason, now);
      syncIndex(db, row, next);
    }
  });
}

/** A moderator's decision on flags: keep (clear flags, back in the index) or retire. */
export function decideFlags(db: Db, id: string, decision: 'keep' | 'retire', reason: ReasonCode | undefined, d: Decision): EntryRow {
  return db.transaction(() => {
    const row = requireEntry(db, id);
    if (row.status !== 'published') throw new AppError('invalid_transition');
    if (decision === 'retire') return retireEntry(db, id, reason ?? 'harmful', d);
    const t = transition('retire', row, d.actor); // the same people who may retire may keep
    if (!t.ok) throw new AppError(t.code);
    db.delete(kbFlags).where(eq(kbFlags.entryNum, row.num)).run();
    const next = db.update(kbEntries).set({ hidden: false, updatedAt: storedTime('kb_entries.updated_at', d.now) }).where(eq(kbEntries.num, row.num)).returning().get()!;
    log(db, row.id, d.actor, 'keep_flagged', row.status, row.status, reason ?? null, d.now);
    syncIndex(db, row, next);
    return next;
  });
}

// ---- views ----

export function toPublicEntries(db: Db, rows: readonly EntryRow[]): PublicEntry[] {
  const tags = tagsOf(db, rows.map((r) => r.num));
  return rows.map((r) => ({
    id: r.id, kind: r.kind, language: r.language as Language, title: r.title, body: r.body, answer: r.answer,
    tags: tags.get(r.num) ?? [], helpfulCount: r.helpfulCount, sample: r.sampleKey !== null, publishedAt: r.publishedAt ?? r.updatedAt,
  }));
}

export function publicEntry(db: Db, id: string): PublicEntry {
  return toPublicEntries(db, [requirePublic(db, id)])[0]!;
}

// The most read API answer, the same for everyone (no session, nothing per reader): its JSON is
// kept per id until anything in the database could have changed it. The key is SQLite's own
// write counters: data_version moves when another connection commits, total_changes() when this
// one writes anything (a vote, a flag that hides, a retirement, an edit, a tag merge). Any write
// at all empties the cache, so no rule about which writes matter can go stale.
const PUBLIC_JSON_MAX = 1024;
// Two statements, not one: pragma_data_version as a table prepares its PRAGMA anew on every read.
const dataVersionOf = preparedFor((db) => db.$client.prepare('PRAGMA data_version').pluck());
const totalChangesOf = preparedFor((db) => db.$client.prepare('SELECT total_changes()').pluck());
const publicJsonCache = new WeakMap<Db, { dataVersion: number; totalChanges: number; json: Map<string, string> }>();

/** `JSON.stringify(publicEntry(db, id))`, served from the cache while nothing has been written. */
export function publicEntryJson(db: Db, id: string): string {
  // Inside a transaction a read may see writes that are later rolled back: never kept.
  if (db.$client.inTransaction) return JSON.stringify(publicEntry(db, id));
  const dataVersion = dataVersionOf(db).get() as number;
  const totalChanges = totalChangesOf(db).get() as number;
  let cache = publicJsonCache.get(db);
  if (!cache || cache.dataVersion !== dataVersion || cache.totalChanges !== totalChanges) {
    cache = { dataVersion, totalChanges, json: new Map() };
    publicJsonCache.set(db, cache);
  }
  let json = cache.json.get(id);
  if (json === undefined) {
    json = JSON.stringify(publicEntry(db, id)); // throws entry_not_found: nothing kept for ids that are not public
    if (cache.json.size >= PUBLIC_JSON_MAX) cache.json.clear();
    cache.json.set(id, json);
  }
  return json;
}

/** Published entries in order of the search ranking. */
export function publicEntriesByNum(db: Db, nums: readonly number[]): PublicEntry[] {
  if (nums.length === 0) return [];
  // By primary key alone: with the status in the WHERE clause the planner may walk the status index.
  const rows = db.select().from(kbEntries).where(inArray(kbEntries.num, [...nums])).all().filter(isPublic);
  const byNum = new Map(rows.map((r) => [r.num, r]));
  return toPublicEntries(db, nums.map((n) => byNum.get(n)).filter((r): r is EntryRow => r !== undefined));
}

export function browse(db: Db, q: { language?: Language | undefined; tags: readonly string[]; kind?: EntryKind | undefined; page: number; pageSize: number }): { entries: PublicEntry[]; total: number } {
  const where: SQL[] = [eq(kbEntries.status, 'published'), eq(kbEntries.hidden, false)];
  if (q.language) where.push(eq(kbEntries.language, q.language));
  if (q.kind) where.push(eq(kbEntries.kind, q.kind));
  for (const tag of q.tags) {
    where.push(sql`EXISTS (SELECT 1 FROM ${kbEntryTags} WHERE ${kbEntryTags.entryNum} = ${kbEntries.num} AND ${kbEntryTags.tag} = ${tag})`);
  }
  const cond = and(...where);
  const rows = db.select().from(kbEntries).where(cond).orderBy(desc(kbEntries.publishedAt), desc(kbEntries.num))
    .limit(q.pageSize).offset((q.page - 1) * q.pageSize).all();
  return { entries: toPublicEntries(db, rows), total: countEntries(db, cond) };
}

export function staffView(db: Db, rows: readonly EntryRow[], places: readonly string[]): StaffEntry[] {
  const tags = tagsOf(db, rows.map((r) => r.num));
  return rows.map((r) => {
    const flags = db.select({ reason: kbFlags.reason, count: sql<number>`count(*)` }).from(kbFlags).where(eq(kbFlags.entryNum, r.num)).groupBy(kbFlags.reason).all();
    const rev = db.select().from(kbRevisions).where(eq(kbRevisions.entryNum, r.num)).get();
    return {
      id: r.id, kind: r.kind, status: r.status, language: r.language as Language, title: r.title, body: r.body, answer: r.answer,
      tags: tags.get(r.num) ?? [], suggestedTags: r.suggestedTags, reasonCode: r.reasonCode as ReasonCode | null,
      authorStaffId: r.authorStaffId, hidden: r.hidden,
      flags: flags.map((f) => ({ reason: f.reason as StaffEntry['flags'][number]['reason'], count: f.count })),
      revision: rev ? { title: rev.title, body: rev.body, answer: rev.answer, authorStaffId: rev.authorStaffId } : null,
      personalData: {
        title: spans(r.title, r.piiAcknowledged, places),
        body: spans(r.body, r.piiAcknowledged, places),
        answer: spans(r.answer, r.piiAcknowledged, places),
      },
      createdAt: r.createdAt, updatedAt: r.updatedAt,
    };
  });
}

export type QueueName = 'submitted' | 'accepted' | 'answered' | 'in_review' | 'flagged' | 'revisions';

function queueCondition(queue: QueueName): SQL {
  switch (queue) {
    case 'flagged': return and(eq(kbEntries.status, 'published'), sql`EXISTS (SELECT 1 FROM ${kbFlags} WHERE ${kbFlags.entryNum} = ${kbEntries.num})`)!;
    case 'revisions': return sql`EXISTS (SELECT 1 FROM ${kbRevisions} WHERE ${kbRevisions.entryNum} = ${kbEntries.num})`;
    default: return eq(kbEntries.status, queue);
  }
}

/** A moderation queue, oldest first, with the size of every queue. */
export function moderationQueue(db: Db, queue: QueueName, opts: { language?: Language | undefined; limit: number }): { counts: Record<QueueName, number>; rows: EntryRow[] } {
  const names: QueueName[] = ['submitted', 'accepted', 'answered', 'in_review', 'flagged', 'revisions'];
  const counts = Object.fromEntries(names.map((n) => [n, countEntries(db, queueCondition(n))])) as Record<QueueName, number>;
  const where = opts.language ? and(queueCondition(queue), eq(kbEntries.language, opts.language)) : queueCondition(queue);
  const rows = db.select().from(kbEntries).where(where).orderBy(asc(kbEntries.updatedAt), asc(kbEntries.num)).limit(opts.limit).all();
  return { counts, rows };
}

export function moderationHistory(db: Db, entryId: string | undefined, limit: number): (typeof moderationLog.$inferSelect)[] {
  const q = db.select().from(moderationLog);
  return (entryId ? q.where(eq(moderationLog.entryId, entryId)) : q).orderBy(desc(moderationLog.id)).limit(limit).all();
}

/**
 * Rejected questions (their text already deleted) and retired entries expire after the retention
 * period, like closed threads; then the search indexes drop what removed entries left in them.
 */
export function purgeDecidedQuestions(db: Db, retentionDays: number, now: number): number {
  const cutoff = now - retentionDays * 86_400_000;
  const n = db.delete(kbEntries).where(and(inArray(kbEntries.status, ['rejected', 'retired']), sql`${kbEntries.updatedAt} < ${cutoff}`)).run().changes;
  compactSearchIndex(db);
  return n;
}

/**
 * At start: loads the curated search synonyms into a new install, rebuilds the search indexes if their format changed, and unlinks questions
 * published before published questions stopped naming their asker (asker_id → asker_ref).
 */
export function prepareKnowledgeBase(db: Db, pepper: Pepper): { reindexed: boolean; unlinked: number } {
  return db.transaction(() => {
    ensureDefaultSynonyms(db);
    const reindexed = rebuildIndexIfStale(db, () => {
      const rows = db.select().from(kbEntries).where(and(eq(kbEntries.status, 'published'), eq(kbEntries.hidden, false))).all();
      const tags = allEntryTags(db);
      return rows.map((r) => indexedText(r, tags.get(r.num) ?? []));
    });
    const linked = db.select({ num: kbEntries.num, askerId: kbEntries.askerId }).from(kbEntries)
      .where(and(inArray(kbEntries.status, ['published', 'retired']), isNotNull(kbEntries.askerId))).all();
    for (const r of linked) {
      db.update(kbEntries).set({ askerId: null, askerRef: askerRef(pepper, r.askerId!) }).where(eq(kbEntries.num, r.num)).run();
    }
    return { reindexed, unlinked: linked.length };
  });
}
