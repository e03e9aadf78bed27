import { and, eq, inArray, ne, notInArray, sql } from 'drizzle-orm';
import { messages, threadKeys, threads } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { preparedFor } from '../db/prepared.js';
import { storedTime } from '../db/time-granularity.js';
import { commitThenSync } from '../db/wal-sync.js';
import type { WireItem } from '../protocol/api/threads.js';
import { bytesEqual } from '../protocol/encoding.js';
import type { Sodium } from '../protocol/sodium.js';
import { applyItem, type KnownStaff, type TranscriptFault, type TranscriptItem } from '../protocol/transcript.js';
import type { SignatureCheck, SignaturePool } from './signature-pool.js';
import { currentPool, getThread, storedPool, transcriptStateOf, wireOf, type ThreadRow } from './service.js';

// Posting to a thread's transcript: a message, a claim, a hand-over or a return (DESIGN.md §5). Each is
// checked by applyItem, the same function every client runs over the transcript it reads, from
// the state the stored row stands for; then stored by the group commit only if nothing was stored
// in between (sequence and head hash unchanged). Claims and hand-overs are items like messages,
// so "who may speak" can only change by an item that moves the sequence: an item checked against
// a holder who has since handed over finds the sequence taken.

export type PostFailure =
  | 'sequence_conflict' | 'invalid_signature' | 'not_holder' | 'forbidden' | 'invalid_recipients' | 'invalid_input'
  | 'thread_closed' | 'thread_not_open' | 'thread_not_found';
export type PostResult = { ok: true; item: WireItem; thread: ThreadRow | null } | { ok: false; reason: PostFailure };

/** What a fault of the shared check means for the poster (PROTOCOL.md §7.5). */
const FAULT_REASON: Record<TranscriptFault, PostFailure> = {
  sequence_gap: 'sequence_conflict',
  broken_chain: 'sequence_conflict',
  bad_signature: 'invalid_signature',
  // A pool member before a claim, or anyone else who neither opened nor holds the thread.
  unknown_sender: 'not_holder',
  // A pool member whose entry no longer fits the pool or the keys the genesis named.
  bad_claim: 'forbidden',
  // A colleague without the pool's role and language, or named with other keys.
  bad_handover: 'invalid_recipients',
  // A return naming someone outside the pool, or with other keys (routes.ts refuses a non-opener
  // and a thread nobody holds before this check, with their own codes).
  bad_return: 'invalid_recipients',
  malformed_item: 'invalid_input',
};

/** An item checked against its thread, waiting for the group commit. */
export interface CheckedItem {
  threadId: string;
  item: TranscriptItem;
  /** applyItem's hash of the item: the thread's new head. */
  hash: Uint8Array;
  /** A hand-over's K sealed to the new holder. */
  sealedKey?: Uint8Array;
  /** A return's K sealed to each new pool member who may still act (none for a disabled one). */
  sealedKeys?: ReadonlyMap<string, Uint8Array>;
  now: number;
  /**
   * Asked again inside the commit: whether the staff the item relies on (a claimer, the holder who
   * posts or hands over, a hand-over's colleague) may still act. A member disabled while the
   * signatures were checked is refused, not stored.
   */
  staffCheck?: () => PostFailure | null;
}

/**
 * Checks `item` (its senderId is the caller) as the next one of the thread in `row`, and stores it
 * if it is; resolves once it is committed.
 */
export async function postItem(
  db: Db,
  deps: {
    sodium: Sodium; signatures: SignaturePool; staff: (id: string) => KnownStaff | null;
    /**
     * A return's pool is checked against the signed manifest as the opener's client has it, where
     * a member disabled since may still be: they are named, but receive no key (routes.ts).
     */
    signed?: (id: string) => KnownStaff | null;
  },
  input: { row: ThreadRow; item: TranscriptItem; sealedKey?: Uint8Array; sealedKeys?: ReadonlyMap<string, Uint8Array>; now: number },
): Promise<PostResult> {
  const { row, item } = input;
  const { sodium, staff } = deps;
  if (row.status === 'closed') return { ok: false, reason: 'thread_closed' };
  if (item.type === 'claim' && row.status !== 'open') return { ok: false, reason: 'thread_not_open' };
  // The holder's entry no longer verifies (re-signed without them, or the organisation key changed):
  // they keep the thread, but the server cannot check their signature, so they cannot post.
  if (row.assignedStaffId === item.senderId && !staff(item.senderId)) return { ok: false, reason: 'not_holder' };
  // applyItem runs first as if every signature it checks were good, noting each; the signatures
  // are then checked on a worker (signature-pool.ts). Its outcome is applyItem's whenever they all
  // verify (the check is deterministic, and the signatures are its only oracle); if one does not,
  // applyItem runs again with libsodium here, and its fault is the answer.
  const checks: SignatureCheck[] = [];
  // Only a claim needs the pool; after a return it is the return's, read from the transcript.
  const state = transcriptStateOf(row, staff, item.type === 'claim' ? currentPool(db, row) : undefined);
  const lookup = item.type === 'return' && deps.signed ? deps.signed : staff;
  let applied = applyItem(noting(sodium, checks), state, item, lookup);
  if (checks.length > 0 && !(await deps.signatures.verify(checks)).every(Boolean)) {
    applied = applyItem(sodium, state, item, lookup);
  }
  if (!applied.ok) return { ok: false, reason: FAULT_REASON[applied.fault] };
  const staffCheck = staffCheckOf(row, item, staff);
  return commitItem(db, {
    threadId: row.id, item, hash: applied.hash, now: input.now, ...(input.sealedKey ? { sealedKey: input.sealedKey } : {}),
    ...(input.sealedKeys ? { sealedKeys: input.sealedKeys } : {}), ...(staffCheck ? { staffCheck } : {}),
  });
}

