import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kbEntries } from '../../db/schema.js';
import { openDatabase } from '../../src/db/connection.js';
import { seedDemoContent } from '../../src/knowledge/seed.js';
import { compileSynonyms, matchSynonyms, searchWords } from '../../src/knowledge/synonym-dictionary.js';
import { defaultSynonymGroups, deleteSynonymGroup, ensureDefaultSynonyms, listSynonymGroups } from '../../src/knowledge/synonyms.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { createStaff, type TestStaff } from '../support/staff.js';

// Issue 12, point 7: moderators keep search synonym groups per language through the API; a
// fresh install starts from a curated set; a change is searched with at once, no restart.

let t: TestContext;
let moderator: TestStaff;
let admin: TestStaff;
let psychologist: TestStaff;
const keyOf = new Map<string, string>();

const topKeys = async (q: string, language: string): Promise<string[]> => {
  const res = await t.call('GET', `/api/kb/search?${new URLSearchParams({ q, language, pageSize: '5' })}`);
  expect(res.status).toBe(200);
  return (res.body.results as { id: string }[]).map((r) => keyOf.get(r.id)!);
};
const terms = (over: Partial<Record<'ru' | 'kk' | 'en', string[]>>) => ({ terms: { ru: [], kk: [], en: [], ...over } });

beforeAll(async () => {
  t = await createTestApp();
  seedDemoContent(t.db, t.clock.now);
  for (const row of t.db.select({ id: kbEntries.id, key: kbEntries.sampleKey }).from(kbEntries).all()) keyOf.set(row.id, row.key!);
  moderator = await createStaff(t, { roles: ['moderator'] });
  admin = await createStaff(t, { roles: ['admin'] });
  psychologist = await createStaff(t, { roles: ['psychologist'] });
});
afterAll(() => t.close());

describe('the curated synonym set', () => {
  it('is loaded at the first start, valid, and covers the topics the issue names in ru, kk and en', () => {
    const groups = listSynonymGroups(t.db);
    expect(groups.length).toBe(defaultSynonymGroups().length);
    const all = groups.flatMap((g) => [...g.terms.ru, ...g.terms.kk, ...g.terms.en]);
    for (const term of ['бессонница', 'не спится', 'ұйқысыздық', 'insomnia', 'тревога', 'мазасыздық', 'қорқыныш', 'anxiety', 'апатия', 'apathy',
      'насилие', 'домашнее насилие', 'зорлық зомбылық', 'domestic abuse', 'тоска по дому', 'сағыныш', 'homesick', 'вич', 'аитв', 'hiv', 'закладки', 'меф']) {
      expect(all, term).toContain(term);
    }
    for (const g of groups) expect(g.terms.ru.length + g.terms.kk.length + g.terms.en.length).toBeGreaterThanOrEqual(2);
  });

  it('is not loaded again once moderators have changed it, even after they removed every group', () => {
    expect(ensureDefaultSynonyms(t.db)).toEqual({ added: 0 });
    const db = openDatabase(':memory:');
    expect(ensureDefaultSynonyms(db).added).toBe(defaultSynonymGroups().length);
    for (const g of listSynonymGroups(db)) deleteSynonymGroup(db, g.id);
    expect(ensureDefaultSynonyms(db)).toEqual({ added: 0 });
    expect(listSynonymGroups(db)).toEqual([]);
    db.$client.close();
  });
});

