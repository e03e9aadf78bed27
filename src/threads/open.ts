import { and, count, eq, ne } from 'drizzle-orm';
import { threadKeys, threads } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { storedTime } from '../db/time-granularity.js';
import { URGENCIES } from '../protocol/api/threads.js';
import type { StaffDirectory } from '../protocol/directory.js';
import { bytesEqual } from '../protocol/encoding.js';
import { genesisHash, keyFingerprint, parseGenesis, verifyGenesis, type Genesis } from '../protocol/genesis.js';
import type { Sodium } from '../protocol/sodium.js';
import { poolRole } from '../protocol/thread-metadata.js';
import { mayOpen, type Caller, type IdentityKeys, type StaffActive, type ThreadRow } from './service.js';

// Opening a thread from its signed genesis (DESIGN.md §5, PROTOCOL.md §7.2). The opener's client
// chose the thread id and K and signed what the thread is; the server reads the routing metadata
// from that record, never from anything beside it, and checks what it can: that the caller signed
// it with the keys it holds, and that K goes to the opener and to signed members of the intake
// pool, each named with the fingerprint of the keys the key was sealed to. It cannot see inside a
// sealed box, but it can refuse to hand one to anybody else.

export interface OpenInput {
  genesis: Uint8Array;
  genesisSignature: Uint8Array;
  sealedKeys: { recipientId: string; sealedKey: Uint8Array }[];
}

export type OpenFailure = 'invalid_genesis' | 'invalid_signature' | 'forbidden' | 'invalid_recipients' | 'thread_exists' | 'too_many_open_threads';
export type OpenResult = { ok: true; thread: ThreadRow } | { ok: false; reason: OpenFailure };

export interface OpenDeps {
  sodium: Sodium;
  directory: StaffDirectory;
  identities: IdentityKeys;
  /** Disabled or removed members are not given K, though the signed manifest may still list them. */
  staffActive: StaffActive;
}

/** The caller's own public keys: an asker's identity row, a staff member's verified directory entry. */
function callerKeys(deps: OpenDeps, caller: Caller): { boxPublicKey: Uint8Array; signPublicKey: Uint8Array } | null {
  if (caller.kind === 'asker') return deps.identities(caller.id);
  return deps.directory.get(caller.id);
}

/** Every recipient in the verified intake pool (the pool's role, the thread's language), named with the keys of its entry. */
function recipientsValid(directory: StaffDirectory, g: Genesis): boolean {
  const pool = new Map(directory.pool(poolRole(g.kind), g.language).map((e) => [e.staffId, e]));
  return g.recipients.every((r) => {
    const entry = pool.get(r.id);
    return entry !== undefined && bytesEqual(keyFingerprint(entry.boxPublicKey, entry.signPublicKey), r.fingerprint);
  });
}

/** Checks a genesis and its sealed keys, and stores the thread: status open, no item yet, its head the genesis hash. */
export function openThread(db: Db, deps: OpenDeps, caller: Caller, input: OpenInput, options: { now: number; maxOpenThreads: number }): OpenResult {
  const parsed = parseGenesis(input.genesis);
  if (!parsed) return { ok: false, reason: 'invalid_genesis' };
  const g = verifyGenesis(deps.sodium, parsed.threadId, input.genesis, input.genesisSignature);
  if (!g) return { ok: false, reason: 'invalid_signature' };
  // The opener is the caller, with the keys the server knows for it: a genesis signed by someone
  // else's key, or naming keys the caller does not hold, is refused.
  const keys = callerKeys(deps, caller);
  if (g.openerId !== caller.id || !keys || !bytesEqual(keys.boxPublicKey, g.openerBoxPublicKey) || !bytesEqual(keys.signPublicKey, g.openerSignPublicKey)) {
    return { ok: false, reason: 'invalid_genesis' };
  }
  if (!mayOpen(caller, g.kind)) return { ok: false, reason: 'forbidden' };
  // K sealed to exactly the opener and the recipients the genesis names, once each.
  const sealedTo = input.sealedKeys.map((k) => k.recipientId);
  const named = new Set([g.openerId, ...g.recipients.map((r) => r.id)]);
  if (g.recipients.length === 0 || new Set(sealedTo).size !== sealedTo.length || sealedTo.length !== named.size || sealedTo.some((id) => !named.has(id))
    || !recipientsValid(deps.directory, g)) {
    return { ok: false, reason: 'invalid_recipients' };
  }
  // A member disabled since the manifest was signed is still in it, so clients still seal K to
  // them: that copy is not stored (nobody could fetch it but them). With nobody left, the thread
  // would wait for a claim that cannot come.
  const stored = input.sealedKeys.filter((k) => k.recipientId === caller.id || deps.staffActive(k.recipientId));
  if (stored.length < 2) return { ok: false, reason: 'invalid_recipients' };

  const openerColumn = caller.kind === 'asker' ? threads.askerId : threads.openerStaffId;
  return db.transaction((tx): OpenResult => {
    // The client drew the id: a taken one is refused, never overwritten or merged.
    if (tx.select({ id: threads.id }).from(threads).where(eq(threads.id, g.threadId)).get()) return { ok: false, reason: 'thread_exists' };
    const open = tx.select({ n: count() }).from(threads).where(and(eq(openerColumn, caller.id), ne(threads.status, 'closed'))).get()!.n;
    if (open >= options.maxOpenThreads) return { ok: false, reason: 'too_many_open_threads' };
    const row: ThreadRow = {
      id: g.threadId,
      kind: g.kind,
      askerId: caller.kind === 'asker' ? caller.id : null,
      openerStaffId: caller.kind === 'staff' ? caller.id : null,
      topic: g.topic,
      language: g.language,
      urgency: URGENCIES.indexOf(g.urgency),
      status: 'open',
      assignedStaffId: null,
      lastSeq: 0,
      genesis: Buffer.from(input.genesis),
      genesisSignature: Buffer.from(input.genesisSignature),
      headHash: Buffer.from(genesisHash(input.genesis, input.genesisSignature)),
      createdAt: storedTime('threads.created_at', options.now),
      closedAt: null,
    };
    tx.insert(threads).values(row).run();
    tx.insert(threadKeys).values(stored.map((k) => ({ threadId: row.id, principalId: k.recipientId, sealedKey: Buffer.from(k.sealedKey) }))).run();
    return { ok: true, thread: row };
  });
}
