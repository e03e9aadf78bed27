import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messages, threadKeys, threads } from '../../db/schema.js';
import { purgeExpired } from '../../src/purge.js';
import { handOver, postMessage } from '../../src/threads/service.js';
import { fromBase64Url, toBase64Url, utf8 } from '../../src/protocol/encoding.js';
import { newThreadKey, openMessage, openThreadKey, sealMessage, sealThreadKey } from '../../src/protocol/envelope.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker, type TestAsker } from '../support/asker.js';
import { createStaff, type TestStaff } from '../support/staff.js';

let t: TestContext;
let org: { privateKey: Uint8Array };
let asker: TestAsker;
let psyA: TestStaff;
let psyB: TestStaff;
let psyKk: TestStaff;
let moderator: TestStaff;

beforeEach(async () => {
  t = await createTestApp({ MAX_OPEN_THREADS: 3, RETENTION_DAYS: 30 });
  org = t.sodium.crypto_sign_keypair();
  asker = await mintAsker(t);
  psyA = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
  psyB = await createStaff(t, { roles: ['psychologist'], languages: ['ru', 'en'] });
  psyKk = await createStaff(t, { roles: ['psychologist'], languages: ['kk'] });
  // Signing happens last and covers every entry so far, as an admin's `directory sign` would.
  moderator = await createStaff(t, { roles: ['moderator'], languages: ['ru'], orgPrivateKey: org.privateKey });
});
afterEach(() => t.close());

type Urgency = 'routine' | 'soon' | 'urgent';

async function open(by: TestAsker, options: { recipients?: { id: string; box: Uint8Array }[]; urgency?: Urgency; topic?: string; language?: string } = {}) {
  const key = newThreadKey(t.sodium);
  const recipients = options.recipients ?? [{ id: psyA.staffId, box: psyA.box.publicKey }, { id: psyB.staffId, box: psyB.box.publicKey }];
  const sealedKeys = [{ id: by.identityId, box: by.keys.box.publicKey }, ...recipients]
    .map((r) => ({ recipientId: r.id, sealedKey: toBase64Url(sealThreadKey(t.sodium, key, r.box)) }));
  const res = await t.call('POST', '/api/threads', {
    token: by.token,
    json: { topic: options.topic ?? 'anxiety', language: options.language ?? 'ru', urgency: options.urgency ?? 'routine', populations: ['plhiv'], sealedKeys },
  });
  return { res, key, id: res.body.id as string };
}

function envelope(key: Uint8Array, threadId: string, seq: number, senderId: string, signSk: Uint8Array, text = 'hello') {
  const e = sealMessage(t.sodium, { threadKey: key, header: { threadId, seq, senderId }, plaintext: utf8(text), signPrivateKey: signSk });
  return { seq, nonce: toBase64Url(e.nonce), ciphertext: toBase64Url(e.ciphertext), signature: toBase64Url(e.signature) };
}

const post = (token: string, threadId: string, body: unknown) => t.call('POST', `/api/threads/${threadId}/messages`, { token, json: body });

describe('opening a thread', () => {
  it('seals the key to the opener and the signed intake pool for the language, nobody else', async () => {
    const { res, id } = await open(asker);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'consultation', status: 'open', language: 'ru', urgency: 'routine', populations: ['plhiv'], lastSeq: 0 });
    expect(res.body.createdAt % 60_000).toBe(0);
    expect(t.db.select().from(threadKeys).all().map((k) => k.principalId).sort()).toEqual([asker.identityId, psyA.staffId, psyB.staffId].sort());
    expect(id).toMatch(/^t_/);

    const bad = async (recipients: { id: string; box: Uint8Array }[]) => (await open(asker, { recipients })).res.body.error?.code;
    expect(await bad([{ id: psyKk.staffId, box: psyKk.box.publicKey }])).toBe('invalid_recipients'); // wrong language
    expect(await bad([{ id: moderator.staffId, box: moderator.box.publicKey }])).toBe('invalid_recipients'); // not a psychologist
    expect(await bad([])).toBe('invalid_input'); // fewer than two keys
    expect(await bad([{ id: psyA.staffId, box: psyA.box.publicKey }, { id: psyA.staffId, box: psyA.box.publicKey }])).toBe('invalid_recipients');
    const other = await mintAsker(t);
    expect(await bad([{ id: other.identityId, box: other.keys.box.publicKey }])).toBe('invalid_recipients');
  });

  it('leaves out psychologists the organisation has not signed', async () => {
    const unsigned = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
    expect((await open(asker, { recipients: [{ id: unsigned.staffId, box: unsigned.box.publicKey }] })).res.body.error.code).toBe('invalid_recipients');
  });

  it('caps open threads per identity, and only askers open consultations', async () => {
    for (let i = 0; i < 3; i++) expect((await open(asker)).res.status).toBe(201);
    const capped = await open(asker);
    expect(capped.res.status).toBe(429);
    expect(capped.res.body.error.code).toBe('too_many_open_threads');
    const staffTry = await t.call('POST', '/api/threads', { token: psyA.token, json: { topic: 'sleep', language: 'ru', urgency: 'soon', sealedKeys: [{ recipientId: psyA.staffId, sealedKey: toBase64Url(new Uint8Array(80)) }, { recipientId: psyB.staffId, sealedKey: toBase64Url(new Uint8Array(80)) }] } });
    expect(staffTry.status).toBe(403);
    const freeText = await t.call('POST', '/api/threads', { token: asker.token, json: { topic: 'my neighbour Aidos', language: 'ru', urgency: 'soon', sealedKeys: [] } });
    expect(freeText.status).toBe(400);
  });
});

