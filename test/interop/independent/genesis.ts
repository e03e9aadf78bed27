import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertLength, concat, equal, fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes.js';
import { ID_PATTERN, isOneOf, LANGUAGES, STAFF_ID_PATTERN, THREAD_ID_PATTERN, THREAD_KINDS, TOPICS, URGENCIES, type ThreadKind } from './vocabulary.js';

// The genesis (PROTOCOL.md §7.2): the opener's signed record of what the thread is, who may read
// it (recipients named with their key fingerprints) and which key it uses (a commitment to K).
// Only the canonical text is valid: a reader parses, re-encodes and compares bytes.

export interface Recipient {
  id: string;
  fingerprint: Uint8Array;
}

export interface Genesis {
  threadId: string;
  kind: ThreadKind;
  language: string;
  topic: string;
  urgency: string;
  openerId: string;
  openerBoxPublicKey: Uint8Array;
  openerSignPublicKey: Uint8Array;
  keyCommitment: Uint8Array;
  /** Sorted by id (byte order), no duplicates, opener excluded. */
  recipients: Recipient[];
}

const MAX_RECIPIENTS = 200;

/** SHA-256("tynys.thread-key.v2\n" ‖ threadId ‖ "\n" ‖ openerSignPublicKey ‖ K): binds K to one thread and its opener. */
export function keyCommitment(threadId: string, openerSignPublicKey: Uint8Array, threadKey: Uint8Array): Uint8Array {
  assertLength(threadKey, 32, 'threadKey');
  return sha256(concat(utf8(`tynys.thread-key.v2\n${threadId}\n`), openerSignPublicKey, threadKey));
}

// Ids are ASCII, so UTF-16 order is byte order.
const byId = (a: Recipient, b: Recipient): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The genesis bytes; recipients are sorted here, so a caller cannot get the order wrong. */
export function genesisBytes(g: Genesis): Uint8Array {
  if (!THREAD_ID_PATTERN.test(g.threadId) || !ID_PATTERN.test(g.openerId) || !g.recipients.every((r) => STAFF_ID_PATTERN.test(r.id))) throw new TypeError('genesis: an id is not of its form (§1.3; recipients are staff)');
  assertLength(g.openerBoxPublicKey, 32, 'openerBoxPublicKey');
  assertLength(g.openerSignPublicKey, 32, 'openerSignPublicKey');
  assertLength(g.keyCommitment, 32, 'keyCommitment');
  const recipients = [...g.recipients].sort(byId);
  if (recipients.length < 1 || recipients.length > MAX_RECIPIENTS) throw new RangeError(`genesis: 1-${MAX_RECIPIENTS} recipients (§7.2)`);
  for (const r of recipients) assertLength(r.fingerprint, 32, `fingerprint of ${r.id}`);
  return utf8([
    'tynys.genesis.v2', g.threadId, g.kind, g.language, g.topic, g.urgency, g.openerId,
    toBase64Url(g.openerBoxPublicKey), toBase64Url(g.openerSignPublicKey), toBase64Url(g.keyCommitment),
    String(recipients.length), ...recipients.map((r) => `${r.id} ${toBase64Url(r.fingerprint)}`),
  ].join('\n'));
}

const key32 = (text: string | undefined): Uint8Array | null => {
  const b = text === undefined ? null : fromBase64Url(text);
  return b?.length === 32 ? b : null;
};

/** Parses a genesis; null unless every field is valid and the bytes are exactly the canonical encoding. */
export function parseGenesis(bytes: Uint8Array): Genesis | null {
  const text = fromUtf8(bytes);
  if (text === null) return null;
  const lines = text.split('\n');
  const [label, threadId, kind, language, topic, urgency, openerId, boxPk, signPk, commitment, count] = lines;
  if (label !== 'tynys.genesis.v2' || !threadId || !THREAD_ID_PATTERN.test(threadId) || !openerId || !ID_PATTERN.test(openerId)) return null;
  if (!kind || !isOneOf(THREAD_KINDS, kind) || !language || !isOneOf(LANGUAGES, language)) return null;
  if (!topic || !isOneOf(TOPICS, topic) || !urgency || !isOneOf(URGENCIES, urgency)) return null;
  if (!count || !/^[1-9][0-9]{0,2}$/.test(count) || Number(count) > MAX_RECIPIENTS || lines.length !== 11 + Number(count)) return null;
  const openerBoxPublicKey = key32(boxPk);
  const openerSignPublicKey = key32(signPk);
  const keyCommitmentBytes = key32(commitment);
  if (!openerBoxPublicKey || !openerSignPublicKey || !keyCommitmentBytes) return null;
  const recipients: Recipient[] = [];
  for (const line of lines.slice(11)) {
    const [id, fp, extra] = line.split(' ');
    const fingerprint = key32(fp);
    if (!id || !STAFF_ID_PATTERN.test(id) || !fingerprint || extra !== undefined || id === openerId) return null;
    const previous = recipients.at(-1);
    // Strictly ascending: sorted and no duplicates.
    if (previous && !(previous.id < id)) return null;
    recipients.push({ id, fingerprint });
  }
  const genesis: Genesis = { threadId, kind, language, topic, urgency, openerId, openerBoxPublicKey, openerSignPublicKey, keyCommitment: keyCommitmentBytes, recipients };
  return equal(genesisBytes(genesis), bytes) ? genesis : null;
}

export const signGenesis = (bytes: Uint8Array, openerSignSeed: Uint8Array): Uint8Array => ed25519.sign(bytes, openerSignSeed);

/** Step 1 of §7.7: canonical, and signed by the opener sign key it contains. */
export function verifyGenesis(bytes: Uint8Array, signature: Uint8Array): Genesis | null {
  const genesis = parseGenesis(bytes);
  if (!genesis || signature.length !== 64) return null;
  return ed25519.verify(signature, bytes, genesis.openerSignPublicKey, { zip215: false }) ? genesis : null;
}

/** SHA-256(genesisBytes ‖ genesisSignature): the chain's first link. */
export const genesisHash = (bytes: Uint8Array, signature: Uint8Array): Uint8Array => sha256(concat(bytes, assertLength(signature, 64, 'genesisSignature')));
