import { randomBytes } from '@noble/ciphers/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskerClient, type StaffClient } from '../../src/client/index.js';
import { startServer, TEST_KDF, type TestServer } from '../support/server.js';
import { formatRecoveryCode, parseRecoveryCode } from './independent/recovery-code.js';
import { keyFingerprint, type DirectoryEntry } from './independent/directory.js';
import { sealMessage } from './independent/message.js';
import { call, loadDirectory, loginStaff, mintIdentity, Participant, wireItem } from './independent/participant.js';
import type { ReadItem, ReadResult } from './independent/reader.js';

// The independent implementation (test/interop/independent, written from PROTOCOL.md with noble
// primitives only) against a real server over HTTP, with the project's SDK on the other side of
// each thread: what one writes, the other must read and verify, byte for byte.

let s: TestServer;
let psyA: StaffClient;
let supervisor: StaffClient;
let directory: Map<string, DirectoryEntry>;

beforeAll(async () => {
  s = await startServer();
  psyA = await s.addStaff(['psychologist'], ['ru'], 'aigerim');
  await s.addStaff(['psychologist'], ['ru'], 'daniyar');
  await s.addStaff(['moderator'], ['ru'], 'peer');
  supervisor = await s.addStaff(['supervisor'], ['ru'], 'bota');
  // Only entries signed by the pinned organisation key exist for this client.
  directory = await loadDirectory(s.url, s.org.publicKey);
});
afterAll(async () => { await s.stop(); });

function thread(result: ReadResult) {
  if (!result.ok) throw new Error(`refused: ${result.reason} at ${result.seq}`);
  return result.thread;
}

function waitFor(predicate: () => boolean, ms = 5000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => (predicate() ? resolve() : Date.now() - started > ms ? reject(new Error('timed out')) : setTimeout(tick, 20));
    tick();
  });
}

const texts = (result: ReadResult) => thread(result).items.map((i) => [i.item.seq, i.item.type, i.item.senderId, i.body?.type === 'text' ? i.body.text : i.body?.intake ?? null]);

