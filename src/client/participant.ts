import { z } from 'zod';
import { okSchema, type Language } from '../protocol/api/common.js';
import { myThreadsEvent, type MyThreadsEvent } from '../protocol/api/my-threads.js';
import { SIZES } from '../protocol/constants.js';
import {
  itemSchema, itemsResponse, threadDetail, threadListResponse, threadSummary,
  type ThreadSummary, type WireItem,
} from '../protocol/api/threads.js';
import { bytesEqual, concatBytes, fromBase64Url, toBase64Url } from '../protocol/encoding.js';
import { itemHash, itemSignedBytes, newThreadKey, openMessage, openThreadKey, sealMessage, sealThreadKey, signItem, type ItemHeader, type PoolMember } from '../protocol/envelope.js';
import { genesisBytes, genesisHash, keyCommitment, keyFingerprint, signGenesis, verifyGenesis, type Genesis } from '../protocol/genesis.js';
import { newId } from '../protocol/ids.js';
import type { KeyPair } from '../protocol/kdf.js';
import { decodeBody, encodeBody, type IntakeCard, type MessageBody } from '../protocol/message-body.js';
import type { Sodium } from '../protocol/sodium.js';
import { poolRole, type ThreadKind, type Topic, type Urgency } from '../protocol/thread-metadata.js';
import { applyItem, headerOf, payloadOf, startTranscript, type KnownStaff, type TranscriptFault, type TranscriptItem, type TranscriptState } from '../protocol/transcript.js';
import { Directory, type NamedKeys, type VerifiedStaff } from './directory.js';
import { ApiError, type Http } from './http.js';
import { inMemoryManifestMemory, type ManifestMemory } from './manifest-memory.js';
import { followJsonEvents, readSse } from './sse.js';

export interface ClientOptions {
  baseUrl: string;
  /** The organisation's Ed25519 public key, pinned in the build: the staff manifest must verify against it (or a key it endorsed). */
  orgPublicKey: Uint8Array;
  /**
   * Where the SDK keeps the newest staff manifest it accepted (rollback protection, and the keys
   * of staff who have left, to check what they posted). Default: this SDK instance's life.
   */
  manifestMemory?: ManifestMemory;
  fetch?: typeof fetch;
}

/** One verified, decrypted message of a thread. */
export interface PlainMessage {
  seq: number;
  senderId: string;
  mine: boolean;
  /** 'intake': the asker's intake card (`intake`), shown to the psychologist; 'text': `text`. */
  type: MessageBody['type'];
  /** The message text; empty for an intake card. */
  text: string;
  intake: IntakeCard | null;
  /** The author's own time (signed, inside the ciphertext). */
  at: number;
  /** The last sequence the author had read when writing. */
  read: number;
  /** When the server stored it, to the minute: the server's word only. */
  createdAt: number;
  /**
   * This client's earlier messages the author had not seen when they wrote this one: crossed in
   * transit, or withheld by the server. Always empty for this client's own messages.
   */
  unseenByAuthor: number[];
  /** The author is staff the newest manifest no longer names: shown as "no longer in the directory"; nothing more is sent to them. */
  senderRevoked: boolean;
}

/** A claim or hand-over in the transcript (signed by the psychologist who made it), or a return to the pool (signed by the opener). */
export interface PlainEvent {
  seq: number;
  type: 'claim' | 'handover' | 'return';
  senderId: string;
  /** A hand-over's new holder. */
  toStaffId: string | null;
  createdAt: number;
  /** Its author, or a hand-over's new holder, is no longer in the directory (see PlainMessage). */
  senderRevoked: boolean;
  toRevoked: boolean;
}

export type ProtocolErrorCode =
  | TranscriptFault
  /** The genesis does not verify, or is not the thread's. */
  | 'bad_genesis'
  /** An asker's thread whose genesis it did not sign, or a thread whose opener is not who the genesis claims. */
  | 'foreign_genesis'
  /** The server's kind, language, topic or urgency differ from the signed genesis. */
  | 'metadata_mismatch'
  /** The sealed key does not open for this thread, or does not match the genesis's commitment. */
  | 'bad_thread_key'
  /** A message that does not decrypt, unpad or decode, or claims to have read what came after it. */
  | 'bad_message'
  /** An item this client posted or verified earlier was replaced by another. */
  | 'fork'
  /** The transcript ends before an item this client posted or verified earlier. */
  | 'truncated'
  /**
   * A message from staff the newest manifest no longer names, which this client had not verified
   * when it learned so while following the thread; or a claim or hand-over naming keys that no
   * manifest this client accepted holds (someone who left before this client saw them).
   */
  | 'revoked_sender';