describe('queue and claim', () => {
  it('lists the pool\'s open threads urgent first, then oldest, with filters', async () => {
    const old = await open(asker, { urgency: 'routine', topic: 'sleep' });
    t.clock.now += 120_000;
    const urgent = await open(asker, { urgency: 'urgent' });
    t.clock.now += 120_000;
    const soon = await open(asker, { urgency: 'soon' });
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

  it('gives the thread to the first claimer and drops the other pool keys', async () => {
    const { id } = await open(asker);
    const first = await t.call('POST', `/api/threads/${id}/claim`, { token: psyA.token });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'assigned', assignedStaffId: psyA.staffId });
    const second = await t.call('POST', `/api/threads/${id}/claim`, { token: psyB.token });
    expect(second.status).toBe(404);
    expect(t.db.select().from(threadKeys).all().map((k) => k.principalId).sort()).toEqual([asker.identityId, psyA.staffId].sort());
    expect((await t.call('GET', '/api/queue', { token: psyB.token })).body.threads).toEqual([]);
  });

  it('refuses to claim a thread closed before anyone took it', async () => {
    const { id } = await open(asker);
    await t.call('POST', `/api/threads/${id}/close`, { token: asker.token });
    const res = await t.call('POST', `/api/threads/${id}/claim`, { token: psyA.token });
    expect(res.status).toBe(404); // pool members lose access once it is no longer open
  });
});

