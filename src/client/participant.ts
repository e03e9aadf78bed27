import { okSchema, type Language } from '../protocol/api/common.js';
import {
  messageSchema, messagesResponse, threadDetail, threadListResponse, threadSummary,
  type ThreadSummary, type WireMessage,
} from '../protocol/api/threads.js';
import { fromBase64Url, toBase64Url, utf8 } from '../protocol/encoding.js';
import { openMessage, openThreadKey, sealMessage, sealThreadKey, type Envelope } from '../protocol/envelope.js';
import type { KeyPair } from '../protocol/kdf.js';
import type { Sodium } from '../protocol/sodium.js';
import { Directory } from './directory.js';
import { ApiError, type Http } from './http.js';
import { readSse } from './sse.js';

export interface ClientOptions {
  baseUrl: string;
  /** The organisation's Ed25519 public key, pinned in the build: directory entries must verify against it. */
  orgPublicKey: Uint8Array;
  fetch?: typeof fetch;
}

export interface PlainMessage {
  seq: number;
  senderId: string;
  text: string;
  createdAt: number;
  mine: boolean;
}

/** A message failed verification: the server (or someone on the path) altered, reordered or forged it. */
export class ProtocolError extends Error {
  constructor(readonly code: 'bad_thread_key' | 'bad_message' | 'sequence_gap' | 'unknown_sender', message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

interface ThreadState {
  key: Uint8Array;
  openerId: string;
  openerSignPublicKey: Uint8Array;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * What askers and staff share: holding a box and a sign key pair, opening thread keys sealed to
 * them, and sending and reading end-to-end encrypted, signed messages. Every message read is
 * checked again here (signature, associated data, gap-free sequence): the server is not trusted.
 */
/**
 * How many times a send tries after another participant took the number it used, waiting a
 * random, growing pause first (up to 0.5 s): a sender with several messages queued keeps
 * winning the race otherwise, as it needs no read between its posts.
 */
const SEND_ATTEMPTS = 12;
const conflictPause = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(500, 10 * 2 ** attempt)));

export abstract class Participant {
  protected readonly threadKeys = new Map<string, ThreadState>();
  /** The last sequence number this client knows per thread: a send needs no request to learn it. */
  protected readonly knownSeq = new Map<string, number>();
  /** Sends in flight per thread: one client's sends to a thread go one at a time, in call order. */
  private readonly sending = new Map<string, Promise<unknown>>();
  private directoryCache: Directory | null = null;

  protected constructor(
    protected readonly sodium: Sodium,
    protected readonly http: Http,
    protected readonly options: ClientOptions,
    readonly id: string,
    protected readonly box: KeyPair,
    protected readonly sign: KeyPair,
  ) {}

  /** The staff directory, verified against the pinned organisation key. */
  async directory(refresh = false): Promise<Directory> {
    if (!this.directoryCache || refresh) this.directoryCache = await Directory.fetch(this.http, this.sodium, this.options.orgPublicKey);
    return this.directoryCache;
  }

  async listThreads(): Promise<ThreadSummary[]> {
    return (await this.http.request(threadListResponse, 'GET', '/api/threads')).threads;
  }

  async thread(threadId: string): Promise<ThreadSummary> {
    const { sealedKey: _k, opener: _o, ...summary } = await this.http.request(threadDetail, 'GET', `/api/threads/${threadId}`);
    this.noteSeq(threadId, summary.lastSeq);
    return summary;
  }

  /**
   * Encrypts, signs and posts one message: one request, numbered after the last sequence this
   * client knows. Only when another participant took that number (sequence_conflict) does it
   * read the thread again and sign anew (the number is in the signed associated data).
   */
  async send(threadId: string, text: string): Promise<number> {
    const previous = this.sending.get(threadId) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => this.sendNow(threadId, text));
    this.sending.set(threadId, mine);
    try {
      return await mine;
    } finally {
      if (this.sending.get(threadId) === mine) this.sending.delete(threadId);
    }
  }

