import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError} from '../../src/client/index.js';
import { AskerClient, KnowledgeClient, type StaffClient } from '../../src/client/index.js';
import { eq } from 'drizzle-orm';
import { kbEntries } from '../../db/schema.js';
import { checkpoint } from '../../src/db/connection.js';
import { purgeExpired } from '../../src/purge.js';
import { startServer, type TestServer } from '../support/server.js';

// A public question through the SDK over real HTTP: asked anonymously with a phone number in
// it, redacted and accepted by a peer moderator, answered by a psychologist, published, found
// by search, voted helpful; the phone number never reaches the public side or stays on disk.

let s: TestServer;
let moderator: StaffClient;
let psychologist: StaffClient;

beforeAll(async () => {
  s = await startServer();
  moderator = await s.addStaff(['moderator'], ['ru'], 'peer-mod');
  psychologist = await s.addStaff(['psychologist'], ['ru'], 'psy-kb');
});
afterAll(async () => { await s.stop(); });

async function staffCall(staff: StaffClient, method: string, path: string, json?: unknown) {
  const res = await fetch(s.url + path, {
    method, headers: { authorization: `Bearer ${staff.token}`, 'content-type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

describe('a public question end to end', () => {
  it('asked, redacted, answered, published, found and voted helpful', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const reader = new KnowledgeClient({ baseUrl: s.url });
    const asked = await asker.askQuestion({
      title: 'Бессонница после диагноза',
      body: 'Не сплю уже третью неделю после диагноза. Позвоните мне 8 701 555 12 34, пожалуйста.',
      language: 'ru', suggestedTags: ['sleep', 'plhiv'],
    });
    expect(asked.status).toBe('submitted');
    expect((await reader.search({ q: 'бессонница' })).results).toEqual([]);

    const queue = await staffCall(moderator, 'GET', '/api/moderation/queue?queue=submitted');
    const entry = (queue.body.entries as { id: string; body: string; personalData: { body: { text: string }[] } }[])[0]!;
    expect(entry.personalData.body.map((p) => p.text)).toEqual(['8 701 555 12 34']);
    const redacted = entry.body.replace('8 701 555 12 34', '[номер удалён]');
    expect((await staffCall(moderator, 'POST', `/api/moderation/entries/${asked.id}/accept`, { title: 'Бессонница после диагноза', body: redacted, tags: ['sleep', 'plhiv'] })).status).toBe(200);
    expect((await staffCall(psychologist, 'POST', `/api/moderation/entries/${asked.id}/answer`, { answer: 'Бессонница после тяжёлой новости встречается часто. Попробуйте ложиться в одно время и приходите на консультацию.' })).status).toBe(200);
    expect((await staffCall(moderator, 'POST', `/api/moderation/entries/${asked.id}/publish`, {})).status).toBe(200);

    expect((await asker.myQuestions())[0]).toMatchObject({ id: asked.id, status: 'published' });
    const found = await reader.search({ q: 'бессонницы', language: 'ru', tag: 'sleep' });
    expect(found.results[0]).toMatchObject({ id: asked.id, tags: ['plhiv', 'sleep'] });
    expect(found.results[0]!.titleMarked.some((x) => x.mark && x.text === 'Бессонница')).toBe(true);
    const page = await reader.entry(asked.id);
    expect(page.body).toBe(redacted);
    expect(await asker.markHelpful(asked.id)).toBe(1);
    expect(await asker.markHelpful(asked.id)).toBe(1);
    expect((await reader.tags()).length).toBeGreaterThanOrEqual(21);

    await expect(asker.withdrawQuestion(asked.id)).rejects.toMatchObject({ code: 'invalid_transition' } satisfies Partial<ApiError>);
    // What a reader searches for is nobody's business: queries are not logged or stored.
    await reader.search({ q: 'querysentinel41 тревога' });
    checkpoint(s.db);
    const files = [readFileSync(s.dbFile), ...s.logs.map((l) => Buffer.from(l))];
    for (const f of files) {
      expect(f.includes(Buffer.from('555 12 34'))).toBe(false);
      expect(f.includes(Buffer.from('querysentinel41'))).toBe(false);
    }
  });

  it('retired for personal data: its text, its words in the search indexes and its link to the asker are gone', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const reader = new KnowledgeClient({ baseUrl: s.url });
    // A made-up surname stands for the personal data a reader reports after publication: the
    // detector flagged it, and the moderator wrongly confirmed it as not personal.
    const asked = await asker.askQuestion({ title: 'Коллега Жумабекова узнала о моём статусе', body: 'Коллега Жумабекова рассказала всем на работе. Что делать?', language: 'ru' });
    await staffCall(moderator, 'POST', `/api/moderation/entries/${asked.id}/accept`, { title: 'Коллега узнала о моём статусе', body: 'Коллега Жумабекова рассказала всем на работе. Что делать?', tags: ['work-money'], acknowledge: ['Жумабекова'] });
    await staffCall(psychologist, 'POST', `/api/moderation/entries/${asked.id}/answer`, { answer: 'Это нарушение конфиденциальности; поговорите с юристом и психологом.' });
    expect((await staffCall(moderator, 'POST', `/api/moderation/entries/${asked.id}/publish`, {})).status).toBe(200);

    // Published: it no longer names the identity, but the asker still finds it.
    const row = () => s.db.select().from(kbEntries).where(eq(kbEntries.id, asked.id)).get()!;
    expect(row().askerId).toBeNull();
    expect(row().askerRef).not.toBeNull();
    expect((await asker.myQuestions()).map((q) => q.id)).toEqual([asked.id]);
    expect((await reader.search({ q: 'жумабекова' })).results.map((r) => r.id)).toEqual([asked.id]);
    const terms = (): string[] => (s.db.$client.prepare("SELECT term FROM kb_terms WHERE term LIKE 'жумабеков%'").all() as { term: string }[]).map((r) => r.term);
    expect(terms()).toEqual(['жумабекова']);

    // The full-text index's segments hold the stem (prefix-compressed: look for its tail).
    const inSegments = s.db.$client.prepare("SELECT count(*) AS n FROM kb_stems_data WHERE instr(block, CAST('мабеков' AS BLOB)) > 0");
    expect(inSegments.get()).toEqual({ n: 1 });
    expect((await staffCall(moderator, 'POST', `/api/moderation/entries/${asked.id}/retire`, { reason: 'personal_data' })).status).toBe(200);
    expect(row()).toMatchObject({ status: 'retired', title: '', body: '', answer: null });
    expect(terms()).toEqual([]);
    // Not even as a typo correction.
    expect((await reader.search({ q: 'жумабекоба' })).results).toEqual([]);
    // FTS5 only marks it deleted; the purge merges the segments, and then no segment keeps it.
    purgeExpired(s.db, s.config, Date.now());
    expect(inSegments.get()).toEqual({ n: 0 });
    checkpoint(s.db);
    expect(readFileSync(s.dbFile).includes(Buffer.from('Жумабеков'))).toBe(false);
    expect(readFileSync(s.dbFile).includes(Buffer.from('мабеков'))).toBe(false);
  });

  it('withdraws an unpublished question, gone from the file', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const q = await asker.askQuestion({ title: 'Секретный вопрос', body: 'Sentinel-zq81 текст, который нужно удалить.', language: 'ru' });
    await asker.withdrawQuestion(q.id);
    expect(await asker.myQuestions()).toEqual([]);
    checkpoint(s.db);
    expect(readFileSync(s.dbFile).includes(Buffer.from('Sentinel-zq81'))).toBe(false);
  });
});
