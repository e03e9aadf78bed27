import { sha256 } from '@noble/hashes/sha2.js';
import type { Language } from './api/common.js';
import { languageSchema } from './api/common.js';
import { assertBytes } from './bytes.js';
import { SIZES, THREAD_LABELS } from './constants.js';
import { bytesEqual, concatBytes, fromBase64Url, toBase64Url, utf8 } from './encoding.js';
import { ID_PATTERN } from './ids.js';
import type { Sodium } from './sodium.js';
import { threadKindSchema, topicSchema, urgencySchema, type ThreadKind, type Topic, type Urgency } from './thread-metadata.js';

// The genesis record (DESIGN.md §5, PROTOCOL.md §7.2): the opener's client chooses the thread id
// and the thread key K, and signs what the thread is (kind, language, topic, urgency), who opened
// it (both public keys), who may hold K (each recipient's directory id with the fingerprint of its
// keys) and a commitment to K. Nothing of it comes from the server: a server that changes the
// metadata, swaps a key or seals another K is caught by every client that checks this record.

export interface GenesisRecipient {
  id: string;
  /** keyFingerprint() of the recipient's box and sign public keys. */
  fingerprint: Uint8Array;
}

export interface Genesis {
  threadId: string;
  kind: ThreadKind;
  language: Language;
  topic: Topic;
  urgency: Urgency;
  openerId: string;
  openerBoxPublicKey: Uint8Array;
  openerSignPublicKey: Uint8Array;
  keyCommitment: Uint8Array;
  /** The intake pool the key is sealed to (the opener not included), in ascending id order. */
  recipients: GenesisRecipient[];
}


/** SHA-256 over the label line and both public keys: what a genesis and a hand-over name a person by. */
export function keyFingerprint(boxPublicKey: Uint8Array, signPublicKey: Uint8Array): Uint8Array {
  assertBytes(boxPublicKey, SIZES.publicKey, 'boxPublicKey');
  assertBytes(signPublicKey, SIZES.publicKey, 'signPublicKey');
  return sha256(concatBytes(utf8(`${THREAD_LABELS.fingerprint}\n`), boxPublicKey, signPublicKey));
}

/**
 * Binds K to its thread and its opener: a client that opens a sealed key checks it against the
 * signed genesis. The opener's sign key is inside, so a server cannot copy the commitment into a
 * genesis it signs itself (with other metadata) and pass the real sealed K along with it.
 */
export function keyCommitment(threadId: string, openerSignPublicKey: Uint8Array, threadKey: Uint8Array): Uint8Array {
  assertBytes(openerSignPublicKey, SIZES.publicKey, 'openerSignPublicKey');
  assertBytes(threadKey, SIZES.threadKey, 'threadKey');
  return sha256(concatBytes(utf8(`${THREAD_LABELS.keyCommitment}\n${threadId}\n`), openerSignPublicKey, threadKey));
}

/** A pool larger than this does not fit one request's sealed keys (protocol/api/threads.ts MAX_RECIPIENTS). */
export const MAX_GENESIS_RECIPIENTS = 200;

const THREAD_ID_PATTERN = /^t_[A-Za-z0-9_-]{22}$/;

