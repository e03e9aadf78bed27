import Database from 'better-sqlite3';
import { sha256 } from '@noble/hashes/sha2.js';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { messages, staff, threadKeys, threads } from '../../db/schema.js';
import { purgeExpired } from '../../src/purge.js';
import { MANIFEST_DEFAULT_VALIDITY_MS } from '../../src/protocol/manifest.js';
import { fromBase64Url, toBase64Url, utf8 } from '../../src/protocol/encoding.js';
import { openMessage, openThreadKey } from '../../src/protocol/envelope.js';
import { keyCommitment, verifyGenesis } from '../../src/protocol/genesis.js';
import { decodeBody } from '../../src/protocol/message-body.js';
import { loadSodium } from '../../src/protocol/sodium.js';
import type { TranscriptItem } from '../../src/protocol/transcript.js';
import { installManifest } from '../support/manifest.js';
import { commitItem, postItem } from '../../src/threads/items.js';
import { startSignaturePool } from '../../src/threads/signature-pool.js';
import { getThread } from '../../src/threads/service.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker, type TestAsker } from '../support/asker.js';
import { createStaff, type TestStaff } from '../support/staff.js';
import { draftThread, recipientOf, TranscriptWriter, type DraftOptions, type Recipient, type Signer, type SignedItem } from '../support/transcript.js';

// The server side of protocol v2 (DESIGN.md §5): every request is built with the protocol's own
// functions (test/support/transcript.ts), as an independent client would build it.

const sodium = await loadSodium();
/** One fixed organisation key, so the browser files are built once for every test here. */
const org = sodium.crypto_sign_seed_keypair(sha256(utf8('tynys threads test organisation key')));

let t: TestContext;
let asker: TestAsker;
let psyA: TestStaff;
let psyB: TestStaff;
let psyKk: TestStaff;
let moderator: TestStaff;

beforeEach(async () => {
  t = await createTestApp({ MAX_OPEN_THREADS: 3, RETENTION_DAYS: 30, ORG_PUBLIC_KEY: toBase64Url(org.publicKey) });
  asker = await mintAsker(t);
  psyA = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
  psyB = await createStaff(t, { roles: ['psychologist'], languages: ['ru', 'en'] });
  psyKk = await createStaff(t, { roles: ['psychologist'], languages: ['kk'] });
  // Signing happens last and covers every entry so far, as an admin's `directory sign` would.
  moderator = await createStaff(t, { roles: ['moderator'], languages: ['ru'], orgPrivateKey: org.privateKey });
});
afterEach(() => t.close());

const askerSigner = (a: TestAsker): Signer => ({ id: a.identityId, box: a.keys.box, sign: a.keys.sign });
const staffSigner = (s: TestStaff): Signer => ({ id: s.staffId, box: s.box, sign: s.sign });
const pool = (...members: TestStaff[]): Recipient[] => members.map((m) => recipientOf(staffSigner(m)));

/** Opens a thread as `by` (the asker by default) to psyA and psyB unless told otherwise. */
async function open(options: DraftOptions & { by?: Signer; token?: string; recipients?: Recipient[] } = {}) {
  const draft = draftThread(t.sodium, options.by ?? askerSigner(asker), options.recipients ?? pool(psyA, psyB), options);
  const res = await t.call('POST', '/api/threads', { token: options.token ?? asker.token, json: draft.body });
  return { res, draft, id: draft.threadId, w: new TranscriptWriter(t.sodium, draft) };
}

type Kind = 'messages' | 'claim' | 'handover';
/** Posts a signed item; counts it in the writer's chain when the server stored it. */
async function send(w: TranscriptWriter, token: string, kind: Kind, item: SignedItem) {
  const res = await t.call('POST', `/api/threads/${w.draft.threadId}/${kind}`, { token, json: item.body });
  if (res.status < 300) w.advance(item);
  return res;
}
const code = (res: { status: number; body: { error?: { code: string } } }) => [res.status, res.body.error?.code ?? 'ok'];

