import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpoint } from '../../src/db/connection.js';
import { prepareKnowledgeBase } from '../../src/knowledge/service.js';
import { fromBase64Url } from '../../src/protocol/encoding.js';
import { solveProofOfWork } from '../../src/protocol/pow.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker, type TestAsker } from '../support/asker.js';
import { createStaff, type TestStaff } from '../support/staff.js';

// The knowledge base through the API: the whole question state machine, articles with a
// second reviewer, edits, flags, votes, tags, and who may do what.

let t: TestContext;
let asker: TestAsker;
let moderator: TestStaff;
let moderator2: TestStaff;
let psychologist: TestStaff;
let admin: TestStaff;

async function powFor(purpose: 'question' | 'identity') {
  const ch = await t.call('POST', '/api/pow/challenges', { json: { purpose } });
  return { challenge: ch.body.challenge as string, counter: solveProofOfWork(fromBase64Url(ch.body.challenge)!, ch.body.bits)! };
}

async function ask(token: string, over: Record<string, unknown> = {}) {
  return t.call('POST', '/api/kb/questions', {
    token,
    json: { title: 'Как сказать партнёру о статусе?', body: 'Мне страшно говорить партнёру о своём ВИЧ-статусе. Что делать?', language: 'ru', suggestedTags: ['plhiv', 'disclosure'], pow: await powFor('question'), ...over },
  });
}

const mod = (path: string, token: string, json?: unknown) => t.call('POST', `/api/moderation/entries/${path}`, { token, json: json ?? {} });

/** Submits, accepts, answers and publishes a question; returns its id. */
async function publishedQuestion(title = 'Как справиться с тревогой по ночам?', body = 'Каждую ночь тревога не даёт мне уснуть.'): Promise<string> {
  const q = await ask(asker.token, { title, body, suggestedTags: ['anxiety'] });
  const id = q.body.id as string;
  expect((await mod(`${id}/accept`, moderator.token, { title, body, tags: ['anxiety', 'plhiv'] })).status).toBe(200);
  expect((await mod(`${id}/answer`, psychologist.token, { answer: 'Попробуйте дыхательные упражнения и обратитесь к психологу на консультацию.' })).status).toBe(200);
  expect((await mod(`${id}/publish`, moderator.token, {})).status).toBe(200);
  return id;
}

beforeEach(async () => {
  t = await createTestApp();
  asker = await mintAsker(t);
  moderator = await createStaff(t, { roles: ['moderator'] });
  moderator2 = await createStaff(t, { roles: ['moderator'] });
  psychologist = await createStaff(t, { roles: ['psychologist'] });
  admin = await createStaff(t, { roles: ['admin'] });
});
afterEach(() => t.close());

