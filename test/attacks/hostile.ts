import { and, eq } from 'drizzle-orm';
import { messages, threadKeys, threads } from '../../db/schema.js';
import type { Participant } from '../../src/client/participant.js';
import { itemHash, itemSignedBytes, sealMessage, signItem, type ItemHeader, type ItemType } from '../../src/protocol/envelope.js';
import { concatBytes } from '../../src/protocol/encoding.js';
import type { KeyPair } from '../../src/protocol/kdf.js';
import { encodeBody, type MessageBody } from '../../src/protocol/message-body.js';
import type { TestServer } from '../support/server.js';
import { storedPool } from '../../src/threads/service.js';

// The hostile layer of the attack tests (issue 10 point 10): what a compromised server can do.
// It owns the database, so it edits rows directly (through the running service's own
// connection), and it owns every answer, so a `fetch` given to the SDK may rewrite them. The
// SDK under test is the real one, talking to the real server over HTTP.

/** A client's keys, as a member who colludes with the server would hand them over. */
export function keysOf(client: Participant): { box: KeyPair; sign: KeyPair } {
  const inside = client as unknown as { box: KeyPair; sign: KeyPair };
  return { box: inside.box, sign: inside.sign };
}

/** K of a thread the client has verified (read it first). */
export async function threadKeyOf(client: Participant, threadId: string): Promise<Uint8Array> {
  return (client as unknown as { threadKey: (id: string) => Promise<Uint8Array> }).threadKey(threadId);
}

/** The thread's stored transcript position: what the next item must name. */
export function headOf(s: TestServer, threadId: string): { seq: number; head: Uint8Array } {
  const row = s.db.select({ seq: threads.lastSeq, head: threads.headHash }).from(threads).where(eq(threads.id, threadId)).get()!;
  return { seq: row.seq, head: new Uint8Array(row.head) };
}

/**
 * Appends an item to the stored transcript as the server would after its own checks, without
 * them: signed by `sign` for `senderId`, a message encrypted under `threadKey`. Returns its seq.
 */
export function insertItem(s: TestServer, threadId: string, item: {
  type: ItemType; senderId: string; sign: KeyPair; threadKey?: Uint8Array; text?: string; read?: number;
  to?: ItemHeader['to'];
  pool?: ItemHeader['pool'];
}): number {
  const { seq, head } = headOf(s, threadId);
  const header: ItemHeader = { threadId, seq: seq + 1, type: item.type, senderId: item.senderId, prevHash: head, ...(item.to ? { to: item.to } : {}), ...(item.pool ? { pool: item.pool } : {}) };
  let nonce: Uint8Array | null = null;
  let ciphertext: Uint8Array | null = null;
  let signature: Uint8Array;
  if (item.type === 'message') {
    const body: MessageBody = { type: 'text', at: Date.now(), read: item.read ?? seq, text: item.text ?? 'hello' };
    const sealed = sealMessage(s.sodium, { threadKey: item.threadKey!, header, plaintext: encodeBody(body), signPrivateKey: item.sign.privateKey });
    ({ nonce, ciphertext, signature } = sealed);
  } else {
    signature = signItem(s.sodium, header, new Uint8Array(0), item.sign.privateKey);
  }
  const payload = nonce && ciphertext ? concatBytes(nonce, ciphertext) : new Uint8Array(0);
  const hash = itemHash(itemSignedBytes(header, payload), signature);
  const buf = (b: Uint8Array | null) => (b ? Buffer.from(b) : null);
  s.db.insert(messages).values({
    threadId, seq: header.seq, type: item.type, senderId: item.senderId, prevHash: Buffer.from(head), nonce: buf(nonce), ciphertext: item.pool ? storedPool(item.pool) : buf(ciphertext),
    signature: Buffer.from(signature), toStaffId: item.to?.staffId ?? null, toFingerprint: buf(item.to?.fingerprint ?? null), createdAt: Date.now(),
  }).run();
  s.db.update(threads).set({ lastSeq: header.seq, headHash: Buffer.from(hash) }).where(eq(threads.id, threadId)).run();
  return header.seq;
}

/** The sealed key stored for one participant of a thread. */
export function sealedKeyRow(s: TestServer, threadId: string, principalId: string): Uint8Array {
  const row = s.db.select({ k: threadKeys.sealedKey }).from(threadKeys).where(and(eq(threadKeys.threadId, threadId), eq(threadKeys.principalId, principalId))).get()!;
  return new Uint8Array(row.k);
}

export function setSealedKey(s: TestServer, threadId: string, principalId: string, sealed: Uint8Array): void {
  s.db.update(threadKeys).set({ sealedKey: Buffer.from(sealed) }).where(and(eq(threadKeys.threadId, threadId), eq(threadKeys.principalId, principalId))).run();
}

/** A fetch that lets `edit` rewrite the JSON of answers whose URL `when` matches. */
export function rewriting(when: (url: URL, method: string) => boolean, edit: (body: any) => unknown): typeof fetch { // eslint-disable-line @typescript-eslint/no-explicit-any
  return async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(String(input));
    if (!res.ok || !when(url, init?.method ?? 'GET')) return res;
    const body: unknown = await res.json();
    return new Response(JSON.stringify(edit(body) ?? body), { status: res.status, headers: res.headers });
  };
}

/** A fetch that records each request's method and path. */
export function recording(): { fetch: typeof fetch; requests: string[] } {
  const requests: string[] = [];
  return { requests, fetch: (input, init) => { requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`); return fetch(input, init); } };
}