describe('opening a thread', () => {
  it('stores the thread under the genesis id with the genesis metadata, and seals nothing beyond the opener and the recipients', async () => {
    const { res, id, draft } = await open({ topic: 'sleep', urgency: 'urgent', language: 'ru' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id, kind: 'consultation', status: 'open', topic: 'sleep', language: 'ru', urgency: 'urgent', lastSeq: 0 });
    expect(res.body).not.toHaveProperty('populations');
    expect(res.body.createdAt % 60_000).toBe(0);
    expect(t.db.select().from(threadKeys).all().map((k) => k.principalId).sort()).toEqual([asker.identityId, psyA.staffId, psyB.staffId].sort());
    // The detail serves the genesis as signed and the caller's sealed key, bound to this thread.
    const detail = await t.call('GET', `/api/threads/${id}`, { token: psyB.token });
    expect(detail.status).toBe(200);
    const g = verifyGenesis(t.sodium, id, fromBase64Url(detail.body.genesis)!, fromBase64Url(detail.body.genesisSignature)!);
    expect(g).toMatchObject({ topic: 'sleep', urgency: 'urgent', openerId: asker.identityId });
    expect(detail.body.genesis).toBe(draft.body.genesis);
    const k = openThreadKey(t.sodium, fromBase64Url(detail.body.sealedKey)!, id, psyB.box)!;
    expect(keyCommitment(id, g!.openerSignPublicKey, k)).toEqual(g!.keyCommitment);
    expect(detail.body).not.toHaveProperty('opener');
  });

  it('refuses a genesis signed by another key, and one whose opener is not the caller with the caller\'s keys', async () => {
    const stranger = t.sodium.crypto_sign_keypair();
    expect(code((await open({ signWith: stranger.privateKey })).res)).toEqual([400, 'invalid_signature']);
    // Signed correctly by keys the caller does not hold.
    const impostor: Signer = { id: asker.identityId, box: t.sodium.crypto_box_keypair(), sign: stranger };
    expect(code((await open({ by: impostor })).res)).toEqual([400, 'invalid_genesis']);
    // Another asker's own genesis, sent with this asker's session.
    const other = await mintAsker(t);
    expect(code((await open({ by: askerSigner(other) })).res)).toEqual([400, 'invalid_genesis']);
    // Bytes that are not a canonical genesis at all.
    const garbage = { genesis: toBase64Url(new Uint8Array(300).fill(65)), genesisSignature: toBase64Url(new Uint8Array(64)), sealedKeys: (await open()).draft.body.sealedKeys };
    expect(code(await t.call('POST', '/api/threads', { token: asker.token, json: garbage }))).toEqual([400, 'invalid_genesis']);
    expect(t.db.select().from(threads).all()).toHaveLength(1);
  });

  it('refuses keys not sealed to exactly the opener and the recipients the genesis names', async () => {
    const me = recipientOf(askerSigner(asker));
    const [a, b] = pool(psyA, psyB);
    const sealedTo = async (sealTo: Recipient[]) => code((await open({ sealTo })).res);
    expect(await sealedTo([me, a!])).toEqual([400, 'invalid_recipients']); // b left out
    expect(await sealedTo([me, a!, b!, ...pool(psyKk)])).toEqual([400, 'invalid_recipients']); // one more than named
    expect(await sealedTo([me, a!, a!])).toEqual([400, 'invalid_recipients']); // a twice, b never
    expect(await sealedTo([a!, b!])).toEqual([400, 'invalid_recipients']); // the opener left out
  });

  it('refuses a recipient outside the signed intake pool, or named with other keys', async () => {
    const unsigned = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
    const cases: Recipient[][] = [
      pool(psyKk), // another language
      pool(moderator), // not a psychologist
      pool(unsigned), // not signed by the organisation
      [{ ...recipientOf(staffSigner(psyA)), boxPublicKey: psyB.box.publicKey }], // psyA named with other keys
    ];
    for (const recipients of cases) expect(code((await open({ recipients })).res)).toEqual([400, 'invalid_recipients']);
    // A listed member whose account now holds other keys than the manifest lists is in no pool.
    t.db.update(staff).set({ boxPublicKey: Buffer.from(psyA.box.publicKey) }).where(eq(staff.id, psyB.staffId)).run();
    expect(code((await open({ recipients: pool(psyB) })).res)).toEqual([400, 'invalid_recipients']);
    expect(t.db.select().from(threads).all()).toHaveLength(0);
  });

  it('refuses a thread id that is taken', async () => {
    const first = await open();
    expect(first.res.status).toBe(201);
    expect(code((await open({ threadId: first.id, topic: 'grief' })).res)).toEqual([409, 'thread_exists']);
    expect(getThread(t.db, first.id)!.topic).toBe('anxiety');
  });

  it('caps open threads per identity, and only askers open consultations', async () => {
    for (let i = 0; i < 3; i++) expect((await open()).res.status).toBe(201);
    expect(code((await open()).res)).toEqual([429, 'too_many_open_threads']);
    // A signed psychologist's own, well-formed consultation genesis.
    expect(code((await open({ by: staffSigner(psyA), token: psyA.token, recipients: pool(psyB) })).res)).toEqual([403, 'forbidden']);
  });
});