describe('independent implementation ↔ server and SDK', () => {
  it('reads the directory the server signed with the organisation key', () => {
    expect([...directory.values()].map((e) => [e.displayName, e.roles])).toEqual(expect.arrayContaining([['aigerim', ['psychologist']], ['daniyar', ['psychologist']], ['peer', ['moderator']]]));
    expect(directory.get(psyA.id)?.signPublicKey).toBeDefined();
  });

  it('an independent asker opens a consultation that the SDK psychologist claims and answers', async () => {
    // The identity: a recovery code of this implementation, keys derived here, a proof of work solved here.
    const code = formatRecoveryCode(randomBytes(16));
    const parsed = parseRecoveryCode(code);
    if (!parsed.ok) throw new Error(parsed.reason);
    const askerSession = await mintIdentity(s.url, parsed.secret);
    const asker = new Participant(s.url, askerSession, directory);

    const threadId = await asker.open({ kind: 'consultation', language: 'ru', topic: 'anxiety', urgency: 'soon' });
    expect((await asker.send(threadId, { intake: { populations: ['plhiv', 'migrants'], ageGroup: '25-34', region: 'Алматы' } })).status).toBe(201);
    expect((await asker.send(threadId, { text: 'Мне тревожно после диагноза' })).status).toBe(201);

    // The SDK psychologist finds it in the queue, claims, and reads what this implementation wrote.
    expect((await psyA.queue({ language: 'ru' })).map((t) => t.id)).toContain(threadId);
    await psyA.claim(threadId);
    const seen = await psyA.read(threadId);
    expect(seen.map((m) => [m.seq, m.type, m.senderId, m.text, m.unseenByAuthor])).toEqual([
      [1, 'intake', askerSession.id, '', []],
      [2, 'text', askerSession.id, 'Мне тревожно после диагноза', []],
    ]);
    expect(seen[0]!.intake).toEqual({ populations: ['plhiv', 'migrants'], ageGroup: '25-34', region: 'Алматы' });
    await psyA.send(threadId, 'Я вас слышу. Что тревожит больше всего?');

    // This implementation checks the whole transcript (§7.7) and reads the answer.
    const read = await asker.read(threadId);
    expect(texts(read)).toEqual([
      [1, 'message', askerSession.id, { populations: ['plhiv', 'migrants'], ageGroup: '25-34', region: 'Алматы' }],
      [2, 'message', askerSession.id, 'Мне тревожно после диагноза'],
      [3, 'claim', psyA.id, null],
      [4, 'message', psyA.id, 'Я вас слышу. Что тревожит больше всего?'],
    ]);
    expect(thread(read).state.holder?.id).toBe(psyA.id);
    expect(thread(read).items[3]!.body).toMatchObject({ read: 3 });
    expect(thread(read).crossed).toEqual([]);

    // The recovery code made here restores the same identity in the SDK, which reads the same thread.
    const restored = await AskerClient.restore(s.clientOptions, code);
    expect(restored.id).toBe(askerSession.id);
    expect((await restored.read(threadId)).map((m) => [m.seq, m.mine])).toEqual([[1, true], [2, true], [4, false]]);
  });

  it('an independent psychologist reads, claims and answers a thread the SDK asker wrote, and hands it over', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'sleep', language: 'ru', urgency: 'routine', intake: { populations: ['young-people'], note: 'ночью хуже' } });
    await asker.send(threadId, 'Не сплю третью неделю');

    // Logged in from login and passphrase: Argon2id, HKDF and the key bundle opened here.
    const psySession = await loginStaff(s.url, 'daniyar', 'passphrase of daniyar', TEST_KDF);
    const own = directory.get(psySession.id)!;
    expect(keyFingerprint(own.boxPublicKey, own.signPublicKey)).toEqual(keyFingerprint(psySession.box.publicKey, psySession.sign.publicKey));
    const psy = new Participant(s.url, psySession, directory);
    const queue = await call<{ threads: { id: string }[] }>(s.url, 'GET', '/queue', { token: psySession.token });
    expect(queue.body.threads.map((t) => t.id)).toContain(threadId);

    // As a genesis recipient it may read before claiming; the SDK's genesis and items verify here.
    const before = await psy.read(threadId);
    expect(thread(before).genesis).toMatchObject({ kind: 'consultation', language: 'ru', topic: 'sleep', urgency: 'routine', openerId: asker.id });
    expect(texts(before)).toEqual([
      [1, 'message', asker.id, { populations: ['young-people'], note: 'ночью хуже' }],
      [2, 'message', asker.id, 'Не сплю третью неделю'],
    ]);

    // A well-formed, correctly signed message from a pool member who has not claimed: the server's §7.5 refuses it.
    expect(await psy.send(threadId, { text: 'before my claim' })).toMatchObject({ status: 403, body: { error: { code: 'not_holder' } } });

    expect((await psy.claim(threadId)).status).toBe(200);
    expect((await psy.send(threadId, { text: 'Расскажите, когда вы засыпаете?' })).status).toBe(201);
    const asSeen = await asker.read(threadId);
    expect(asSeen.at(-1)).toMatchObject({ seq: 4, senderId: psySession.id, text: 'Расскажите, когда вы засыпаете?', mine: false, read: 3, unseenByAuthor: [] });

    // Hand-over signed here, K sealed here to the SDK colleague, who reads everything and answers.
    expect((await psy.handover(threadId, psyA.id)).status).toBe(200);
    expect((await psyA.read(threadId)).map((m) => m.seq)).toEqual([1, 2, 4]);
    await psyA.send(threadId, 'Меня зовут Айгерим, я продолжу.');
    expect((await asker.read(threadId)).at(-1)).toMatchObject({ seq: 6, senderId: psyA.id, mine: false });
    // The former holder's key is gone from the server: it can no longer read the thread.
    expect((await call(s.url, 'GET', `/threads/${threadId}`, { token: psySession.token })).status).toBe(404);
  });

  it('an independent psychologist opens a case that the SDK supervisor claims and answers', async () => {
    const psy = new Participant(s.url, await loginStaff(s.url, 'daniyar', 'passphrase of daniyar', TEST_KDF), directory);
    const threadId = await psy.open({ kind: 'case', language: 'ru', topic: 'stigma', urgency: 'soon' });
    expect(thread(await psy.read(threadId)).genesis.recipients.map((r) => r.id)).toEqual([supervisor.id]);
    expect((await psy.send(threadId, { text: 'Клиент боится раскрыть статус семье; как поддержать?' })).status).toBe(201);

    // The SDK supervisor checks that the genesis's keys are the opener's directory entry, claims and answers.
    await supervisor.claim(threadId);
    expect((await supervisor.read(threadId)).map((m) => [m.senderId, m.text])).toEqual([[psy.me.id, 'Клиент боится раскрыть статус семье; как поддержать?']]);
    await supervisor.send(threadId, 'Начните с того, кому он доверяет больше всего.');
    expect(texts(await psy.read(threadId)).slice(1)).toEqual([
      [2, 'claim', supervisor.id, null],
      [3, 'message', supervisor.id, 'Начните с того, кому он доверяет больше всего.'],
    ]);
  });

  it('an independent asker follows the SDK psychologist\'s replies live over Server-Sent Events', async () => {
    const asker = new Participant(s.url, await mintIdentity(s.url, randomBytes(16)), directory);
    const threadId = await asker.open({ kind: 'consultation', language: 'ru', topic: 'grief', urgency: 'urgent' });
    await asker.send(threadId, { text: 'Умерла мама' });
    await psyA.read(threadId); // the psychologist reads the request before claiming it
    await psyA.claim(threadId);

    const live: ReadItem[] = [];
    let resumedAfter = -1;
    const stop = new AbortController();
    const following = asker.follow(threadId, { onItem: (i) => live.push(i), onOpen: (after) => { resumedAfter = after; }, signal: stop.signal });
    // The stream resumes after the claim (Last-Event-ID 2): only new items arrive, each checked against the chain.
    await waitFor(() => resumedAfter >= 0);
    expect(resumedAfter).toBe(2);
    await psyA.send(threadId, 'Мне очень жаль. Я рядом.');
    await waitFor(() => live.length === 1);
    expect(live[0]).toMatchObject({ item: { seq: 3, type: 'message', senderId: psyA.id }, body: { type: 'text', text: 'Мне очень жаль. Я рядом.', read: 2 } });
    stop.abort();
    await following;
  });

  it('a stale item is refused with sequence_conflict, and a crossed message shows in the SDK as unseen by its author', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'relationships', language: 'ru', urgency: 'soon' });
    await asker.send(threadId, 'Первое');
    const psySession = await loginStaff(s.url, 'daniyar', 'passphrase of daniyar', TEST_KDF);
    const psy = new Participant(s.url, psySession, directory);
    await psy.claim(threadId);
    const stale = thread(await psy.read(threadId));
    expect(stale.state.seq).toBe(2);

    // The asker writes while the psychologist is typing: the psychologist's item for seq 3 is too late.
    await asker.send(threadId, 'Второе');
    const position = (view: typeof stale) => ({ threadId, seq: view.state.seq + 1, senderId: psySession.id, prevHash: view.state.head });
    const body = { type: 'text' as const, at: Date.now(), read: 2, text: 'Ответ на первое' };
    const late = await call(s.url, 'POST', `/threads/${threadId}/messages`, { token: psySession.token, json: wireItem(sealMessage(position(stale), body, stale.threadKey, psySession.sign.seed)) });
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'sequence_conflict' } } });

    // Re-read, re-signed at seq 4, still saying honestly that it was written having read up to 2.
    const fresh = thread(await psy.read(threadId));
    const posted = await call(s.url, 'POST', `/threads/${threadId}/messages`, { token: psySession.token, json: wireItem(sealMessage(position(fresh), body, fresh.threadKey, psySession.sign.seed)) });
    expect(posted.status).toBe(201);
    expect((await asker.read(threadId)).at(-1)).toMatchObject({ seq: 4, senderId: psySession.id, text: 'Ответ на первое', read: 2, unseenByAuthor: [3] });
  });
});