describe('messages', () => {
  it('stores signed messages in a gap-free sequence and pages through them', async () => {
    const { id, key } = await open(asker);
    for (let seq = 1; seq <= 5; seq++) expect((await post(asker.token, id, envelope(key, id, seq, asker.identityId, asker.keys.sign.privateKey, `m${seq}`))).status).toBe(201);
    const conflict = await post(asker.token, id, envelope(key, id, 5, asker.identityId, asker.keys.sign.privateKey));
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('sequence_conflict');
    expect((await post(asker.token, id, envelope(key, id, 7, asker.identityId, asker.keys.sign.privateKey))).body.error.code).toBe('sequence_conflict');

    const page1 = await t.call('GET', `/api/threads/${id}/messages?after=0&limit=2`, { token: asker.token });
    expect(page1.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    expect(page1.body.hasMore).toBe(true);
    const page3 = await t.call('GET', `/api/threads/${id}/messages?after=4&limit=2`, { token: asker.token });
    expect(page3.body.messages.map((m: { seq: number }) => m.seq)).toEqual([5]);
    expect(page3.body.hasMore).toBe(false);
    const m = page1.body.messages[1];
    const plain = openMessage(t.sodium, {
      threadKey: key, header: { threadId: id, seq: 2, senderId: asker.identityId },
      envelope: { nonce: fromBase64Url(m.nonce)!, ciphertext: fromBase64Url(m.ciphertext)!, signature: fromBase64Url(m.signature)! },
      senderSignPublicKey: asker.keys.sign.publicKey,
    });
    expect(new TextDecoder().decode(plain!)).toBe('m2');
  });

  it('stores posts that arrive together in one commit, in order, each answered alone', async () => {
    const { id, key } = await open(asker);
    const env = (seq: number, text: string) => {
      const e = envelope(key, id, seq, asker.identityId, asker.keys.sign.privateKey, text);
      return { nonce: fromBase64Url(e.nonce)!, ciphertext: fromBase64Url(e.ciphertext)!, signature: fromBase64Url(e.signature)! };
    };
    const input = (seq: number, text: string, now = Date.now()) => ({ threadId: id, senderId: asker.identityId, senderSignPublicKey: asker.keys.sign.publicKey, seq, envelope: env(seq, text), now });
    // Queued in one turn of the event loop, so written in one transaction: the second post fails
    // inside it (a NOT NULL constraint: no time), which must not take its neighbours with it.
    const outcomes = await Promise.allSettled([
      postMessage(t.db, t.sodium, input(1, 'one')),
      postMessage(t.db, t.sodium, input(2, 'broken', Number.NaN)),
      postMessage(t.db, t.sodium, input(2, 'two')),
      postMessage(t.db, t.sodium, input(2, 'two again')),
      postMessage(t.db, t.sodium, input(3, 'three')),
    ]);
    expect(outcomes.map((o) => o.status === 'fulfilled' ? (o.value.ok ? o.value.message.seq : o.value.reason) : 'rejected'))
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

  it('refuses a post that waited for its batch while its sender handed the thread over', async () => {
    const { id, key } = await open(asker);
    expect((await t.call('POST', `/api/threads/${id}/claim`, { token: psyA.token })).status).toBe(200);
    const e = envelope(key, id, 1, psyA.staffId, psyA.sign.privateKey, 'after the hand-over');
    const queued = postMessage(t.db, t.sodium, {
      threadId: id, senderId: psyA.staffId, senderSignPublicKey: psyA.sign.publicKey, seq: 1, now: Date.now(),
      envelope: { nonce: fromBase64Url(e.nonce)!, ciphertext: fromBase64Url(e.ciphertext)!, signature: fromBase64Url(e.signature)! },
    });
    // The hand-over runs in the gap between the route's check and the batch's write.
    handOver(t.db, id, psyA.staffId, { staffId: psyB.staffId, sealedKey: sealThreadKey(t.sodium, key, psyB.box.publicKey) });
    expect(await queued).toEqual({ ok: false, reason: 'thread_not_found' });
    expect(t.db.select().from(messages).all()).toHaveLength(0);
  });

  it('answers concurrent posts over HTTP exactly: each number stored once, the rest 409', async () => {
    const { id, key } = await open(asker);
    const bodies = [1, 2, 2, 3, 4, 4, 5].map((seq, i) => envelope(key, id, seq, asker.identityId, asker.keys.sign.privateKey, `m${i}`));
    const statuses = (await Promise.all(bodies.map((b) => post(asker.token, id, b)))).map((r) => r.status);
    expect(statuses).toEqual([201, 201, 409, 201, 201, 409, 201]);
    const page = await t.call('GET', `/api/threads/${id}/messages?after=0&limit=10`, { token: asker.token });
    expect(page.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects a tampered ciphertext, a wrong signer, and a signature bound to another thread', async () => {
    const { id, key } = await open(asker);
    const good = envelope(key, id, 1, asker.identityId, asker.keys.sign.privateKey);
    const ct = fromBase64Url(good.ciphertext)!;
    ct[0]! ^= 1;
    const codes = [
      await post(asker.token, id, { ...good, ciphertext: toBase64Url(ct) }),
      await post(asker.token, id, envelope(key, id, 1, asker.identityId, t.sodium.crypto_sign_keypair().privateKey)),
      await post(asker.token, id, envelope(key, 't_' + 'Z'.repeat(22), 1, asker.identityId, asker.keys.sign.privateKey)),
      await post(asker.token, id, envelope(key, id, 1, psyA.staffId, asker.keys.sign.privateKey)),
    ].map((r) => [r.status, r.body.error.code]);
    expect(codes).toEqual(Array(4).fill([400, 'invalid_signature']));
    expect(t.db.select().from(messages).all()).toHaveLength(0);
  });

  it('lets pool members read but not post before they claim; the claimer then replies', async () => {
    const { id, key } = await open(asker);
    await post(asker.token, id, envelope(key, id, 1, asker.identityId, asker.keys.sign.privateKey));
    expect((await t.call('GET', `/api/threads/${id}/messages`, { token: psyB.token })).status).toBe(200);
    const early = await post(psyA.token, id, envelope(key, id, 2, psyA.staffId, psyA.sign.privateKey));
    expect(early.status).toBe(403);
    await t.call('POST', `/api/threads/${id}/claim`, { token: psyA.token });
    const detail = await t.call('GET', `/api/threads/${id}`, { token: psyA.token });
    const opened = openThreadKey(t.sodium, fromBase64Url(detail.body.sealedKey)!, psyA.box)!;
    expect(Buffer.from(opened).equals(Buffer.from(key))).toBe(true);
    expect(detail.body.opener).toMatchObject({ id: asker.identityId, signPublicKey: toBase64Url(asker.keys.sign.publicKey) });
    expect((await post(psyA.token, id, envelope(opened, id, 2, psyA.staffId, psyA.sign.privateKey))).status).toBe(201);
  });

  it('streams messages over Server-Sent Events, resuming after Last-Event-ID', async () => {
    const { id, key } = await open(asker);
    await post(asker.token, id, envelope(key, id, 1, asker.identityId, asker.keys.sign.privateKey));
    await post(asker.token, id, envelope(key, id, 2, asker.identityId, asker.keys.sign.privateKey));
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
    await t.call('POST', `/api/threads/${id}/claim`, { token: psyA.token });
    await readUntil('event: status');
    await post(asker.token, id, envelope(key, id, 3, asker.identityId, asker.keys.sign.privateKey));
    await readUntil('id: 3');
    expect(text).toContain('event: message');
    // Erasing the thread ends the stream.
    expect((await t.call('DELETE', `/api/threads/${id}`, { token: asker.token })).status).toBe(200);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
    controller.abort();
  });

  it('ends an open stream, before its next event, once the caller no longer takes part or the session is revoked', async () => {
    const { id, key } = await open(asker);
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
    await t.call('POST', `/api/threads/${id}/claim`, { token: psyB.token });
    // The asker follows, then logs out on this device.
    const askerStream = await follow(asker.token);
    expect((await t.call('DELETE', '/api/sessions/current', { token: asker.token })).status).toBe(200);
    expect((await post(psyB.token, id, envelope(key, id, 1, psyB.staffId, psyB.sign.privateKey))).status).toBe(201);
    // Both streams end; neither carried the new message nor the claim's status.
    const [a, b] = await Promise.all([psyAStream(), askerStream()]);
    for (const text of [a, b]) expect(text).not.toContain('event: message');
    expect(a).not.toContain('event: status');
  });
});

describe('hand-over, close, erase, purge', () => {
  it('hands the thread over to a signed colleague only; the first psychologist is out', async () => {
    const { id, key } = await open(asker);
    await t.call('POST', `/api/threads/${id}/claim`, { token: psyA.token });
    const sealed = toBase64Url(sealThreadKey(t.sodium, key, psyB.box.publicKey));
    const unsigned = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
    for (const to of [unsigned.staffId, psyA.staffId, moderator.staffId]) {
      const res = await t.call('POST', `/api/threads/${id}/handover`, { token: psyA.token, json: { toStaffId: to, sealedKey: sealed } });
      expect(res.body.error.code).toBe('invalid_recipients');
    }
    expect((await t.call('POST', `/api/threads/${id}/handover`, { token: asker.token, json: { toStaffId: psyB.staffId, sealedKey: sealed } })).status).toBe(403);
    const moved = await t.call('POST', `/api/threads/${id}/handover`, { token: psyA.token, json: { toStaffId: psyB.staffId, sealedKey: sealed } });
    expect(moved.body.assignedStaffId).toBe(psyB.staffId);
    expect((await t.call('GET', `/api/threads/${id}`, { token: psyA.token })).status).toBe(404);
    const detail = await t.call('GET', `/api/threads/${id}`, { token: psyB.token });
    expect(openThreadKey(t.sodium, fromBase64Url(detail.body.sealedKey)!, psyB.box)).not.toBeNull();
    expect((await t.call('GET', '/api/threads', { token: psyB.token })).body.threads.map((x: { id: string }) => x.id)).toEqual([id]);
  });

  it('closes a thread to new messages but keeps it readable', async () => {
    const { id, key } = await open(asker);
    await t.call('POST', `/api/threads/${id}/claim`, { token: psyA.token });
    const closed = await t.call('POST', `/api/threads/${id}/close`, { token: psyA.token });
    expect(closed.body.status).toBe('closed');
    const late = await post(asker.token, id, envelope(key, id, 1, asker.identityId, asker.keys.sign.privateKey));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('thread_closed');
    expect((await t.call('GET', `/api/threads/${id}/messages`, { token: asker.token })).status).toBe(200);
  });

  it('lets only the asker erase the thread, with all its rows', async () => {
    const { id, key } = await open(asker);
    await post(asker.token, id, envelope(key, id, 1, asker.identityId, asker.keys.sign.privateKey));
    await t.call('POST', `/api/threads/${id}/claim`, { token: psyA.token });
    expect((await t.call('DELETE', `/api/threads/${id}`, { token: psyA.token })).status).toBe(403);
    expect((await t.call('DELETE', `/api/threads/${id}`, { token: asker.token })).status).toBe(200);
    expect(t.db.select().from(threads).all()).toHaveLength(0);
    expect(t.db.select().from(messages).all()).toHaveLength(0);
    expect(t.db.select().from(threadKeys).all()).toHaveLength(0);
  });

  it('purges closed threads after the retention period, and only those', async () => {
    const closedOne = await open(asker);
    const openOne = await open(asker);
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
    const key = newThreadKey(t.sodium);
    const seal = (id: string, box: Uint8Array) => ({ recipientId: id, sealedKey: toBase64Url(sealThreadKey(t.sodium, key, box)) });
    const body = (recipients: { recipientId: string; sealedKey: string }[]) => ({ kind: 'case', topic: 'violence', language: 'ru', urgency: 'soon', sealedKeys: [seal(school.staffId, school.box.publicKey), ...recipients] });
    const toPsychologist = await t.call('POST', '/api/threads', { token: school.token, json: body([seal(psyA.staffId, psyA.box.publicKey)]) });
    expect(toPsychologist.body.error.code).toBe('invalid_recipients');
    const opened = await t.call('POST', '/api/threads', { token: school.token, json: body([seal(supervisor.staffId, supervisor.box.publicKey)]) });
    expect(opened.status).toBe(201);
    expect(opened.body.kind).toBe('case');
    const asCase = await t.call('POST', '/api/threads', { token: asker.token, json: body([seal(supervisor.staffId, supervisor.box.publicKey)]) });
    expect(asCase.status).toBe(403);
    const q = await t.call('GET', '/api/queue?kind=case', { token: supervisor.token });
    expect(q.body.threads.map((x: { id: string }) => x.id)).toEqual([opened.body.id]);
    expect((await t.call('POST', `/api/threads/${opened.body.id}/claim`, { token: supervisor.token })).status).toBe(200);
    const id = opened.body.id as string;
    expect((await post(school.token, id, envelope(key, id, 1, school.staffId, school.sign.privateKey))).status).toBe(201);
    expect((await post(supervisor.token, id, envelope(key, id, 2, supervisor.staffId, supervisor.sign.privateKey))).status).toBe(201);
    expect((await t.call('GET', `/api/threads/${id}`, { token: psyA.token })).status).toBe(404);
  });
});

describe('authorization', () => {
  it('answers another asker, an unassigned psychologist and a moderator exactly as for a thread that does not exist', async () => {
    const { id, key } = await open(asker);
    await post(asker.token, id, envelope(key, id, 1, asker.identityId, asker.keys.sign.privateKey));
    await t.call('POST', `/api/threads/${id}/claim`, { token: psyA.token });
    const other = await mintAsker(t);
    const missing = 't_' + 'Q'.repeat(22);
    const probe = async (token: string, threadId: string) => {
      const out: [number, string][] = [];
      const record = (r: { status: number; body: { error?: { code: string } } }) => out.push([r.status, r.body.error?.code ?? 'none']);
      record(await t.call('GET', `/api/threads/${threadId}`, { token }));
      record(await t.call('GET', `/api/threads/${threadId}/messages`, { token }));
      record(await post(token, threadId, envelope(key, threadId, 2, 'a_' + 'x'.repeat(22), asker.keys.sign.privateKey)));
      record(await t.call('POST', `/api/threads/${threadId}/claim`, { token }));
      record(await t.call('POST', `/api/threads/${threadId}/close`, { token }));
      record(await t.call('POST', `/api/threads/${threadId}/handover`, { token, json: { toStaffId: psyB.staffId, sealedKey: toBase64Url(new Uint8Array(80)) } }));
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
    expect(t.db.select().from(messages).all()).toHaveLength(1);
    expect(t.db.select().from(threads).all()[0]!.status).toBe('assigned');
  });
});