/** The canonical bytes: UTF-8 lines joined by "\n", binary values in base64url, no final newline. */
export function genesisBytes(g: Genesis): Uint8Array {
  if (!THREAD_ID_PATTERN.test(g.threadId)) throw new RangeError('threadId: expected t_ and 22 base64url characters');
  if (!ID_PATTERN.test(g.openerId)) throw new RangeError('openerId: not an id');
  assertBytes(g.openerBoxPublicKey, SIZES.publicKey, 'openerBoxPublicKey');
  assertBytes(g.openerSignPublicKey, SIZES.publicKey, 'openerSignPublicKey');
  assertBytes(g.keyCommitment, SIZES.hash, 'keyCommitment');
  if (g.recipients.length < 1 || g.recipients.length > MAX_GENESIS_RECIPIENTS) throw new RangeError(`recipients: 1-${MAX_GENESIS_RECIPIENTS}`);
  const ids = g.recipients.map((r) => r.id);
  for (let i = 0; i < ids.length; i++) {
    if (!/^s_[A-Za-z0-9_-]{22}$/.test(ids[i]!)) throw new RangeError('recipients: staff ids only');
    if (i > 0 && !(ids[i - 1]! < ids[i]!)) throw new RangeError('recipients: ascending ids, no duplicates');
    assertBytes(g.recipients[i]!.fingerprint, SIZES.hash, 'recipients.fingerprint');
  }
  if (ids.includes(g.openerId)) throw new RangeError('recipients: the opener is not a recipient');
  const lines = [
    THREAD_LABELS.genesis, g.threadId, g.kind, g.language, g.topic, g.urgency, g.openerId,
    toBase64Url(g.openerBoxPublicKey), toBase64Url(g.openerSignPublicKey), toBase64Url(g.keyCommitment),
    String(g.recipients.length),
    ...g.recipients.map((r) => `${r.id} ${toBase64Url(r.fingerprint)}`),
  ];
  return utf8(lines.join('\n'));
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads genesis bytes; null unless they are exactly the canonical form of a valid record. */
export function parseGenesis(bytes: Uint8Array): Genesis | null {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return null;
  }
  const lines = text.split('\n');
  if (lines.length < 11 || lines[0] !== THREAD_LABELS.genesis) return null;
  const [, threadId, kind, language, topic, urgency, openerId, box, sign, commitment, count, ...rest] = lines as [string, ...string[]];
  const n = Number(count);
  if (!/^[1-9][0-9]{0,2}$/.test(count ?? '') || n > MAX_GENESIS_RECIPIENTS || rest.length !== n) return null;
  const recipients: GenesisRecipient[] = [];
  for (const line of rest) {
    const [id, fp, extra] = line.split(' ');
    const fingerprint = fp === undefined ? null : fromBase64Url(fp);
    if (!id || !fingerprint || extra !== undefined) return null;
    recipients.push({ id, fingerprint });
  }
  const k = threadKindSchema.safeParse(kind);
  const l = languageSchema.safeParse(language);
  const t = topicSchema.safeParse(topic);
  const u = urgencySchema.safeParse(urgency);
  const openerBoxPublicKey = fromBase64Url(box ?? '');
  const openerSignPublicKey = fromBase64Url(sign ?? '');
  const keyCommitmentBytes = fromBase64Url(commitment ?? '');
  if (!k.success || !l.success || !t.success || !u.success || !openerBoxPublicKey || !openerSignPublicKey || !keyCommitmentBytes) return null;
  const genesis: Genesis = {
    threadId: threadId!, kind: k.data, language: l.data, topic: t.data, urgency: u.data, openerId: openerId!,
    openerBoxPublicKey, openerSignPublicKey, keyCommitment: keyCommitmentBytes, recipients,
  };
  // Canonical form only: re-encoding must give the same bytes (sizes, order, id shapes checked there).
  try {
    return bytesEqual(genesisBytes(genesis), bytes) ? genesis : null;
  } catch {
    return null;
  }
}

export function signGenesis(sodium: Sodium, g: Genesis, signPrivateKey: Uint8Array): Uint8Array {
  return sodium.crypto_sign_detached(genesisBytes(g), signPrivateKey);
}

/** The first link of the transcript's hash chain. */
export function genesisHash(bytes: Uint8Array, signature: Uint8Array): Uint8Array {
  return sha256(concatBytes(bytes, signature));
}

/**
 * Parses and checks a genesis against its own opener key: the record is canonical, signed by the
 * key it names, and for the thread asked for. Who the opener must be is the caller's check
 * (an asker: itself; a case thread: the opener's verified directory entry).
 */
export function verifyGenesis(sodium: Sodium, threadId: string, bytes: Uint8Array, signature: Uint8Array): Genesis | null {
  const g = parseGenesis(bytes);
  if (!g || g.threadId !== threadId || signature.length !== SIZES.signature) return null;
  try {
    return sodium.crypto_sign_verify_detached(signature, bytes, g.openerSignPublicKey) ? g : null;
  } catch {
    return null;
  }
}
