import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, threads } from '../../db/schema.js';
import { AskerClient, type StaffClient } from '../../src/client/index.js';
import { itemHash, itemSignedBytes } from '../../src/protocol/envelope.js';
import { concatBytes } from '../../src/protocol/encoding.js';
import { startServer, type TestServer } from '../support/server.js';
import { headOf, insertItem, keysOf, rewriting, threadKeyOf } from './hostile.js';

// Attacks on the transcript (issue 10 point 3): a deleted item, messages withheld from one side,
// and a history forked between two readers. The hash chain and each message's "last read" make
// each visible to the SDK.

let s: TestServer;
let psy: StaffClient;

beforeAll(async () => {
  s = await startServer();
  psy = await s.addStaff(['psychologist'], ['ru'], 'transcript-psy');
});
afterAll(async () => { await s.stop(); });

/** The stored item's hash, recomputed from its row: what the thread's head becomes when the server rolls back to it. */
function storedHash(threadId: string, seq: number): Buffer {
  const r = s.db.select().from(messages).where(and(eq(messages.threadId, threadId), eq(messages.seq, seq))).get()!;
  const header = {
    threadId, seq, type: r.type, senderId: r.senderId, prevHash: new Uint8Array(r.prevHash),
    ...(r.toStaffId && r.toFingerprint ? { to: { staffId: r.toStaffId, fingerprint: new Uint8Array(r.toFingerprint) } } : {}),
  };
  const payload = r.nonce && r.ciphertext ? concatBytes(new Uint8Array(r.nonce), new Uint8Array(r.ciphertext)) : new Uint8Array(0);
  return Buffer.from(itemHash(itemSignedBytes(header, payload), new Uint8Array(r.signature)));
}

/** Drops every item after `seq` and moves the thread's head back, as a server rolling the thread back would. */
function rollBack(threadId: string, seq: number): void {
  s.db.delete(messages).where(and(eq(messages.threadId, threadId), gt(messages.seq, seq))).run();
  s.db.update(threads).set({ lastSeq: seq, headHash: storedHash(threadId, seq) }).where(eq(threads.id, threadId)).run();
}