describe('questions', () => {
  it('goes submitted → accepted (redacted) → answered → published, and the asker sees each status', async () => {
    const q = await ask(asker.token, { body: 'Мой номер +7 701 123 45 67, позвоните мне, мне страшно говорить партнёру.' });
    expect(q.status).toBe(201);
    expect(q.body.status).toBe('submitted');
    const id = q.body.id as string;

    // Not public before publication, in any read endpoint.
    expect((await t.call('GET', `/api/kb/entries/${id}`)).status).toBe(404);
    expect((await t.call('GET', '/api/kb/search?q=партнёру')).body.results.map((r: { id: string }) => r.id)).not.toContain(id);

    // The moderator sees the phone number highlighted, and cannot accept it unredacted.
    const queue = await t.call('GET', '/api/moderation/queue?queue=submitted', { token: moderator.token });
    expect(queue.body.counts.submitted).toBe(1);
    const seen = queue.body.entries[0];
    expect(seen.personalData.body).toEqual([expect.objectContaining({ kind: 'phone', text: '+7 701 123 45 67', acknowledged: false })]);
    const unredacted = await mod(`${id}/accept`, moderator.token, { title: seen.title, body: seen.body, tags: ['plhiv'] });
    expect(unredacted.status).toBe(409);
    expect(unredacted.body.error).toMatchObject({ code: 'personal_data_unresolved', issues: [{ path: 'body', code: 'phone' }] });
    expect(JSON.stringify(unredacted.body)).not.toContain('123 45 67');

    const redacted = 'Мой номер [удалено], мне страшно говорить партнёру.';
    const accepted = await mod(`${id}/accept`, moderator.token, { title: seen.title, body: redacted, tags: ['plhiv', 'disclosure'] });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', body: redacted, tags: ['disclosure', 'plhiv'] });
    // The original is gone from the database file, not kept beside the redaction.
    checkpoint(t.db);
    expect(readFileSync(t.dbFile).includes(Buffer.from('123 45 67'))).toBe(false);

    expect((await t.call('GET', '/api/kb/questions/mine', { token: asker.token })).body.questions[0].status).toBe('accepted');
    const answered = await mod(`${id}/answer`, psychologist.token, { answer: 'Это важный шаг. Подумайте, когда и где вам будет спокойнее говорить. Приходите на консультацию.' });
    expect(answered.body.status).toBe('answered');
    const published = await mod(`${id}/publish`, moderator.token, {});
    expect(published.body.status).toBe('published');

    const pub = await t.call('GET', `/api/kb/entries/${id}`);
    expect(pub.status).toBe(200);
    expect(pub.headers.get('cache-control')).toBe('public, max-age=60');
    // A search holds what someone looked for: never cached, unlike the entry itself.
    expect((await t.call('GET', '/api/kb/search?q=партнёру')).headers.get('cache-control')).toBe('no-store');
    expect(pub.body).toMatchObject({ kind: 'question', body: redacted, sample: false, helpfulCount: 0 });
    expect((await t.call('GET', '/api/kb/questions/mine', { token: asker.token })).body.questions[0].status).toBe('published');

    const log = await t.call('GET', `/api/moderation/log?entry=${id}`, { token: moderator.token });
    expect(log.body.log.map((l: { action: string }) => l.action).reverse()).toEqual(['submit', 'accept', 'answer', 'publish']);
    expect(log.body.log.find((l: { action: string }) => l.action === 'submit')).toMatchObject({ actorKind: 'asker', actorStaffId: null });
    expect(JSON.stringify(log.body)).not.toContain('123 45 67');
  });

  it('rejects with a reason code and deletes the text; the asker sees the reason', async () => {
    const id = (await ask(asker.token)).body.id;
    const res = await mod(`${id}/reject`, moderator.token, { reason: 'off_topic' });
    expect(res.body).toMatchObject({ status: 'rejected', reasonCode: 'off_topic', title: '', body: '' });
    expect((await t.call('GET', '/api/kb/questions/mine', { token: asker.token })).body.questions[0]).toMatchObject({ status: 'rejected', reasonCode: 'off_topic' });
    expect((await mod(`${id}/reject`, moderator.token, { reason: 'no_such_reason' })).status).toBe(400);

    // Rejected after acceptance: the tags and the asker's suggested tags go with the text.
    const second = (await ask(asker.token)).body.id;
    await mod(`${second}/accept`, moderator.token, { title: 'Как сказать?', body: 'Страшно говорить.', tags: ['plhiv'] });
    expect((await mod(`${second}/reject`, moderator.token, { reason: 'spam' })).body).toMatchObject({ title: '', body: '', tags: [], suggestedTags: [] });
  });

  it('merges a duplicate into a published entry', async () => {
    const target = await publishedQuestion();
    const id = (await ask(asker.token)).body.id;
    const res = await mod(`${id}/merge`, moderator.token, { into: target });
    expect(res.body).toMatchObject({ status: 'rejected', reasonCode: 'duplicate' });
    expect((await t.call('GET', '/api/kb/questions/mine', { token: asker.token })).body.questions.find((q: { id: string }) => q.id === id)).toMatchObject({ duplicateOf: target });
    const other = (await ask(asker.token)).body.id;
    expect((await mod(`${other}/merge`, moderator.token, { into: other })).status).toBe(404);
  });

  it('can be withdrawn while unpublished, not after; someone else\'s looks missing', async () => {
    const id = (await ask(asker.token)).body.id;
    const other = await mintAsker(t);
    expect((await t.call('DELETE', `/api/kb/questions/${id}`, { token: other.token })).status).toBe(404);
    expect((await t.call('DELETE', `/api/kb/questions/${id}`, { token: asker.token })).status).toBe(200);
    expect((await t.call('GET', '/api/kb/questions/mine', { token: asker.token })).body.questions).toEqual([]);
    const pub = await publishedQuestion();
    const res = await t.call('DELETE', `/api/kb/questions/${pub}`, { token: asker.token });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('invalid_transition');
  });

  it('needs a proof of work, a session, known tags and sane sizes', async () => {
    expect((await ask(asker.token, { pow: { challenge: 'AAAA', counter: 1 } })).body.error.code).toBe('invalid_proof_of_work');
    expect((await t.call('POST', '/api/kb/questions', { token: asker.token, json: {} })).status).toBe(400);
    const noToken = await t.call('POST', '/api/kb/questions', { json: { title: 'Вопрос о сне', body: 'Не могу спать уже месяц.', language: 'ru', pow: await powFor('question') } });
    expect(noToken.status).toBe(401);
    expect((await ask(asker.token, { suggestedTags: ['no-such-tag'] })).body.error.code).toBe('unknown_tag');
    expect((await ask(asker.token, { body: 'x'.repeat(4001) })).body.error).toMatchObject({ code: 'invalid_input', issues: [{ path: 'body', code: 'too_big' }] });
    expect((await ask(asker.token, { language: 'de' })).status).toBe(400);
    expect((await t.call('GET', '/api/moderation/queue', { token: moderator.token })).body.counts.submitted).toBe(0);
  });

  it('goes with the identity when the asker erases everything, unless published', async () => {
    const pending = (await ask(asker.token)).body.id;
    const pub = await publishedQuestion();
    expect((await t.call('DELETE', '/api/identities/me', { token: asker.token })).status).toBe(200);
    expect((await t.call('GET', `/api/moderation/entries/${pending}`, { token: moderator.token })).status).toBe(404);
    expect((await t.call('GET', `/api/kb/entries/${pub}`)).status).toBe(200);
  });

  it('returns an answer to the psychologist, who redrafts it', async () => {
    const q = await ask(asker.token);
    const id = q.body.id;
    await mod(`${id}/accept`, moderator.token, { title: 'Как сказать партнёру о статусе?', body: 'Мне страшно говорить партнёру.', tags: ['disclosure'] });
    await mod(`${id}/answer`, psychologist.token, { answer: 'Первый вариант ответа, который нужно улучшить.' });
    const back = await mod(`${id}/return`, moderator.token, { reason: 'needs_changes' });
    expect(back.body).toMatchObject({ status: 'accepted', reasonCode: 'needs_changes' });
    const queue = await t.call('GET', '/api/moderation/queue?queue=accepted', { token: psychologist.token });
    expect(queue.body.entries.map((e: { id: string }) => e.id)).toContain(id);
    expect((await mod(`${id}/answer`, psychologist.token, { answer: 'Второй, более бережный вариант ответа с приглашением на консультацию.' })).body.status).toBe('answered');
  });

  it('refuses to publish an answer with unresolved personal data unless acknowledged', async () => {
    const id = (await ask(asker.token)).body.id;
    await mod(`${id}/accept`, moderator.token, { title: 'Как сказать партнёру о статусе?', body: 'Мне страшно говорить партнёру.', tags: ['disclosure'] });
    await mod(`${id}/answer`, psychologist.token, { answer: 'Напишите нам на help@example.org, и мы ответим вам лично.' });
    const refused = await mod(`${id}/publish`, moderator.token, {});
    expect(refused.body.error).toMatchObject({ code: 'personal_data_unresolved', issues: [{ path: 'answer', code: 'email' }] });
    const ok = await mod(`${id}/publish`, moderator.token, { acknowledge: ['help@example.org'] });
    expect(ok.body.status).toBe('published');
  });

  it('bulk-rejects a spam wave and bulk-accepts clean questions', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await ask(asker.token, { title: `Купить дешево ${i}`, body: 'Реклама реклама реклама.' })).body.id);
    const clean = (await ask(asker.token, { title: 'Не могу уснуть', body: 'Уже месяц плохо сплю после диагноза.' })).body.id;
    const dirty = (await ask(asker.token, { title: 'Помогите', body: 'Пишите мне: someone@mail.ru' })).body.id;
    const rej = await t.call('POST', '/api/moderation/bulk', { token: moderator.token, json: { ids, action: 'reject', reason: 'spam' } });
    expect(rej.body.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    const acc = await t.call('POST', '/api/moderation/bulk', { token: moderator.token, json: { ids: [clean, dirty, ids[0]], action: 'accept' } });
    expect(acc.body.results).toEqual([
      { id: clean, ok: true, code: null },
      { id: dirty, ok: false, code: 'personal_data_unresolved' },
      { id: ids[0], ok: false, code: 'invalid_transition' },
    ]);
    expect((await t.call('POST', '/api/moderation/bulk', { token: moderator.token, json: { ids, action: 'reject' } })).status).toBe(400);
  });
});

