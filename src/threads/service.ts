import { and, asc, desc, eq, gt, isNotNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { messages, threadKeys, threads } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { storedTime } from '../db/time-granularity.js';
import { preparedFor } from '../db/prepared.js';
import type { Language } from '../protocol/api/common.js';
import { URGENCIES, type ThreadSummary, type WireItem } from '../protocol/api/threads.js';
import type { StaffDirectory } from '../protocol/directory.js';
import { parsePoolLines, poolLines, type PoolMember } from '../protocol/envelope.js';
import { toBase64Url } from '../protocol/encoding.js';
import { parseGenesis, type Genesis } from '../protocol/genesis.js';
import type { ThreadKind, Topic, Urgency } from '../protocol/thread-metadata.js';
import { genesisPool, type KnownStaff, type TranscriptState } from '../protocol/transcript.js';

// Consultation and case threads (DESIGN.md §5): the rows, who stands where in them, and the
// transcript as stored. The server routes by metadata its opener signed, stores sealed keys and
// signed items, checks every item with the clients' own applyItem (items.ts), and never holds a
// thread key. Opening a thread from its genesis is open.ts.

export type ThreadRow = typeof threads.$inferSelect;
type ItemRow = typeof messages.$inferSelect;

/** Public keys of an asker identity, looked up by app.ts in the identity domain. */
export type IdentityKeys = (identityId: string) => { boxPublicKey: Uint8Array; signPublicKey: Uint8Array } | null;

/** A caller as the threads domain sees it. */
export type Caller = { kind: 'asker'; id: string } | { kind: 'staff'; id: string; roles: readonly string[] };

/** How the caller stands in a thread; null means "not a participant", answered as "no such thread". */
export type Standing = 'opener' | 'assigned' | 'pool';


/** Whether a staff member may still act (not disabled, not removed): app.ts asks the staff domain. */
export type StaffActive = (staffId: string) => boolean;

export function summaryOf(row: ThreadRow, holderRevoked: boolean): ThreadSummary {
  return {
    id: row.id,
    kind: row.kind,
    topic: row.topic,
    language: row.language,
    urgency: URGENCIES[row.urgency]!,
    status: row.status,
    assignedStaffId: row.assignedStaffId,
    holderRevoked,
    lastSeq: row.lastSeq,
    createdAt: row.createdAt,
  };
}

export const openerOf = (row: ThreadRow): string => (row.askerId ?? row.openerStaffId)!;

/**
 * An assigned thread whose holder can no longer answer: removed (the row's holder is gone, set
 * null by the foreign key), disabled, or reset (their sealed key was dropped with the old keys).
 * The server cannot give the thread to anyone else: it never holds K (SECURITY.md, Limits).
 */
export function holderRevoked(db: Db, row: ThreadRow, staffActive: StaffActive): boolean {
  if (row.status !== 'assigned') return false;
  const holder = row.assignedStaffId;
  return holder === null || !staffActive(holder) || sealedKeyFor(db, row.id, holder) === null;
}

/** The summary as served, holderRevoked included. */
export const summarizer = (db: Db, staffActive: StaffActive) => (row: ThreadRow): ThreadSummary => summaryOf(row, holderRevoked(db, row, staffActive));

/** Threads a staff member holds now (assigned, not closed), and case threads they opened. */
export function threadsOfStaff(db: Db, staffId: string): { held: string[]; opened: string[] } {
  const held = db.select({ id: threads.id }).from(threads).where(and(eq(threads.assignedStaffId, staffId), eq(threads.status, 'assigned'))).all();
  const opened = db.select({ id: threads.id }).from(threads).where(eq(threads.openerStaffId, staffId)).all();
  return { held: held.map((r) => r.id), opened: opened.map((r) => r.id) };
}

/** Drops every thread key sealed to this staff member (removal, or keys replaced by a reset: nothing opens them any more). */
export function dropSealedKeys(db: Db, staffId: string): number {
  return db.delete(threadKeys).where(eq(threadKeys.principalId, staffId)).run().changes;
}

/** Consultations are opened by askers; case threads by psychologists and school psychologists. */
export function mayOpen(caller: Caller, kind: ThreadKind): boolean {
  return kind === 'consultation'
    ? caller.kind === 'asker'
    : caller.kind === 'staff' && caller.roles.some((r) => r === 'psychologist' || r === 'school-psychologist');
}

/**
 * The staff lookup that claims and hand-overs are checked against: members of the verified signed
 * manifest only, as every client's lookup is its verified directory.
 */
export function knownStaff(directory: StaffDirectory): (id: string) => KnownStaff | null {
  return (id) => {
    const entry = directory.get(id);
    if (!entry) return null;
    return { id: entry.staffId, roles: entry.roles, languages: entry.languages, boxPublicKey: entry.boxPublicKey, signPublicKey: entry.signPublicKey };
  };
}

// Parsing a genesis (~40 µs: base64, the metadata lists, the canonical re-encoding) would be paid
// by every post; the parsed record is kept per thread with the exact bytes it came from.
const parsedGeneses = new Map<string, { bytes: Buffer; genesis: Genesis }>();
const PARSED_GENESES_KEPT = 10_000;

function storedGenesis(row: ThreadRow): Genesis {
  const known = parsedGeneses.get(row.id);
  if (known?.bytes.equals(row.genesis)) return known.genesis;
  const genesis = parseGenesis(new Uint8Array(row.genesis));
  // Stored only after verifyGenesis (open.ts): a row that does not parse is a broken database.
  if (!genesis) throw new Error('stored genesis does not parse');
  if (parsedGeneses.size >= PARSED_GENESES_KEPT) parsedGeneses.clear();
  parsedGeneses.set(row.id, { bytes: Buffer.from(row.genesis), genesis });
  return genesis;
}

/**
 * The transcript state a stored row stands for: the genesis as signed, the last sequence, the head
 * hash, and the holder with the key of their verified entry. A holder whose entry no longer
 * verifies is still the holder (a claim or hand-over made them so) but can sign nothing here: an
 * all-zero key is a small-order point no Ed25519 signature verifies under (and items.ts refuses
 * them first).
 */
export function transcriptStateOf(row: ThreadRow, staff: (id: string) => KnownStaff | null, pool?: readonly PoolMember[]): TranscriptState {
  const genesis = storedGenesis(row);
  const noKey = new Uint8Array(32);
  // A removed holder's row is gone and the foreign key set the thread's holder to null; the
  // transcript still has a holder (the opener may return the thread), one nobody can sign as: an
  // id no sender has (ids are `s_…`) and the key above.
  const holder = row.assignedStaffId !== null ? { id: row.assignedStaffId, signPublicKey: staff(row.assignedStaffId)?.signPublicKey ?? noKey }
    : row.status === 'assigned' ? { id: '(removed)', signPublicKey: noKey } : null;
  return { genesis, seq: row.lastSeq, head: new Uint8Array(row.headHash), holder, pool: pool ?? genesisPool(genesis) };
}

const lastReturn = preparedFor((db) => db.select({ pool: messages.ciphertext }).from(messages)
  .where(and(eq(messages.threadId, sql.placeholder('threadId')), eq(messages.type, 'return')))
  .orderBy(desc(messages.seq)).limit(1).prepare());

/** Who may claim the thread now: the pool the last return named, else the genesis recipients. */
export function currentPool(db: Db, row: ThreadRow): readonly PoolMember[] {
  const stored = lastReturn(db).get({ threadId: row.id });
  if (!stored?.pool) return genesisPool(storedGenesis(row));
  const pool = parsePoolLines(new TextDecoder().decode(stored.pool));
  // Stored only after applyItem accepted it: a pool that does not parse is a broken database.
  if (!pool) throw new Error('stored return pool does not parse');
  return pool;
}

/** How a return's pool is stored (messages.ciphertext, nonce null): its signed header lines. */
export const storedPool = (pool: readonly PoolMember[]): Buffer => Buffer.from(poolLines(pool).join('\n'), 'utf8');

// Every thread request reads the thread and, for pool members, their sealed key: prepared once.
const threadById = preparedFor((db) => db.select().from(threads).where(eq(threads.id, sql.placeholder('threadId'))).prepare());
const sealedKeyOf = preparedFor((db) => db.select({ k: threadKeys.sealedKey }).from(threadKeys)
  .where(and(eq(threadKeys.threadId, sql.placeholder('threadId')), eq(threadKeys.principalId, sql.placeholder('principalId')))).prepare());

export function getThread(db: Db, threadId: string): ThreadRow | null {
  return threadById(db).get({ threadId }) ?? null;
}

export function sealedKeyFor(db: Db, threadId: string, principalId: string): Uint8Array | null {
  const row = sealedKeyOf(db).get({ threadId, principalId });
  return row ? new Uint8Array(row.k) : null;
}

/** How the caller stands in the thread, or null: not a participant (the route answers 404). */
export function standingOf(db: Db, row: ThreadRow, callerId: string): Standing | null {
  if (openerOf(row) === callerId) return 'opener';
  if (row.assignedStaffId === callerId) return 'assigned';
  if (row.status === 'open' && sealedKeyFor(db, row.id, callerId)) return 'pool';
  return null;
}

/** Threads the caller opened, and for staff the ones assigned to them. */
export function listThreads(db: Db, caller: Caller): ThreadRow[] {
  const mine = caller.kind === 'asker'
    ? eq(threads.askerId, caller.id)
    : or(eq(threads.openerStaffId, caller.id), eq(threads.assignedStaffId, caller.id));
  return db.select().from(threads).where(mine).orderBy(desc(threads.createdAt)).all();
}

export interface QueueFilter {
  language?: Language | undefined;
  topic?: Topic | undefined;
  urgency?: Urgency | undefined;
  kind?: ThreadKind | undefined;
  limit: number;
}

/** Open threads sealed to this staff member (their pool), urgent first, then oldest first. */
export function queue(db: Db, staffId: string, filter: QueueFilter): ThreadRow[] {
  const conditions: SQL[] = [eq(threads.status, 'open'), eq(threadKeys.principalId, staffId)];
  if (filter.language) conditions.push(eq(threads.language, filter.language));
  if (filter.topic) conditions.push(eq(threads.topic, filter.topic));
  if (filter.urgency) conditions.push(eq(threads.urgency, URGENCIES.indexOf(filter.urgency)));
  if (filter.kind) conditions.push(eq(threads.kind, filter.kind));
  return db.select({ t: threads }).from(threads)
    .innerJoin(threadKeys, eq(threadKeys.threadId, threads.id))
    .where(and(...conditions))
    .orderBy(desc(threads.urgency), asc(threads.createdAt), asc(threads.id))
    .limit(filter.limit)
    .all()
    .map((r) => r.t)
    .filter((t) => openerOf(t) !== staffId);
}

const itemsAfter = preparedFor((db) => db.select().from(messages)
  .where(and(eq(messages.threadId, sql.placeholder('threadId')), gt(messages.seq, sql.placeholder('after'))))
  .orderBy(asc(messages.seq)).limit(sql.placeholder('limit')).prepare());

/** A page of the transcript after a sequence number, oldest first. */
export function listItems(db: Db, threadId: string, after: number, limit: number): { items: WireItem[]; hasMore: boolean } {
  const rows = itemsAfter(db).all({ threadId, after, limit: limit + 1 });
  return { items: rows.slice(0, limit).map(wireOf), hasMore: rows.length > limit };
}

export function closeThread(db: Db, threadId: string, now: number): ThreadRow {
  db.update(threads).set({ status: 'closed', closedAt: storedTime('threads.closed_at', now) }).where(and(eq(threads.id, threadId), ne(threads.status, 'closed'))).run();
  return getThread(db, threadId)!;
}

/** Deletes the thread; its items and sealed keys go with it (foreign keys cascade). */
export function eraseThread(db: Db, threadId: string): void {
  db.delete(threads).where(eq(threads.id, threadId)).run();
}

/** Closed threads older than the retention period are deleted with everything in them. */
export function purgeClosedThreads(db: Db, retentionDays: number, now: number): number {
  return db.delete(threads).where(and(eq(threads.status, 'closed'), isNotNull(threads.closedAt), lt(threads.closedAt, now - retentionDays * 86_400_000))).run().changes;
}

/** A stored item as served: the fields its type does not use are left out. */
export function wireOf(m: ItemRow): WireItem {
  return {
    seq: m.seq,
    type: m.type,
    senderId: m.senderId,
    prevHash: toBase64Url(m.prevHash),
    signature: toBase64Url(m.signature),
    ...(m.nonce && m.ciphertext ? { nonce: toBase64Url(m.nonce), ciphertext: toBase64Url(m.ciphertext) } : {}),
    ...(m.type === 'return' && m.ciphertext ? { pool: parsePoolLines(new TextDecoder().decode(m.ciphertext))!.map((p) => ({ staffId: p.staffId, fingerprint: toBase64Url(p.fingerprint) })) } : {}),
    ...(m.toStaffId && m.toFingerprint ? { toStaffId: m.toStaffId, toFingerprint: toBase64Url(m.toFingerprint) } : {}),
    createdAt: m.createdAt,
  };
}
