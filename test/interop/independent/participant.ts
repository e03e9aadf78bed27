import { randomBytes } from '@noble/ciphers/utils.js';
import { mustDecode, toBase64Url } from './bytes.js';
import { keyFingerprint, verifiedDirectory, type DirectoryEntry, type WireManifest } from './directory.js';
import { readEvents } from './event-stream.js';
import { genesisBytes, keyCommitment, signGenesis, type Genesis } from './genesis.js';
import { deriveAskerKeys, deriveStaffSecrets, unwrapKeyBundle, type Argon2Params } from './keys.js';
import { sealMessage, type MessageBody } from './message.js';
import { solveProofOfWork } from './pow.js';
import { decodeItem, readThread, type ReaderIdentity, type ReadItem, type ReadResult, type ThreadView, type WireItem, type WireThreadDetail } from './reader.js';
import { sealThreadKey } from './thread-key.js';
import { checkItem, itemHash, signItem, type Item } from './transcript.js';
import { openMessage } from './message.js';
import { poolRole, type ThreadKind } from './vocabulary.js';

// A client of the Tynys HTTP API built on the independent implementation and plain fetch: what
// an outside developer would write from PROTOCOL.md and the API document.

export interface HttpAnswer<T> {
  status: number;
  body: T;
}

export async function call<T = Record<string, unknown>>(baseUrl: string, method: string, path: string, options: { token?: string; json?: unknown } = {}): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}/api${path}`, { method, headers, ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

function expectStatus<T>(answer: HttpAnswer<T>, status: number, what: string): T {
  if (answer.status !== status) throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export interface Session extends ReaderIdentity {
  token: string;
}

/** Mints an asker identity from a recovery secret: proof of work, then the derived public keys. */
export async function mintIdentity(baseUrl: string, recoverySecret: Uint8Array): Promise<Session> {
  const challenge = expectStatus(await call<{ challenge: string; bits: number }>(baseUrl, 'POST', '/pow/challenges', { json: { purpose: 'identity' } }), 201, 'pow challenge');
  const counter = solveProofOfWork(mustDecode(challenge.challenge, undefined, 'challenge'), challenge.bits);
  const keys = deriveAskerKeys(recoverySecret);
  const minted = expectStatus(await call<{ token: string; identityId: string }>(baseUrl, 'POST', '/identities', {
    json: {
      authKey: toBase64Url(keys.authKey), boxPublicKey: toBase64Url(keys.box.publicKey), signPublicKey: toBase64Url(keys.sign.publicKey),
      pow: { challenge: challenge.challenge, counter },
    },
  }), 201, 'mint identity');
  return { role: 'asker', id: minted.identityId, token: minted.token, box: keys.box, sign: keys.sign };
}

/**
 * Logs a staff member in from login and passphrase: the server's Argon2id offer is refused below
 * the client's own floor, and the unwrapped keys must be the ones the profile names.
 */
export async function loginStaff(baseUrl: string, login: string, passphrase: string, floor: Argon2Params): Promise<Session> {
  const pre = expectStatus(await call<{ kdfSalt: string; kdf: Argon2Params }>(baseUrl, 'POST', '/staff/prelogin', { json: { login } }), 200, 'prelogin');
  if (pre.kdf.m < floor.m || pre.kdf.t < floor.t || pre.kdf.p !== 1) throw new Error('prelogin: Argon2id parameters below the floor');
  const secrets = await deriveStaffSecrets(passphrase, mustDecode(pre.kdfSalt, 16, 'kdfSalt'), pre.kdf);
  const session = expectStatus(await call<{ token: string; profile: { staffId: string; boxPublicKey: string; signPublicKey: string; wrappedKeys: string } }>(
    baseUrl, 'POST', '/staff/sessions', { json: { login, authKey: toBase64Url(secrets.authKey) } }), 201, 'staff login');
  const keys = unwrapKeyBundle(secrets.wrapKey, mustDecode(session.profile.wrappedKeys, undefined, 'wrappedKeys'));
  if (!keys) throw new Error('staff login: the key bundle does not open');
  if (toBase64Url(keys.box.publicKey) !== session.profile.boxPublicKey || toBase64Url(keys.sign.publicKey) !== session.profile.signPublicKey) throw new Error('staff login: the bundle holds other keys than the profile');
  return { role: 'staff', id: session.profile.staffId, token: session.token, box: keys.box, sign: keys.sign };
}

export async function loadDirectory(baseUrl: string, orgPublicKey: Uint8Array): Promise<Map<string, DirectoryEntry>> {
  const answer = expectStatus(await call<{ manifest: WireManifest | null }>(baseUrl, 'GET', '/directory'), 200, 'directory');
  return verifiedDirectory(answer.manifest, orgPublicKey, Date.now());
}

/** The request body of an item (§7.8): its position, signature and the fields of its type. */
export function wireItem(item: Item): Record<string, unknown> {
  return {
    seq: item.seq, prevHash: toBase64Url(item.prevHash), signature: toBase64Url(item.signature),
    ...(item.nonce ? { nonce: toBase64Url(item.nonce), ciphertext: toBase64Url(item.ciphertext!) } : {}),
    ...(item.toStaffId ? { toStaffId: item.toStaffId, toFingerprint: toBase64Url(item.toFingerprint!) } : {}),
    ...(item.pool ? { pool: item.pool.map((m) => ({ staffId: m.staffId, fingerprint: toBase64Url(m.fingerprint) })) } : {}),
  };
}

export interface ThreadMetadata {
  kind: ThreadKind;
  language: string;
  topic: string;
  urgency: string;
}

/** One participant's view of threads: opens, reads (checking everything), posts. */
export class Participant {
  /** §7.7 step 6: the hash of each item this client posted, by thread and number. */
  private readonly posted = new Map<string, Map<number, Uint8Array>>();

  constructor(readonly baseUrl: string, readonly me: Session, readonly directory: Map<string, DirectoryEntry>) {}

  /** Opens a thread: genesis naming the pool of the verified directory, K sealed to each. */
  async open(meta: ThreadMetadata): Promise<string> {
    const threadId = `t_${toBase64Url(randomBytes(16))}`;
    const threadKey = randomBytes(32);
    const pool = [...this.directory.values()].filter((e) => e.staffId !== this.me.id && e.roles.includes(poolRole(meta.kind)) && e.languages.includes(meta.language));
    const genesis: Genesis = {
      threadId, ...meta, openerId: this.me.id, openerBoxPublicKey: this.me.box.publicKey, openerSignPublicKey: this.me.sign.publicKey,
      keyCommitment: keyCommitment(threadId, this.me.sign.publicKey, threadKey),
      recipients: pool.map((e) => ({ id: e.staffId, fingerprint: keyFingerprint(e.boxPublicKey, e.signPublicKey) })),
    };
    const bytes = genesisBytes(genesis);
    const sealedKeys = [{ id: this.me.id, box: this.me.box.publicKey }, ...pool.map((e) => ({ id: e.staffId, box: e.boxPublicKey }))]
      .map((r) => ({ recipientId: r.id, sealedKey: toBase64Url(sealThreadKey(threadKey, threadId, r.box)) }));
    const answer = await call(this.baseUrl, 'POST', '/threads', {
      token: this.me.token, json: { genesis: toBase64Url(bytes), genesisSignature: toBase64Url(signGenesis(bytes, this.me.sign.seed)), sealedKeys },
    });
    expectStatus(answer, 201, 'open thread');
    return threadId;
  }

  /** Reads a thread's summary and every item, and checks them all (§7.7). */
  async read(threadId: string): Promise<ReadResult> {
    const detail = expectStatus(await call<WireThreadDetail>(this.baseUrl, 'GET', `/threads/${threadId}`, { token: this.me.token }), 200, 'thread');
    const items: WireItem[] = [];
    for (let hasMore = true; hasMore;) {
      const page = expectStatus(await call<{ items: WireItem[]; hasMore: boolean }>(this.baseUrl, 'GET', `/threads/${threadId}/items?after=${items.at(-1)?.seq ?? 0}&limit=200`, { token: this.me.token }), 200, 'items');
      items.push(...page.items);
      hasMore = page.hasMore && page.items.length > 0;
    }
    return readThread({ threadId, detail, items, reader: this.me, directory: this.directory, posted: this.posted.get(threadId) ?? new Map() });
  }

  private async checkedView(threadId: string): Promise<ThreadView> {
    const result = await this.read(threadId);
    if (!result.ok) throw new Error(`thread ${threadId} refused: ${result.reason}${result.seq === undefined ? '' : ` at ${result.seq}`}`);
    return result.thread;
  }

  /** Signs the next item on the checked transcript and posts it; on `sequence_conflict` reads, checks and signs anew, once. */
  private async post(threadId: string, route: string, make: (view: ThreadView) => { item: Item; extra?: Record<string, unknown> }): Promise<HttpAnswer<unknown>> {
    for (let attempt = 0; ; attempt++) {
      const view = await this.checkedView(threadId);
      const { item, extra } = make(view);
      const answer = await call(this.baseUrl, 'POST', `/threads/${threadId}/${route}`, { token: this.me.token, json: { ...wireItem(item), ...extra } });
      const code = (answer.body as { error?: { code?: string } } | null)?.error?.code;
      if (code === 'sequence_conflict' && attempt === 0) continue;
      if (answer.status < 300) {
        const mine = this.posted.get(threadId) ?? new Map<number, Uint8Array>();
        mine.set(item.seq, itemHash(threadId, item));
        this.posted.set(threadId, mine);
      }
      return answer;
    }
  }

  /**
   * Follows a thread live: checks the transcript so far, then resumes the event stream after its
   * last item (Last-Event-ID) and checks each new item against the state before it (§7.5), as if
   * it had been read from the items page. Resolves when the signal aborts or the stream ends.
   */
  async follow(threadId: string, options: { onItem: (item: ReadItem) => void; onOpen?: (after: number) => void; signal: AbortSignal }): Promise<void> {
    const view = await this.checkedView(threadId);
    let state = view.state;
    const res = await fetch(`${this.baseUrl}/api/threads/${threadId}/events`, {
      headers: { authorization: `Bearer ${this.me.token}`, accept: 'text/event-stream', 'last-event-id': String(state.seq) }, signal: options.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`events: HTTP ${res.status}`);
    options.onOpen?.(state.seq);
    try {
      for await (const event of readEvents(res.body)) {
        if (event.event !== 'item') continue;
        const item = decodeItem(JSON.parse(event.data) as WireItem);
        if (!item || event.id !== String(item.seq)) throw new Error('events: an undecodable item');
        const check = checkItem(view.genesis, this.directory, state, item);
        if (!check.ok) throw new Error(`events: item ${item.seq} refused: ${check.reason}`);
        const body = item.type === 'message' ? openMessage(threadId, item, view.threadKey) : undefined;
        if (body === null) throw new Error(`events: message ${item.seq} unreadable`);
        state = check.state;
        options.onItem({ item, hash: check.hash, ...(body ? { body } : {}) });
      }
    } catch (error) {
      if (!options.signal.aborted) throw error;
    }
  }

  async send(threadId: string, body: { text: string } | { intake: Extract<MessageBody, { type: 'intake' }>['intake'] }): Promise<HttpAnswer<unknown>> {
    return this.post(threadId, 'messages', (view) => {
      const full: MessageBody = 'text' in body
        ? { type: 'text', at: Date.now(), read: view.state.seq, text: body.text }
        : { type: 'intake', at: Date.now(), read: view.state.seq, intake: body.intake };
      const position = { threadId, seq: view.state.seq + 1, senderId: this.me.id, prevHash: view.state.head };
      return { item: sealMessage(position, full, view.threadKey, this.me.sign.seed) };
    });
  }

  async claim(threadId: string): Promise<HttpAnswer<unknown>> {
    return this.post(threadId, 'claim', (view) => ({
      item: signItem(threadId, { seq: view.state.seq + 1, type: 'claim', senderId: this.me.id, prevHash: view.state.head }, this.me.sign.seed),
    }));
  }

  /** Hands the thread to a colleague of the verified directory, sealing K to their box key. */
  async handover(threadId: string, toStaffId: string): Promise<HttpAnswer<unknown>> {
    const colleague = this.directory.get(toStaffId);
    if (!colleague) throw new Error(`handover: ${toStaffId} is not in the verified directory`);
    return this.post(threadId, 'handover', (view) => ({
      item: signItem(threadId, {
        seq: view.state.seq + 1, type: 'handover', senderId: this.me.id, prevHash: view.state.head,
        toStaffId, toFingerprint: keyFingerprint(colleague.boxPublicKey, colleague.signPublicKey),
      }, this.me.sign.seed),
      extra: { sealedKey: toBase64Url(sealThreadKey(view.threadKey, threadId, colleague.boxPublicKey)) },
    }));
  }

  /** The opener gives a held thread back to the pool of the verified directory (not itself, not the holder), sealing K to each (§7.4 return). */
  async returnToPool(threadId: string): Promise<HttpAnswer<unknown>> {
    return this.post(threadId, 'return', (view) => {
      const holder = view.state.holder?.id;
      const genesis = view.genesis;
      const members = [...this.directory.values()]
        .filter((e) => e.staffId !== this.me.id && e.staffId !== holder && e.roles.includes(poolRole(genesis.kind)) && e.languages.includes(genesis.language))
        .sort((a, b) => (a.staffId < b.staffId ? -1 : 1));
      return {
        item: signItem(threadId, {
          seq: view.state.seq + 1, type: 'return', senderId: this.me.id, prevHash: view.state.head,
          pool: members.map((e) => ({ staffId: e.staffId, fingerprint: keyFingerprint(e.boxPublicKey, e.signPublicKey) })),
        }, this.me.sign.seed),
        extra: { sealedKeys: members.map((e) => ({ recipientId: e.staffId, sealedKey: toBase64Url(sealThreadKey(view.threadKey, threadId, e.boxPublicKey)) })) },
      };
    });
  }
}