describe('permissions', () => {
  it('an asker cannot moderate; a psychologist cannot reject; a moderator cannot answer', async () => {
    const id = (await ask(asker.token)).body.id;
    expect((await mod(`${id}/reject`, asker.token, { reason: 'spam' })).status).toBe(403);
    expect((await t.call('GET', '/api/moderation/queue', { token: asker.token })).status).toBe(403);
    expect((await mod(`${id}/reject`, psychologist.token, { reason: 'spam' })).status).toBe(403);
    expect((await mod(`${id}/accept`, psychologist.token, { title: 'Заголовок вопроса', body: 'Текст вопроса для проверки.', tags: [] })).status).toBe(403);
    expect((await t.call('GET', '/api/moderation/queue?queue=submitted', { token: psychologist.token })).status).toBe(403);
    expect((await mod(`${id}/answer`, moderator.token, { answer: 'Ответ модератора, которого быть не должно.' })).status).toBe(403);
    expect((await mod(`${id}/reject`, '', { reason: 'spam' })).status).toBe(401);
    // A psychologist cannot even see a question before a moderator accepted it.
    expect((await t.call('GET', `/api/moderation/entries/${id}`, { token: psychologist.token })).status).toBe(404);
  });

  it('a moderator cannot publish their own unreviewed article; a second staff member can', async () => {
    const both = await createStaff(t, { roles: ['moderator', 'psychologist'] });
    const art = await t.call('POST', '/api/articles', { token: both.token, json: { language: 'en', title: 'Sleep after a diagnosis', body: 'Sleep often suffers after hard news. '.repeat(6), tags: ['sleep'] } });
    expect(art.status).toBe(201);
    const id = art.body.id;
    expect((await mod(`${id}/publish`, both.token, {})).body.error.code).toBe('invalid_transition'); // still a draft
    expect((await t.call('POST', `/api/articles/${id}/submit`, { token: moderator.token })).status).toBe(404); // not the author's
    expect((await t.call('POST', `/api/articles/${id}/submit`, { token: both.token })).body.status).toBe('in_review');
    expect((await mod(`${id}/publish`, both.token, {})).body.error.code).toBe('review_by_author');
    expect((await mod(`${id}/publish`, psychologist.token, {})).status).toBe(404);
    expect((await mod(`${id}/publish`, moderator.token, {})).body.status).toBe('published');
    expect((await t.call('GET', `/api/kb/entries/${id}`)).body.kind).toBe('article');
  });

  it('a psychologist cannot publish the answer they drafted even as a moderator', async () => {
    const both = await createStaff(t, { roles: ['moderator', 'psychologist'] });
    const id = (await ask(asker.token)).body.id;
    await mod(`${id}/accept`, moderator.token, { title: 'Как сказать партнёру о статусе?', body: 'Мне страшно говорить партнёру.', tags: ['disclosure'] });
    await mod(`${id}/answer`, both.token, { answer: 'Ответ, написанный психологом, который также модератор.' });
    expect((await mod(`${id}/publish`, both.token, {})).body.error.code).toBe('review_by_author');
  });
});

