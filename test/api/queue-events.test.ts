import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from '../../src/protocol/encoding.js';
import { queueEvent, type QueueEvent } from '../../src/protocol/api/queue.js';
import { threadSummary } from '../../src/protocol/api/threads.js';
import { loadSodium } from '../../src/protocol/sodium.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker, type TestAsker } from '../support/asker.js';
import { createStaff, type TestStaff } from '../support/staff.js';
import { draftThread, recipientOf, TranscriptWriter, type DraftOptions, type Recipient, type Signer } from '../support/transcript.js';

// The live intake queue (GET /api/queue/events): who may follow it, what each member hears (only
// threads whose key is sealed to them, only the queue list's metadata), and that it ends as soon
// as the member may no longer see it.

const sodium = await loadSodium();
const org = sodium.crypto_sign_seed_keypair(sha256(utf8('tynys queue events test organisation key')));

let t: TestContext;
let asker: TestAsker;
let psyRu: TestStaff;
let psyRuEn: TestStaff;
let psyKk: TestStaff;
let moderator: TestStaff;
let admin: TestStaff;

beforeEach(async () => {
  t = await createTestApp({ ORG_PUBLIC_KEY: toBase64Url(org.publicKey) });
  asker = await mintAsker(t);
  psyRu = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
  psyRuEn = await createStaff(t, { roles: ['psychologist'], languages: ['ru', 'en'] });
  psyKk = await createStaff(t, { roles: ['psychologist'], languages: ['kk'] });
  moderator = await createStaff(t, { roles: ['moderator'], languages: ['ru'] });
  admin = await createStaff(t, { roles: ['admin'], languages: ['ru'], orgPrivateKey: org.privateKey });
});
afterEach(() => t.close());

const signer = (s: TestStaff | TestAsker): Signer => ('staffId' in s ? { id: s.staffId, box: s.box, sign: s.sign } : { id: s.identityId, box: s.keys.box, sign: s.keys.sign });
const pool = (...members: TestStaff[]): Recipient[] => members.map((m) => recipientOf(signer(m)));

/** An asker's consultation to `recipients`, opened through the API; returns its id and a writer for its transcript. */
async function open(recipients: Recipient[], options: DraftOptions = {}) {
  const draft = draftThread(t.sodium, signer(asker), recipients, options);
  const res = await t.call('POST', '/api/threads', { token: asker.token, json: draft.body });
  expect(res.status).toBe(201);
  return { id: draft.threadId, draft, w: new TranscriptWriter(t.sodium, draft) };
}

