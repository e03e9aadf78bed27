import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AskerClient, inMemoryManifestMemory, StaffClient } from '../../src/client/index.js';
import { DIRECTORY_MAX_AGE_MS } from '../../src/client/participant.js';
import { MANIFEST_DEFAULT_VALIDITY_MS } from '../../src/protocol/manifest.js';
import { insertItem, keysOf, recording, threadKeyOf } from '../attacks/hostile.js';
import { installManifest } from '../support/manifest.js';
import { startServer, type TestServer } from '../support/server.js';

// Staff who leave the signed manifest are revoked (issue 11 point 1, PROTOCOL.md §7.7): no thread
// key is sealed to them, nothing is sent to or by them, and their new items are refused; what they
// posted while they were in the directory stays readable, marked as from someone no longer there.

let s: TestServer;
let psyA: StaffClient;
let psyB: StaffClient;
let psyC: StaffClient;

beforeAll(async () => {
  s = await startServer();
  psyA = await s.addStaff(['psychologist'], ['ru'], 'revoke-a');
  psyB = await s.addStaff(['psychologist'], ['ru'], 'revoke-b');
  psyC = await s.addStaff(['psychologist'], ['ru'], 'revoke-c');
  await s.addStaff(['supervisor'], ['ru'], 'revoke-sup');
});
afterAll(async () => { await s.stop(); });

const consultation = { topic: 'anxiety', language: 'ru', urgency: 'soon' } as const;
const writes = (requests: string[]) => requests.filter((r) => !r.startsWith('GET '));

/** Logs `client`'s member in again on a recorded network. */
async function watched(login: string): Promise<{ client: StaffClient; requests: string[] }> {
  const net = recording();
  return { client: await StaffClient.login({ ...s.clientOptions, fetch: net.fetch }, login, `passphrase of ${login}`), requests: net.requests };
}