describe('published entries', () => {
  it('are edited through a second review, and retired', async () => {
    const id = await publishedQuestion();
    const edit = { title: 'Как справиться с тревогой ночью?', body: 'Каждую ночь тревога не даёт мне уснуть.', answer: 'Обновлённый ответ: дыхание, режим сна и консультация психолога.' };
    expect((await mod(`${id}/revision`, psychologist.token, edit)).status).toBe(200);
    // A published answer is a psychologist's: a moderator may not propose a different one.
    expect((await mod(`${id}/revision`, moderator.token, edit)).body.error.code).toBe('forbidden');
    expect((await mod(`${id}/revision`, psychologist.token, edit)).body.error.code).toBe('revision_pending');
    expect((await t.call('GET', `/api/kb/entries/${id}`)).body.title).toBe('Как справиться с тревогой по ночам?');
    expect((await t.call('GET', '/api/moderation/queue?queue=revisions', { token: moderator.token })).body.counts.revisions).toBe(1);
    const approved = await mod(`${id}/revision/decision`, moderator.token, { decision: 'approve' });
    expect(approved.body.title).toBe(edit.title);
    expect((await t.call('GET', `/api/kb/entries/${id}`)).body.answer).toBe(edit.answer);
    expect((await t.call('GET', '/api/kb/search?q=обновлённый')).body.results[0].id).toBe(id);

    await mod(`${id}/revision`, moderator.token, edit);
    expect((await mod(`${id}/revision/decision`, moderator.token, { decision: 'approve' })).body.error.code).toBe('review_by_author');
    expect((await mod(`${id}/revision/decision`, moderator2.token, { decision: 'reject' })).status).toBe(200);

    expect((await mod(`${id}/retire`, moderator.token, { reason: 'outdated' })).body.status).toBe('retired');
    expect((await t.call('GET', `/api/kb/entries/${id}`)).status).toBe(404);
    expect((await t.call('GET', '/api/kb/search?q=тревогой')).body.results).toEqual([]);
  });

  it('leave the public index after enough flags until a moderator decides', async () => {
    const id = await publishedQuestion();
    for (let i = 0; i < t.config.FLAG_THRESHOLD; i++) {
      const reader = i === 0 ? asker : await mintAsker(t);
      expect((await t.call('POST', `/api/kb/entries/${id}/flags`, { token: reader.token, json: { reason: 'harmful' } })).status).toBe(200);
      // The same reader twice counts once.
      await t.call('POST', `/api/kb/entries/${id}/flags`, { token: reader.token, json: { reason: 'harmful' } });
      if (i < t.config.FLAG_THRESHOLD - 1) expect((await t.call('GET', `/api/kb/entries/${id}`)).status).toBe(200);
    }
    expect((await t.call('GET', `/api/kb/entries/${id}`)).status).toBe(404);
    expect((await t.call('GET', '/api/kb/search?q=тревогой')).body.results).toEqual([]);
    const flagged = await t.call('GET', '/api/moderation/queue?queue=flagged', { token: moderator.token });
    expect(flagged.body.entries[0]).toMatchObject({ id, hidden: true, flags: [{ reason: 'harmful', count: t.config.FLAG_THRESHOLD }] });
    expect((await mod(`${id}/flags`, moderator.token, { decision: 'keep' })).body.hidden).toBe(false);
    expect((await t.call('GET', '/api/kb/search?q=тревогой')).body.results[0].id).toBe(id);
    expect((await t.call('GET', '/api/moderation/log?entry=' + id, { token: moderator.token })).body.log.map((l: { action: string }) => l.action)).toContain('hide_flagged');
  });

  it('count one helpful vote per identity, stored without the identity', async () => {
    const id = await publishedQuestion();
    expect((await t.call('PUT', `/api/kb/entries/${id}/helpful`, { token: asker.token })).body).toEqual({ helpfulCount: 1, counted: true });
    expect((await t.call('PUT', `/api/kb/entries/${id}/helpful`, { token: asker.token })).body).toEqual({ helpfulCount: 1, counted: false });
    const other = await mintAsker(t);
    expect((await t.call('PUT', `/api/kb/entries/${id}/helpful`, { token: other.token })).body.helpfulCount).toBe(2);
    expect((await t.call('PUT', `/api/kb/entries/${id}/helpful`)).status).toBe(401);
    expect((await t.call('GET', `/api/kb/entries/${id}`)).body.helpfulCount).toBe(2);
    const votes = t.db.$client.prepare('SELECT * FROM kb_votes').all() as Record<string, unknown>[];
    expect(votes).toHaveLength(2);
    expect(JSON.stringify(votes)).not.toContain(asker.identityId);
    expect(t.db.$client.prepare('SELECT count(*) AS n FROM kb_votes WHERE instr(voter_hash, ?) > 0').get(Buffer.from(asker.identityId))).toEqual({ n: 0 });
  });

  it('are browsed by tag and language', async () => {
    const id = await publishedQuestion();
    const byTag = await t.call('GET', '/api/kb/entries?tag=anxiety&language=ru');
    expect(byTag.body).toMatchObject({ total: 1, entries: [{ id, tags: ['anxiety', 'plhiv'] }] });
    expect((await t.call('GET', '/api/kb/entries?tag=anxiety&tag=sleep')).body.total).toBe(0);
    expect((await t.call('GET', '/api/kb/entries?language=en')).body.total).toBe(0);
    expect((await t.call('GET', '/api/kb/entries?tag=Not_A_Slug')).status).toBe(400);
  });
});