describe('the synonyms API', () => {
  it('lets a moderator and an admin list, create, edit and delete groups, by language', async () => {
    const created = await t.call('POST', '/api/moderation/synonyms', { token: moderator.token, json: terms({ ru: ['  Зелёнка ', 'перекись'], en: ['antiseptic'] }) });
    expect(created.status).toBe(201);
    // Stored trimmed, in lower case.
    expect(created.body).toMatchObject({ terms: { ru: ['зелёнка', 'перекись'], kk: [], en: ['antiseptic'] } });
    const id = created.body.id as number;

    const kk = await t.call('GET', '/api/moderation/synonyms?language=kk', { token: admin.token });
    expect(kk.status).toBe(200);
    expect((kk.body.groups as { id: number }[]).some((g) => g.id === id)).toBe(false);
    const en = await t.call('GET', '/api/moderation/synonyms?language=en', { token: moderator.token });
    expect((en.body.groups as { id: number }[]).some((g) => g.id === id)).toBe(true);

    const edited = await t.call('PUT', `/api/moderation/synonyms/${id}`, { token: admin.token, json: terms({ ru: ['зелёнка'], kk: ['бриллиант жасылы'] }) });
    expect(edited.status).toBe(200);
    expect(edited.body).toEqual({ id, terms: { ru: ['зелёнка'], kk: ['бриллиант жасылы'], en: [] } });

    expect((await t.call('DELETE', `/api/moderation/synonyms/${id}`, { token: moderator.token })).body).toEqual({ ok: true });
    const again = await t.call('DELETE', `/api/moderation/synonyms/${id}`, { token: moderator.token });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('synonym_group_not_found');
    const stale = await t.call('PUT', `/api/moderation/synonyms/${id}`, { token: moderator.token, json: terms({ ru: ['а1', 'б2'] }) });
    expect(stale.status).toBe(404);
  });

  it('refuses other roles, no session, and malformed groups with a clear code', async () => {
    expect((await t.call('GET', '/api/moderation/synonyms', { token: psychologist.token })).body.error.code).toBe('forbidden');
    expect((await t.call('GET', '/api/moderation/synonyms')).status).toBe(401);
    const post = (json: unknown) => t.call('POST', '/api/moderation/synonyms', { token: moderator.token, json });
    for (const bad of [
      terms({ ru: ['одно'] }), // a group needs two terms
      terms({ ru: ['сон', 'Сон '] }), // the same term twice, once normalised
      terms({ en: ['x', 'sleep'] }), // too short
      terms({ en: ['sleep', 'a'.repeat(61)] }),
      terms({ en: ['sleep', '!!!'] }), // nothing searchable
      terms({ en: Array.from({ length: 31 }, (_, i) => `word${i}`) }),
      { terms: { ru: ['сон', 'бессонница'] } }, // a language missing
      {},
    ]) {
      const res = await post(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    expect((await t.call('PUT', '/api/moderation/synonyms/abc', { token: moderator.token, json: terms({ ru: ['а1', 'б2'] }) })).status).toBe(400);
    expect((await t.call('PUT', '/api/moderation/synonyms/99999999999', { token: moderator.token, json: terms({ ru: ['а1', 'б2'] }) })).status).toBe(400);
  });

  it('changes what search finds at once, without a restart', async () => {
    expect(await topKeys('полуночничаю', 'ru')).toEqual([]);
    const created = await t.call('POST', '/api/moderation/synonyms', { token: moderator.token, json: terms({ ru: ['полуночничаю', 'бессонница'] }) });
    expect((await topKeys('полуночничаю', 'ru'))[0]).toMatch(/sleep|insomnia/);
    await t.call('DELETE', `/api/moderation/synonyms/${created.body.id}`, { token: moderator.token });
    expect(await topKeys('полуночничаю', 'ru')).toEqual([]);
  });

  it('sees a group another connection (the admin CLI, a second process) added', async () => {
    const other = new Database(t.dbFile);
    other.prepare("INSERT INTO kb_synonym_groups (terms_ru, terms_kk, terms_en) VALUES ('[]', '[]', '[\"wakeful nights\", \"insomnia\"]')").run();
    other.close();
    expect((await topKeys('wakeful nights', 'en'))[0]).toMatch(/sleep/);
  });
});

describe('matching a query against the groups', () => {
  const dict = compileSynonyms([
    { id: 1, terms: { ru: ['не могу спать', 'бессонница'], kk: ['ұйқысыздық'], en: ['insomnia'] } },
    { id: 2, terms: { ru: ['тоска по дому'], kk: ['ем'], en: [] } },
  ]);
  const match = (q: string, languages: ('ru' | 'kk' | 'en')[]) => matchSynonyms(searchWords(q), dict, languages);

  it('finds a phrase in another grammatical form, longest first, and says by which language', () => {
    expect(match('не могу спать ночью', ['ru'])).toEqual([{ start: 0, end: 3, groups: [{ group: 1, via: 'ru' }] }]);
    expect(match('тоскую по дому', ['ru'])).toEqual([{ start: 0, end: 3, groups: [{ group: 2, via: 'ru' }] }]);
    expect(match('уйкысыздык', ['kk'])).toEqual([{ start: 0, end: 1, groups: [{ group: 1, via: 'kk' }] }]);
  });

  it('does not read a word of one language as another\'s term', () => {
    // «ем» is treatment in Kazakh and "I eat" in Russian.
    expect(match('почти не ем', ['ru'])).toEqual([]);
    expect(match('ем', ['kk'])).toHaveLength(1);
  });
});