/** The staff an item relies on, asked again at commit time; none for an opener's message. */
function staffCheckOf(row: ThreadRow, item: TranscriptItem, staff: (id: string) => KnownStaff | null): (() => PostFailure | null) | undefined {
  if (item.type === 'claim') return () => (staff(item.senderId) ? null : 'forbidden');
  if (item.type === 'handover') return () => (!staff(item.senderId) ? 'not_holder' : !staff(item.to!.staffId) ? 'invalid_recipients' : null);
  if (row.assignedStaffId === item.senderId) return () => (staff(item.senderId) ? null : 'not_holder');
  return undefined;
}

/** libsodium with a signature check that notes what it was asked and says yes. */
function noting(sodium: Sodium, checks: SignatureCheck[]): Sodium {
  const verify: Sodium['crypto_sign_verify_detached'] = (signature, message, publicKey) => {
    checks.push({ signature, message: typeof message === 'string' ? new TextEncoder().encode(message) : message, publicKey });
    return true;
  };
  return Object.create(sodium, { crypto_sign_verify_detached: { value: verify } }) as Sodium;
}

const threadHead = preparedFor((db) => db.select({
  status: threads.status, lastSeq: threads.lastSeq, headHash: threads.headHash, askerId: threads.askerId, openerStaffId: threads.openerStaffId,
}).from(threads).where(eq(threads.id, sql.placeholder('threadId'))).prepare());
const insertItem = preparedFor((db) => db.insert(messages).values({
  threadId: sql.placeholder('threadId'), seq: sql.placeholder('seq'), type: sql.placeholder('type'), senderId: sql.placeholder('senderId'),
  prevHash: sql.placeholder('prevHash'), nonce: sql.placeholder('nonce'), ciphertext: sql.placeholder('ciphertext'), signature: sql.placeholder('signature'),
  toStaffId: sql.placeholder('toStaffId'), toFingerprint: sql.placeholder('toFingerprint'), createdAt: sql.placeholder('createdAt'),
}).prepare());
const advanceHead = preparedFor((db) => db.update(threads).set({ lastSeq: sql`${sql.placeholder('seq')}`, headHash: sql`${sql.placeholder('head')}` })
  .where(eq(threads.id, sql.placeholder('threadId'))).prepare());

const buffer = (b: Uint8Array | undefined): Buffer | null => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : null);

