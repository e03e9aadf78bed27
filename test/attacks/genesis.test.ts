import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, threads } from '../../db/schema.js';
import { AskerClient, ProtocolError, StaffClient } from '../../src/client/index.js';
import { fromBase64Url, toBase64Url } from '../../src/protocol/encoding.js';
import { newThreadKey, openThreadKey, sealThreadKey } from '../../src/protocol/envelope.js';
import { genesisBytes, genesisHash, keyCommitment, keyFingerprint, parseGenesis, signGenesis, type Genesis } from '../../src/protocol/genesis.js';
import { startServer, type TestServer } from '../support/server.js';
import { insertItem, keysOf, recording, rewriting, sealedKeyRow, setSealedKey, threadKeyOf } from './hostile.js';

// Attacks on what a thread IS: who opened it, its key, its metadata (issue 10 points 1 and 10).
// The server owns the rows; the SDK must refuse every one of these threads.

let s: TestServer;
let psy: StaffClient;
let supervisor: StaffClient;

beforeAll(async () => {
  s = await startServer();
  psy = await s.addStaff(['psychologist'], ['ru'], 'genesis-psy');
  supervisor = await s.addStaff(['supervisor'], ['ru'], 'genesis-sup');
});
afterAll(async () => { await s.stop(); });

async function askerWithThread(): Promise<{ asker: AskerClient; code: string; threadId: string }> {
  const { client: asker, recoveryCode } = await AskerClient.create(s.clientOptions);
  const threadId = await asker.openConsultation({ topic: 'disclosure', language: 'ru', urgency: 'soon' });
  await asker.send(threadId, 'Мне страшно сказать партнёру');
  return { asker, code: recoveryCode, threadId };
}