describe('tags and the moderation log', () => {
  it('admins add, rename and merge tags; others may not', async () => {
    const tag = { slug: 'housing', kind: 'topic', labels: { ru: 'Жильё', kk: 'Тұрғын үй', en: 'Housing' } };
    expect((await t.call('POST', '/api/admin/tags', { token: moderator.token, json: tag })).status).toBe(403);
    expect((await t.call('POST', '/api/admin/tags', { token: admin.token, json: tag })).status).toBe(201);
    expect((await t.call('POST', '/api/admin/tags', { token: admin.token, json: tag })).body.error.code).toBe('tag_exists');
    const renamed = await t.call('PUT', '/api/admin/tags/housing', { token: admin.token, json: { labels: { ...tag.labels, en: 'Housing and shelter' } } });
    expect(renamed.body.labels.en).toBe('Housing and shelter');

    const id = await publishedQuestion();
    await t.call('PUT', `/api/moderation/entries/${id}/tags`, { token: moderator.token, json: { tags: ['housing', 'anxiety'] } });
    const merged = await t.call('POST', '/api/admin/tags/housing/merge', { token: admin.token, json: { into: 'work-money' } });
    expect(merged.body.slug).toBe('work-money');
    expect((await t.call('GET', `/api/kb/entries/${id}`)).body.tags).toEqual(['anxiety', 'work-money']);
    expect((await t.call('POST', '/api/admin/tags/anxiety/merge', { token: admin.token, json: { into: 'plhiv' } })).status).toBe(400);
    const tags = await t.call('GET', '/api/kb/tags');
    expect(tags.body.tags.some((x: { slug: string }) => x.slug === 'housing')).toBe(false);
    expect(tags.body.tags.filter((x: { kind: string }) => x.kind === 'population')).toHaveLength(9);
  });

  it('admin place words are flagged by the detector', async () => {
    expect((await t.call('POST', '/api/admin/pii-words', { token: admin.token, json: { words: ['Клиника Добрая'] } })).body.words).toEqual(['Клиника Добрая']);
    const id = (await ask(asker.token, { body: 'Я лечусь в Клиника Добрая и боюсь, что узнают.' })).body.id;
    const entry = await t.call('GET', `/api/moderation/entries/${id}`, { token: moderator.token });
    expect(entry.body.personalData.body.map((s: { kind: string }) => s.kind)).toContain('place');
  });

  it('the log refuses updates and deletes, even from the service\'s own connection', async () => {
    await ask(asker.token);
    expect(() => t.db.$client.prepare("UPDATE moderation_log SET action = 'x'").run()).toThrow(/append-only/);
    expect(() => t.db.$client.prepare('DELETE FROM moderation_log').run()).toThrow(/append-only/);
  });
});

