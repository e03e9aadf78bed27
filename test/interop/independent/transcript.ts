import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertLength, concat, equal, toBase64Url, utf8 } from './bytes.js';
import { keyFingerprint, type DirectoryEntry } from './directory.js';
import type { Genesis } from './genesis.js';
import { poolRole, type ItemType } from './vocabulary.js';

// Transcript items (PROTOCOL.md §7.4, §7.5): each is signed by its author over a header that
// names the thread, its number and the previous item's hash, so a reader who checks the chain
// from the genesis sees any insertion, deletion, reorder or fork.

export interface Item {
  seq: number;
  type: ItemType;
  senderId: string;
  prevHash: Uint8Array;
  signature: Uint8Array;
  /** message only */
  nonce?: Uint8Array;
  ciphertext?: Uint8Array;
  /** handover only */
  toStaffId?: string;
  toFingerprint?: Uint8Array;
  /** return only: the new pool, ascending staff ids */
  pool?: { staffId: string; fingerprint: Uint8Array }[];
}

export type UnsignedItem = Omit<Item, 'signature'>;

/** The header text: also a message's associated data. */
export function itemHeader(threadId: string, item: UnsignedItem): string {
  assertLength(item.prevHash, 32, 'prevHash');
  const lines = ['tynys.item.v2', threadId, String(item.seq), item.type, item.senderId, toBase64Url(item.prevHash)];
  if (item.type === 'handover') lines.push(item.toStaffId!, toBase64Url(assertLength(item.toFingerprint!, 32, 'toFingerprint')));
  if (item.type === 'return') {
    const pool = item.pool!;
    lines.push(String(pool.length), ...pool.map((m) => `${m.staffId} ${toBase64Url(assertLength(m.fingerprint, 32, 'pool fingerprint'))}`));
  }
  return lines.join('\n');
}

/** utf8(header) ‖ 0x00 ‖ payload (nonce ‖ ciphertext for a message, empty otherwise). */
export function itemSignedBytes(threadId: string, item: UnsignedItem): Uint8Array {
  const payload = item.type === 'message' ? concat(item.nonce!, item.ciphertext!) : new Uint8Array(0);
  return concat(utf8(itemHeader(threadId, item)), new Uint8Array([0]), payload);
}

export function signItem(threadId: string, item: UnsignedItem, signSeed: Uint8Array): Item {
  return { ...item, signature: ed25519.sign(itemSignedBytes(threadId, item), signSeed) };
}

/** SHA-256(signedBytes ‖ signature). */
export const itemHash = (threadId: string, item: Item): Uint8Array => sha256(concat(itemSignedBytes(threadId, item), item.signature));

/** A participant who may sign: an id and the sign key the reader trusts for it. */
interface Signer {
  id: string;
  signPublicKey: Uint8Array;
}

export interface TranscriptState {
  seq: number;
  head: Uint8Array;
  holder: Signer | null;
  /** Who may claim: the genesis's recipients until a return names others. */
  pool: { id: string; fingerprint: Uint8Array }[] | null;
}

export const initialState = (genesisHashBytes: Uint8Array): TranscriptState => ({ seq: 0, head: genesisHashBytes, holder: null, pool: null });

/** A return's pool: 1–200 staff ids, strictly ascending. */
const poolShapeOk = (pool: { staffId: string; fingerprint: Uint8Array }[]): boolean => pool.length >= 1 && pool.length <= 200
  && pool.every((m, i) => /^s_[A-Za-z0-9_-]{22}$/.test(m.staffId) && m.fingerprint.length === 32 && (i === 0 || pool[i - 1]!.staffId < m.staffId));

export type ItemRefusal = 'gap' | 'broken_chain' | 'shape' | 'not_allowed' | 'bad_signature';
export type ItemCheck = { ok: true; state: TranscriptState; hash: Uint8Array } | { ok: false; reason: ItemRefusal };

const isCiphertextLength = (n: number): boolean => n >= 16 + 256 && n <= 16 + 80 * 256 && (n - 16) % 256 === 0;