/** The server (or someone on the path) served something that does not verify: the thread is refused. */
export class ProtocolError extends Error {
  constructor(readonly code: ProtocolErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** A thread as this client verified it: the genesis, K, and the transcript checked item by item. */
interface ThreadView {
  key: Uint8Array;
  genesis: Genesis;
  genesisHash: Uint8Array;
  summary: ThreadSummary;
  state: TranscriptState;
  /** hashes[seq - 1]: the hash of each verified item. */
  hashes: Uint8Array[];
  messages: PlainMessage[];
  events: PlainEvent[];
  /** The highest sequence handed to the caller (read or subscribe): a message's "read" value. */
  delivered: number;
  /**
   * For each member (staffId and sign key) who left the directory while this client held the
   * view: the last sequence it had verified then. Their messages after it are refused.
   */
  revokedAfter: Map<string, number>;
}

export interface FollowOptions {
  after: number;
  onMessage: (m: PlainMessage) => void;
  onEvent?: (e: PlainEvent) => void;
  /** The thread's status as the server tells it (a claim, a close, a holder no longer available). */
  onStatus?: (s: ThreadSummary) => void;
  signal?: AbortSignal;
}

export interface OpenThreadInput {
  kind: ThreadKind;
  language: Language;
  topic: Topic;
  urgency: Urgency;
}

/**
 * How many times a send tries after another participant took the number it used, waiting a
 * random, growing pause first (up to 0.5 s): a sender with several messages queued keeps
 * winning the race otherwise, as it needs no read between its posts.
 */
const SEND_ATTEMPTS = 12;
const conflictPause = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(500, 10 * 2 ** attempt)));
const anyAnswer = z.unknown();

function decodeWire(w: WireItem): TranscriptItem | null {
  const prevHash = fromBase64Url(w.prevHash);
  const signature = fromBase64Url(w.signature);
  if (!prevHash || !signature) return null;
  const item: TranscriptItem = { seq: w.seq, type: w.type, senderId: w.senderId, prevHash, signature };
  if (w.nonce !== undefined || w.ciphertext !== undefined) {
    const nonce = fromBase64Url(w.nonce ?? '');
    const ciphertext = fromBase64Url(w.ciphertext ?? '');
    if (!nonce || !ciphertext || w.nonce === undefined || w.ciphertext === undefined) return null;
    item.nonce = nonce;
    item.ciphertext = ciphertext;
  }
  if (w.toStaffId !== undefined || w.toFingerprint !== undefined) {
    const fingerprint = fromBase64Url(w.toFingerprint ?? '');
    if (!fingerprint || w.toStaffId === undefined) return null;
    item.to = { staffId: w.toStaffId, fingerprint };
  }
  if (w.pool !== undefined) {
    const pool: PoolMember[] = [];
    for (const m of w.pool) {
      const fingerprint = fromBase64Url(m.fingerprint);
      if (!fingerprint) return null;
      pool.push({ staffId: m.staffId, fingerprint });
    }
    item.pool = pool;
  }
  return item;
}

const toKnown = (s: VerifiedStaff): KnownStaff => ({ id: s.staffId, roles: s.roles, languages: s.languages, boxPublicKey: s.boxPublicKey, signPublicKey: s.signPublicKey });
const memberKey = (staffId: string, signPublicKey: Uint8Array): string => `${staffId}:${toBase64Url(signPublicKey)}`;
/**
 * How long a directory is used before it is fetched again: a removed member stops receiving new
 * messages within this, from a client that stays open.
 */
export const DIRECTORY_MAX_AGE_MS = 60_000;

/**
 * The keys an item names by a signed fingerprint: a claim's sender (in the current pool: the
 * genesis's recipients, or the last return's), a hand-over's new holder, a return's pool members.
 */
function namedKeys(pool: readonly PoolMember[], item: TranscriptItem): NamedKeys[] {
  if (item.type === 'claim') {
    const r = pool.find((x) => x.staffId === item.senderId);
    return r ? [{ id: r.staffId, fingerprint: r.fingerprint }] : [];
  }
  if (item.type === 'return') return (item.pool ?? []).map((m) => ({ id: m.staffId, fingerprint: m.fingerprint }));
  return item.type === 'handover' && item.to ? [{ id: item.to.staffId, fingerprint: item.to.fingerprint }] : [];
}

/**
 * What askers and staff share: holding a box and a sign key pair, opening threads and checking
 * everything the server serves about them (DESIGN.md §5, the verification order of PROTOCOL.md
 * §7): the genesis and who signed it, the metadata against it, the sealed key against its thread
 * and commitment, then every item through the one transcript check with the VERIFIED directory as
 * the only source of staff keys. A thread that fails any step is refused whole (ProtocolError).
 */
export abstract class Participant {
  private readonly views = new Map<string, ThreadView>();
  /** The hash of every item this client posted, per thread: another item at that place is a fork. */
  private readonly posted = new Map<string, Map<number, Uint8Array>>();
  /** Threads that failed verification: refused from then on, for reading and for sending. */
  private readonly refused = new Map<string, ProtocolError>();
  /** Sends in flight per thread: one client's sends to a thread go one at a time, in call order. */
  private readonly sending = new Map<string, Promise<unknown>>();
  private directoryCache: Directory | null = null;
  private directoryLoad: Promise<Directory> | null = null;
  private readonly manifestMemory: ManifestMemory;