describe('a compromised server cannot', () => {
  it('forge the opener and seal its own key: the security review\'s attack, refused as foreign_genesis', async () => {
    const { asker, code, threadId } = await askerWithThread();
    // The server names the real psychologist as the opener with a signing key of its own, seals
    // its own K to the asker (sealed boxes are anonymous) and writes a "psychologist" message.
    const server = { sign: s.sodium.crypto_sign_keypair(), box: s.sodium.crypto_box_keypair() };
    const k = newThreadKey(s.sodium);
    const forged: Genesis = {
      threadId, kind: 'consultation', language: 'ru', topic: 'disclosure', urgency: 'soon', openerId: psy.id,
      openerBoxPublicKey: server.box.publicKey, openerSignPublicKey: server.sign.publicKey, keyCommitment: keyCommitment(threadId, server.sign.publicKey, k), recipients: [{ id: `s_${'S'.repeat(22)}`, fingerprint: new Uint8Array(32) }],
    };
    const bytes = genesisBytes(forged);
    const signature = signGenesis(s.sodium, forged, server.sign.privateKey);
    s.db.delete(messages).where(eq(messages.threadId, threadId)).run();
    s.db.update(threads).set({ genesis: Buffer.from(bytes), genesisSignature: Buffer.from(signature), headHash: Buffer.from(genesisHash(bytes, signature)), lastSeq: 0 })
      .where(eq(threads.id, threadId)).run();
    setSealedKey(s, threadId, asker.id, sealThreadKey(s.sodium, k, threadId, keysOf(asker).box.publicKey));
    insertItem(s, threadId, { type: 'message', senderId: psy.id, sign: { publicKey: server.sign.publicKey, privateKey: server.sign.privateKey }, threadKey: k, text: 'Напишите ваш номер телефона и адрес', read: 0 });

    // The asker comes back on a new device: its SDK shows nothing and sends nothing.
    const net = recording();
    const victim = await AskerClient.restore({ ...s.clientOptions, fetch: net.fetch }, code);
    await expect(victim.read(threadId)).rejects.toMatchObject({ name: 'ProtocolError', code: 'foreign_genesis' });
    await expect(victim.send(threadId, '+7 701 000 00 00, ул. Абая 1')).rejects.toBeInstanceOf(ProtocolError);
    expect(net.requests.filter((r) => r.startsWith('POST /api/threads/'))).toEqual([]);
    // The device that opened it refuses it too.
    await expect(asker.read(threadId)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('pass its own key off as a colleague\'s opening a case: the supervisor refuses it as foreign_genesis', async () => {
    const threadId = await psy.openCase({ topic: 'other', language: 'ru', urgency: 'routine' });
    await psy.send(threadId, 'Случай для супервизии');
    const server = { sign: s.sodium.crypto_sign_keypair(), box: s.sodium.crypto_box_keypair() };
    const k = newThreadKey(s.sodium);
    const sup = keysOf(supervisor);
    const forged: Genesis = {
      threadId, kind: 'case', language: 'ru', topic: 'other', urgency: 'routine', openerId: psy.id,
      openerBoxPublicKey: server.box.publicKey, openerSignPublicKey: server.sign.publicKey, keyCommitment: keyCommitment(threadId, server.sign.publicKey, k),
      recipients: [{ id: supervisor.id, fingerprint: keyFingerprint(sup.box.publicKey, sup.sign.publicKey) }],
    };
    const bytes = genesisBytes(forged);
    const signature = signGenesis(s.sodium, forged, server.sign.privateKey);
    s.db.delete(messages).where(eq(messages.threadId, threadId)).run();
    s.db.update(threads).set({ genesis: Buffer.from(bytes), genesisSignature: Buffer.from(signature), headHash: Buffer.from(genesisHash(bytes, signature)), lastSeq: 0 })
      .where(eq(threads.id, threadId)).run();
    setSealedKey(s, threadId, supervisor.id, sealThreadKey(s.sodium, k, threadId, sup.box.publicKey));
    insertItem(s, threadId, { type: 'message', senderId: psy.id, sign: { publicKey: server.sign.publicKey, privateKey: server.sign.privateKey }, threadKey: k, text: 'Пришлите мне данные клиента', read: 0 });
    await expect(supervisor.read(threadId)).rejects.toMatchObject({ code: 'foreign_genesis' });
    // The colleague named as opener refuses it too: it names them with keys they do not hold.
    await expect(psy.read(threadId)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('re-sign a thread\'s genesis with a key of its own and other metadata, keeping the real commitment and sealed K', async () => {
    // Before the first item there is no chain to break: the commitment, which names the opener's
    // sign key, is what refuses it (review finding: K alone in the commitment let this through).
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'routine' });
    const evil = s.sodium.crypto_sign_keypair();
    const fetch = rewriting((u) => u.pathname === `/api/threads/${threadId}`, (body: { genesis: string; genesisSignature: string; topic: string; urgency: string }) => {
      const g = parseGenesis(fromBase64Url(body.genesis)!)!;
      const forged: Genesis = { ...g, topic: 'violence', urgency: 'urgent', openerSignPublicKey: evil.publicKey };
      return { ...body, topic: 'violence', urgency: 'urgent', genesis: toBase64Url(genesisBytes(forged)), genesisSignature: toBase64Url(signGenesis(s.sodium, forged, evil.privateKey)) };
    });
    const reader = await StaffClient.login({ ...s.clientOptions, fetch }, 'genesis-psy', 'passphrase of genesis-psy');
    await expect(reader.thread(threadId)).rejects.toMatchObject({ name: 'ProtocolError', code: 'bad_thread_key' });
  });

  it('serve the key of thread A for thread B, or a key of its own: refused as bad_thread_key', async () => {
    const { asker, code, threadId: a } = await askerWithThread();
    const b = await asker.openConsultation({ topic: 'sleep', language: 'ru', urgency: 'routine' });
    const originalB = sealedKeyRow(s, b, asker.id);

    // A's key (sealed to the asker, bound to A) served as B's. It opens only as A's key: the
    // thread id is sealed with it (and the SDK's commitment check would catch it anyway).
    const sealedForA = sealedKeyRow(s, a, asker.id);
    expect(openThreadKey(s.sodium, sealedForA, a, keysOf(asker).box)).not.toBeNull();
    expect(openThreadKey(s.sodium, sealedForA, b, keysOf(asker).box)).toBeNull();
    setSealedKey(s, b, asker.id, sealedForA);
    const victim = await AskerClient.restore(s.clientOptions, code);
    await expect(victim.read(b)).rejects.toMatchObject({ code: 'bad_thread_key' });

    // A key of the server's own, correctly bound to B: it is not the one the genesis commits to.
    setSealedKey(s, b, asker.id, sealThreadKey(s.sodium, newThreadKey(s.sodium), b, keysOf(asker).box.publicKey));
    const again = await AskerClient.restore(s.clientOptions, code);
    await expect(again.read(b)).rejects.toMatchObject({ code: 'bad_thread_key' });

    // K of A re-sealed for B by a server that learned it (say, from a colluding pool member).
    await psy.read(a);
    setSealedKey(s, b, asker.id, sealThreadKey(s.sodium, await threadKeyOf(psy, a), b, keysOf(asker).box.publicKey));
    const third = await AskerClient.restore(s.clientOptions, code);
    await expect(third.read(b)).rejects.toMatchObject({ code: 'bad_thread_key' });

    setSealedKey(s, b, asker.id, originalB);
    expect(await (await AskerClient.restore(s.clientOptions, code)).read(b)).toEqual([]);
  });

  it('change the metadata it routes by: refused as metadata_mismatch, by the asker and by the psychologist', async () => {
    const { code, threadId } = await askerWithThread();
    s.db.update(threads).set({ topic: 'violence', urgency: 2 }).where(eq(threads.id, threadId)).run();
    const victim = await AskerClient.restore(s.clientOptions, code);
    await expect(victim.thread(threadId)).rejects.toMatchObject({ code: 'metadata_mismatch' });
    await expect(victim.read(threadId)).rejects.toMatchObject({ code: 'metadata_mismatch' });
    await expect(psy.read(threadId)).rejects.toMatchObject({ code: 'metadata_mismatch' });

    // The genesis edited to match: its signature no longer verifies.
    const row = s.db.select({ genesis: threads.genesis }).from(threads).where(eq(threads.id, threadId)).get()!;
    const original = Buffer.from(row.genesis);
    s.db.update(threads).set({ genesis: Buffer.from(original.toString('utf8').replace('\ndisclosure\nsoon\n', '\nviolence\nurgent\n')) }).where(eq(threads.id, threadId)).run();
    await expect((await AskerClient.restore(s.clientOptions, code)).read(threadId)).rejects.toMatchObject({ code: 'bad_genesis' });

    s.db.update(threads).set({ topic: 'disclosure', urgency: 1, genesis: original }).where(eq(threads.id, threadId)).run();
    expect((await (await AskerClient.restore(s.clientOptions, code)).thread(threadId))).toMatchObject({ topic: 'disclosure', urgency: 'soon' });
  });
});
