import { bytesEqual, concatBytes } from './encoding.js';
import { itemHash, itemSignedBytes, verifyItem, type ItemHeader, type ItemType, type PoolMember } from './envelope.js';
import { keyFingerprint, type Genesis } from './genesis.js';
import type { Sodium } from './sodium.js';
import { poolRole } from './thread-metadata.js';

// Who may speak, and in what order (DESIGN.md §5, PROTOCOL.md §7.5): one pure check of the next
// transcript item against the state the items before it built. Clients run it over the whole
// transcript they are served; the server runs it on each item posted, from the state it stored.
// Only the opener (with the key its genesis names) and the holder at that point may post a
// message; a claim comes from a pool member the genesis named, with the keys it named; a
// hand-over comes from the holder and goes to a colleague of the pool's role and language; a
// return comes from the opener while someone holds the thread, and names a new pool (the server
// cannot: it never has K, so only the opener can seal it to new colleagues). Claims after a return
// are checked against the pool it named, not the genesis's.

/** A transcript item as read from the wire, bytes decoded. */
export interface TranscriptItem {
  seq: number;
  type: ItemType;
  senderId: string;
  prevHash: Uint8Array;
  signature: Uint8Array;
  /** A message's nonce and ciphertext. */
  nonce?: Uint8Array;
  ciphertext?: Uint8Array;
  to?: { staffId: string; fingerprint: Uint8Array };
  /** A return's new pool. */
  pool?: readonly PoolMember[];
}

/** A staff member as the checker's verified directory has them. */
export interface KnownStaff {
  id: string;
  roles: readonly string[];
  languages: readonly string[];
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

export interface TranscriptState {
  genesis: Genesis;
  /** The last sequence applied (0: only the genesis). */
  seq: number;
  /** Hash of the last item (the genesis hash at first). */
  head: Uint8Array;
  /** Who holds the thread: null until a claim. */
  holder: { id: string; signPublicKey: Uint8Array } | null;
  /** Who may claim: the genesis recipients, or the pool the last return named. */
  pool: readonly PoolMember[];
}

export type TranscriptFault = 'sequence_gap' | 'broken_chain' | 'unknown_sender' | 'bad_signature' | 'bad_claim' | 'bad_handover' | 'bad_return' | 'malformed_item';

export type Applied = { ok: true; state: TranscriptState; hash: Uint8Array; header: ItemHeader } | { ok: false; fault: TranscriptFault };

export function startTranscript(genesis: Genesis, genesisHash: Uint8Array): TranscriptState {
  return { genesis, seq: 0, head: genesisHash, holder: null, pool: genesisPool(genesis) };
}

/** The intake pool a genesis names (its recipients; the opener is never one). */
export function genesisPool(genesis: Genesis): PoolMember[] {
  return genesis.recipients.map((r) => ({ staffId: r.id, fingerprint: r.fingerprint }));
}

export function headerOf(threadId: string, item: TranscriptItem): ItemHeader {
  return {
    threadId, seq: item.seq, type: item.type, senderId: item.senderId, prevHash: item.prevHash, ...(item.to ? { to: item.to } : {}), ...(item.pool ? { pool: item.pool } : {}),
  };
}

export function payloadOf(item: TranscriptItem): Uint8Array {
  return item.type === 'message' && item.nonce && item.ciphertext ? concatBytes(item.nonce, item.ciphertext) : new Uint8Array(0);
}

/** Whether a directory entry may take this thread: the pool's role and the thread's language. */
function fitsPool(g: Genesis, s: KnownStaff): boolean {
  return s.roles.includes(poolRole(g.kind)) && s.languages.includes(g.language);
}

/** Whether `id` is a verified directory entry that fits the pool, with keys of this fingerprint. */
function fitsWithKeys(g: Genesis, entry: KnownStaff | null, fingerprint: Uint8Array): entry is KnownStaff {
  return entry !== null && fitsPool(g, entry) && bytesEqual(keyFingerprint(entry.boxPublicKey, entry.signPublicKey), fingerprint);
}

/** Checks `item` as the next one after `state`; `staff` looks a staff id up in the checker's verified directory. */
export function applyItem(sodium: Sodium, state: TranscriptState, item: TranscriptItem, staff: (id: string) => KnownStaff | null): Applied {
  const g = state.genesis;
  if (item.seq !== state.seq + 1) return { ok: false, fault: 'sequence_gap' };
  if (!bytesEqual(item.prevHash, state.head)) return { ok: false, fault: 'broken_chain' };
  if ((item.type === 'message') !== (item.nonce !== undefined && item.ciphertext !== undefined) || (item.type === 'handover') !== (item.to !== undefined)
    || (item.type === 'return') !== (item.pool !== undefined)) {
    return { ok: false, fault: 'malformed_item' };
  }
  let header: ItemHeader;
  try {
    header = headerOf(g.threadId, item);
    itemSignedBytes(header, payloadOf(item)); // sizes and shapes
  } catch {
    return { ok: false, fault: 'malformed_item' };
  }
  let signer: Uint8Array;
  let holder = state.holder;
  let pool = state.pool;
  if (item.type === 'message') {
    if (item.senderId === g.openerId) signer = g.openerSignPublicKey;
    else if (holder && item.senderId === holder.id) signer = holder.signPublicKey;
    else return { ok: false, fault: 'unknown_sender' };
  } else if (item.type === 'claim') {
    const named = pool.find((m) => m.staffId === item.senderId);
    const entry = named ? staff(item.senderId) : null;
    if (holder || !named || !fitsWithKeys(g, entry, named.fingerprint)) return { ok: false, fault: 'bad_claim' };
    signer = entry.signPublicKey;
    holder = { id: entry.id, signPublicKey: entry.signPublicKey };
  } else if (item.type === 'return') {
    // The opener takes the thread back from its holder (revoked, or gone from the directory) and
    // names who may claim it next; each must fit the pool, with the keys named.
    const named = item.pool!;
    if (item.senderId !== g.openerId || !holder || !named.every((m) => m.staffId !== g.openerId && fitsWithKeys(g, staff(m.staffId), m.fingerprint))) {
      return { ok: false, fault: 'bad_return' };
    }
    signer = g.openerSignPublicKey;
    holder = null;
    pool = named;
  } else {
    const to = item.to!;
    const entry = staff(to.staffId);
    if (!holder || item.senderId !== holder.id || !entry || entry.id === holder.id || to.staffId === g.openerId || !fitsPool(g, entry)
      || !bytesEqual(keyFingerprint(entry.boxPublicKey, entry.signPublicKey), to.fingerprint)) {
      return { ok: false, fault: 'bad_handover' };
    }
    signer = holder.signPublicKey;
    holder = { id: entry.id, signPublicKey: entry.signPublicKey };
  }
  const payload = payloadOf(item);
  if (!verifyItem(sodium, header, payload, item.signature, signer)) return { ok: false, fault: 'bad_signature' };
  const hash = itemHash(itemSignedBytes(header, payload), item.signature);
  return { ok: true, state: { genesis: g, seq: item.seq, head: hash, holder, pool }, hash, header };
}
