import { sha256 } from '@noble/hashes/sha2.js';
import { assertBytes } from './bytes.js';
import { MAX_CIPHERTEXT_BYTES, SEALED_KEY_BYTES, SIZES, THREAD_LABELS } from './constants.js';
import { bytesEqual, concatBytes, fromBase64Url, toBase64Url, utf8 } from './encoding.js';
import { pad, unpad } from './padding.js';
import { MAX_GENESIS_RECIPIENTS } from './genesis.js';
import type { Sodium } from './sodium.js';

// Transcript items and the message envelope (DESIGN.md §5, PROTOCOL.md §7). A thread's
// transcript is a hash chain: genesis, then items numbered 1, 2, … — messages, claims and
// hand-overs, and returns to the pool — each signed by its author over a header that names the version, thread, sequence,
// type, author and the hash of the previous item. A deleted, reordered or inserted item breaks
// the chain; a ciphertext moved to another thread or position fails its associated data.

export type ItemType = 'message' | 'claim' | 'handover' | 'return';

/** A member of the pool a return names: a staff id and the fingerprint of their keys. */
export interface PoolMember {
  staffId: string;
  fingerprint: Uint8Array;
}

export interface ItemHeader {
  threadId: string;
  seq: number;
  type: ItemType;
  senderId: string;
  /** Hash of the previous item (the genesis hash for item 1). */
  prevHash: Uint8Array;
  /** A hand-over names the colleague it goes to and the fingerprint of their keys. */
  to?: { staffId: string; fingerprint: Uint8Array };
  /** A return names the new intake pool (1–200, ascending staff ids, no duplicates). */
  pool?: readonly PoolMember[];
}


/** The header's canonical text; for a message it is also the associated data. */
export function itemHeaderBytes(h: ItemHeader): Uint8Array {
  if (!Number.isSafeInteger(h.seq) || h.seq < 1) throw new RangeError('seq: expected a positive integer');
  assertBytes(h.prevHash, SIZES.hash, 'prevHash');
  if ((h.type === 'handover') !== (h.to !== undefined)) throw new RangeError('to: a hand-over, and only a hand-over, names its recipient');
  if ((h.type === 'return') !== (h.pool !== undefined)) throw new RangeError('pool: a return, and only a return, names a pool');
  const lines = [THREAD_LABELS.item, h.threadId, String(h.seq), h.type, h.senderId, toBase64Url(h.prevHash)];
  if (h.to) {
    assertBytes(h.to.fingerprint, SIZES.hash, 'to.fingerprint');
    lines.push(h.to.staffId, toBase64Url(h.to.fingerprint));
  }
  // Written as a genesis writes its recipients (a count, then one line each), so the same
  // canonical rules hold: items of the other types keep their bytes.
  if (h.pool) lines.push(...poolLines(h.pool));
  return utf8(lines.join('\n'));
}

/** A return's pool as header lines: the count, then `<staffId> <base64url(fingerprint)>` per member. */
export function poolLines(pool: readonly PoolMember[]): string[] {
  if (pool.length < 1 || pool.length > MAX_GENESIS_RECIPIENTS) throw new RangeError(`pool: 1-${MAX_GENESIS_RECIPIENTS} members`);
  pool.forEach((m, i) => {
    if (!STAFF_ID.test(m.staffId)) throw new RangeError('pool: staff ids only');
    if (i > 0 && !(pool[i - 1]!.staffId < m.staffId)) throw new RangeError('pool: ascending ids, no duplicates');
    assertBytes(m.fingerprint, SIZES.hash, 'pool.fingerprint');
  });
  return [String(pool.length), ...pool.map((m) => `${m.staffId} ${toBase64Url(m.fingerprint)}`)];
}

const STAFF_ID = /^s_[A-Za-z0-9_-]{22}$/;

/** Reads pool lines back (as the server stores a return's pool); null unless canonical. */
export function parsePoolLines(text: string): PoolMember[] | null {
  const [count, ...rest] = text.split('\n');
  if (!/^[1-9][0-9]{0,2}$/.test(count ?? '') || rest.length !== Number(count)) return null;
  const pool: PoolMember[] = [];
  for (const line of rest) {
    const [staffId, fp, extra] = line.split(' ');
    if (staffId === undefined || fp === undefined || extra !== undefined) return null;
    const fingerprint = fromBase64Url(fp);
    if (!fingerprint) return null;
    pool.push({ staffId, fingerprint });
  }
  try {
    return poolLines(pool).join('\n') === text ? pool : null;
  } catch {
    return null;
  }
}

