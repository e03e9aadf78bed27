import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staff } from '../../db/schema.js';
import { AskerClient, StaffClient } from '../../src/client/index.js';
import { keyFingerprint } from '../../src/protocol/genesis.js';
import { startServer, type TestServer } from '../support/server.js';
import { insertItem, keysOf, recording, rewriting, threadKeyOf } from './hostile.js';
import { fromBase64Url, toBase64Url, utf8 } from '../../src/protocol/encoding.js';

// Attacks on who may speak (issue 10 point 2): the server inserts items signed by real, signed
// directory keys of people who do not hold the thread. A client accepts a message only from the
// opener's genesis key or the holder at that point of the transcript, so each is refused.

let s: TestServer;
let psyA: StaffClient;
let psyB: StaffClient;
let moderator: StaffClient;
let admin: StaffClient;
let psyKk: StaffClient;

beforeAll(async () => {
  s = await startServer();
  psyA = await s.addStaff(['psychologist'], ['ru'], 'speaker-a');
  psyB = await s.addStaff(['psychologist'], ['ru'], 'speaker-b');
  moderator = await s.addStaff(['moderator'], ['ru'], 'speaker-mod');
  admin = await s.addStaff(['admin'], ['ru'], 'speaker-admin');
  psyKk = await s.addStaff(['psychologist'], ['kk'], 'speaker-kk');
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
    // Their own client does not even send it (the server refuses it too: test/api/threads.test.ts).
    await psyB.read(threadId);
    await expect(psyB.send(threadId, 'Я психолог, дайте ваш номер')).rejects.toMatchObject({ code: 'unknown_sender' });
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

  it('the holder\'s client sending K to someone outside the pool: a moderator, or a psychologist of another language', async () => {
    // The console offers colleagues from what the server lists; whatever is picked, the SDK checks
    // its own hand-over as every reader will before anything, K above all, leaves.
    const { threadId } = await thread();
    const watched = recording();
    const holder = await StaffClient.login({ ...s.clientOptions, fetch: watched.fetch }, 'speaker-a', 'passphrase of speaker-a');
    await holder.claim(threadId);
    for (const outside of [moderator, psyKk, admin]) {
      await expect(holder.handover(threadId, outside.id)).rejects.toMatchObject({ code: 'bad_handover' });
    }
    expect(watched.requests.filter((r) => r.endsWith('/handover'))).toEqual([]);
    // A colleague of the pool is fine through the same client.
    await holder.handover(threadId, psyB.id);
    expect(watched.requests.filter((r) => r.endsWith('/handover'))).toHaveLength(1);
  });

  it('two entries for one psychologist (an old key and a new one): the served manifest is refused, not the server\'s pick', async () => {
    const other = { box: s.sodium.crypto_box_keypair(), sign: s.sodium.crypto_sign_keypair() };
    const second = [psyA.id, 'speaker-a', 'psychologist', 'ru', toBase64Url(other.box.publicKey), toBase64Url(other.sign.publicKey)].join('\n');
    const fetch = rewriting((u) => u.pathname === '/api/directory', (body: { manifest: { manifest: string } }) => {
      const text = new TextDecoder().decode(fromBase64Url(body.manifest.manifest)!);
      return { manifest: { ...body.manifest, manifest: toBase64Url(utf8(`${text}${second}\n`)) } };
    });
    const { client: asker } = await AskerClient.create({ ...s.clientOptions, fetch });
    await expect(asker.directory(true)).rejects.toMatchObject({ code: 'manifest_unsigned' });
    await expect(asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'soon' })).rejects.toMatchObject({ code: 'manifest_unsigned' });
  });

  it('a psychologist shown under a colleague\'s name: names come from the signed manifest, not the server\'s rows', async () => {
    s.db.update(staff).set({ displayName: 'speaker-b' }).where(eq(staff.id, psyA.id)).run();
    try {
      const { client: asker } = await AskerClient.create(s.clientOptions);
      const directory = await asker.directory(true);
      expect(directory.get(psyA.id)?.displayName).toBe('speaker-a');
      expect(directory.get(psyB.id)?.displayName).toBe('speaker-b');
    } finally {
      s.db.update(staff).set({ displayName: 'speaker-a' }).where(eq(staff.id, psyA.id)).run();
    }
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
