import { equal, fromBase64Url } from './bytes.js';
import { keyFingerprint, type DirectoryEntry } from './directory.js';
import { genesisHash, verifyGenesis, type Genesis } from './genesis.js';
import type { BoxKeyPair, SignKeyPair } from './keys.js';
import { openMessage, type MessageBody } from './message.js';
import { openThreadKey } from './thread-key.js';
import { checkItem, initialState, type Item, type ItemRefusal, type TranscriptState } from './transcript.js';
import { isOneOf, ITEM_TYPES } from './vocabulary.js';

// What a client checks when it reads a thread, in the order of PROTOCOL.md §7.7. Nothing the
// server sends is believed unless it is signed, sealed or chained back to the genesis.

/** `GET /api/threads/{id}` */
export interface WireThreadDetail {
  id: string;
  kind: string;
  language: string;
  topic: string;
  urgency: string;
  genesis: string;
  genesisSignature: string;
  sealedKey: string;
  [other: string]: unknown;
}

/** One item of `GET /api/threads/{id}/items` */
export interface WireItem {
  seq: number;
  type: string;
  senderId: string;
  prevHash: string;
  signature: string;
  nonce?: string;
  ciphertext?: string;
  toStaffId?: string;
  toFingerprint?: string;
  pool?: { staffId: string; fingerprint: string }[];
}

export interface ReaderIdentity {
  role: 'asker' | 'staff';
  id: string;
  box: BoxKeyPair;
  sign: SignKeyPair;
}

export interface ReadItem {
  item: Item;
  hash: Uint8Array;
  body?: MessageBody;
}

export interface ThreadView {
  genesis: Genesis;
  genesisHash: Uint8Array;
  threadKey: Uint8Array;
  state: TranscriptState;
  items: ReadItem[];
  /** §7.7 step 7: own messages the other side had not seen when it wrote message `seq`. */
  crossed: { seq: number; unseen: number[] }[];
}

export type ReadRefusal =
  | 'genesis_invalid' | 'genesis_wrong_thread' | 'genesis_not_mine' | 'opener_not_in_directory' | 'not_a_reader'
  | 'summary_mismatch' | 'sealed_key_invalid' | 'undecodable_item' | 'fork' | 'message_unreadable' | ItemRefusal;

export type ReadResult = { ok: true; thread: ThreadView } | { ok: false; reason: ReadRefusal; seq?: number };

export interface ReadInput {
  threadId: string;
  detail: WireThreadDetail;
  items: WireItem[];
  reader: ReaderIdentity;
  /** The verified directory (entries that did not verify are absent). */
  directory: Map<string, DirectoryEntry>;
  /** Hashes of the items this reader posted in this session, by number. */
  posted?: Map<number, Uint8Array>;
}

/** Decodes a wire item; null if a field is not canonical base64url or has a wrong size. */
export function decodeItem(wire: WireItem): Item | null {
  const prevHash = fromBase64Url(wire.prevHash);
  const signature = fromBase64Url(wire.signature);
  if (!isOneOf(ITEM_TYPES, wire.type) || !Number.isSafeInteger(wire.seq) || prevHash?.length !== 32 || !signature) return null;
  const item: Item = { seq: wire.seq, type: wire.type, senderId: wire.senderId, prevHash, signature };
  for (const field of ['nonce', 'ciphertext', 'toFingerprint'] as const) {
    const text = wire[field];
    if (text === undefined) continue;
    const bytes = fromBase64Url(text);
    if (!bytes) return null;
    item[field] = bytes;
  }
  if (wire.toStaffId !== undefined) item.toStaffId = wire.toStaffId;
  if (wire.pool !== undefined) {
    const pool = wire.pool.map((m) => ({ staffId: m.staffId, fingerprint: fromBase64Url(m.fingerprint) }));
    if (pool.some((m) => !m.fingerprint)) return null;
    item.pool = pool.map((m) => ({ staffId: m.staffId, fingerprint: m.fingerprint! }));
  }
  return item;
}