/** A queue stream: the events so far (parsed with the protocol's schema), the raw text, and whether it ended. */
async function follow(token: string, query = '') {
  const controller = new AbortController();
  const res = await t.app.request(`/api/queue/events${query}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const state = { text: '', ended: false, events: [] as QueueEvent[] };
  const reader = res.body!.getReader();
  const done = (async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      state.text += new TextDecoder().decode(chunk.value);
      state.events = state.text.split('\n\n').filter((b) => b.startsWith('event: ')).map((b) => queueEvent.parse(JSON.parse(b.split('\n')[1]!.slice('data: '.length))));
    }
    state.ended = true;
  })();
  await expect.poll(() => state.events.length).toBeGreaterThan(0); // the snapshot
  return { state, done, stop: () => controller.abort() };
}

const settle = () => new Promise((r) => setTimeout(r, 30));
const code = (res: { status: number; body: { error?: { code: string } } }) => [res.status, res.body.error?.code];

describe('who may follow the queue', () => {
  it('a session is needed, and a role with a queue (psychologist or supervisor); bad filters are 400', async () => {
    expect(code(await t.call('GET', '/api/queue/events'))).toEqual([401, 'unauthorized']);
    expect(code(await t.call('GET', '/api/queue/events', { token: asker.token }))).toEqual([403, 'forbidden']);
    expect(code(await t.call('GET', '/api/queue/events', { token: moderator.token }))).toEqual([403, 'forbidden']);
    expect(code(await t.call('GET', '/api/queue/events', { token: admin.token }))).toEqual([403, 'forbidden']);
    expect(code(await t.call('GET', '/api/queue/events?language=xx', { token: psyRu.token }))).toEqual([400, 'invalid_input']);
    const supervisor = await createStaff(t, { roles: ['supervisor'], languages: ['ru'] });
    const s = await follow(supervisor.token);
    expect(s.state.events).toEqual([{ type: 'snapshot', threads: [] }]);
    s.stop();
  });
});

describe('what each member hears', () => {
  it('starts with the queue as GET /api/queue has it, then new threads of their pool only, urgent or not, with the list\'s metadata alone', async () => {
    const before = await open(pool(psyRu, psyRuEn), { urgency: 'soon' });
    const ru = await follow(psyRu.token);
    const ruEn = await follow(psyRuEn.token, '?language=en');
    const kk = await follow(psyKk.token);
    const listed = (await t.call('GET', '/api/queue', { token: psyRu.token })).body.threads;
    expect(ru.state.events).toEqual([{ type: 'snapshot', threads: listed }]);
    expect(listed.map((x: { id: string }) => x.id)).toEqual([before.id]);
    expect(ruEn.state.events).toEqual([{ type: 'snapshot', threads: [] }]); // the filter holds for the snapshot

    // An urgent Russian request with an intake-like first message, and an English one.
    const urgent = await open(pool(psyRu, psyRuEn), { urgency: 'urgent', topic: 'violence' });
    const message = urgent.w.message(signer(asker), 'SENTINEL queue content');
    expect((await t.call('POST', `/api/threads/${urgent.id}/messages`, { token: asker.token, json: message.body })).status).toBe(201);
    const english = await open(pool(psyRuEn), { language: 'en' });
    await settle();

    const opened = (await t.call('GET', `/api/threads/${urgent.id}`, { token: psyRu.token })).body;
    // As opened: the message posted since is no queue event.
    expect(ru.state.events.slice(1)).toEqual([{ type: 'new', thread: { ...threadSummary.parse(opened), lastSeq: 0 } }]);
    expect(ru.state.events[1]).toMatchObject({ thread: { urgency: 'urgent', topic: 'violence', language: 'ru', status: 'open', lastSeq: 0 } });
    // The summary's fields and no other: no genesis, no sealed key, no ciphertext, nothing posted later.
    expect(Object.keys((ru.state.events[1] as { thread: object }).thread).sort()).toEqual(Object.keys(threadSummary.shape).sort());
    for (const s of [ru, ruEn, kk]) {
      expect(s.state.text).not.toContain(message.body.ciphertext as string);
      expect(s.state.text).not.toContain(urgent.draft.body.genesis);
      expect(s.state.text).not.toContain(asker.identityId);
    }
    // psyRuEn follows English only; psyKk hears nothing of Russian or English threads.
    expect(ruEn.state.events.slice(1).map((e) => e.type === 'new' && e.thread.id)).toEqual([english.id]);
    expect(kk.state.events).toEqual([{ type: 'snapshot', threads: [] }]);
    for (const s of [ru, ruEn, kk]) s.stop();
  });

  it('a claim leaves every pool member\'s queue (the claimer\'s too) as an id alone; a return enters the new pool\'s; a close leaves it', async () => {
    const { id, w } = await open(pool(psyRu, psyRuEn));
    const ru = await follow(psyRu.token);
    const ruEn = await follow(psyRuEn.token);
    const kk = await follow(psyKk.token);
    const claim = w.claim(signer(psyRuEn));
    expect((await t.call('POST', `/api/threads/${id}/claim`, { token: psyRuEn.token, json: claim.body })).status).toBe(200);
    w.advance(claim);
    await settle();
    for (const s of [ru, ruEn]) expect(s.state.events.slice(1)).toEqual([{ type: 'claimed', id }]);
    // A message from the holder is no queue event.
    const reply = w.message(signer(psyRuEn), 'a reply');
    expect((await t.call('POST', `/api/threads/${id}/messages`, { token: psyRuEn.token, json: reply.body })).status).toBe(201);
    w.advance(reply);

    // A second thread closed by its opener while it waits.
    const waiting = await open(pool(psyRu));
    expect((await t.call('POST', `/api/threads/${waiting.id}/close`, { token: asker.token })).status).toBe(200);
    // A third erased while it waits.
    const erased = await open(pool(psyRu));
    expect((await t.call('DELETE', `/api/threads/${erased.id}`, { token: asker.token })).status).toBe(200);
    await settle();
    expect(ru.state.events.slice(1).map((e) => [e.type, 'id' in e ? e.id : e.type === 'snapshot' ? '' : e.thread.id])).toEqual([
      ['claimed', id], ['new', waiting.id], ['closed', waiting.id], ['new', erased.id], ['closed', erased.id],
    ]);
    expect(ruEn.state.events).toHaveLength(2);
    expect(kk.state.events).toHaveLength(1);
    for (const s of [ru, ruEn, kk]) s.stop();
  });
});

describe('when the stream ends', () => {
  it('ends at once when the member is disabled, and before the next event after a logout', async () => {
    const ru = await follow(psyRu.token);
    const ruEn = await follow(psyRuEn.token);
    expect((await t.call('POST', `/api/admin/staff/${psyRu.staffId}/disable`, { token: admin.token })).status).toBe(200);
    await ru.done; // no event needed: the disable asks the stream to check now
    expect(ruEn.state.ended).toBe(false);
    expect((await t.call('DELETE', '/api/sessions/current', { token: psyRuEn.token })).status).toBe(200);
    await open(pool(psyRuEn));
    await ruEn.done;
    for (const s of [ru, ruEn]) expect(s.state.events.map((e) => e.type)).toEqual(['snapshot']);
  });

  it('ends when the member loses the role with a queue, before the next event', async () => {
    const ru = await follow(psyRu.token);
    expect((await t.call('PUT', `/api/admin/staff/${psyRu.staffId}`, { token: admin.token, json: { roles: ['moderator'], languages: ['ru'] } })).status).toBe(200);
    await open(pool(psyRu));
    await ru.done;
    expect(ru.state.events.map((e) => e.type)).toEqual(['snapshot']);
  });
});
