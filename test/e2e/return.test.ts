import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskerClient, StaffClient } from '../../src/client/index.js';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { signItem } from '../../src/protocol/envelope.js';
import { keyFingerprint } from '../../src/protocol/genesis.js';
import { z } from 'zod';
import { headOf, insertItem, keysOf } from '../attacks/hostile.js';
import { manifestFromWire, manifestToWire, parseManifest, signManifest } from '../../src/protocol/manifest.js';
import { directoryHistoryResponse } from '../../src/protocol/api/staff.js';
import { latestManifest } from '../../src/staff/manifest-store.js';
import { startServer, type TestServer } from '../support/server.js';

// A thread whose holder can no longer answer goes back to the intake pool (PROTOCOL.md §7.4
// `return`): the server never has K, so the opener's client seals it to the new pool and signs a
// return naming it; the next psychologist claims and reads the whole history.

let s: TestServer;
let admin: StaffClient;
let psyA: StaffClient;
let psyB: StaffClient;

beforeAll(async () => {
  s = await startServer();
  admin = await s.addStaff(['admin'], ['ru'], 'ret-admin');
  psyA = await s.addStaff(['psychologist'], ['ru'], 'ret-a');
  psyB = await s.addStaff(['psychologist'], ['ru'], 'ret-b');
});
afterAll(async () => { await s.stop(); });

const consultation = { topic: 'anxiety', language: 'ru', urgency: 'soon' } as const;
const any = z.unknown();

/** Posts a raw request as `token`'s principal; the status and error code. */
async function raw(token: string, path: string, body: unknown): Promise<[number, string | undefined]> {
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json() as { error?: { code: string } };
  return [res.status, json.error?.code];
}