  private async sendNow(threadId: string, text: string): Promise<number> {
    const state = await this.threadState(threadId);
    for (let attempt = 1; ; attempt++) {
      const lastSeq = this.knownSeq.get(threadId) ?? (await this.thread(threadId)).lastSeq;
      const header = { threadId, seq: lastSeq + 1, senderId: this.id };
      const env = sealMessage(this.sodium, { threadKey: state.key, header, plaintext: utf8(text), signPrivateKey: this.sign.privateKey });
      try {
        await this.http.request(messageSchema, 'POST', `/api/threads/${threadId}/messages`, {
          seq: header.seq, nonce: toBase64Url(env.nonce), ciphertext: toBase64Url(env.ciphertext), signature: toBase64Url(env.signature),
        });
        this.noteSeq(threadId, header.seq);
        return header.seq;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'sequence_conflict') || attempt >= SEND_ATTEMPTS) throw err;
        this.knownSeq.delete(threadId);
        await conflictPause(attempt);
      }
    }
  }

  /** Remembers a sequence number seen in the thread (never moving backwards). */
  protected noteSeq(threadId: string, seq: number): void {
    if (seq > (this.knownSeq.get(threadId) ?? -1)) this.knownSeq.set(threadId, seq);
  }

  /** Reads the whole thread (paging), verifying every message and that the sequence has no gap. */
  async read(threadId: string): Promise<PlainMessage[]> {
    const out: PlainMessage[] = [];
    for (let after = 0; ;) {
      const page = await this.http.request(messagesResponse, 'GET', `/api/threads/${threadId}/messages?after=${after}&limit=200`);
      for (const m of page.messages) {
        if (m.seq !== after + 1) throw new ProtocolError('sequence_gap', `expected message ${after + 1}, got ${m.seq}`);
        out.push(await this.openWire(threadId, m));
        after = m.seq;
        this.noteSeq(threadId, m.seq);
      }
      if (!page.hasMore) return out;
    }
  }

  /**
   * Follows a thread live over Server-Sent Events, delivering verified messages after `after` in
   * order. Resolves when the stream ends or `signal` aborts.
   */
  async subscribe(threadId: string, options: { after: number; onMessage: (m: PlainMessage) => void; signal?: AbortSignal }): Promise<void> {
    let expected = options.after + 1;
    const res = await this.http.raw('GET', `/api/threads/${threadId}/events`, {
      headers: { accept: 'text/event-stream', 'last-event-id': String(options.after) },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!res.ok || !res.body) throw new ApiError('bad_response', res.status, 'Could not follow this thread.');
    try {
      for await (const event of readSse(res.body)) {
        if (event.event !== 'message') continue;
        const wire = messageSchema.safeParse(JSON.parse(event.data));
        if (!wire.success) throw new ProtocolError('bad_message', 'malformed event');
        if (wire.data.seq < expected) continue; // already delivered (replay after reconnect)
        if (wire.data.seq > expected) throw new ProtocolError('sequence_gap', `expected message ${expected}, got ${wire.data.seq}`);
        const message = await this.openWire(threadId, wire.data);
        this.noteSeq(threadId, message.seq);
        options.onMessage(message);
        expected++;
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      throw err;
    }
  }

  async close(threadId: string): Promise<ThreadSummary> {
    return this.http.request(threadSummary, 'POST', `/api/threads/${threadId}/close`);
  }

  async logout(): Promise<void> {
    await this.http.request(okSchema, 'DELETE', '/api/sessions/current');
    this.http.token = null;
    this.forgetKeys();
  }

  /** Wipes key material held by this object (keys in JS memory cannot be wiped with certainty). */
  forgetKeys(): void {
    for (const state of this.threadKeys.values()) state.key.fill(0);
    this.threadKeys.clear();
    this.knownSeq.clear();
    this.box.privateKey.fill(0);
    this.sign.privateKey.fill(0);
  }

  /** Makes a thread key and seals it to this participant and to each member of the pool. */
  protected sealNewThreadKey(recipients: { staffId: string; boxPublicKey: Uint8Array }[]): { key: Uint8Array; sealedKeys: { recipientId: string; sealedKey: string }[] } {
    const key = this.sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
    const sealedKeys = [
      { recipientId: this.id, sealedKey: toBase64Url(sealThreadKey(this.sodium, key, this.box.publicKey)) },
      ...recipients.map((r) => ({ recipientId: r.staffId, sealedKey: toBase64Url(sealThreadKey(this.sodium, key, r.boxPublicKey)) })),
    ];
    return { key, sealedKeys };
  }

  protected async pool(role: 'psychologist' | 'supervisor', language: Language): Promise<{ staffId: string; boxPublicKey: Uint8Array }[]> {
    const pool = (await this.directory(true)).pool(role, language).filter((s) => s.staffId !== this.id);
    if (pool.length === 0) throw new ApiError('no_pool', 0, `No verified ${role} works in this language yet.`);
    return pool;
  }

  protected async threadState(threadId: string): Promise<ThreadState> {
    const cached = this.threadKeys.get(threadId);
    if (cached) return cached;
    const detail = await this.http.request(threadDetail, 'GET', `/api/threads/${threadId}`);
    const sealed = fromBase64Url(detail.sealedKey);
    const key = sealed && openThreadKey(this.sodium, sealed, this.box);
    const openerSignPublicKey = fromBase64Url(detail.opener.signPublicKey);
    if (!key || !openerSignPublicKey) throw new ProtocolError('bad_thread_key', 'The thread key was not sealed to this key pair.');
    const state = { key, openerId: detail.opener.id, openerSignPublicKey };
    this.threadKeys.set(threadId, state);
    this.noteSeq(threadId, detail.lastSeq);
    return state;
  }

  /** The signing key of a sender: the opener's from the thread, staff keys only from the verified directory. */
  private async senderKey(state: ThreadState, senderId: string): Promise<Uint8Array> {
    if (senderId === this.id) return this.sign.publicKey;
    if (senderId === state.openerId) return state.openerSignPublicKey;
    const staff = (await this.directory()).get(senderId) ?? (await this.directory(true)).get(senderId);
    if (!staff) throw new ProtocolError('unknown_sender', 'A message comes from someone outside the verified directory.');
    return staff.signPublicKey;
  }

  private async openWire(threadId: string, m: WireMessage): Promise<PlainMessage> {
    const state = await this.threadState(threadId);
    const envelope: Envelope | null = decodeEnvelope(m);
    const senderSignPublicKey = await this.senderKey(state, m.senderId);
    const plain = envelope && openMessage(this.sodium, { threadKey: state.key, header: { threadId, seq: m.seq, senderId: m.senderId }, envelope, senderSignPublicKey });
    if (!plain) throw new ProtocolError('bad_message', `Message ${m.seq} failed verification.`);
    let text: string;
    try {
      text = decoder.decode(plain);
    } catch {
      throw new ProtocolError('bad_message', `Message ${m.seq} is not text.`);
    }
    return { seq: m.seq, senderId: m.senderId, text, createdAt: m.createdAt, mine: m.senderId === this.id };
  }
}

function decodeEnvelope(m: WireMessage): Envelope | null {
  const nonce = fromBase64Url(m.nonce);
  const ciphertext = fromBase64Url(m.ciphertext);
  const signature = fromBase64Url(m.signature);
  return nonce && ciphertext && signature ? { nonce, ciphertext, signature } : null;
}