describe('a member the newest manifest no longer names', () => {
  it('gets no thread key, and nobody\'s client (their own included) sends them or as them anything', async () => {
    const askerNet = recording();
    const { client: asker } = await AskerClient.create({ ...s.clientOptions, fetch: askerNet.fetch });
    const before = await asker.openConsultation(consultation); // sealed to A, B and C
    const held = await asker.openConsultation(consultation);
    await psyC.claim(held);
    const toHand = await asker.openConsultation(consultation);
    await psyA.claim(toHand);

    installManifest(s, { exclude: [psyC.id] });
    await asker.directory(true);
    const after = await asker.openConsultation(consultation);
    expect((await psyA.queue()).map((t) => t.id)).toContain(after);
    expect((await psyC.queue()).map((t) => t.id)).not.toContain(after);
    await expect(psyC.read(after)).rejects.toMatchObject({ status: 404 });

    // C's own client: no claim of a thread sealed to them before, no message or hand-over in the one they hold.
    const c = await watched('revoke-c');
    await expect(c.client.claim(before)).rejects.toMatchObject({ code: 'not_in_directory' });
    await expect(c.client.send(held, 'Я ещё здесь')).rejects.toMatchObject({ code: 'not_in_directory' });
    await expect(c.client.handover(held, psyB.id)).rejects.toMatchObject({ code: 'not_in_directory' });
    expect(writes(c.requests)).toEqual(['POST /api/staff/prelogin', 'POST /api/staff/sessions']);

    // A colleague does not hand a thread (and K) to them.
    const a = await watched('revoke-a');
    await expect(a.client.handover(toHand, psyC.id)).rejects.toMatchObject({ code: 'bad_handover' });
    expect(writes(a.requests).filter((r) => r.endsWith('/handover'))).toEqual([]);

    // The asker sends nothing more into the thread C holds (C has K), though it had not read C's claim yet.
    const written = writes(askerNet.requests).length;
    await expect(asker.send(held, 'Вы меня слышите?')).rejects.toMatchObject({ code: 'recipient_revoked' });
    expect(writes(askerNet.requests).length).toBe(written);
    // Put back in a newer manifest, C is current again.
    installManifest(s);
    await asker.directory(true);
    await asker.send(held, 'Вы меня слышите?');
    expect((await psyC.read(held)).map((m) => [m.text, m.senderRevoked])).toEqual([['Вы меня слышите?', false]]);
  });

  it('what they posted stays readable, marked; nothing more goes to them; their items after the client learned are refused', async () => {
    const memory = inMemoryManifestMemory(); // the tab's: kept across a reload
    const net = recording();
    const { client: asker, recoveryCode } = await AskerClient.create({ ...s.clientOptions, fetch: net.fetch, manifestMemory: memory });
    const threadId = await asker.openConsultation(consultation);
    await asker.send(threadId, 'Мне тревожно');
    await psyA.claim(threadId);
    await psyA.send(threadId, 'Я с вами');
    await asker.send(threadId, 'Спасибо');
    expect((await asker.read(threadId)).map((m) => m.senderRevoked)).toEqual([false, false, false]);
    const k = await threadKeyOf(asker, threadId);

    installManifest(s, { exclude: [psyA.id] });
    await asker.directory(true); // the asker's client learns A has left
    const read = await asker.read(threadId);
    expect(read.map((m) => [m.text, m.senderRevoked])).toEqual([['Мне тревожно', false], ['Я с вами', true], ['Спасибо', false]]);
    expect(await asker.transcriptEvents(threadId)).toMatchObject({ holderId: psyA.id, holderRevoked: true, events: [{ type: 'claim', senderId: psyA.id, senderRevoked: true }] });
    const posted = writes(net.requests).length;
    await expect(asker.send(threadId, 'Вы тут?')).rejects.toMatchObject({ code: 'recipient_revoked' });
    expect(writes(net.requests).length).toBe(posted);
    await psyA.directory(true); // A's own client, once it has fetched the manifest, sends nothing
    await expect(psyA.send(threadId, 'Я всё ещё тут')).rejects.toMatchObject({ code: 'not_in_directory' });

    // A's key, or whoever holds it now, writes through a compromised server: refused by the client that knew.
    insertItem(s, threadId, { type: 'message', senderId: psyA.id, sign: keysOf(psyA).sign, threadKey: k, text: 'Напишите ваш адрес' });
    await expect(asker.read(threadId)).rejects.toMatchObject({ name: 'ProtocolError', code: 'revoked_sender' });

    // After a reload (the same tab's memory) the transcript is readable, each of A's items marked:
    // a fresh view cannot tell when an item was posted (SECURITY.md), but sends nothing to A.
    const reloaded = await AskerClient.restore({ ...s.clientOptions, manifestMemory: memory }, recoveryCode);
    expect((await reloaded.read(threadId)).map((m) => [m.text, m.senderRevoked])).toEqual([['Мне тревожно', false], ['Я с вами', true], ['Спасибо', false], ['Напишите ваш адрес', true]]);
    await expect(reloaded.send(threadId, 'Кто это?')).rejects.toMatchObject({ code: 'recipient_revoked' });

    // A device that never saw A in a manifest finds A's keys in the organisation's older manifests:
    // the same view as after a reload, and nothing sent to A.
    const elsewhere = await AskerClient.restore(s.clientOptions, recoveryCode);
    expect((await elsewhere.read(threadId)).map((m) => m.senderRevoked)).toEqual([false, true, false, true]);
    await expect(elsewhere.send(threadId, 'Кто это?')).rejects.toMatchObject({ code: 'recipient_revoked' });
    installManifest(s);
  });

  it('reaches a client that stays open within a minute, and a manifest left to expire stops it', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation(consultation);
    await psyA.directory(true); // back in since the test before
    await psyA.claim(threadId);
    await asker.send(threadId, 'Здравствуйте');
    installManifest(s, { exclude: [psyA.id] });
    await asker.send(threadId, 'Вы здесь?'); // the directory fetched a moment ago still names A
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + DIRECTORY_MAX_AGE_MS + 1000);
      await expect(asker.send(threadId, 'А сейчас?')).rejects.toMatchObject({ code: 'recipient_revoked' });
      // A manifest that expires before the next minute's fetch: the client fetches again then.
      const soon = Date.now() + 10_000;
      installManifest(s, { issuedAt: Date.now() - 1000, expiresAt: soon });
      expect((await asker.directory(true)).expiresAt).toBe(soon);
      vi.setSystemTime(soon + 1);
      await expect(asker.directory()).rejects.toMatchObject({ code: 'manifest_expired' });
      // Nobody signs a new manifest for 30 days: the client stops, whatever the server serves.
      vi.setSystemTime(Date.now() + MANIFEST_DEFAULT_VALIDITY_MS);
      await expect(asker.directory()).rejects.toMatchObject({ code: 'manifest_expired' });
    } finally {
      vi.useRealTimers();
      installManifest(s);
    }
  });

  it('a case whose opener left: the supervisor reads it, marked, and writes nothing more to them', async () => {
    const memory = inMemoryManifestMemory(); // the supervisor's console tab
    const sup = await StaffClient.login({ ...s.clientOptions, manifestMemory: memory }, 'revoke-sup', 'passphrase of revoke-sup');
    await psyB.directory(true);
    const threadId = await psyB.openCase({ topic: 'other', language: 'ru', urgency: 'routine' });
    await psyB.send(threadId, 'Случай для супервизии');
    await sup.claim(threadId);
    await sup.send(threadId, 'Расскажите подробнее');
    installManifest(s, { exclude: [psyB.id] });
    await sup.directory(true);
    expect((await sup.read(threadId)).map((m) => [m.text, m.senderRevoked])).toEqual([['Случай для супервизии', true], ['Расскажите подробнее', false]]);
    await expect(sup.send(threadId, 'Ещё вопрос')).rejects.toMatchObject({ code: 'recipient_revoked' });
    // After a reload (the tab's memory kept B's keys) the case still opens: who opened it is checked against them.
    const reloaded = await StaffClient.login({ ...s.clientOptions, manifestMemory: memory }, 'revoke-sup', 'passphrase of revoke-sup');
    expect((await reloaded.read(threadId)).map((m) => m.senderRevoked)).toEqual([true, false]);
    // A device of the supervisor's that never saw B in a manifest finds B's keys in an older one.
    const fresh = await StaffClient.login(s.clientOptions, 'revoke-sup', 'passphrase of revoke-sup');
    expect((await fresh.read(threadId)).map((m) => m.senderRevoked)).toEqual([true, false]);
    installManifest(s);
  });
});