describe('returning a thread to the pool', () => {
  it('A holds, the admin disables A, the asker returns it, B claims, reads the history and replies', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation(consultation);
    await asker.send(threadId, 'Мне тревожно по ночам');
    await psyA.claim(threadId);
    await psyA.send(threadId, 'Расскажите подробнее');
    await asker.send(threadId, 'Уже месяц');

    await admin.api(any, 'POST', `/api/admin/staff/${psyA.id}/disable`);
    expect((await asker.thread(threadId)).holderRevoked).toBe(true);
    const seq = await asker.returnToPool(threadId);
    expect(seq).toBe(5);
    const summary = await asker.thread(threadId);
    expect(summary).toMatchObject({ status: 'open', assignedStaffId: null, holderRevoked: false });
    // Back in the pool, nobody holds it: a second return is refused before anything is sent.
    await expect(asker.returnToPool(threadId)).rejects.toMatchObject({ code: 'thread_not_assigned' });

    expect((await psyB.queue()).map((t) => t.id)).toContain(threadId);
    await psyB.claim(threadId);
    expect((await psyB.read(threadId)).map((m) => m.text)).toEqual(['Мне тревожно по ночам', 'Расскажите подробнее', 'Уже месяц']);
    await psyB.send(threadId, 'Я здесь, продолжим');
    const seen = await asker.read(threadId);
    expect(seen.at(-1)).toMatchObject({ text: 'Я здесь, продолжим', senderId: psyB.id });
    const { events, holderId } = await asker.transcriptEvents(threadId);
    expect(events.map((e) => e.type)).toEqual(['claim', 'return', 'claim']);
    expect(holderId).toBe(psyB.id);
    // Enabled again, A logs in anew (the disable ended every session) for the tests below.
    await admin.api(any, 'POST', `/api/admin/staff/${psyA.id}/enable`);
    psyA = await StaffClient.login(s.clientOptions, 'ret-a', 'passphrase of ret-a');
  });

  it('refuses a return from anyone but the opener, without a holder, with a bad pool, or out of sequence', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation(consultation);
    const token = asker.token!;
    const { sign } = keysOf(asker);
    const member = (c: StaffClient) => ({ staffId: c.id, fingerprint: keyFingerprint(keysOf(c).box.publicKey, keysOf(c).sign.publicKey) });
    const body = (pool: { staffId: string; fingerprint: Uint8Array }[], senderSign = sign.privateKey, senderId = asker.id) => {
      const { seq, head } = headOf(s, threadId);
      const signature = signItem(s.sodium, { threadId, seq: seq + 1, type: 'return', senderId, prevHash: head, pool }, new Uint8Array(0), senderSign);
      return {
        seq: seq + 1, prevHash: toBase64Url(head), signature: toBase64Url(signature),
        pool: pool.map((m) => ({ staffId: m.staffId, fingerprint: toBase64Url(m.fingerprint) })),
        sealedKeys: pool.map((m) => ({ recipientId: m.staffId, sealedKey: toBase64Url(new Uint8Array(104)) })),
      };
    };
    expect(await raw(token, `/api/threads/${threadId}/return`, body([member(psyB)]))).toEqual([409, 'thread_not_assigned']);
    await psyA.claim(threadId);
    expect(await raw(psyA.token!, `/api/threads/${threadId}/return`, body([member(psyB)], keysOf(psyA).sign.privateKey, psyA.id))).toEqual([403, 'forbidden']);
    // Someone outside the pool (an admin), keys other than the directory's, or keys not one per member.
    expect(await raw(token, `/api/threads/${threadId}/return`, body([member(admin)]))).toEqual([400, 'invalid_recipients']);
    expect(await raw(token, `/api/threads/${threadId}/return`, body([{ ...member(psyB), fingerprint: new Uint8Array(32) }]))).toEqual([400, 'invalid_recipients']);
    expect(await raw(token, `/api/threads/${threadId}/return`, { ...body([member(psyB)]), sealedKeys: [] })).toEqual([400, 'invalid_input']);
    expect(await raw(token, `/api/threads/${threadId}/return`, { ...body([member(psyB)]), seq: 9 })).toEqual([409, 'sequence_conflict']);
    expect(await raw(token, `/api/threads/${threadId}/return`, { ...body([member(psyB)]), signature: toBase64Url(new Uint8Array(64)) })).toEqual([400, 'invalid_signature']);
    expect((await asker.thread(threadId)).status).toBe('assigned');
  });

  it('a return the server forged, or one signed by someone but the opener, is refused by every client', async () => {
    const forged = async (senderId: string, sign: { publicKey: Uint8Array; privateKey: Uint8Array }) => {
      const { client } = await AskerClient.create(s.clientOptions);
      const t = await client.openConsultation(consultation);
      await psyA.claim(t);
      insertItem(s, t, { type: 'return', senderId, sign, pool: [{ staffId: psyB.id, fingerprint: keyFingerprint(keysOf(psyB).box.publicKey, keysOf(psyB).sign.publicKey) }] });
      return { client, t };
    };
    // The holder "returns" it (to keep a colleague out of it), or the server signs with a key of its own for the opener.
    const byHolder = await forged(psyA.id, keysOf(psyA).sign);
    await expect(byHolder.client.read(byHolder.t)).rejects.toMatchObject({ code: 'bad_return' });
    await expect(psyA.read(byHolder.t)).rejects.toMatchObject({ code: 'bad_return' });
    const serverKey = s.sodium.crypto_sign_keypair();
    const { client: victim } = await AskerClient.create(s.clientOptions);
    const t = await victim.openConsultation(consultation);
    await psyA.claim(t);
    insertItem(s, t, { type: 'return', senderId: victim.id, sign: { publicKey: serverKey.publicKey, privateKey: serverKey.privateKey }, pool: [{ staffId: psyB.id, fingerprint: keyFingerprint(keysOf(psyB).box.publicKey, keysOf(psyB).sign.publicKey) }] });
    await expect(victim.read(t)).rejects.toMatchObject({ code: 'bad_signature' });
    await expect(psyA.read(t)).rejects.toMatchObject({ code: 'bad_signature' });
  });
  it('a psychologist who joined after the holder was removed reads the whole history, the holder’s keys found in older manifests', async () => {
    const { client: asker, recoveryCode } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation(consultation);
    await asker.send(threadId, 'Не сплю третью неделю');
    await psyA.claim(threadId);
    await psyA.send(threadId, 'Что мешает уснуть?');
    await admin.api(any, 'POST', `/api/admin/staff/${psyA.id}/disable`);
    // The next manifest the organisation signs leaves A out; C joins with it and never saw A listed.
    const psyC = await s.addStaff(['psychologist'], ['ru'], 'ret-c');
    expect((await psyC.directory(true)).get(psyA.id)).toBeNull();
    await asker.returnToPool(threadId);
    await psyC.claim(threadId);
    expect((await psyC.read(threadId)).map((m) => [m.text, m.senderRevoked])).toEqual([['Не сплю третью неделю', false], ['Что мешает уснуть?', true]]);
    await psyC.send(threadId, 'Я продолжу с вами');
    // The asker on a new device, with only the code, reads it too: A's message marked, C's not.
    const elsewhere = await AskerClient.restore(s.clientOptions, recoveryCode);
    expect((await elsewhere.read(threadId)).map((m) => [m.text, m.senderRevoked])).toEqual([
      ['Не сплю третью неделю', false], ['Что мешает уснуть?', true], ['Я продолжу с вами', false],
    ]);
    await admin.api(any, 'POST', `/api/admin/staff/${psyA.id}/enable`);
    psyA = await StaffClient.login(s.clientOptions, 'ret-a', 'passphrase of ret-a');
  });

  it('older manifests the server forges, or passes off as older, give no keys', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation(consultation);
    await psyB.claim(threadId);
    await psyB.send(threadId, 'Здравствуйте');
    await admin.api(any, 'POST', `/api/admin/staff/${psyB.id}/disable`);
    const loginD = 'ret-d';
    const psyD = await s.addStaff(['psychologist'], ['ru'], loginD);
    await asker.returnToPool(threadId);
    await psyD.claim(threadId);
    const serverKey = s.sodium.crypto_sign_keypair();
    /** A fresh login of D on a network whose history is rewritten by `rewrite`; the history requests it made. */
    const onHistory = async (rewrite: (wire: z.infer<typeof directoryHistoryResponse>) => unknown) => {
      const asked: string[] = [];
      const fetch: typeof globalThis.fetch = async (input, init) => {
        const res = await globalThis.fetch(input, init);
        const url = new URL(String(input));
        if (url.pathname !== '/api/directory/history') return res;
        asked.push(url.search);
        return Response.json(rewrite(directoryHistoryResponse.parse(await res.json())));
      };
      const d = await StaffClient.login({ ...s.clientOptions, fetch }, loginD, `passphrase of ${loginD}`);
      return { d, asked };
    };
    // Re-signed by the server's own key: refused, as if no history were served.
    const resigned = await onHistory((h) => ({ manifests: h.manifests.map((w) => manifestToWire({ ...manifestFromWire(w)!, ...signManifest(s.sodium, parseManifest(manifestFromWire(w)!.manifest)!, serverKey) })) }));
    await expect(resigned.d.read(threadId)).rejects.toMatchObject({ code: 'revoked_sender' });
    expect(resigned.asked.length).toBeGreaterThan(0);
    // The newest manifest served again as "history" (not older than itself): refused.
    const { d: same } = await onHistory(() => ({ manifests: [manifestToWire(latestManifest(s.db)!)] }));
    await expect(same.read(threadId)).rejects.toMatchObject({ code: 'revoked_sender' });
    // The honest history gives B's keys: the thread reads, B's message marked.
    const honest = await onHistory((h) => h);
    expect((await honest.d.read(threadId)).map((m) => [m.text, m.senderRevoked])).toEqual([['Здравствуйте', true]]);
    await admin.api(any, 'POST', `/api/admin/staff/${psyB.id}/enable`);
    psyB = await StaffClient.login(s.clientOptions, 'ret-b', 'passphrase of ret-b');
  });
  it('a case whose supervisor was removed: the psychologist who opened it passes it to another supervisor', async () => {
    const supA = await s.addStaff(['supervisor'], ['ru'], 'ret-sup-a');
    const supB = await s.addStaff(['supervisor'], ['ru'], 'ret-sup-b');
    await psyA.directory(true);
    const caseId = await psyA.openCase({ topic: 'other', language: 'ru', urgency: 'routine' });
    await psyA.send(caseId, 'Случай: клиентка не приходит второй месяц');
    await supA.claim(caseId);
    await supA.send(caseId, 'Что вы уже пробовали?');
    await admin.api(any, 'POST', `/api/admin/staff/${supA.id}/disable`);
    await s.addStaff(['supervisor'], ['ru'], 'ret-sup-c'); // the next manifest leaves A out
    expect((await psyA.thread(caseId)).holderRevoked).toBe(true);
    await psyA.returnToPool(caseId);
    // Back in the supervisors' queue (not the psychologists'); B claims it and reads it all.
    expect((await supB.queue()).map((t) => t.id)).toContain(caseId);
    expect((await psyB.queue()).map((t) => t.id)).not.toContain(caseId);
    await supB.claim(caseId);
    expect((await supB.read(caseId)).map((m) => [m.text, m.senderRevoked])).toEqual([
      ['Случай: клиентка не приходит второй месяц', false], ['Что вы уже пробовали?', true],
    ]);
    await supB.send(caseId, 'Давайте разберём');
    expect((await psyA.read(caseId)).at(-1)).toMatchObject({ text: 'Давайте разберём', senderId: supB.id });
  });
});