describe('queue and claim', () => {
  it('lists the pool\'s open threads urgent first, then oldest, with filters', async () => {
    const old = await open({ urgency: 'routine', topic: 'sleep' });
    t.clock.now += 120_000;
    const urgent = await open({ urgency: 'urgent' });
    t.clock.now += 120_000;
    const soon = await open({ urgency: 'soon' });
    const ids = async (query = '', token = psyA.token) => (await t.call('GET', `/api/queue${query}`, { token })).body.threads.map((x: { id: string }) => x.id);
    expect(await ids()).toEqual([urgent.id, soon.id, old.id]);
    expect(await ids('?topic=sleep')).toEqual([old.id]);
    expect(await ids('?urgency=soon')).toEqual([soon.id]);
    expect(await ids('?language=en')).toEqual([]);
    expect(await ids('', psyKk.token)).toEqual([]);
    expect((await t.call('GET', '/api/queue', { token: asker.token })).status).toBe(403);
    expect((await t.call('GET', '/api/queue', { token: moderator.token })).status).toBe(403);
    expect((await t.call('GET', '/api/queue?urgency=panic', { token: psyA.token })).status).toBe(400);
  });

  it('gives the thread to the first signed claim, drops the other pool keys, and refuses a second claim', async () => {
    const { id, w } = await open();
    expect(code(await send(w, psyA.token, 'claim', w.claim(staffSigner(psyB))))).toEqual([400, 'invalid_signature']); // psyB's claim, psyA's session
    const first = await send(w, psyA.token, 'claim', w.claim(staffSigner(psyA)));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'assigned', assignedStaffId: psyA.staffId, lastSeq: 1 });
    expect(code(await send(w, psyB.token, 'claim', w.claim(staffSigner(psyB))))).toEqual([404, 'thread_not_found']);
    expect(code(await send(w, psyA.token, 'claim', w.claim(staffSigner(psyA))))).toEqual([403, 'forbidden']);
    expect(t.db.select().from(threadKeys).all().map((k) => k.principalId).sort()).toEqual([asker.identityId, psyA.staffId].sort());
    expect((await t.call('GET', '/api/queue', { token: psyB.token })).body.threads).toEqual([]);
    const items = (await t.call('GET', `/api/threads/${id}/items`, { token: asker.token })).body.items;
    expect(items).toEqual([expect.objectContaining({ seq: 1, type: 'claim', senderId: psyA.staffId })]);
    expect(items[0]).not.toHaveProperty('ciphertext');
  });

  it('answers two claims racing for the same position: one holds, the other finds the sequence taken', async () => {
    const { w } = await open();
    const [a, b] = await Promise.all([send(w, psyA.token, 'claim', w.claim(staffSigner(psyA))), send(w, psyB.token, 'claim', w.claim(staffSigner(psyB)))]);
    expect([code(a), code(b)]).toEqual([[200, 'ok'], [409, 'sequence_conflict']]);
  });

  it('refuses a claim from someone the genesis did not name, or whose signed entry left the pool', async () => {
    const { w } = await open({ recipients: pool(psyA) });
    expect(code(await send(w, psyB.token, 'claim', w.claim(staffSigner(psyB))))).toEqual([404, 'thread_not_found']);
    // psyA is re-signed without the psychologist role: its key is still sealed there, but it no longer fits the pool.
    t.db.update(staff).set({ roles: ['moderator'] }).where(eq(staff.id, psyA.staffId)).run();
    installManifest({ db: t.db, sodium: t.sodium, org }, { issuedAt: t.clock.now, expiresAt: t.clock.now + MANIFEST_DEFAULT_VALIDITY_MS });
    expect(code(await send(w, psyA.token, 'claim', w.claim(staffSigner(psyA))))).toEqual([403, 'forbidden']);
  });

  it('a member disabled since the manifest was signed may still be named (clients seal to the manifest), but claims nothing', async () => {
    t.db.update(staff).set({ disabledAt: t.clock.now }).where(eq(staff.id, psyA.staffId)).run();
    const { res, w } = await open({ recipients: pool(psyA, psyB) });
    expect(res.status).toBe(201);
    // Its sessions no longer count (src/auth/sessions.ts refuses a disabled account's session).
    expect(code(await send(w, psyA.token, 'claim', w.claim(staffSigner(psyA))))).toEqual([401, 'unauthorized']);
    expect((await send(w, psyB.token, 'claim', w.claim(staffSigner(psyB)))).status).toBe(200);
  });

  it('refuses to claim a thread closed before anyone took it', async () => {
    const { id, w } = await open();
    await t.call('POST', `/api/threads/${id}/close`, { token: asker.token });
    expect(code(await send(w, psyA.token, 'claim', w.claim(staffSigner(psyA))))).toEqual([404, 'thread_not_found']); // pool members lose access once it is not open
  });
});