/** A verified directory entry in the thread's pool (its role and language), with its fingerprint. */
function poolMember(genesis: Genesis, directory: Map<string, DirectoryEntry>, id: string | undefined): (Signer & { fingerprint: Uint8Array }) | null {
  const entry = id === undefined ? undefined : directory.get(id);
  if (!entry || !entry.roles.includes(poolRole(genesis.kind)) || !entry.languages.includes(genesis.language)) return null;
  return { id: entry.staffId, signPublicKey: entry.signPublicKey, fingerprint: keyFingerprint(entry.boxPublicKey, entry.signPublicKey) };
}

/** §7.5: checks one item against the state before it; returns the state after it. */
export function checkItem(genesis: Genesis, directory: Map<string, DirectoryEntry>, state: TranscriptState, item: Item): ItemCheck {
  // 1. Position.
  if (item.seq !== state.seq + 1) return { ok: false, reason: 'gap' };
  if (!equal(item.prevHash, state.head)) return { ok: false, reason: 'broken_chain' };
  // 2. Shape.
  const isMessage = item.type === 'message';
  const isHandover = item.type === 'handover';
  if (isMessage !== (item.nonce?.length === 24 && item.ciphertext !== undefined && isCiphertextLength(item.ciphertext.length))) return { ok: false, reason: 'shape' };
  if (!isMessage && (item.nonce !== undefined || item.ciphertext !== undefined)) return { ok: false, reason: 'shape' };
  if (isHandover !== (item.toStaffId !== undefined && item.toFingerprint?.length === 32)) return { ok: false, reason: 'shape' };
  if (!isHandover && (item.toStaffId !== undefined || item.toFingerprint !== undefined)) return { ok: false, reason: 'shape' };
  if ((item.type === 'return') !== (item.pool !== undefined) || (item.pool && !poolShapeOk(item.pool))) return { ok: false, reason: 'shape' };
  if (item.signature.length !== 64) return { ok: false, reason: 'shape' };
  // 3. Who must have signed it, and who holds the thread after it.
  let signer: Signer | null = null;
  let holder = state.holder;
  let pool = state.pool;
  if (item.type === 'message') {
    if (item.senderId === genesis.openerId) signer = { id: genesis.openerId, signPublicKey: genesis.openerSignPublicKey };
    else if (item.senderId === state.holder?.id) signer = state.holder;
  } else if (item.type === 'claim') {
    const named = (state.pool ?? genesis.recipients).find((r) => r.id === item.senderId);
    const member = poolMember(genesis, directory, item.senderId);
    if (!state.holder && named && member && equal(member.fingerprint, named.fingerprint)) signer = holder = member;
  } else if (item.type === 'return') {
    // The opener, while someone holds it; every member of the new pool a verified pool member with the keys named.
    if (state.holder && item.senderId === genesis.openerId && item.pool!.every((m) => {
      const member = m.staffId === genesis.openerId ? null : poolMember(genesis, directory, m.staffId);
      return member !== null && equal(member.fingerprint, m.fingerprint);
    })) {
      signer = { id: genesis.openerId, signPublicKey: genesis.openerSignPublicKey };
      holder = null;
      pool = item.pool!.map((m) => ({ id: m.staffId, fingerprint: m.fingerprint }));
    }
  } else if (state.holder && item.senderId === state.holder.id) {
    const colleague = poolMember(genesis, directory, item.toStaffId);
    if (colleague && colleague.id !== state.holder.id && colleague.id !== genesis.openerId && equal(colleague.fingerprint, item.toFingerprint!)) {
      signer = state.holder;
      holder = colleague;
    }
  }
  if (!signer) return { ok: false, reason: 'not_allowed' };
  // 4. Signature.
  if (!ed25519.verify(item.signature, itemSignedBytes(genesis.threadId, item), signer.signPublicKey, { zip215: false })) return { ok: false, reason: 'bad_signature' };
  // 5. Advance.
  const hash = itemHash(genesis.threadId, item);
  return { ok: true, hash, state: { seq: item.seq, head: hash, holder: holder ? { id: holder.id, signPublicKey: holder.signPublicKey } : null, pool } };
}
