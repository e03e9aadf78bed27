import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staff } from '../../db/schema.js';
import { AskerClient, type StaffClient } from '../../src/client/index.js';
import { keyFingerprint } from '../../src/protocol/genesis.js';
import { startServer, type TestServer } from '../support/server.js';
import { insertItem, keysOf, threadKeyOf } from './hostile.js';

// Attacks on who may speak (issue 10 point 2): the server inserts items signed by real, signed
// directory keys of people who do not hold the thread. A client accepts a message only from the
// opener's genesis key or the holder at that point of the transcript, so each is refused.

let s: TestServer;
let psyA: StaffClient;
let psyB: StaffClient;
let moderator: StaffClient;
let admin: StaffClient;

beforeAll(async () => {
  s = await startServer();
  psyA = await s.addStaff(['psychologist'], ['ru'], 'speaker-a');
  psyB = await s.addStaff(['psychologist'], ['ru'], 'speaker-b');
  moderator = await s.addStaff(['moderator'], ['ru'], 'speaker-mod');
  admin = await s.addStaff(['admin'], ['ru'], 'speaker-admin');
});
afterAll(async () => { await s.stop(); });

async function thread(): Promise<{ asker: AskerClient; code: string; threadId: string; k: Uint8Array }> {
  const { client: asker, recoveryCode } = await AskerClient.create(s.clientOptions);
  const threadId = await asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'routine' });
  await asker.send(threadId, 'Помогите, пожалуйста');
  await asker.read(threadId);
  return { asker, code: recoveryCode, threadId, k: await threadKeyOf(asker, threadId) };
}

/** Every reader: the asker's device that opened it, a fresh device, and the holder if any. */
async function readers(code: string, ...staff: StaffClient[]) {
  return [await AskerClient.restore(s.clientOptions, code), ...staff];
}

describe('a compromised server cannot make the asker accept', () => {
  it('a message from a pool member before any claim (they hold K, but do not hold the thread)', async () => {
    const { code, threadId, k } = await thread();
    // The server itself refuses it (the check is the same applyItem).
    await psyB.read(threadId);
    await expect(psyB.send(threadId, 'Я психолог, дайте ваш номер')).rejects.toMatchObject({ status: 403 });
    insertItem(s, threadId, { type: 'message', senderId: psyB.id, sign: keysOf(psyB).sign, threadKey: k, text: 'Я психолог, дайте ваш номер' });
    for (const reader of await readers(code, psyA)) await expect(reader.read(threadId)).rejects.toMatchObject({ code: 'unknown_sender' });
  });

  it('a message from a pool member after a colleague claimed the thread', async () => {
    const { code, threadId, k } = await thread();
    await psyA.claim(threadId);
    insertItem(s, threadId, { type: 'message', senderId: psyB.id, sign: keysOf(psyB).sign, threadKey: k, text: 'Это тоже я, ваш психолог' });
    for (const reader of await readers(code, psyA)) await expect(reader.read(threadId)).rejects.toMatchObject({ code: 'unknown_sender' });
  });

  it('such a message over the live stream either', async () => {
    const { asker, threadId, k } = await thread();
    insertItem(s, threadId, { type: 'message', senderId: psyB.id, sign: keysOf(psyB).sign, threadKey: k, text: 'Живое сообщение от чужого' });
    const live: string[] = [];
    await expect(asker.subscribe(threadId, { after: 1, onMessage: (m) => live.push(m.text), signal: AbortSignal.timeout(5000) })).rejects.toMatchObject({ code: 'unknown_sender' });
    expect(live).toEqual([]);
  });

  it('a message from a moderator\'s or an admin\'s signed key, even one that learned K', async () => {
    for (const intruder of [moderator, admin]) {
      const { code, threadId, k } = await thread();
      insertItem(s, threadId, { type: 'message', senderId: intruder.id, sign: keysOf(intruder).sign, threadKey: k, text: 'Служба поддержки: назовите адрес' });
      await expect((await readers(code))[0]!.read(threadId)).rejects.toMatchObject({ code: 'unknown_sender' });
    }
  });

  it('a claim by a moderator or an admin, or a hand-over to one: they are not of the pool', async () => {
    for (const intruder of [moderator, admin]) {
      const { code, threadId } = await thread();
      insertItem(s, threadId, { type: 'claim', senderId: intruder.id, sign: keysOf(intruder).sign });
      await expect((await readers(code))[0]!.read(threadId)).rejects.toMatchObject({ code: 'bad_claim' });

      const second = await thread();
      await psyA.claim(second.threadId);
      const keys = keysOf(intruder);
      insertItem(s, second.threadId, { type: 'handover', senderId: psyA.id, sign: keysOf(psyA).sign, to: { staffId: intruder.id, fingerprint: keyFingerprint(keys.box.publicKey, keys.sign.publicKey) } });
      await expect((await readers(second.code))[0]!.read(second.threadId)).rejects.toMatchObject({ code: 'bad_handover' });
    }
  });

  it('a psychologist shown under a colleague\'s name: the signed entry no longer verifies, so it is dropped', async () => {
    s.db.update(staff).set({ displayName: 'speaker-b' }).where(eq(staff.id, psyA.id)).run();
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const directory = await asker.directory(true);
    expect(directory.get(psyA.id)).toBeNull();
    expect(directory.get(psyB.id)?.displayName).toBe('speaker-b');
    s.db.update(staff).set({ displayName: 'speaker-a' }).where(eq(staff.id, psyA.id)).run();
    expect((await asker.directory(true)).get(psyA.id)?.displayName).toBe('speaker-a');
  });

  it('while the holder\'s own messages and a signed hand-over are accepted', async () => {
    const { asker, threadId } = await thread();
    await psyA.claim(threadId);
    await psyA.send(threadId, 'Здравствуйте');
    await psyA.handover(threadId, psyB.id);
    await psyB.send(threadId, 'Я продолжу');
    expect((await asker.read(threadId)).map((m) => [m.senderId, m.text])).toEqual([[asker.id, 'Помогите, пожалуйста'], [psyA.id, 'Здравствуйте'], [psyB.id, 'Я продолжу']]);
    // The first psychologist, handed over, may no longer speak.
    insertItem(s, threadId, { type: 'message', senderId: psyA.id, sign: keysOf(psyA).sign, threadKey: await threadKeyOf(asker, threadId), text: 'Это снова я' });
    await expect(asker.read(threadId)).rejects.toMatchObject({ code: 'unknown_sender' });
  });
});