  protected constructor(
    protected readonly sodium: Sodium,
    protected readonly http: Http,
    protected readonly options: ClientOptions,
    readonly id: string,
    protected readonly box: KeyPair,
    protected readonly sign: KeyPair,
  ) {
    this.manifestMemory = options.manifestMemory ?? inMemoryManifestMemory();
  }

  /**
   * The staff directory: the newest signed manifest, checked against the pinned organisation key
   * and the memory (Directory.fetch). Fetched again when asked, when expired, or after
   * DIRECTORY_MAX_AGE_MS; a refused manifest is an ApiError with a DirectoryRefusal code.
   */
  async directory(refresh = false): Promise<Directory> {
    const cached = this.directoryCache;
    const now = Date.now();
    if (cached && !refresh && now < cached.expiresAt && now - cached.fetchedAt < DIRECTORY_MAX_AGE_MS) return cached;
    this.directoryLoad ??= Directory.fetch(this.http, { sodium: this.sodium, orgPublicKey: this.options.orgPublicKey, memory: this.manifestMemory, now })
      .then((next) => this.adopt(next))
      .finally(() => { this.directoryLoad = null; });
    return this.directoryLoad;
  }

  /**
   * The directory holding every key in `wanted`: the one in hand, else a fresh fetch (a member
   * added since), else with members who have left found in the organisation's older manifests.
   * A key still missing after that is left for the caller to refuse.
   */
  protected async directoryHolding(wanted: readonly NamedKeys[]): Promise<Directory> {
    const lacks = (d: Directory) => wanted.some((w) => d.find(w.id, w.fingerprint) === null);
    let directory = await this.directory();
    if (lacks(directory)) directory = await this.directory(true);
    if (!lacks(directory)) return directory;
    const withPast = await directory.withPast(this.http, { sodium: this.sodium, orgPublicKey: this.options.orgPublicKey }, wanted);
    // Kept while the same manifest is current, so the history is searched once per member.
    if (this.directoryCache === directory) this.directoryCache = withPast;
    return withPast;
  }

  /** Takes a newly accepted directory; threads open here stop accepting items from whoever it dropped. */
  private adopt(next: Directory): Directory {
    const before = this.directoryCache;
    if (before && next.version !== before.version) {
      for (const gone of next.droppedSince(before)) {
        const key = memberKey(gone.staffId, gone.signPublicKey);
        for (const view of this.views.values()) if (!view.revokedAfter.has(key)) view.revokedAfter.set(key, view.state.seq);
      }
    }
    this.directoryCache = next;
    return next;
  }

  /** The server's list; its metadata is checked against the genesis once a thread is opened (thread(), read()). */
  async listThreads(): Promise<ThreadSummary[]> {
    return (await this.http.request(threadListResponse, 'GET', '/api/threads')).threads;
  }

  /**
   * Follows the threads this client opened or holds, live (GET /api/my-threads/events), until the
   * stream ends (reconnect: the new snapshot replaces what was shown) or `signal` aborts. The
   * summaries are the server's word, as listThreads() is: a thread is checked when it is opened.
   */
  async followMyThreads(options: { onEvent: (event: MyThreadsEvent) => void; signal?: AbortSignal }): Promise<void> {
    return followJsonEvents(this.http, '/api/my-threads/events', myThreadsEvent, options);
  }

  /** A thread's summary, verified: its genesis, key and metadata (the transcript is read by read()). */
  async thread(threadId: string): Promise<ThreadSummary> {
    return this.guard(threadId, async () => (await this.loadView(threadId)).summary);
  }

  /** A message this client verified (or sent) in this thread, without asking the server. */
  message(threadId: string, seq: number): PlainMessage | null {
    return this.views.get(threadId)?.messages.find((m) => m.seq === seq) ?? null;
  }

  /** The thread's claims and hand-overs as of the last read, who holds it, and whether the holder has left the directory. */
  async transcriptEvents(threadId: string): Promise<{ events: PlainEvent[]; holderId: string | null; holderRevoked: boolean }> {
    const view = await this.view(threadId);
    const holder = view.state.holder;
    return { events: [...view.events], holderId: holder?.id ?? null, holderRevoked: holder !== null && !(await this.directory()).isCurrent(holder.id, holder.signPublicKey) };
  }

  /**
   * Reads the whole thread from its first item, verifying every one (paging), and returns its
   * messages. Everything this client saw or posted before must still be there, unchanged.
   */
  async read(threadId: string): Promise<PlainMessage[]> {
    return this.guard(threadId, () => this.readAll(threadId));
  }

  private async readAll(threadId: string): Promise<PlainMessage[]> {
    const view = await this.view(threadId);
    const fresh: ThreadView = { ...view, state: startTranscript(view.genesis, view.genesisHash), hashes: [], messages: [], events: [] };
    await this.catchUp(threadId, fresh, view.hashes);
    const known = Math.max(view.hashes.length, ...(this.posted.get(threadId)?.keys() ?? []));
    if (fresh.state.seq < known) throw new ProtocolError('truncated', `The thread ends at ${fresh.state.seq}; this client saw or posted item ${known}.`);
    fresh.delivered = fresh.state.seq;
    this.views.set(threadId, fresh);
    return [...fresh.messages];
  }

