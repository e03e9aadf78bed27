import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskerClient, ApiError, ProtocolError, type PlainMessage } from '../../src/client/index.js';
import type { StaffClient } from '../../src/client/index.js';
import { startServer, type TestServer } from '../support/server.js';
import { parseManifest } from '../../src/protocol/manifest.js';

// The whole consultation through the SDK over real HTTP on loopback: asker ↔ psychologist,
// live replies, hand-over, restore from the recovery code, erase.

let s: TestServer;
let psyA: StaffClient;
let psyB: StaffClient;
let moderator: StaffClient;
let psyKk: StaffClient;

beforeAll(async () => {
  s = await startServer();
  psyA = await s.addStaff(['psychologist'], ['ru', 'en'], 'aigerim');
  psyB = await s.addStaff(['psychologist'], ['ru'], 'daniyar');
  psyKk = await s.addStaff(['psychologist'], ['kk'], 'saule');
  moderator = await s.addStaff(['moderator'], ['ru'], 'peer');
});
afterAll(async () => { await s.stop(); });

function waitFor(predicate: () => boolean, ms = 5000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => (predicate() ? resolve() : Date.now() - started > ms ? reject(new Error('timed out')) : setTimeout(tick, 20));
    tick();
  });
}

describe('consultation end to end', () => {
  it('asker and psychologist talk, live; hand-over; restore from the code; erase', async () => {
    const { client: asker, recoveryCode } = await AskerClient.create(s.clientOptions);
    expect(recoveryCode).toMatch(/^([0-9A-Z]{4}-){6}[0-9A-Z]{4}$/);

    const threadId = await asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'urgent', intake: { populations: ['plhiv'], ageGroup: '25-34' } });
    await asker.send(threadId, 'Здравствуйте, мне тревожно после диагноза');

    // Both Russian-speaking psychologists see it in their queue; the Kazakh-only one does not.
    expect((await psyA.queue({ language: 'ru' })).map((t) => t.id)).toContain(threadId);
    expect((await psyB.queue()).map((t) => t.id)).toContain(threadId);
    expect((await psyKk.queue()).map((t) => t.id)).not.toContain(threadId);

    // The intake card (seq 1) is the first message, encrypted; the claim is item 3.
    await psyA.claim(threadId);
    await expect(psyB.claim(threadId)).rejects.toMatchObject({ code: 'thread_not_found' });
    const seenByPsy = await psyA.read(threadId);
    expect(seenByPsy.map((m) => [m.seq, m.type, m.text])).toEqual([[1, 'intake', ''], [2, 'text', 'Здравствуйте, мне тревожно после диагноза']]);
    expect(seenByPsy[0]!.intake).toEqual({ populations: ['plhiv'], ageGroup: '25-34' });
    expect((await psyA.transcriptEvents(threadId))).toMatchObject({ events: [{ seq: 3, type: 'claim', senderId: psyA.id }], holderId: psyA.id });

    // The asker follows the thread live; the psychologist's reply arrives over SSE.
    const live: PlainMessage[] = [];
    const stop = new AbortController();
    const following = asker.subscribe(threadId, { after: 3, onMessage: (m) => live.push(m), signal: stop.signal });
    await psyA.send(threadId, 'Я вас слышу. Расскажите, что вас тревожит больше всего?');
    await waitFor(() => live.length === 1);
    expect(live[0]).toMatchObject({ seq: 4, senderId: psyA.id, text: 'Я вас слышу. Расскажите, что вас тревожит больше всего?', mine: false, unseenByAuthor: [] });
    expect(Math.abs(live[0]!.at - Date.now())).toBeLessThan(60_000);
    await asker.send(threadId, 'Что узнают на работе');
    stop.abort();
    await following;

    // Hand-over: the colleague reads the whole history; the first psychologist is out.
    await psyA.handover(threadId, psyB.id);
    expect((await psyB.read(threadId)).map((m) => m.seq)).toEqual([1, 2, 4, 5]);
    await psyB.send(threadId, 'Меня зовут Данияр, я продолжу с вами.');
    await expect(psyA.read(threadId)).rejects.toMatchObject({ code: 'thread_not_found' });

    // The asker leaves and comes back on "another device" with only the recovery code.
    await asker.logout();
    const back = await AskerClient.restore(s.clientOptions, recoveryCode.toLowerCase().replace(/-/g, ' '));
    expect(back.id).toBe(asker.id);
    const history = await back.read(threadId);
    expect(history.map((m) => [m.seq, m.mine, m.text])).toEqual([
      [1, true, ''],
      [2, true, 'Здравствуйте, мне тревожно после диагноза'],
      [4, false, 'Я вас слышу. Расскажите, что вас тревожит больше всего?'],
      [5, true, 'Что узнают на работе'],
      [7, false, 'Меня зовут Данияр, я продолжу с вами.'],
    ]);

    // Erase the thread: gone for everyone.
    await back.eraseThread(threadId);
    await expect(psyB.read(threadId)).rejects.toMatchObject({ code: 'thread_not_found' });
    expect(await back.listThreads()).toEqual([]);
  });

  it('keeps a moderator, another asker and an unassigned psychologist out, with the same answer as for no thread', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const { client: other } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'sleep', language: 'ru', urgency: 'routine' });
    await asker.send(threadId, 'private');
    await psyA.claim(threadId);
    const missing = 't_' + 'A'.repeat(22);
    for (const outsider of [other, moderator, psyB, psyKk]) {
      for (const id of [threadId, missing]) {
        await expect(outsider.read(id)).rejects.toMatchObject({ code: 'thread_not_found', status: 404 });
        await expect(outsider.send(id, 'intrusion')).rejects.toMatchObject({ code: 'thread_not_found', status: 404 });
      }
    }
    expect((await asker.read(threadId)).map((m) => m.text)).toEqual(['private']);
  });

  it('erasing everything removes the identity; the recovery code no longer logs in', async () => {
    const { client: asker, recoveryCode } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'grief', language: 'en', urgency: 'soon' });
    await asker.send(threadId, 'goodbye');
    await asker.eraseEverything();
    await expect(AskerClient.restore(s.clientOptions, recoveryCode)).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(psyA.read(threadId)).rejects.toBeInstanceOf(ApiError);
  });

  it('refuses a recovery code with a typo before asking the server', async () => {
    const { recoveryCode } = await AskerClient.create(s.clientOptions);
    const typo = (recoveryCode[0] === 'A' ? 'B' : 'A') + recoveryCode.slice(1);
    await expect(AskerClient.restore(s.clientOptions, typo)).rejects.toMatchObject({ code: 'recovery_code_checksum' });
  });

  it('seals thread keys only to staff of the signed manifest: a row the organisation did not sign reaches no client', async () => {
    const { createInvite } = await import('../../src/staff/service.js');
    const { StaffClient } = await import('../../src/client/index.js');
    const { code } = createInvite(s.db, s.pepper, ['psychologist'], Date.now());
    const rogue = await StaffClient.acceptInvite(s.clientOptions, { code, login: 'rogue', displayName: 'rogue', languages: ['ru'], passphrase: 'x'.repeat(12), kdf: { m: 256, t: 1, p: 1 } });
    // The security review's attack: a row inserted into the database, which a routine per-row signing
    // used to sign too. Per-row signing is gone; only an imported manifest names staff.
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const directory = await asker.directory(true);
    expect(directory.get(rogue.id)).toBeNull();
    expect(directory.get(psyA.id)).not.toBeNull();
    const threadId = await asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'soon' });
    expect((await psyA.queue()).map((t) => t.id)).toContain(threadId);
    expect((await rogue.queue()).map((t) => t.id)).not.toContain(threadId);
    await expect(rogue.read(threadId)).rejects.toMatchObject({ status: 404 });
    // A manifest naming the row, signed by a key of the server's own, is refused as a whole.
    const fake = s.sodium.crypto_sign_keypair();
    const { installManifest } = await import('../support/manifest.js');
    const { directoryManifests } = await import('../../db/schema.js');
    const { eq } = await import('drizzle-orm');
    const version = parseManifest(installManifest(s, { signer: fake }).manifest)!.version;
    await expect(asker.directory(true)).rejects.toMatchObject({ code: 'manifest_unsigned' });
    s.db.delete(directoryManifests).where(eq(directoryManifests.version, version)).run();
    expect((await asker.directory(true)).get(rogue.id)).toBeNull();
  });

  it('detects a server that reorders, drops or alters messages', async () => {
    const { client: asker, recoveryCode } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'isolation', language: 'en', urgency: 'routine' });
    await asker.send(threadId, 'one');
    await asker.send(threadId, 'two');
    await asker.send(threadId, 'three');

    type Wire = { items: { seq: number; ciphertext?: string }[]; hasMore: boolean };
    const tamperWith = (change: (body: Wire) => void): typeof fetch => async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).includes('/items?')) return res;
      const body = (await res.json()) as Wire;
      change(body);
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    };
    const flipFirstChar = (c: string) => (c[0] === 'A' ? 'B' : 'A') + c.slice(1);
    const attacks: Record<string, (b: Wire) => void> = {
      reordered: (b) => b.items.reverse(),
      dropped: (b) => b.items.splice(1, 1),
      replayed: (b) => { b.items[2] = { ...b.items[0]!, seq: 3 }; },
      altered: (b) => { b.items[1]!.ciphertext = flipFirstChar(b.items[1]!.ciphertext!); },
    };
    for (const [name, attack] of Object.entries(attacks)) {
      const victim = await AskerClient.restore({ ...s.clientOptions, fetch: tamperWith(attack) }, recoveryCode);
      await expect(victim.read(threadId), name).rejects.toBeInstanceOf(ProtocolError);
    }
    expect((await asker.read(threadId)).map((m) => m.text)).toEqual(['one', 'two', 'three']);
  });
});