export function readThread(input: ReadInput): ReadResult {
  const { threadId, detail, reader, directory } = input;
  const refuse = (reason: ReadRefusal, seq?: number): ReadResult => ({ ok: false, reason, ...(seq === undefined ? {} : { seq }) });

  // 1. Canonical, signed by the key it names, for the thread asked for.
  const genesisBytes = fromBase64Url(detail.genesis);
  const signature = fromBase64Url(detail.genesisSignature);
  const genesis = genesisBytes && signature ? verifyGenesis(genesisBytes, signature) : null;
  if (!genesis || !genesisBytes || !signature) return refuse('genesis_invalid');
  if (genesis.threadId !== threadId) return refuse('genesis_wrong_thread');

  // 2. Whose genesis.
  if (reader.role === 'asker') {
    // A server cannot hand an asker a thread it did not open: the opener must be the asker's own keys.
    if (genesis.openerId !== reader.id || !equal(genesis.openerSignPublicKey, reader.sign.publicKey) || !equal(genesis.openerBoxPublicKey, reader.box.publicKey)) return refuse('genesis_not_mine');
  } else if (genesis.kind === 'case') {
    const opener = directory.get(genesis.openerId);
    if (!opener || !equal(opener.signPublicKey, genesis.openerSignPublicKey) || !equal(opener.boxPublicKey, genesis.openerBoxPublicKey)) return refuse('opener_not_in_directory');
  }

  // 3. The plain summary must be the genesis's (a client shows only the genesis's values).
  if (detail.id !== threadId || detail.kind !== genesis.kind || detail.language !== genesis.language || detail.topic !== genesis.topic || detail.urgency !== genesis.urgency) return refuse('summary_mismatch');

  // 4. The sealed key: to me, for this thread, the committed K.
  const sealed = fromBase64Url(detail.sealedKey);
  const threadKey = sealed && openThreadKey(sealed, reader.box, threadId, genesis.openerSignPublicKey, genesis.keyCommitment);
  if (!threadKey) return refuse('sealed_key_invalid');

  // 5–6. Every item in order; messages decrypt and parse; nothing differs from what I posted.
  const head = genesisHash(genesisBytes, signature);
  let state = initialState(head);
  const items: ReadItem[] = [];
  for (const wire of input.items) {
    const item = decodeItem(wire);
    if (!item) return refuse('undecodable_item', wire.seq);
    const check = checkItem(genesis, directory, state, item);
    if (!check.ok) return refuse(check.reason, item.seq);
    const mine = input.posted?.get(item.seq);
    if (mine && !equal(mine, check.hash)) return refuse('fork', item.seq);
    let body: MessageBody | undefined;
    if (item.type === 'message') {
      body = openMessage(threadId, item, threadKey) ?? undefined;
      if (!body) return refuse('message_unreadable', item.seq);
    }
    items.push({ item, hash: check.hash, ...(body ? { body } : {}) });
    state = check.state;
  }

  // 2 (staff, finished): a recipient under its own keys, or the holder by a hand-over. §7.7 does
  // not name the third staff reader, a case's opener: its own keys in the genesis admit it.
  if (reader.role === 'staff') {
    const named = genesis.recipients.find((r) => r.id === reader.id);
    const isRecipient = named !== undefined && equal(named.fingerprint, keyFingerprint(reader.box.publicKey, reader.sign.publicKey));
    const isOpener = genesis.openerId === reader.id && equal(genesis.openerSignPublicKey, reader.sign.publicKey) && equal(genesis.openerBoxPublicKey, reader.box.publicKey);
    if (!isRecipient && !isOpener && state.holder?.id !== reader.id) return refuse('not_a_reader');
  }

  // 7. Crossed or withheld messages: mine between the other side's `read` and its own number.
  const myMessages = items.filter((r) => r.item.type === 'message' && r.item.senderId === reader.id).map((r) => r.item.seq);
  const crossed = items
    .filter((r) => r.body && r.item.senderId !== reader.id)
    .map((r) => ({ seq: r.item.seq, unseen: myMessages.filter((s) => s > r.body!.read && s < r.item.seq) }))
    .filter((c) => c.unseen.length > 0);

  return { ok: true, thread: { genesis, genesisHash: head, threadKey, state, items, crossed } };
}
