import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema.js';
import { AskerClient, type StaffClient } from '../../src/client/index.js';
import { checkpoint } from '../../src/db/connection.js';
import { startServer, type TestServer } from '../support/server.js';

// DESIGN.md §2, measured on the files: after a full scenario with a sentinel in every message,
// the database, its write-ahead log and the logs hold no plaintext, recovery code, token,
// passphrase or IP address; after an erase and a checkpoint the erased ciphertext is gone too.

const SENTINEL = 'SENTINEL-7f3a9c';
let s: TestServer;

function files(): Buffer[] {
  return [s.dbFile, `${s.dbFile}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
}

function leaks(needles: string[]): string[] {
  const haystacks = [...files(), Buffer.from(s.logs.join(''))];
  return needles.filter((n) => haystacks.some((h) => h.includes(Buffer.from(n)) || h.includes(Buffer.from(n, 'utf16le'))));
}

beforeAll(async () => { s = await startServer(); });
afterAll(async () => { await s.stop(); });

describe('privacy on disk and in logs', () => {
  it('keeps plaintext, codes, tokens, passphrases and IPs out of the database file, its WAL and the logs', async () => {
    const passphrase = `${SENTINEL}-passphrase`;
    const psy: StaffClient = await s.addStaff(['psychologist'], ['ru'], 'aliya', passphrase);
    const { client: asker, recoveryCode } = await AskerClient.create(s.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'disclosure', language: 'ru', urgency: 'soon' });
    for (let i = 0; i < 5; i++) await asker.send(threadId, `${SENTINEL} вопрос ${i}: как сказать партнёру о статусе?`);
    await psy.claim(threadId);
    for (let i = 0; i < 5; i++) await psy.send(threadId, `${SENTINEL} ответ ${i}`);
    const back = await AskerClient.restore(s.clientOptions, recoveryCode);
    expect((await back.read(threadId))).toHaveLength(10);

    const secrets = [SENTINEL, recoveryCode, recoveryCode.replace(/-/g, ''), asker.token!, back.token!, psy.token!, passphrase, '127.0.0.1'];
    expect(files().length).toBe(2);
    expect(leaks(secrets)).toEqual([]);
    // The scanner does find what is there: the sealed ciphertext is in the files.
    const stored = s.db.select({ c: messages.ciphertext }).from(messages).all().flatMap((r) => (r.c ? [r.c] : [])); // the claim has none
    expect(stored).toHaveLength(10);
    const sample = Buffer.from(stored[0]!).subarray(0, 24);
    expect(files().some((f) => f.includes(sample))).toBe(true);
    expect(s.logs.length).toBeGreaterThan(10);

    // Erase everything; after the checkpoint the ciphertext is gone from both files.
    await back.eraseEverything();
    checkpoint(s.db);
    expect(files().some((f) => f.includes(sample))).toBe(false);
    expect(s.db.select().from(messages).all()).toHaveLength(0);
  });
});
