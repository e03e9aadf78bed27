import { and, asc, count, desc, eq, gt, inArray, isNotNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { messages, threadKeys, threads } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { preparedFor } from '../db/prepared.js';
import type { Language } from '../protocol/api/common.js';
import { URGENCIES, type ThreadSummary, type WireMessage } from '../protocol/api/threads.js';
import type { StaffDirectory } from '../protocol/directory.js';
import { toBase64Url } from '../protocol/encoding.js';
import { verifyEnvelope, type Envelope } from '../protocol/envelope.js';
import { newId } from '../protocol/ids.js';
import type { Sodium } from '../protocol/sodium.js';

// Consultation and case threads (DESIGN.md §5). The server routes by metadata from fixed lists,
// stores sealed keys and signed ciphertexts, checks signatures and the gap-free sequence, and
// never holds a thread key.

export type ThreadRow = typeof threads.$inferSelect;
export type Urgency = (typeof URGENCIES)[number];

/** Public keys of an asker identity, looked up by app.ts in the identity domain. */
export type IdentityKeys = (identityId: string) => { boxPublicKey: Uint8Array; signPublicKey: Uint8Array } | null;

/** A caller as the threads domain sees it. */
export type Caller = { kind: 'asker'; id: string } | { kind: 'staff'; id: string; roles: readonly string[] };

/** How the caller stands in a thread; null means "not a participant", answered as "no such thread". */
export type Standing = 'opener' | 'assigned' | 'pool';

const MINUTE = 60_000;
/** Coarse times: the minute is enough to order a queue and too coarse to match network logs. */
export const toMinute = (ms: number): number => ms - (ms % MINUTE);

export function summaryOf(row: ThreadRow): ThreadSummary {
  return {
    id: row.id,
    kind: row.kind,
    topic: row.topic as ThreadSummary['topic'],
    language: row.language as Language,
    populations: row.populations as ThreadSummary['populations'],
    urgency: URGENCIES[row.urgency]!,
    status: row.status,
    assignedStaffId: row.assignedStaffId,
    lastSeq: row.lastSeq,
    createdAt: row.createdAt,
  };
}

export const openerOf = (row: ThreadRow): string => (row.askerId ?? row.openerStaffId)!;

export interface OpenInput {
  kind: 'consultation' | 'case';
  topic: string;
  language: Language;
  populations: string[];
  urgency: Urgency;
  sealedKeys: { recipientId: string; sealedKey: Uint8Array }[];
}

export type OpenResult = { ok: true; thread: ThreadRow } | { ok: false; reason: 'forbidden' | 'invalid_recipients' | 'too_many_open_threads' };

/** The role whose members form the intake pool of a thread of this kind. */
export const poolRole = (kind: 'consultation' | 'case'): 'psychologist' | 'supervisor' => (kind === 'case' ? 'supervisor' : 'psychologist');

/**
 * Opens a thread. The key must be sealed to the opener and to members of the signed intake pool
 * only: the server cannot check what is inside a sealed box, but it can refuse to hand one to
 * anybody else.
 */
export function openThread(db: Db, directory: StaffDirectory, caller: Caller, input: OpenInput, options: { now: number; maxOpenThreads: number }): OpenResult {
  const allowed = input.kind === 'consultation'
    ? caller.kind === 'asker'
    : caller.kind === 'staff' && caller.roles.some((r) => r === 'psychologist' || r === 'school-psychologist');
  if (!allowed) return { ok: false, reason: 'forbidden' };

  const pool = new Set(directory.pool(poolRole(input.kind), input.language));
  pool.delete(caller.id);
  const ids = input.sealedKeys.map((k) => k.recipientId);
  const others = ids.filter((id) => id !== caller.id);
  if (new Set(ids).size !== ids.length || ids.length - others.length !== 1 || others.length === 0 || others.some((id) => !pool.has(id))) {
    return { ok: false, reason: 'invalid_recipients' };
  }

  const openerColumn = caller.kind === 'asker' ? threads.askerId : threads.openerStaffId;
  return db.transaction((tx): OpenResult => {
    const open = tx.select({ n: count() }).from(threads).where(and(eq(openerColumn, caller.id), ne(threads.status, 'closed'))).get()!.n;
    if (open >= options.maxOpenThreads) return { ok: false, reason: 'too_many_open_threads' };
    const row: ThreadRow = {
      id: newId('thread'),
      kind: input.kind,
      askerId: caller.kind === 'asker' ? caller.id : null,
      openerStaffId: caller.kind === 'staff' ? caller.id : null,
      topic: input.topic,
      language: input.language,
      populations: input.populations,
      urgency: URGENCIES.indexOf(input.urgency),
      status: 'open',
      assignedStaffId: null,
      lastSeq: 0,
      createdAt: toMinute(options.now),
      closedAt: null,
    };
    tx.insert(threads).values(row).run();
    tx.insert(threadKeys).values(input.sealedKeys.map((k) => ({ threadId: row.id, principalId: k.recipientId, sealedKey: Buffer.from(k.sealedKey) }))).run();
    return { ok: true, thread: row };
  });
}

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
  topic?: string | undefined;
  urgency?: Urgency | undefined;
  kind?: 'consultation' | 'case' | undefined;
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

/**
 * Claims an open thread: it is assigned to the claimer, and the other pool members' sealed keys
 * are dropped, so from now on only the opener and the claimer hold the thread key on the server.
 */
export function claimThread(db: Db, threadId: string, staffId: string): ThreadRow | null {
  return db.transaction((tx) => {
    const taken = tx.update(threads).set({ status: 'assigned', assignedStaffId: staffId })
      .where(and(eq(threads.id, threadId), eq(threads.status, 'open'))).run().changes;
    if (taken === 0) return null;
    const row = tx.select().from(threads).where(eq(threads.id, threadId)).get()!;
    tx.delete(threadKeys).where(and(eq(threadKeys.threadId, threadId), ne(threadKeys.principalId, staffId), ne(threadKeys.principalId, openerOf(row)))).run();
    return row;
  });
}

const messagesAfter = preparedFor((db) => db.select().from(messages)
  .where(and(eq(messages.threadId, sql.placeholder('threadId')), gt(messages.seq, sql.placeholder('after'))))
  .orderBy(asc(messages.seq)).limit(sql.placeholder('limit')).prepare());

export function listMessages(db: Db, threadId: string, after: number, limit: number): { messages: WireMessage[]; hasMore: boolean } {
  const rows = messagesAfter(db).all({ threadId, after, limit: limit + 1 });
  return { messages: rows.slice(0, limit).map(wireOf), hasMore: rows.length > limit };
}

export type PostResult = { ok: true; message: WireMessage } | { ok: false; reason: 'invalid_signature' | 'sequence_conflict' | 'thread_closed' | 'thread_not_found' };

export interface PostInput {
  threadId: string;
  senderId: string;
  senderSignPublicKey: Uint8Array;
  seq: number;
  envelope: Envelope;
  now: number;
}

const threadSequence = preparedFor((db) => db.select({
  status: threads.status, lastSeq: threads.lastSeq, askerId: threads.askerId, openerStaffId: threads.openerStaffId, assignedStaffId: threads.assignedStaffId,
}).from(threads).where(eq(threads.id, sql.placeholder('threadId'))).prepare());
const insertMessage = preparedFor((db) => db.insert(messages).values({
  threadId: sql.placeholder('threadId'), seq: sql.placeholder('seq'), senderId: sql.placeholder('senderId'), nonce: sql.placeholder('nonce'),
  ciphertext: sql.placeholder('ciphertext'), signature: sql.placeholder('signature'), createdAt: sql.placeholder('createdAt'),
}).prepare());
const advanceSequence = preparedFor((db) => db.update(threads).set({ lastSeq: sql`${sql.placeholder('seq')}` })
  .where(eq(threads.id, sql.placeholder('threadId'))).prepare());

/** Stores one message if its sequence number is the next one; runs inside the caller's transaction. */
function storeMessage(db: Db, input: PostInput): PostResult {
  const row = threadSequence(db).get({ threadId: input.threadId });
  if (!row || row.status === 'closed') return { ok: false, reason: 'thread_closed' };
  // Checked again here, not only when the request arrived: a hand-over (or a claim) may have
  // run while this post waited for its batch, and only the opener and the holder may post.
  if (input.senderId !== (row.askerId ?? row.openerStaffId) && input.senderId !== row.assignedStaffId) return { ok: false, reason: 'thread_not_found' };
  if (input.seq !== row.lastSeq + 1) return { ok: false, reason: 'sequence_conflict' };
  const stored = {
    threadId: input.threadId,
    seq: input.seq,
    senderId: input.senderId,
    nonce: Buffer.from(input.envelope.nonce),
    ciphertext: Buffer.from(input.envelope.ciphertext),
    signature: Buffer.from(input.envelope.signature),
    createdAt: toMinute(input.now),
  };
  insertMessage(db).run(stored);
  advanceSequence(db).run({ seq: input.seq, threadId: input.threadId });
  return { ok: true, message: wireOf(stored) };
}

interface Pending {
  input: PostInput;
  resolve: (result: PostResult) => void;
  reject: (err: unknown) => void;
}

// Group commit. With synchronous=FULL every commit waits for the disk (fsync), and that wait,
// not the work, bounds how many messages one connection stores per second. Posts that arrive
// in the same turn of the event loop are written in one transaction and acknowledged together
// after its commit, never before: a message answered 201 is on disk. Each post keeps its own
// savepoint, so one that fails (a constraint, a bug) is rolled back and answered alone while
// its neighbours are stored; posts are applied in arrival order, so the sequence check sees
// every earlier post of the batch exactly as if each had committed alone.
const queues = new WeakMap<Db, Pending[]>();
// Inside the batch's transaction better-sqlite3 runs this as a savepoint; built once per connection.
const storeInSavepoint = preparedFor((db) => db.$client.transaction((input: PostInput) => storeMessage(db, input)));

function flush(db: Db): void {
  const batch = queues.get(db) ?? [];
  queues.delete(db);
  const outcomes: ({ ok: true; result: PostResult } | { ok: false; err: unknown })[] = [];
  try {
    // Inside someone else's transaction better-sqlite3 would make this one a savepoint, and the
    // answers would go out before anything reached the disk: refuse instead.
    if (db.$client.inTransaction) throw new Error('group commit inside an open transaction');
    // IMMEDIATE takes the write lock at BEGIN (waiting busy_timeout for it), so a writer that
    // commits in between cannot turn the batch into SQLITE_BUSY_SNAPSHOT.
    db.$client.transaction(() => {
      for (const item of batch) {
        try {
          outcomes.push({ ok: true, result: storeInSavepoint(db)(item.input) });
        } catch (err) {
          // SQLite may have ended the whole transaction itself (disk full, I/O error): then the
          // rest must not run outside it, one autocommit each; the batch fails as a whole.
          if (!db.$client.inTransaction) throw err;
          outcomes.push({ ok: false, err });
        }
      }
    }).immediate();
  } catch (err) {
    for (const item of batch) item.reject(err);
    return;
  }
  batch.forEach((item, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) item.resolve(outcome.result);
    else item.reject(outcome.err);
  });
}