describe('messages', () => {
  it('stores signed messages chained in a gap-free sequence and pages through the items', async () => {
    const { id, draft, w } = await open();
    const me = askerSigner(asker);
    for (let i = 1; i <= 5; i++) expect((await send(w, asker.token, 'messages', w.message(me, `m${i}`))).status).toBe(201);
    expect(code(await send(w, asker.token, 'messages', w.message(me, 'again', { seq: 5 })))).toEqual([409, 'sequence_conflict']);
    expect(code(await send(w, asker.token, 'messages', w.message(me, 'gap', { seq: 7 })))).toEqual([409, 'sequence_conflict']);
    // The next number, but not chained to the last item: a client that missed an item, or a fork.
    expect(code(await send(w, asker.token, 'messages', w.message(me, 'fork', { prevHash: new Uint8Array(32) })))).toEqual([409, 'sequence_conflict']);

    const page1 = await t.call('GET', `/api/threads/${id}/items?after=0&limit=2`, { token: asker.token });
    expect(page1.body.items.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    expect(page1.body.hasMore).toBe(true);
    const page3 = await t.call('GET', `/api/threads/${id}/items?after=4&limit=2`, { token: psyA.token });
    expect(page3.body.items.map((m: { seq: number }) => m.seq)).toEqual([5]);
    expect(page3.body.hasMore).toBe(false);
    const m = page1.body.items[1];
    expect(m).toMatchObject({ seq: 2, type: 'message', senderId: asker.identityId });
    const header = { threadId: id, seq: 2, type: 'message' as const, senderId: asker.identityId, prevHash: fromBase64Url(m.prevHash)! };
    const plain = openMessage(t.sodium, { threadKey: draft.key, header, nonce: fromBase64Url(m.nonce)!, ciphertext: fromBase64Url(m.ciphertext)! });
    expect(decodeBody(plain!)).toMatchObject({ type: 'text', text: 'm2', read: 1 });
    expect(getThread(t.db, id)).toMatchObject({ lastSeq: 5, headHash: Buffer.from(w.head) });
  });

  it('refuses a tampered ciphertext, a wrong signer, and a ciphertext that is not whole padded blocks', async () => {
    const { w } = await open();
    const me = askerSigner(asker);
    const good = w.message(me);
    const ct = fromBase64Url(good.body.ciphertext as string)!;
    ct[0]! ^= 1;
    expect(code(await send(w, asker.token, 'messages', { ...good, body: { ...good.body, ciphertext: toBase64Url(ct) } }))).toEqual([400, 'invalid_signature']);
    expect(code(await send(w, asker.token, 'messages', w.message({ ...me, sign: t.sodium.crypto_sign_keypair() })))).toEqual([400, 'invalid_signature']);
    // psyA's signature on psyA's id, sent with the asker's session: the server names the sender from the session.
    expect(code(await send(w, asker.token, 'messages', w.message(staffSigner(psyA))))).toEqual([400, 'invalid_signature']);
    const unpadded = { ...good.body, ciphertext: toBase64Url(new Uint8Array(16 + 256 + 1)) };
    const res = await t.call('POST', `/api/threads/${w.draft.threadId}/messages`, { token: asker.token, json: unpadded });
    expect(code(res)).toEqual([400, 'invalid_input']);
    expect(res.body.error.issues).toEqual([{ path: 'ciphertext', code: 'not_padded' }]);
    expect(t.db.select().from(messages).all()).toHaveLength(0);
  });

  it('refuses a pool member\'s message before a claim; after the claim the claimer posts and the others are out', async () => {
    const { id, w } = await open();
    expect((await send(w, asker.token, 'messages', w.message(askerSigner(asker)))).status).toBe(201);
    expect((await t.call('GET', `/api/threads/${id}/items`, { token: psyB.token })).status).toBe(200);
    expect(code(await send(w, psyA.token, 'messages', w.message(staffSigner(psyA))))).toEqual([403, 'not_holder']);
    expect((await send(w, psyA.token, 'claim', w.claim(staffSigner(psyA)))).status).toBe(200);
    expect((await send(w, psyA.token, 'messages', w.message(staffSigner(psyA), 'hello, I am here'))).status).toBe(201);
    expect(code(await send(w, psyB.token, 'messages', w.message(staffSigner(psyB))))).toEqual([404, 'thread_not_found']);
    expect((await send(w, asker.token, 'messages', w.message(askerSigner(asker)))).status).toBe(201);
    // A newer manifest the pinned key did not sign is the newest: nobody is listed now, so the holder cannot post.
    installManifest({ db: t.db, sodium: t.sodium, org }, { signer: t.sodium.crypto_sign_keypair(), issuedAt: t.clock.now, expiresAt: t.clock.now + MANIFEST_DEFAULT_VALIDITY_MS });
    expect(code(await send(w, psyA.token, 'messages', w.message(staffSigner(psyA))))).toEqual([403, 'not_holder']);
  });

  it('stores items that arrive together in one commit, in order, each answered alone', async () => {
    const { id, w } = await open();
    const me = askerSigner(asker);
    const decoded = (s: SignedItem): TranscriptItem => ({
      seq: s.seq, type: 'message', senderId: me.id, prevHash: fromBase64Url(s.body.prevHash as string)!, signature: fromBase64Url(s.body.signature as string)!,
      nonce: fromBase64Url(s.body.nonce as string)!, ciphertext: fromBase64Url(s.body.ciphertext as string)!,
    });
    const one = w.message(me, 'one');
    w.advance(one);
    const two = w.message(me, 'two');
    const twoAgain = w.message(me, 'two again');
    w.advance(two);
    const three = w.message(me, 'three');
    const input = (s: SignedItem, now = Date.now()) => ({ threadId: id, item: decoded(s), hash: s.hash, now });
    // Queued in one turn of the event loop, so written in one transaction: the second fails inside
    // it (a NOT NULL constraint: no time), which must not take its neighbours with it.
    const outcomes = await Promise.allSettled([
      commitItem(t.db, input(one)), commitItem(t.db, input(two, Number.NaN)), commitItem(t.db, input(two)), commitItem(t.db, input(twoAgain)), commitItem(t.db, input(three)),
    ]);
    expect(outcomes.map((o) => o.status === 'fulfilled' ? (o.value.ok ? o.value.item.seq : o.value.reason) : 'rejected'))
      .toEqual([1, 'rejected', 2, 'sequence_conflict', 3]);
    // Answered after the commit: another connection already sees every stored row.
    const other = new Database(t.dbFile, { readonly: true });
    try {
      expect(other.prepare('SELECT seq FROM messages WHERE thread_id = ? ORDER BY seq').pluck().all(id)).toEqual([1, 2, 3]);
      expect(other.prepare('SELECT last_seq FROM threads WHERE id = ?').pluck().get(id)).toBe(3);
    } finally {
      other.close();
    }
  });

  it('refuses a message checked against the old holder but written after the hand-over', async () => {
    const { id, w } = await open();
    expect((await send(w, psyA.token, 'claim', w.claim(staffSigner(psyA)))).status).toBe(200);
    const row = getThread(t.db, id)!;
    const handover = w.handover(staffSigner(psyA), recipientOf(staffSigner(psyB)));
    const late = w.message(staffSigner(psyA), 'after the hand-over');
    const item = (s: SignedItem, type: 'message' | 'handover'): TranscriptItem => ({
      seq: s.seq, type, senderId: psyA.staffId, prevHash: fromBase64Url(s.body.prevHash as string)!, signature: fromBase64Url(s.body.signature as string)!,
      ...(type === 'message'
        ? { nonce: fromBase64Url(s.body.nonce as string)!, ciphertext: fromBase64Url(s.body.ciphertext as string)! }
        : { to: { staffId: psyB.staffId, fingerprint: fromBase64Url(s.body.toFingerprint as string)! } }),
    });
    const directory = (sid: string) => {
      const s = sid === psyA.staffId ? psyA : sid === psyB.staffId ? psyB : null;
      return s && { id: s.staffId, roles: ['psychologist'], languages: ['ru', 'en'], boxPublicKey: s.box.publicKey, signPublicKey: s.sign.publicKey };
    };
    // Both checked against the same row (psyA holding); the hand-over is written first.
    const signatures = startSignaturePool(t.sodium, 1);
    onTestFinished(() => signatures.close());
    const moved = postItem(t.db, { sodium: t.sodium, signatures, staff: directory }, { row, item: item(handover, 'handover'), sealedKey: fromBase64Url(handover.body.sealedKey as string)!, now: Date.now() });
    const queued = postItem(t.db, { sodium: t.sodium, signatures, staff: directory }, { row, item: item(late, 'message'), now: Date.now() });
    expect((await moved).ok).toBe(true);
    expect(await queued).toEqual({ ok: false, reason: 'sequence_conflict' });
    expect(t.db.select().from(messages).all().map((m) => m.type)).toEqual(['claim', 'handover']);
  });

  it('answers concurrent posts for the same position exactly: one stored, the others 409', async () => {
    const { id, w } = await open();
    const me = askerSigner(asker);
    for (let round = 1; round <= 3; round++) {
      // Three bodies for the same next position, each checked against the same stored row: the
      // write-time check (sequence and head unchanged) lets only the first through.
      const rivals = [0, 1, 2].map((i) => w.message(me, `round ${round} body ${i}`));
      const statuses = (await Promise.all(rivals.map((b) => t.call('POST', `/api/threads/${id}/messages`, { token: asker.token, json: b.body })))).map((r) => r.status);
      expect(statuses).toEqual([201, 409, 409]);
      w.advance(rivals[0]!);
    }
    const page = await t.call('GET', `/api/threads/${id}/items?after=0&limit=10`, { token: asker.token });
    expect(page.body.items.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3]);
    expect(getThread(t.db, id)!.headHash).toEqual(Buffer.from(w.head));
  });

  it('streams items over Server-Sent Events, resuming after Last-Event-ID', async () => {
    const { id, w } = await open();
    const me = askerSigner(asker);
    await send(w, asker.token, 'messages', w.message(me));
    await send(w, asker.token, 'messages', w.message(me));
    const controller = new AbortController();
    const res = await t.app.request(`/api/threads/${id}/events`, { headers: { authorization: `Bearer ${psyA.token}`, 'last-event-id': '1' }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil('id: 2');
    expect(text).not.toContain('id: 1\n');
    await send(w, psyA.token, 'claim', w.claim(staffSigner(psyA)));
    await readUntil('event: status');
    await send(w, asker.token, 'messages', w.message(me));
    await readUntil('id: 4');
    const events = text.split('\n\n').filter((e) => e.startsWith('event: item')).map((e) => JSON.parse(e.split('\n')[1]!.slice('data: '.length)));
    expect(events.map((e) => [e.seq, e.type])).toEqual([[2, 'message'], [3, 'claim'], [4, 'message']]);
    // Erasing the thread ends the stream.
    expect((await t.call('DELETE', `/api/threads/${id}`, { token: asker.token })).status).toBe(200);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
    controller.abort();
  });

  it('ends an open stream, before its next event, once the caller no longer takes part or the session is revoked', async () => {
    const { id, w } = await open();
    const follow = async (token: string) => {
      const res = await t.app.request(`/api/threads/${id}/events`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return async (): Promise<string> => {
        let text = '';
        const reader = res.body!.getReader();
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
        return text;
      };
    };
    // psyA follows from the intake pool; psyB claims it, so psyA is out.
    const psyAStream = await follow(psyA.token);
    expect((await send(w, psyB.token, 'claim', w.claim(staffSigner(psyB)))).status).toBe(200);
    // The asker follows, then logs out on this device.
    const askerStream = await follow(asker.token);
    expect((await t.call('DELETE', '/api/sessions/current', { token: asker.token })).status).toBe(200);
    expect((await send(w, psyB.token, 'messages', w.message(staffSigner(psyB)))).status).toBe(201);
    // Both streams end; neither carried the new message; psyA saw neither the claim nor the status.
    const [a, b] = await Promise.all([psyAStream(), askerStream()]);
    expect(b).toContain('id: 1\n'); // the claim, replayed to the asker before the logout
    for (const text of [a, b]) expect(text).not.toContain('id: 2\n');
    expect(a).not.toContain('event: status');
    expect(a).not.toContain('event: item');
  });
});

describe('hand-over, close, erase, purge', () => {
  it('hands the thread to a signed colleague of the pool: the new holder posts, the old one is out', async () => {
    const { id, w } = await open();
    const a = staffSigner(psyA);
    expect((await send(w, psyA.token, 'claim', w.claim(a))).status).toBe(200);
    expect((await send(w, psyA.token, 'messages', w.message(a))).status).toBe(201);
    const moved = await send(w, psyA.token, 'handover', w.handover(a, recipientOf(staffSigner(psyB))));
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ assignedStaffId: psyB.staffId, status: 'assigned', lastSeq: 3 });
    expect(code(await send(w, psyA.token, 'messages', w.message(a)))).toEqual([404, 'thread_not_found']);
    expect((await t.call('GET', `/api/threads/${id}`, { token: psyA.token })).status).toBe(404);
    const detail = await t.call('GET', `/api/threads/${id}`, { token: psyB.token });
    expect(openThreadKey(t.sodium, fromBase64Url(detail.body.sealedKey)!, id, psyB.box)).toEqual(w.draft.key);
    expect((await send(w, psyB.token, 'messages', w.message(staffSigner(psyB), 'taking over'))).status).toBe(201);
    expect((await t.call('GET', '/api/threads', { token: psyB.token })).body.threads.map((x: { id: string }) => x.id)).toEqual([id]);
    const items = (await t.call('GET', `/api/threads/${id}/items`, { token: asker.token })).body.items;
    expect(items[2]).toMatchObject({ type: 'handover', senderId: psyA.staffId, toStaffId: psyB.staffId });
  });

  it('refuses a hand-over to someone outside the pool\'s role and language, named with other keys, or by anyone but the holder', async () => {
    const { w } = await open();
    const a = staffSigner(psyA);
    await send(w, psyA.token, 'claim', w.claim(a));
    const unsigned = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
    for (const to of [psyKk, moderator, unsigned, psyA]) {
      expect(code(await send(w, psyA.token, 'handover', w.handover(a, recipientOf(staffSigner(to)))))).toEqual([400, 'invalid_recipients']);
    }
    const b = recipientOf(staffSigner(psyB));
    expect(code(await send(w, psyA.token, 'handover', w.handover(a, b, { named: recipientOf(a) })))).toEqual([400, 'invalid_recipients']);
    expect(code(await send(w, asker.token, 'handover', w.handover(askerSigner(asker), b)))).toEqual([403, 'forbidden']);
    expect(code(await send(w, psyA.token, 'handover', w.handover({ ...a, sign: psyB.sign }, b)))).toEqual([400, 'invalid_signature']);
    expect(getThread(t.db, w.draft.threadId)!.assignedStaffId).toBe(psyA.staffId);
  });

  it('closes a thread to new items but keeps it readable', async () => {
    const { id, w } = await open();
    await send(w, psyA.token, 'claim', w.claim(staffSigner(psyA)));
    const closed = await t.call('POST', `/api/threads/${id}/close`, { token: psyA.token });
    expect(closed.body.status).toBe('closed');
    expect(code(await send(w, asker.token, 'messages', w.message(askerSigner(asker))))).toEqual([409, 'thread_closed']);
    expect((await t.call('GET', `/api/threads/${id}/items`, { token: asker.token })).status).toBe(200);
  });

  it('lets only the asker erase the thread, with all its rows', async () => {
    const { id, w } = await open();
    await send(w, asker.token, 'messages', w.message(askerSigner(asker)));
    await send(w, psyA.token, 'claim', w.claim(staffSigner(psyA)));
    expect((await t.call('DELETE', `/api/threads/${id}`, { token: psyA.token })).status).toBe(403);
    expect((await t.call('DELETE', `/api/threads/${id}`, { token: asker.token })).status).toBe(200);
    expect(t.db.select().from(threads).all()).toHaveLength(0);
    expect(t.db.select().from(messages).all()).toHaveLength(0);
    expect(t.db.select().from(threadKeys).all()).toHaveLength(0);
  });

  it('purges closed threads after the retention period, and only those', async () => {
    const closedOne = await open();
    const openOne = await open();
    await t.call('POST', `/api/threads/${closedOne.id}/close`, { token: asker.token });
    t.clock.now += 29 * 86_400_000;
    expect(purgeExpired(t.db, t.config, t.clock.now).threads).toBe(0);
    t.clock.now += 2 * 86_400_000;
    // Keep the asker active so that idle-identity expiry does not take the open thread too.
    await t.call('GET', '/api/threads', { token: (await t.call('POST', '/api/identities/sessions', { json: { authKey: toBase64Url(asker.keys.authKey) } })).body.token });
    expect(purgeExpired(t.db, t.config, t.clock.now).threads).toBe(1);
    expect(t.db.select({ id: threads.id }).from(threads).all()).toEqual([{ id: openOne.id }]);
  });
});

describe('case consultations', () => {
  it('lets a school psychologist open a case thread that only supervisors receive and claim', async () => {
    const school = await createStaff(t, { roles: ['school-psychologist'], languages: ['ru'] });
    const supervisor = await createStaff(t, { roles: ['supervisor'], languages: ['ru'], orgPrivateKey: org.privateKey });
    const opener = staffSigner(school);
    const asCase = { kind: 'case' as const, topic: 'violence' as const, urgency: 'soon' as const, by: opener, token: school.token };
    expect(code((await open({ ...asCase, recipients: pool(psyA) })).res)).toEqual([400, 'invalid_recipients']);
    const { res, id, w } = await open({ ...asCase, recipients: pool(supervisor) });
    expect(res.status).toBe(201);
    expect(res.body.kind).toBe('case');
    // An asker's own case genesis is refused by kind.
    expect(code((await open({ kind: 'case', recipients: pool(supervisor) })).res)).toEqual([403, 'forbidden']);
    const q = await t.call('GET', '/api/queue?kind=case', { token: supervisor.token });
    expect(q.body.threads.map((x: { id: string }) => x.id)).toEqual([id]);
    expect((await send(w, supervisor.token, 'claim', w.claim(staffSigner(supervisor)))).status).toBe(200);
    expect((await send(w, school.token, 'messages', w.message(opener))).status).toBe(201);
    expect((await send(w, supervisor.token, 'messages', w.message(staffSigner(supervisor)))).status).toBe(201);
    expect((await t.call('GET', `/api/threads/${id}`, { token: psyA.token })).status).toBe(404);
  });
});

describe('authorization', () => {
  it('answers another asker, an unassigned psychologist and a moderator exactly as for a thread that does not exist', async () => {
    const { id, w } = await open();
    await send(w, asker.token, 'messages', w.message(askerSigner(asker)));
    await send(w, psyA.token, 'claim', w.claim(staffSigner(psyA)));
    const other = await mintAsker(t);
    const missing = 't_' + 'Q'.repeat(22);
    const message = w.message(askerSigner(asker)).body;
    const claim = w.claim(staffSigner(psyB)).body;
    const handover = w.handover(staffSigner(psyA), recipientOf(staffSigner(psyB))).body;
    const probe = async (token: string, threadId: string) => {
      const out: [number, string][] = [];
      const record = (r: { status: number; body: { error?: { code: string } } }) => out.push([r.status, r.body.error?.code ?? 'none']);
      record(await t.call('GET', `/api/threads/${threadId}`, { token }));
      record(await t.call('GET', `/api/threads/${threadId}/items`, { token }));
      record(await t.call('POST', `/api/threads/${threadId}/messages`, { token, json: message }));
      record(await t.call('POST', `/api/threads/${threadId}/claim`, { token, json: claim }));
      record(await t.call('POST', `/api/threads/${threadId}/close`, { token }));
      record(await t.call('POST', `/api/threads/${threadId}/handover`, { token, json: handover }));
      record(await t.call('DELETE', `/api/threads/${threadId}`, { token }));
      const events = await t.app.request(`/api/threads/${threadId}/events`, { headers: { authorization: `Bearer ${token}` } });
      out.push([events.status, ((await events.json()) as { error: { code: string } }).error.code]);
      return out;
    };
    for (const outsider of [other.token, psyB.token, psyKk.token, moderator.token]) {
      const seen = await probe(outsider, id);
      expect(seen).toEqual(Array(8).fill([404, 'thread_not_found']));
      expect(seen).toEqual(await probe(outsider, missing));
    }
    expect((await t.call('GET', `/api/threads/${id}`)).status).toBe(401);
    expect(t.db.select().from(messages).all()).toHaveLength(2);
    expect(t.db.select().from(threads).all()[0]!.status).toBe('assigned');
  });
});