  /**
   * Follows a thread live over Server-Sent Events, delivering verified messages after `after` in
   * order (this client's own included). Resolves when the stream ends or `signal` aborts.
   */
  async subscribe(threadId: string, options: FollowOptions): Promise<void> {
    return this.guard(threadId, () => this.follow(threadId, options));
  }

  private async follow(threadId: string, options: FollowOptions): Promise<void> {
    let view = await this.view(threadId);
    let next = options.after + 1;
    const deliverUpTo = (seq: number) => {
      for (; next <= seq; next++) {
        const m = view.messages.find((x) => x.seq === next);
        const e = m ? undefined : view.events.find((x) => x.seq === next);
        if (m) options.onMessage(m);
        else if (e) options.onEvent?.(e);
      }
      view.delivered = Math.max(view.delivered, seq);
    };
    const res = await this.http.raw('GET', `/api/threads/${threadId}/events`, {
      headers: { accept: 'text/event-stream', 'last-event-id': String(Math.min(options.after, view.state.seq)) },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!res.ok || !res.body) throw new ApiError('bad_response', res.status, 'Could not follow this thread.');
    try {
      for await (const event of readSse(res.body)) {
        let data: unknown;
        try { data = JSON.parse(event.data); } catch { data = null; }
        if (event.event === 'status') {
          // The server's word, not signed (status, holderRevoked): shown as such, never trusted for keys.
          const status = threadSummary.safeParse(data);
          if (status.success && status.data.id === threadId) options.onStatus?.(status.data);
          continue;
        }
        if (event.event !== 'item') continue;
        const wire = itemSchema.safeParse(data);
        if (!wire.success) throw new ProtocolError('malformed_item', 'A live item is malformed.');
        view = this.views.get(threadId) ?? view;
        if (wire.data.seq > view.state.seq + 1) await this.catchUp(threadId, view, view.hashes); // missed items: read them (verified) first
        if (wire.data.seq === view.state.seq + 1) await this.applyBatch(threadId, view, [wire.data], view.hashes);
        else await this.checkKnown(view, wire.data);
        if (wire.data.seq >= next) deliverUpTo(wire.data.seq);
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      throw err;
    }
  }

  /**
   * Encrypts, signs and posts one message: one request, placed after the last item this client
   * verified. Only when another participant took that place (sequence_conflict) does it read the
   * new items (verified) and sign anew. The body's "read" is fixed when send is called: what this
   * client had delivered to its reader then, so crossed messages show on the other side.
   */
  async send(threadId: string, text: string): Promise<number> {
    return this.sendBody(threadId, { type: 'text', text });
  }

  protected async sendBody(threadId: string, content: { type: 'text'; text: string } | { type: 'intake'; intake: IntakeCard }): Promise<number> {
    const at = Date.now();
    const readAtCompose = this.views.get(threadId)?.delivered;
    return this.serialised(threadId, async () => {
      const view = await this.view(threadId);
      const body = encodeBody({ ...content, at, read: readAtCompose ?? view.delivered } as MessageBody);
      try {
        return await this.postItem(threadId, 'messages', (header) => {
          const sealed = sealMessage(this.sodium, { threadKey: view.key, header, plaintext: body, signPrivateKey: this.sign.privateKey });
          return {
            signature: sealed.signature, payload: concatBytes(sealed.nonce, sealed.ciphertext),
            request: { nonce: toBase64Url(sealed.nonce), ciphertext: toBase64Url(sealed.ciphertext) },
          };
        }, 'message');
      } finally {
        body.fill(0);
      }
    });
  }

  /**
   * Gives a held thread back to the intake pool (the opener only: PROTOCOL.md §7.4): when its
   * holder was disabled, removed or reset, or left the signed manifest. The server never has K, so
   * this client seals it to each member of the verified pool for the thread's kind and language
   * (not itself, not the holder) and signs a return naming them by key fingerprint. Whoever claims
   * it next reads the whole history. Returns the item's sequence.
   */
  async returnToPool(threadId: string): Promise<number> {
    return this.serialised(threadId, async () => {
      const view = await this.view(threadId);
      // The holder as the transcript says, not as a list the server sent: read what is new first.
      await this.catchUp(threadId, view, view.hashes);
      const holder = view.state.holder;
      if (view.genesis.openerId !== this.id) throw new ApiError('forbidden', 0, 'Only the thread\'s opener returns it to the pool: nothing was sent.');
      if (!holder) throw new ApiError('thread_not_assigned', 0, 'Nobody holds this thread: nothing was sent.');
      const role = poolRole(view.genesis.kind);
      const members = (await this.directory(true)).pool(role, view.genesis.language).filter((s) => s.staffId !== this.id && s.staffId !== holder.id)
        .sort((a, b) => (a.staffId < b.staffId ? -1 : 1));
      if (members.length === 0) throw new ApiError('no_pool', 0, `No other verified ${role} works in this language yet.`);
      const pool: PoolMember[] = members.map((s) => ({ staffId: s.staffId, fingerprint: keyFingerprint(s.boxPublicKey, s.signPublicKey) }));
      const sealedKeys = members.map((s) => ({ recipientId: s.staffId, sealedKey: toBase64Url(sealThreadKey(this.sodium, view.key, threadId, s.boxPublicKey)) }));
      const empty = new Uint8Array(0);
      return this.postItem(threadId, 'return', (header) => ({
        signature: signItem(this.sodium, header, empty, this.sign.privateKey), payload: empty,
        request: { pool: pool.map((m) => ({ staffId: m.staffId, fingerprint: toBase64Url(m.fingerprint) })), sealedKeys },
      }), 'return', undefined, pool);
    });
  }

  /** Runs `task` after this client's earlier writes to the thread, in call order. */
  protected async serialised<T>(threadId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.sending.get(threadId) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => this.guard(threadId, task));
    this.sending.set(threadId, mine);
    try {
      return await mine;
    } finally {
      if (this.sending.get(threadId) === mine) this.sending.delete(threadId);
    }
  }

  /**
   * Signs and posts the next transcript item; on sequence_conflict reads the new items (verified)
   * and signs again at the new place. Applies the item to this client's view and remembers its
   * hash (fork detection). Returns its sequence.
   */
  protected async postItem(
    threadId: string,
    route: 'messages' | 'claim' | 'handover' | 'return',
    build: (header: ItemHeader) => { signature: Uint8Array; payload: Uint8Array; request: Record<string, unknown> },
    type: ItemHeader['type'],
    to?: ItemHeader['to'],
    pool?: ItemHeader['pool'],
  ): Promise<number> {
    let caughtUp = false;
    // The last conflict brought nothing new to read: see items_withheld below.
    let stalled = false;
    for (let attempt = 1; ; attempt++) {
      const view = await this.view(threadId);
      let directory = await this.directory();
      if (to && !directory.get(to.staffId)) directory = await this.directory(true);
      this.refuseRevoked(view, directory, type);
      // No holder known yet, and someone the thread was offered to has left: one of them may have
      // claimed it since. Read first, so that a message does not go out to them before we know.
      if (type === 'message' && !view.state.holder && !caughtUp && view.genesis.recipients.some((r) => !directory.find(r.id, r.fingerprint)?.current)) {
        caughtUp = true;
        await this.catchUp(threadId, view, view.hashes);
        continue;
      }
      const header: ItemHeader = { threadId, seq: view.state.seq + 1, type, senderId: this.id, prevHash: view.state.head, ...(to ? { to } : {}), ...(pool ? { pool } : {}) };
      const { signature, payload, request } = build(header);
      // Our own item passes the check every reader runs before it leaves this client: a server
      // that steered the choice (a colleague outside the pool, a thread this client does not
      // hold, metadata it changed in a list) gets nothing, not even a K sealed to its pick.
      const own: TranscriptItem = {
        seq: header.seq, type, senderId: this.id, prevHash: header.prevHash, signature,
        ...(type === 'message' ? { nonce: payload.subarray(0, SIZES.nonce), ciphertext: payload.subarray(SIZES.nonce) } : {}),
        ...(to ? { to } : {}), ...(pool ? { pool } : {}),
      };
      // Only the newest manifest counts for what this client sends: nobody who left is claimed as, or handed to.
      const checked = applyItem(this.sodium, view.state, own, (id) => {
        const entry = directory.get(id);
        return entry ? toKnown(entry) : null;
      });
      if (!checked.ok) {
        // This client's view may be behind (a claim or hand-over it has not read): read on once.
        if (!caughtUp) {
          caughtUp = true;
          await this.catchUp(threadId, view, view.hashes);
          continue;
        }
        // Not a fault of the thread (that would refuse it): this client may not post this item.
        throw new ApiError(checked.fault, 0, `This ${type} would not verify (${checked.fault}): nothing was sent.`);
      }
      try {
        await this.http.request(anyAnswer, 'POST', `/api/threads/${threadId}/${route}`, {
          seq: header.seq, prevHash: toBase64Url(header.prevHash), signature: toBase64Url(signature), ...request,
        });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'sequence_conflict')) throw err;
        // Refused as not the next item, again and again, while the server serves nothing after
        // what this client verified: items exist that this client is not shown (PROTOCOL.md §7.7).
        if (attempt >= SEND_ATTEMPTS) throw stalled ? new ApiError('items_withheld', 0, 'The server refuses this item as not the next one but serves nothing newer: items are withheld from this client. Nothing was sent.') : err;
        const before = view.state.seq;
        await this.catchUp(threadId, view, view.hashes);
        // Taken, yet nothing follows what this client verified: the server's history is not ours.
        if (view.state.seq === before) await this.readAll(threadId);
        stalled = (this.views.get(threadId)?.state.seq ?? before) === before;
        await conflictPause(attempt);
        continue;
      }
      const hash = itemHash(itemSignedBytes(header, payload), signature);
      let mine = this.posted.get(threadId);
      if (!mine) this.posted.set(threadId, (mine = new Map()));
      mine.set(header.seq, hash);
      // Apply our own item, unless a live stream already did (then it must be this very item).
      const now = this.views.get(threadId);
      if (now && now.state.seq === header.seq - 1) {
        const wire: WireItem = {
          seq: header.seq, type, senderId: this.id, prevHash: toBase64Url(header.prevHash), signature: toBase64Url(signature), createdAt: Date.now(),
          ...(type === 'message' ? { nonce: toBase64Url(payload.subarray(0, SIZES.nonce)), ciphertext: toBase64Url(payload.subarray(SIZES.nonce)) } : {}),
          ...(to ? { toStaffId: to.staffId, toFingerprint: toBase64Url(to.fingerprint) } : {}),
          ...(pool ? { pool: pool.map((m) => ({ staffId: m.staffId, fingerprint: toBase64Url(m.fingerprint) })) } : {}),
        };
        await this.applyBatch(threadId, now, [wire], now.hashes);
      } else if (now && now.hashes[header.seq - 1] && !bytesEqual(now.hashes[header.seq - 1]!, hash)) {
        throw new ProtocolError('fork', `Item ${header.seq} this client posted was replaced.`);
      }
      // Our own item counts as delivered only when everything before it was: items verified while
      // catching up after a conflict were never handed to this client's reader, and a "read"
      // past them would hide, on the other side, that they were not seen.
      if (now && now.delivered >= header.seq - 1) now.delivered = header.seq;
      return header.seq;
    }
  }

  /**
   * Nothing new from or to staff who left the directory (PROTOCOL.md §7.7): a member the newest
   * manifest no longer names posts nothing, and no message goes to a thread whose holder, or whose
   * staff opener (a case), left: they hold K. Checked before anything is signed or sent.
   */
  private refuseRevoked(view: ThreadView, directory: Directory, type: ItemHeader['type']): void {
    if (!this.inDirectory(directory)) throw new ApiError('not_in_directory', 0, 'This staff member is not in the signed staff directory: nothing was sent.');
    if (type !== 'message') return;
    const g = view.genesis;
    const holder = view.state.holder;
    const others = [
      ...(holder && holder.id !== this.id ? [holder] : []),
      ...(g.kind === 'case' && g.openerId !== this.id ? [{ id: g.openerId, signPublicKey: g.openerSignPublicKey }] : []),
    ];
    if (others.some((o) => !directory.isCurrent(o.id, o.signPublicKey))) {
      throw new ApiError('recipient_revoked', 0, 'The other side of this thread is no longer in the staff directory: nothing was sent.');
    }
  }

  /** Whether this client may post by the directory: askers are not in it; staff must be (StaffClient). */
  protected inDirectory(_directory: Directory): boolean {
    return true;
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
    for (const view of this.views.values()) view.key.fill(0);
    this.views.clear();
    this.box.privateKey.fill(0);
    this.sign.privateKey.fill(0);
  }

  /** K of a verified thread. */
  protected async threadKey(threadId: string): Promise<Uint8Array> {
    return (await this.view(threadId)).key;
  }

  protected forgetThread(threadId: string): void {
    this.views.get(threadId)?.key.fill(0);
    this.views.delete(threadId);
  }

  /**
   * Opens a thread: draws its id and K, names the verified intake pool (by key fingerprint) in
   * a genesis signed here, and seals K with the thread id to this client and each recipient.
   */
  protected async openThread(input: OpenThreadInput): Promise<string> {
    const role = poolRole(input.kind);
    const pool = (await this.directory(true)).pool(role, input.language).filter((s) => s.staffId !== this.id)
      .sort((a, b) => (a.staffId < b.staffId ? -1 : 1));
    if (pool.length === 0) throw new ApiError('no_pool', 0, `No verified ${role} works in this language yet.`);
    const threadId = newId('thread');
    const key = newThreadKey(this.sodium);
    const genesis: Genesis = {
      threadId, ...input, openerId: this.id, openerBoxPublicKey: this.box.publicKey, openerSignPublicKey: this.sign.publicKey,
      keyCommitment: keyCommitment(threadId, this.sign.publicKey, key),
      recipients: pool.map((s) => ({ id: s.staffId, fingerprint: keyFingerprint(s.boxPublicKey, s.signPublicKey) })),
    };
    const bytes = genesisBytes(genesis);
    const signature = signGenesis(this.sodium, genesis, this.sign.privateKey);
    const sealedKeys = [{ staffId: this.id, boxPublicKey: this.box.publicKey }, ...pool]
      .map((r) => ({ recipientId: r.staffId, sealedKey: toBase64Url(sealThreadKey(this.sodium, key, threadId, r.boxPublicKey)) }));
    const summary = await this.http.request(threadSummary, 'POST', '/api/threads', {
      genesis: toBase64Url(bytes), genesisSignature: toBase64Url(signature), sealedKeys,
    });
    this.checkMetadata(threadId, genesis, summary);
    const hash = genesisHash(bytes, signature);
    this.views.set(threadId, { key, genesis, genesisHash: hash, summary, state: startTranscript(genesis, hash), hashes: [], messages: [], events: [], delivered: 0, revokedAfter: new Map() });
    return threadId;
  }

  /**
   * Who may have opened this thread, as this client can tell: its own threads must carry its own
   * keys. Subclasses add their rule (an asker: only its own threads; staff: a case's opener is a
   * verified colleague).
   */
  protected async checkOpener(g: Genesis): Promise<void> {
    if (g.openerId === this.id && !(bytesEqual(g.openerSignPublicKey, this.sign.publicKey) && bytesEqual(g.openerBoxPublicKey, this.box.publicKey))) {
      throw new ProtocolError('foreign_genesis', 'This thread names this client as its opener with keys it does not hold.');
    }
  }

  private checkMetadata(threadId: string, g: Genesis, s: ThreadSummary): void {
    if (s.id !== threadId || s.kind !== g.kind || s.language !== g.language || s.topic !== g.topic || s.urgency !== g.urgency) {
      throw new ProtocolError('metadata_mismatch', 'The thread\'s kind, language, topic or urgency differ from what its opener signed.');
    }
  }

  private async view(threadId: string): Promise<ThreadView> {
    const refused = this.refused.get(threadId);
    if (refused) throw refused;
    return this.views.get(threadId) ?? this.loadView(threadId);
  }

  /** Runs `task`; a thread that fails verification is refused from then on (and its key forgotten). */
  private async guard<T>(threadId: string, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.refused.set(threadId, err);
        this.forgetThread(threadId);
      }
      throw err;
    }
  }

  /** GET the thread and check genesis, opener, metadata and key, in that order. */
  private async loadView(threadId: string): Promise<ThreadView> {
    const refused = this.refused.get(threadId);
    if (refused) throw refused;
    // The directory first: a member it drops later is refused from then on in this view, while
    // one it had already dropped is read as former (what they posted stays readable).
    await this.directory();
    const detail = await this.http.request(threadDetail, 'GET', `/api/threads/${encodeURIComponent(threadId)}`);
    const bytes = fromBase64Url(detail.genesis);
    const signature = fromBase64Url(detail.genesisSignature);
    const genesis = bytes && signature ? verifyGenesis(this.sodium, threadId, bytes, signature) : null;
    if (!bytes || !signature || !genesis) throw new ProtocolError('bad_genesis', 'The thread\'s genesis does not verify.');
    await this.checkOpener(genesis);
    const { genesis: _g, genesisSignature: _s, sealedKey, ...summary } = detail;
    this.checkMetadata(threadId, genesis, summary);
    const sealed = fromBase64Url(sealedKey);
    const key = sealed && openThreadKey(this.sodium, sealed, threadId, this.box);
    if (!key || !bytesEqual(keyCommitment(threadId, genesis.openerSignPublicKey, key), genesis.keyCommitment)) {
      throw new ProtocolError('bad_thread_key', 'The thread key is not the one its opener committed to for this thread.');
    }
    const hash = genesisHash(bytes, signature);
    const cached = this.views.get(threadId);
    if (cached) {
      if (!bytesEqual(cached.genesisHash, hash)) throw new ProtocolError('fork', 'The server now serves another genesis for this thread.');
      cached.summary = summary;
      key.fill(0);
      return cached;
    }
    const view: ThreadView = { key, genesis, genesisHash: hash, summary, state: startTranscript(genesis, hash), hashes: [], messages: [], events: [], delivered: 0, revokedAfter: new Map() };
    this.views.set(threadId, view);
    return view;
  }

  /** Reads the items after `view`'s last one (paging) and applies each. */
  private async catchUp(threadId: string, view: ThreadView, seen: Uint8Array[]): Promise<void> {
    for (;;) {
      const page = await this.http.request(itemsResponse, 'GET', `/api/threads/${threadId}/items?after=${view.state.seq}&limit=200`);
      await this.applyBatch(threadId, view, page.items, seen);
      if (!page.hasMore) return;
      if (page.items.length === 0) throw new ProtocolError('sequence_gap', 'The server says more items follow but sends none.');
    }
  }

  /** An item at a place this client already verified must be the very same item. */
  private async checkKnown(view: ThreadView, w: WireItem): Promise<void> {
    const known = view.hashes[w.seq - 1];
    if (!known) throw new ProtocolError('sequence_gap', `Item ${w.seq} arrived live, but the transcript served ends before it.`);
    const item = decodeWire(w);
    if (!item) throw new ProtocolError('malformed_item', `Item ${w.seq} is malformed.`);
    let signed: Uint8Array;
    try {
      signed = itemSignedBytes(headerOf(view.genesis.threadId, item), payloadOf(item));
    } catch {
      throw new ProtocolError('malformed_item', `Item ${w.seq} is malformed.`);
    }
    if (!bytesEqual(itemHash(signed, item.signature), known)) throw new ProtocolError('fork', `Item ${w.seq} differs from the one this client verified.`);
  }

  /**
   * Applies items in order through the transcript check, decrypting messages; mutates `view`.
   * Staff keys come from the verified directory: the newest manifest, or for items by staff who
   * have left it, the keys a manifest this client accepted gave them (PROTOCOL.md §7.7).
   */
  private async applyBatch(threadId: string, view: ThreadView, items: WireItem[], seen: Uint8Array[]): Promise<void> {
    if (items.length === 0) return;
    const decoded = items.map((w) => ({ w, item: decodeWire(w) }));
    // Keys named that this directory may not hold: a member added since it was fetched, or one who left before this client saw them.
    const directory = await this.directoryHolding(decoded.flatMap(({ item }) => (item ? namedKeys(view.state.pool, item) : [])));
    const posted = this.posted.get(threadId);
    for (const { w, item } of decoded) {
      if (!item) throw new ProtocolError('malformed_item', `Item ${w.seq} is malformed.`);
      const named = namedKeys(view.state.pool, item);
      const entries = named.map((n) => directory.find(n.id, n.fingerprint));
      const found = entries[0] ?? null;
      const holderBefore = view.state.holder;
      const applied = applyItem(this.sodium, view.state, item, (id) => {
        const entry = entries.find((e) => e?.staff.staffId === id);
        return entry ? toKnown(entry.staff) : null;
      });
      if (!applied.ok) {
        if (entries.some((e) => !e) && (applied.fault === 'bad_claim' || applied.fault === 'bad_handover' || applied.fault === 'bad_return')) {
          throw new ProtocolError('revoked_sender', `Item ${w.seq} names staff keys that no manifest this client accepted holds: someone who left the directory before this client saw them.`);
        }
        throw new ProtocolError(applied.fault, `Item ${w.seq} does not verify: ${applied.fault}.`);
      }
      // Who acted: the claimer, the holder who hands over or writes, or a case's staff opener.
      const g = view.genesis;
      const actor = item.type === 'claim' ? { id: item.senderId, signPublicKey: found!.staff.signPublicKey }
        : item.senderId === g.openerId ? (g.kind === 'case' ? { id: g.openerId, signPublicKey: g.openerSignPublicKey } : null)
        : holderBefore;
      const senderRevoked = actor !== null && !directory.isCurrent(actor.id, actor.signPublicKey);
      const toRevoked = item.type === 'handover' && !found!.current;
      // A message from someone this client saw leave while it followed the thread, that it had
      // not verified by then, is refused. (Claims and hand-overs carry no content: one by or to a
      // member who left is shown marked, and leaves the thread read-only for the others.)
      const after = item.type === 'message' && senderRevoked ? view.revokedAfter.get(memberKey(actor!.id, actor!.signPublicKey)) : undefined;
      if (after !== undefined && w.seq > after) {
        throw new ProtocolError('revoked_sender', `Message ${w.seq} is from ${actor!.id}, who had left the staff directory when this client, following the thread, had verified up to ${after}.`);
      }
      const before = seen[w.seq - 1] ?? posted?.get(w.seq);
      if (before && !bytesEqual(before, applied.hash)) throw new ProtocolError('fork', `Item ${w.seq} differs from the one this client saw or posted: the server shows different histories.`);
      if (item.type === 'message') view.messages.push(this.openPlain(view, applied.header, item, w.createdAt, senderRevoked));
      else view.events.push({ seq: w.seq, type: item.type, senderId: item.senderId, toStaffId: item.to?.staffId ?? null, createdAt: w.createdAt, senderRevoked, toRevoked });
      view.state = applied.state;
      view.hashes[w.seq - 1] = applied.hash;
    }
  }

  private openPlain(view: ThreadView, header: ItemHeader, item: TranscriptItem, createdAt: number, senderRevoked: boolean): PlainMessage {
    const plain = openMessage(this.sodium, { threadKey: view.key, header, nonce: item.nonce!, ciphertext: item.ciphertext! });
    const body = plain && decodeBody(plain);
    plain?.fill(0);
    if (!body) throw new ProtocolError('bad_message', `Message ${item.seq} does not decrypt to a message.`);
    if (body.read >= item.seq) throw new ProtocolError('bad_message', `Message ${item.seq} claims to have read what came after it.`);
    if (body.type === 'intake' && item.senderId !== view.genesis.openerId) throw new ProtocolError('bad_message', `Message ${item.seq}: only the opener sends an intake card.`);
    const mine = item.senderId === this.id;
    const unseenByAuthor = mine ? [] : view.messages.filter((m) => m.mine && m.seq > body.read).map((m) => m.seq);
    return {
      seq: item.seq, senderId: item.senderId, mine, type: body.type, text: body.type === 'text' ? body.text : '',
      intake: body.type === 'intake' ? body.intake : null, at: body.at, read: body.read, createdAt, unseenByAuthor, senderRevoked,
    };
  }
}