/**
 * Stores a message if its signature verifies and its sequence number is the next one; resolves
 * once it is committed (with the posts that arrived alongside it: see flush).
 */
export function postMessage(db: Db, sodium: Sodium, input: PostInput): Promise<PostResult> {
  const header = { threadId: input.threadId, seq: input.seq, senderId: input.senderId };
  if (!verifyEnvelope(sodium, header, input.envelope, input.senderSignPublicKey)) return Promise.resolve({ ok: false, reason: 'invalid_signature' });
  return new Promise((resolve, reject) => {
    let queue = queues.get(db);
    if (!queue) {
      queue = [];
      queues.set(db, queue);
      setImmediate(() => flush(db));
    }
    queue.push({ input, resolve, reject });
  });
}

/** Moves the thread to a colleague: their sealed key replaces the current holder's. */
export function handOver(db: Db, threadId: string, from: string, to: { staffId: string; sealedKey: Uint8Array }): ThreadRow {
  return db.transaction((tx) => {
    tx.delete(threadKeys).where(and(eq(threadKeys.threadId, threadId), inArray(threadKeys.principalId, [from, to.staffId]))).run();
    tx.insert(threadKeys).values({ threadId, principalId: to.staffId, sealedKey: Buffer.from(to.sealedKey) }).run();
    tx.update(threads).set({ assignedStaffId: to.staffId }).where(eq(threads.id, threadId)).run();
    return tx.select().from(threads).where(eq(threads.id, threadId)).get()!;
  });
}

export function closeThread(db: Db, threadId: string, now: number): ThreadRow {
  db.update(threads).set({ status: 'closed', closedAt: toMinute(now) }).where(and(eq(threads.id, threadId), ne(threads.status, 'closed'))).run();
  return getThread(db, threadId)!;
}

/** Deletes the thread; its messages and sealed keys go with it (foreign keys cascade). */
export function eraseThread(db: Db, threadId: string): void {
  db.delete(threads).where(eq(threads.id, threadId)).run();
}

/** Closed threads older than the retention period are deleted with everything in them. */
export function purgeClosedThreads(db: Db, retentionDays: number, now: number): number {
  return db.delete(threads).where(and(eq(threads.status, 'closed'), isNotNull(threads.closedAt), lt(threads.closedAt, now - retentionDays * 86_400_000))).run().changes;
}

function wireOf(m: typeof messages.$inferSelect): WireMessage {
  return {
    seq: m.seq,
    senderId: m.senderId,
    nonce: toBase64Url(m.nonce),
    ciphertext: toBase64Url(m.ciphertext),
    signature: toBase64Url(m.signature),
    createdAt: m.createdAt,
  };
}