/** Stores one checked item if the thread still ends where it was checked; runs inside the caller's transaction. */
function storeItem(db: Db, input: CheckedItem): PostResult {
  const { item } = input;
  const row = threadHead(db).get({ threadId: input.threadId });
  if (!row) return { ok: false, reason: 'thread_not_found' };
  if (row.status === 'closed') return { ok: false, reason: 'thread_closed' };
  // Checked again here, not only when the request arrived: another item may have been stored while
  // this one waited for its batch, and it was checked against the transcript as it was then.
  if (item.seq !== row.lastSeq + 1 || !bytesEqual(new Uint8Array(row.headHash), item.prevHash)) return { ok: false, reason: 'sequence_conflict' };
  const refused = input.staffCheck?.();
  if (refused) return { ok: false, reason: refused };
  const stored = {
    threadId: input.threadId, seq: item.seq, type: item.type, senderId: item.senderId, prevHash: Buffer.from(item.prevHash),
    nonce: buffer(item.nonce), ciphertext: item.pool ? storedPool(item.pool) : buffer(item.ciphertext), signature: Buffer.from(item.signature),
    toStaffId: item.to?.staffId ?? null, toFingerprint: buffer(item.to?.fingerprint), createdAt: storedTime('messages.created_at', input.now),
  };
  insertItem(db).run(stored);
  advanceHead(db).run({ seq: item.seq, head: Buffer.from(input.hash), threadId: input.threadId });
  let thread: ThreadRow | null = null;
  if (item.type === 'claim') {
    // Assigned to the claimer; the other pool members' sealed keys are dropped, so from now on only
    // the opener and the holder hold the thread key on the server.
    db.update(threads).set({ status: 'assigned', assignedStaffId: item.senderId }).where(eq(threads.id, input.threadId)).run();
    db.delete(threadKeys).where(and(eq(threadKeys.threadId, input.threadId), notInArray(threadKeys.principalId, [item.senderId, (row.askerId ?? row.openerStaffId)!]))).run();
    thread = getThread(db, input.threadId);
  } else if (item.type === 'handover') {
    // The new holder's sealed key replaces the old holder's.
    const to = item.to!.staffId;
    db.update(threads).set({ assignedStaffId: to }).where(eq(threads.id, input.threadId)).run();
    db.delete(threadKeys).where(and(eq(threadKeys.threadId, input.threadId), inArray(threadKeys.principalId, [item.senderId, to]))).run();
    db.insert(threadKeys).values({ threadId: input.threadId, principalId: to, sealedKey: Buffer.from(input.sealedKey!) }).run();
    thread = getThread(db, input.threadId);
  } else if (item.type === 'return') {
    // Back in the pool: nobody holds it, the old holder's key (and any other but the opener's) is
    // dropped, and the new pool's keys are stored; the queue shows it to them again.
    const opener = (row.askerId ?? row.openerStaffId)!;
    db.update(threads).set({ status: 'open', assignedStaffId: null }).where(eq(threads.id, input.threadId)).run();
    db.delete(threadKeys).where(and(eq(threadKeys.threadId, input.threadId), ne(threadKeys.principalId, opener))).run();
    for (const [principalId, sealed] of input.sealedKeys ?? []) {
      db.insert(threadKeys).values({ threadId: input.threadId, principalId, sealedKey: Buffer.from(sealed) }).run();
    }
    thread = getThread(db, input.threadId);
  }
  return { ok: true, item: wireOf(stored), thread };
}

interface Pending {
  input: CheckedItem;
  resolve: (result: PostResult) => void;
  reject: (err: unknown) => void;
}

// Group commit. With synchronous=FULL every commit waits for the disk (fsync), and that wait,
// not the work, bounds how many items one connection stores per second. Items are written in one
// transaction per batch and acknowledged together once it is on disk, never before: an item
// answered 201 is durable. The log is synced off the event loop (db/wal-sync.ts), so the next
// requests are checked meanwhile; while a sync is under way the next batch waits and grows, and is
// committed when the sync ends (at most one sync in flight: under load one sync covers many items,
// when idle an item is committed in the turn of the event loop it arrived in). Each item keeps its
// own savepoint, so one that fails (a constraint, a bug) is rolled back and answered alone while
// its neighbours are stored; items are applied in arrival order, so the sequence and head check
// sees every earlier item of the batch exactly as if each had committed alone.
interface Group {
  queue: Pending[];
  /** A flush is due in this turn of the event loop. */
  scheduled: boolean;
  /** A committed batch waits for its sync. */
  syncing: boolean;
}
const groups = new WeakMap<Db, Group>();
// Inside the batch's transaction better-sqlite3 runs this as a savepoint; built once per connection.
const storeInSavepoint = preparedFor((db) => db.$client.transaction((input: CheckedItem) => storeItem(db, input)));

type Outcome = { ok: true; result: PostResult } | { ok: false; err: unknown };

function schedule(db: Db, group: Group): void {
  if (group.scheduled || group.syncing || group.queue.length === 0) return;
  group.scheduled = true;
  setImmediate(() => flush(db, group));
}

function flush(db: Db, group: Group): void {
  group.scheduled = false;
  const batch = group.queue;
  group.queue = [];
  let committed: { result: Outcome[]; durable: Promise<void> };
  try {
    committed = commitThenSync(db, () => batch.map(({ input }): Outcome => {
      try {
        return { ok: true, result: storeInSavepoint(db)(input) };
      } catch (err) {
        // SQLite may have ended the whole transaction itself (disk full, I/O error): then the
        // rest must not run outside it, one autocommit each; the batch fails as a whole.
        if (!db.$client.inTransaction) throw err;
        return { ok: false, err };
      }
    }));
  } catch (err) {
    for (const item of batch) item.reject(err);
    schedule(db, group);
    return;
  }
  group.syncing = true;
  committed.durable.then(() => {
    batch.forEach((item, i) => {
      const outcome = committed.result[i]!;
      if (outcome.ok) item.resolve(outcome.result);
      else item.reject(outcome.err);
    });
  }, (err: unknown) => {
    for (const item of batch) item.reject(err);
  }).finally(() => {
    group.syncing = false;
    schedule(db, group);
  });
}

/** Queues a checked item for the next group commit; resolves once it is committed and on disk (or refused at write time). */
export function commitItem(db: Db, input: CheckedItem): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    let group = groups.get(db);
    if (!group) {
      group = { queue: [], scheduled: false, syncing: false };
      groups.set(db, group);
    }
    group.queue.push({ input, resolve, reject });
    schedule(db, group);
  });
}
