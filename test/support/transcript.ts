import { toBase64Url } from '../../src/protocol/encoding.js';
import { itemHash, itemSignedBytes, newThreadKey, sealMessage, sealThreadKey, signItem, type ItemHeader } from '../../src/protocol/envelope.js';
import { genesisBytes, genesisHash, keyCommitment, keyFingerprint, signGenesis, type Genesis } from '../../src/protocol/genesis.js';
import { newId } from '../../src/protocol/ids.js';
import type { KeyPair } from '../../src/protocol/kdf.js';
import { encodeBody } from '../../src/protocol/message-body.js';
import type { Sodium } from '../../src/protocol/sodium.js';
import type { ThreadKind, Topic, Urgency } from '../../src/protocol/thread-metadata.js';
import type { Language } from '../../src/protocol/api/common.js';

// What a v2 client sends, built from the protocol's own functions and nothing of the SDK: a
// signed genesis with K sealed to each participant, and signed transcript items chained by hash.
// The server tests and the benchmark use it, so they do not depend on the SDK's state.

/** Someone who signs: an asker or a staff member, with both key pairs. */
export interface Signer {
  id: string;
  box: KeyPair;
  sign: KeyPair;
}

/** A recipient as the opener's client found it in the verified directory. */
export interface Recipient {
  id: string;
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

export const recipientOf = (s: Signer): Recipient => ({ id: s.id, boxPublicKey: s.box.publicKey, signPublicKey: s.sign.publicKey });

export interface DraftOptions {
  kind?: ThreadKind;
  language?: Language;
  topic?: Topic;
  urgency?: Urgency;
  threadId?: string;
  /** Signs the genesis with this key instead of the opener's. */
  signWith?: Uint8Array;
  /** Seals K to these instead of the opener and the recipients (ids as given). */
  sealTo?: Recipient[];
}

export interface DraftThread {
  threadId: string;
  key: Uint8Array;
  genesis: Genesis;
  bytes: Uint8Array;
  signature: Uint8Array;
  /** The JSON body of POST /api/threads. */
  body: { genesis: string; genesisSignature: string; sealedKeys: { recipientId: string; sealedKey: string }[] };
}

/** A new thread as its opener's client makes it: id and K drawn, genesis signed, K sealed with the thread id. */
export function draftThread(sodium: Sodium, opener: Signer, recipients: Recipient[], options: DraftOptions = {}): DraftThread {
  const threadId = options.threadId ?? newId('thread');
  const key = newThreadKey(sodium);
  const sorted = [...recipients].sort((a, b) => (a.id < b.id ? -1 : 1));
  const genesis: Genesis = {
    threadId, kind: options.kind ?? 'consultation', language: options.language ?? 'ru', topic: options.topic ?? 'anxiety', urgency: options.urgency ?? 'routine',
    openerId: opener.id, openerBoxPublicKey: opener.box.publicKey, openerSignPublicKey: opener.sign.publicKey,
    keyCommitment: keyCommitment(threadId, opener.sign.publicKey, key),
    recipients: sorted.map((r) => ({ id: r.id, fingerprint: keyFingerprint(r.boxPublicKey, r.signPublicKey) })),
  };
  const bytes = genesisBytes(genesis);
  const signature = signGenesis(sodium, genesis, options.signWith ?? opener.sign.privateKey);
  const sealTo = options.sealTo ?? [recipientOf(opener), ...sorted];
  return {
    threadId, key, genesis, bytes, signature,
    body: {
      genesis: toBase64Url(bytes), genesisSignature: toBase64Url(signature),
      sealedKeys: sealTo.map((r) => ({ recipientId: r.id, sealedKey: toBase64Url(sealThreadKey(sodium, key, threadId, r.boxPublicKey)) })),
    },
  };
}

/** A signed item, not yet counted in the chain: `advance` once the server stored it. */
export interface SignedItem {
  seq: number;
  hash: Uint8Array;
  /** The JSON body of its POST. */
  body: Record<string, unknown>;
}

/** Where one client is in a thread's transcript, and the next items it signs there. */
export class TranscriptWriter {
  seq = 0;
  head: Uint8Array;

  constructor(private readonly sodium: Sodium, readonly draft: Pick<DraftThread, 'threadId' | 'key' | 'bytes' | 'signature'>) {
    this.head = genesisHash(draft.bytes, draft.signature);
  }

  private position(at: { seq?: number; prevHash?: Uint8Array }): { seq: number; prevHash: Uint8Array } {
    return { seq: at.seq ?? this.seq + 1, prevHash: at.prevHash ?? this.head };
  }

  /** A text message; `read` is the last sequence the author had seen (this writer's position by default). */
  message(author: Signer, text = 'hello', at: { seq?: number; prevHash?: Uint8Array; read?: number } = {}): SignedItem {
    const { seq, prevHash } = this.position(at);
    const header: ItemHeader = { threadId: this.draft.threadId, seq, type: 'message', senderId: author.id, prevHash };
    const plaintext = encodeBody({ type: 'text', at: Date.now(), read: at.read ?? this.seq, text });
    const sealed = sealMessage(this.sodium, { threadKey: this.draft.key, header, plaintext, signPrivateKey: author.sign.privateKey });
    const payload = new Uint8Array([...sealed.nonce, ...sealed.ciphertext]);
    return {
      seq, hash: itemHash(itemSignedBytes(header, payload), sealed.signature),
      body: { seq, prevHash: toBase64Url(prevHash), signature: toBase64Url(sealed.signature), nonce: toBase64Url(sealed.nonce), ciphertext: toBase64Url(sealed.ciphertext) },
    };
  }

  claim(author: Signer, at: { seq?: number; prevHash?: Uint8Array } = {}): SignedItem {
    const { seq, prevHash } = this.position(at);
    const header: ItemHeader = { threadId: this.draft.threadId, seq, type: 'claim', senderId: author.id, prevHash };
    const signature = signItem(this.sodium, header, new Uint8Array(0), author.sign.privateKey);
    return { seq, hash: itemHash(itemSignedBytes(header), signature), body: { seq, prevHash: toBase64Url(prevHash), signature: toBase64Url(signature) } };
  }

  /** A hand-over to `to`, naming the fingerprint of `named` (to's own keys unless given), with K sealed to to's box key. */
  handover(author: Signer, to: Recipient, at: { seq?: number; prevHash?: Uint8Array; named?: Recipient } = {}): SignedItem {
    const { seq, prevHash } = this.position(at);
    const named = at.named ?? to;
    const fingerprint = keyFingerprint(named.boxPublicKey, named.signPublicKey);
    const header: ItemHeader = { threadId: this.draft.threadId, seq, type: 'handover', senderId: author.id, prevHash, to: { staffId: to.id, fingerprint } };
    const signature = signItem(this.sodium, header, new Uint8Array(0), author.sign.privateKey);
    return {
      seq, hash: itemHash(itemSignedBytes(header), signature),
      body: {
        seq, prevHash: toBase64Url(prevHash), signature: toBase64Url(signature), toStaffId: to.id, toFingerprint: toBase64Url(fingerprint),
        sealedKey: toBase64Url(sealThreadKey(this.sodium, this.draft.key, this.draft.threadId, to.boxPublicKey)),
      },
    };
  }

  /** Counts `item` as stored: the next item follows it. */
  advance(item: SignedItem): void {
    this.seq = item.seq;
    this.head = item.hash;
  }
}