describe('a compromised server cannot hide', () => {
  it('a deleted middle message: the sequence and the chain break', async () => {
    const { client: asker, recoveryCode } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'depression', language: 'ru', urgency: 'routine' });
    for (const text of ['один', 'два', 'три']) await asker.send(threadId, text);
    await psy.claim(threadId);
    await psy.send(threadId, 'Я здесь');
    s.db.delete(messages).where(and(eq(messages.threadId, threadId), eq(messages.seq, 2))).run();
    for (const reader of [asker, await AskerClient.restore(s.clientOptions, recoveryCode), psy]) {
      await expect(reader.read(threadId)).rejects.toMatchObject({ code: 'sequence_gap' });
    }
    // Renumbered to close the gap, the items' signatures and chain no longer fit.
    s.db.update(messages).set({ seq: 2 }).where(and(eq(messages.threadId, threadId), eq(messages.seq, 3))).run();
    await expect((await AskerClient.restore(s.clientOptions, recoveryCode)).read(threadId)).rejects.toMatchObject({ name: 'ProtocolError' });
  });

  it('the asker\'s last messages withheld from the psychologist: the reply shows they were not seen', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'violence', language: 'ru', urgency: 'urgent' });
    await asker.send(threadId, 'Мне нужна помощь'); // 1
    await psy.claim(threadId); // 2
    await asker.send(threadId, 'Он вернулся домой'); // 3
    await asker.send(threadId, 'Мне страшно'); // 4
    // The server shows the psychologist the thread without the last two messages, once: what the
    // psychologist reads before replying. (It cannot keep them hidden: the reply must chain after them.)
    let withheld = false;
    const { StaffClient } = await import('../../src/client/index.js');
    const watched = await StaffClient.login({ ...s.clientOptions, fetch: rewriting((u) => u.pathname.endsWith('/items'), (body: { items: { seq: number }[]; hasMore: boolean }) => {
      if (withheld) return body;
      withheld = true;
      return { items: body.items.filter((i) => i.seq <= 2), hasMore: false };
    }) }, 'transcript-psy', 'passphrase of transcript-psy');
    expect((await watched.read(threadId)).map((m) => m.seq)).toEqual([1]);
    expect(await watched.send(threadId, 'Я с вами. Как вы сейчас?')).toBe(5);
    const reply = (await asker.read(threadId)).find((m) => m.seq === 5)!;
    expect(reply).toMatchObject({ text: 'Я с вами. Как вы сейчас?', read: 2, unseenByAuthor: [3, 4] });
    // The psychologist's earlier view is not an error on their side: the asker's side shows it.
    expect((await watched.read(threadId)).map((m) => m.seq)).toEqual([1, 3, 4, 5]);
  });

  it('a reply the asker was never shown, passed over while its send was retried: still reported as not seen', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'violence', language: 'ru', urgency: 'urgent' });
    await asker.send(threadId, 'Мне нужна помощь'); // 1
    await psy.claim(threadId); // 2
    expect((await asker.read(threadId)).map((m) => m.seq)).toEqual([1]); // what the asker's screen shows
    await psy.send(threadId, 'Вы сейчас в безопасности?'); // 3: never handed to the asker's screen (the server withholds the live event)
    // The asker's send takes 3, gets sequence_conflict, reads 3 (verified, not shown) and lands at 4.
    expect(await asker.send(threadId, 'Он вернулся домой')).toBe(4);
    expect(await asker.send(threadId, 'Мне страшно')).toBe(5);
    const seen = await psy.read(threadId);
    // Neither of the asker's messages may claim to have read 3: the psychologist sees it went unseen.
    expect(seen.find((m) => m.seq === 4)).toMatchObject({ unseenByAuthor: [3] });
    expect(seen.find((m) => m.seq === 5)).toMatchObject({ unseenByAuthor: [3] });
  });

  it('a reply withheld from the asker: the asker\'s next message is refused as withheld, and nothing is sent', async () => {
    let hideFrom = 0; // items from this number on are withheld from the asker (0: none)
    const { client: asker } = await AskerClient.create({ ...s.clientOptions, fetch: rewriting((u) => u.pathname.endsWith('/items'), (body: { items: { seq: number }[]; hasMore: boolean }) => (
      hideFrom ? { items: body.items.filter((i) => i.seq < hideFrom), hasMore: false } : body)) });
    const threadId = await asker.openConsultation({ topic: 'violence', language: 'ru', urgency: 'urgent' });
    await asker.send(threadId, 'Мне нужна помощь'); // 1
    await psy.claim(threadId); // 2
    await psy.send(threadId, 'Где вы сейчас?'); // 3
    hideFrom = 2;
    expect((await asker.read(threadId)).map((m) => m.seq)).toEqual([1]);
    // The server cannot take the message after item 1 (that would fork the psychologist's history)
    // nor show what it hides: the SDK says items are withheld instead of a bare conflict.
    await expect(asker.send(threadId, 'Вы здесь?')).rejects.toMatchObject({ code: 'items_withheld' });
    expect(headOf(s, threadId).seq).toBe(3);
    hideFrom = 0;
    expect(await asker.send(threadId, 'Вы здесь?')).toBe(4);
    expect((await asker.read(threadId)).map((m) => m.text)).toEqual(['Мне нужна помощь', 'Где вы сейчас?', 'Вы здесь?']);
  });

  it('a transcript forked between two readers: the one whose item vanished detects the fork', async () => {
    const { client: asker, recoveryCode } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'stigma', language: 'ru', urgency: 'soon' });
    await asker.send(threadId, 'Здравствуйте'); // 1
    await psy.claim(threadId); // 2
    await psy.read(threadId);
    await asker.send(threadId, 'Я живу с ВИЧ и боюсь, что узнают на работе'); // 3: shown to the asker only
    // The server drops item 3 for everyone else and lets the psychologist write in its place.
    rollBack(threadId, 2);
    await psy.send(threadId, 'Расскажите, что вас беспокоит?'); // 3 on the psychologist's branch
    expect((await psy.read(threadId)).map((m) => m.text)).toEqual(['Здравствуйте', 'Расскажите, что вас беспокоит?']);
    await expect(asker.read(threadId)).rejects.toMatchObject({ code: 'fork' });
    // Sending on is refused as well: the asker's client will not chain onto a history it did not write.
    await expect(asker.send(threadId, 'Ау?')).rejects.toMatchObject({ name: 'ProtocolError' });
    // A device with no memory of item 3 cannot tell (the limit SECURITY.md states).
    expect((await (await AskerClient.restore(s.clientOptions, recoveryCode)).read(threadId)).map((m) => m.seq)).toEqual([1, 3]);
  });

  it('a "last read" beyond the message itself: refused, so no warning can be suppressed that way', async () => {
    const { client: asker, recoveryCode } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'sleep', language: 'ru', urgency: 'routine' });
    await asker.send(threadId, 'Не сплю третью ночь'); // 1
    await psy.claim(threadId); // 2
    await psy.read(threadId);
    const { seq } = headOf(s, threadId);
    insertItem(s, threadId, { type: 'message', senderId: psy.id, sign: keysOf(psy).sign, threadKey: await threadKeyOf(psy, threadId), text: 'Я всё прочитал', read: seq + 5 });
    await expect((await AskerClient.restore(s.clientOptions, recoveryCode)).read(threadId)).rejects.toMatchObject({ code: 'bad_message' });
  });

  it('a history spliced from two branches: the chain breaks where they join', async () => {
    const { client: asker, recoveryCode } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'grief', language: 'ru', urgency: 'routine' });
    await asker.send(threadId, 'Здравствуйте'); // 1
    await psy.claim(threadId); // 2
    await asker.send(threadId, 'Я думаю о том, чтобы уйти из жизни'); // 3, the asker's branch
    const askers3 = s.db.select().from(messages).where(and(eq(messages.threadId, threadId), eq(messages.seq, 3))).get()!;
    rollBack(threadId, 2);
    await psy.read(threadId);
    await psy.send(threadId, 'Как прошёл ваш день?'); // 3, the psychologist's branch
    await psy.send(threadId, 'Хорошо, что вы так спокойны'); // 4, written after their own 3
    // The asker's 3 put back under the psychologist's 4: it would read as an answer to it.
    s.db.update(messages).set(askers3).where(and(eq(messages.threadId, threadId), eq(messages.seq, 3))).run();
    await expect((await AskerClient.restore(s.clientOptions, recoveryCode)).read(threadId)).rejects.toMatchObject({ code: 'broken_chain' });
  });
});