/** What an item's author signs: the header, a 0x00 byte (the header holds none), then the payload (a message's nonce and ciphertext; empty otherwise). */
export function itemSignedBytes(h: ItemHeader, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (h.type !== 'message' && payload.length > 0) throw new RangeError('payload: only a message carries one');
  return concatBytes(itemHeaderBytes(h), new Uint8Array([0]), payload);
}

/** The chain's next link: SHA-256 over the signed bytes and the signature. */
export function itemHash(signed: Uint8Array, signature: Uint8Array): Uint8Array {
  return sha256(concatBytes(signed, signature));
}

export function signItem(sodium: Sodium, h: ItemHeader, payload: Uint8Array, signPrivateKey: Uint8Array): Uint8Array {
  return sodium.crypto_sign_detached(itemSignedBytes(h, payload), signPrivateKey);
}

export function verifyItem(sodium: Sodium, h: ItemHeader, payload: Uint8Array, signature: Uint8Array, signPublicKey: Uint8Array): boolean {
  if (signature.length !== SIZES.signature || signPublicKey.length !== SIZES.publicKey) return false;
  try {
    return sodium.crypto_sign_verify_detached(signature, itemSignedBytes(h, payload), signPublicKey);
  } catch {
    return false;
  }
}

export function newThreadKey(sodium: Sodium): Uint8Array {
  return sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
}

/**
 * Seals K together with its thread id to one recipient's X25519 key (crypto_box_seal): a sealed
 * key served for another thread does not open as that thread's key.
 */
export function sealThreadKey(sodium: Sodium, threadKey: Uint8Array, threadId: string, recipientBoxPublicKey: Uint8Array): Uint8Array {
  assertBytes(threadKey, SIZES.threadKey, 'threadKey');
  assertBytes(recipientBoxPublicKey, SIZES.publicKey, 'recipientBoxPublicKey');
  const id = utf8(threadId);
  assertBytes(id, SIZES.threadId, 'threadId');
  return sodium.crypto_box_seal(concatBytes(threadKey, id), recipientBoxPublicKey);
}

/** Opens a sealed key for `threadId`; null when it was sealed to another key pair, altered, or bound to another thread. */
export function openThreadKey(sodium: Sodium, sealed: Uint8Array, threadId: string, box: { publicKey: Uint8Array; privateKey: Uint8Array }): Uint8Array | null {
  if (sealed.length !== SEALED_KEY_BYTES) return null;
  try {
    const payload = sodium.crypto_box_seal_open(sealed, box.publicKey, box.privateKey);
    if (payload.length !== SIZES.threadKey + SIZES.threadId || !bytesEqual(payload.subarray(SIZES.threadKey), utf8(threadId))) return null;
    return payload.slice(0, SIZES.threadKey);
  } catch {
    return null;
  }
}

export interface SealedMessage {
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  signature: Uint8Array;
}

/** Pads, encrypts under K with a fresh random nonce (the header as associated data) and signs. */
export function sealMessage(sodium: Sodium, args: { threadKey: Uint8Array; header: ItemHeader; plaintext: Uint8Array; signPrivateKey: Uint8Array; /** Test vectors only: a fixed nonce. */ nonce?: Uint8Array }): SealedMessage {
  if (args.header.type !== 'message') throw new RangeError('header: not a message');
  const padded = pad(args.plaintext);
  if (padded.length > SIZES.maxPadded) throw new RangeError('plaintext: too long');
  const nonce = args.nonce ?? sodium.randombytes_buf(SIZES.nonce);
  assertBytes(nonce, SIZES.nonce, 'nonce');
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(padded, itemHeaderBytes(args.header), null, nonce, args.threadKey);
  padded.fill(0);
  const signature = signItem(sodium, args.header, concatBytes(nonce, ciphertext), args.signPrivateKey);
  return { nonce, ciphertext, signature };
}

/** A ciphertext of a padded plaintext: the tag plus whole blocks, within the largest size. */
export function ciphertextLengthValid(length: number): boolean {
  return length > SIZES.tag && length <= MAX_CIPHERTEXT_BYTES && (length - SIZES.tag) % SIZES.padBlock === 0;
}

/** Decrypts and unpads a message whose signature the caller has verified; null if either fails. */
export function openMessage(sodium: Sodium, args: { threadKey: Uint8Array; header: ItemHeader; nonce: Uint8Array; ciphertext: Uint8Array }): Uint8Array | null {
  if (args.nonce.length !== SIZES.nonce || !ciphertextLengthValid(args.ciphertext.length)) return null;
  try {
    const padded = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, args.ciphertext, itemHeaderBytes(args.header), args.nonce, args.threadKey);
    return unpad(padded);
  } catch {
    return null;
  }
}