describe('at start (prepareKnowledgeBase)', () => {
  it('rebuilds search indexes built by another version, keeping every published entry findable', async () => {
    const id = await publishedQuestion();
    const before = (await t.call('GET', '/api/kb/search?q=тревогой')).body.results.map((r: { id: string }) => r.id);
    expect(before).toContain(id);
    // As an older release left them: another format version, and no vocabulary counts.
    t.db.$client.exec("UPDATE kb_index_state SET version = 0; DELETE FROM kb_terms; INSERT INTO kb_terms_trigrams(kb_terms_trigrams) VALUES ('delete-all');");
    expect(prepareKnowledgeBase(t.db, t.pepper).reindexed).toBe(true);
    expect((await t.call('GET', '/api/kb/search?q=тревогой')).body.results.map((r: { id: string }) => r.id)).toEqual(before);
    expect(t.db.$client.prepare("SELECT docs FROM kb_terms WHERE term = 'тревогой'").get()).toEqual({ docs: 1 });
    // Typo correction works through the rebuilt vocabulary.
    expect((await t.call('GET', '/api/kb/search?q=тревогоы')).body.results.map((r: { id: string }) => r.id)).toContain(id);
    expect(prepareKnowledgeBase(t.db, t.pepper).reindexed).toBe(false);
  });

  it('unlinks questions published by an older release from their asker, who still sees them', async () => {
    const id = await publishedQuestion();
    t.db.$client.prepare('UPDATE kb_entries SET asker_id = ?, asker_ref = NULL WHERE id = ?').run(asker.identityId, id);
    expect(prepareKnowledgeBase(t.db, t.pepper).unlinked).toBe(1);
    expect(t.db.$client.prepare('SELECT asker_id AS a FROM kb_entries WHERE id = ?').get(id)).toEqual({ a: null });
    expect((await t.call('GET', '/api/kb/questions/mine', { token: asker.token })).body.questions.map((q: { id: string }) => q.id)).toEqual([id]);
    // Someone else's identity does not see it.
    const other = await mintAsker(t);
    expect((await t.call('GET', '/api/kb/questions/mine', { token: other.token })).body.questions).toEqual([]);
  });
});
