import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AskerClient, StaffClient, type StaffClientOptions } from '../../src/client/index.js';
import { suppress } from '../../src/impact/suppression.js';
import { LANGUAGES } from '../../src/protocol/api/common.js';
import { IMPACT_TOPICS, impactReport, type ImpactReport } from '../../src/protocol/api/impact.js';
import { MANIFEST_DEFAULT_VALIDITY_MS } from '../../src/protocol/manifest.js';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { installManifest } from '../support/manifest.js';
import { testOrgKey } from '../support/server.js';
import { CHEAP_KDF, createStaff } from '../support/staff.js';

// The impact report's counting against a scripted scenario, through the real app: public pages
// visited from several networks and browsers over two days, consultations opened, taken and
// answered through the SDK (one returned to the pool and taken again), a case brought to a
// supervisor, questions submitted and an answer published. The exact counts are read from the
// database once the hourly write has run; the report, its CSV and its HTML must carry the same
// counts suppressed, with the complementary case on live data (visits: en 2 is "<5", so kk 5 is
// hidden too, or the total 20 would give the 2 away).

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;
const org = await testOrgKey();
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

let t: TestContext;
beforeEach(async () => {
  t = await createTestApp({ ORG_PUBLIC_KEY: toBase64Url(org.publicKey), TRUST_PROXY: { kind: 'hops', hops: 1 } });
  // The first of this month, 09:00 UTC: both scenario days fall in one calendar month.
  const now = new Date();
  t.clock.now = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 9);
});
afterEach(() => t.close());

const sdk = (): StaffClientOptions => ({
  baseUrl: 'http://tynys.test', orgPublicKey: org.publicKey, minKdf: CHEAP_KDF,
  fetch: async (input, init) => t.app.request(input instanceof Request ? input : String(input), init),
});
const BROWSER = 'Mozilla/5.0 (Android 14; Mobile) Firefox/128.0';
const visit = async (path: string, address: string, userAgent = BROWSER, method = 'GET') => {
  const res = await t.app.request(path, { method, headers: { 'x-forwarded-for': address, 'user-agent': userAgent } });
  return res.status;
};

/** The exact counts the scenario must produce, summed over its two days: metric → "language topic" → count. */
const EXPECTED: Record<string, Record<string, number>> = {
  visits: { 'ru none': 13, 'kk none': 5, 'en none': 2 },
  visitors: { 'ru none': 7, 'kk none': 5, 'en none': 1 },
  consultations_opened: { 'ru anxiety': 5, 'ru sleep': 1, 'kk grief': 2 },
  consultations_taken: { 'ru anxiety': 5, 'ru sleep': 1, 'kk grief': 1 },
  consultations_answered: { 'ru anxiety': 5, 'kk grief': 1 },
  'reply_lt1h': { 'ru none': 3 },
  'reply_1h-4h': { 'ru none': 2 },
  'reply_4h-12h': { 'kk none': 1 },
  questions_submitted: { 'ru anxiety': 5, 'kk none': 1 },
  answers_published: { 'ru treatment-adherence': 1 },
  cases_opened: { 'ru stigma': 1 },
  cases_answered: { 'ru stigma': 1 },
};

/** The published table the report must show for a metric: the expected counts, suppressed. */
function expectedTable(metric: string, topical: boolean) {
  const counts = EXPECTED[metric] ?? {};
  const topics = topical ? IMPACT_TOPICS.filter((topic) => LANGUAGES.some((l) => counts[`${l} ${topic}`])) : ['none' as const];
  const s = suppress(topics.map((topic) => LANGUAGES.map((l) => counts[`${l} ${topic}`] ?? 0)));
  const byLanguage = <T,>(xs: T[]) => ({ ru: xs[0], kk: xs[1], en: xs[2] });
  return { rows: topics.map((topic, r) => ({ topic, counts: byLanguage(s.cells[r]!), total: s.rowTotals[r] })), totals: byLanguage(s.colTotals), total: s.total };
}

describe('impact report: a scripted scenario', () => {
  it('counts visits, visitors, consultations, questions, answers and cases, and reports them suppressed', async () => {
    const day1 = t.clock.now;
    // Staff: an admin, a moderator, two ru psychologists and a kk one, a supervisor; one signed manifest lists them.
    const admin = await createStaff(t, { roles: ['admin'] });
    const moderator = await createStaff(t, { roles: ['moderator'] });
    const psyRu = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
    const psyRu2 = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
    const psyKk = await createStaff(t, { roles: ['psychologist'], languages: ['kk'] });
    const supervisor = await createStaff(t, { roles: ['supervisor'], languages: ['ru'] });
    installManifest({ db: t.db, sodium: t.sodium, org }, { issuedAt: t.clock.now, expiresAt: Date.now() + MANIFEST_DEFAULT_VALIDITY_MS });
    const [ru, ru2, kk, sup] = await Promise.all([psyRu, psyRu2, psyKk, supervisor].map((s) => StaffClient.login(sdk(), s.login, s.passphrase))) as [StaffClient, StaffClient, StaffClient, StaffClient];

    // Day 1, public pages. ru: six visitors, each on two pages; kk: five visitors, one page each;
    // en: one visitor on two pages. Not counted: a crawler, the staff console's page, a page that
    // does not exist, a HEAD, the API and a static file.
    for (let i = 1; i <= 6; i++) {
      expect(await visit('/ru/', `192.0.2.${i}`)).toBe(200);
      expect(await visit('/ru/browse', `192.0.2.${i}`)).toBe(200);
    }
    for (let i = 1; i <= 5; i++) expect(await visit('/kk/', `198.51.100.${i}`)).toBe(200);
    expect(await visit('/en/', '203.0.113.9')).toBe(200);
    expect(await visit('/en/search', '203.0.113.9')).toBe(200);
    expect(await visit('/ru/', '192.0.2.50', 'Mozilla/5.0 (compatible; Googlebot/2.1)')).toBe(200);
    expect(await visit('/ru/staff', '192.0.2.51')).toBe(200);
    expect(await visit('/ru/no-such-page', '192.0.2.52')).toBe(404);
    expect(await visit('/ru/', '192.0.2.53', BROWSER, 'HEAD')).toBe(200);
    expect(await visit('/api/kb/tags', '192.0.2.54')).toBe(200);

    // Consultations: five ru about anxiety, one ru about sleep, two kk about grief.
    const askers = await Promise.all(Array.from({ length: 8 }, async () => (await AskerClient.create(sdk())).client));
    const topics = ['anxiety', 'anxiety', 'anxiety', 'anxiety', 'anxiety', 'sleep', 'grief', 'grief'] as const;
    const threads: string[] = [];
    for (const [i, asker] of askers.entries()) {
      threads.push(await asker.openConsultation({ topic: topics[i]!, language: i < 6 ? 'ru' : 'kk', urgency: 'soon', intake: { populations: [], note: 'Здравствуйте' } }));
    }
    t.clock.now += 5 * MIN;
    for (const id of threads.slice(0, 6)) await ru.claim(id);
    await kk.claim(threads[6]!);
    // The sleep thread goes back to the pool and a colleague takes it: taken once.
    await askers[5]!.returnToPool(threads[5]!);
    await ru2.claim(threads[5]!);
    // First replies after 10, 20 and 50 minutes, 2 and 3 hours (ru), 5 hours (kk); a second
    // reply and the asker's own messages are not first replies.
    for (const [i, wait] of [10 * MIN, 20 * MIN, 50 * MIN, 2 * HOUR, 3 * HOUR].entries()) {
      t.clock.now = day1 + wait;
      await askers[i]!.send(threads[i]!, 'Мне тревожно.');
      await ru.send(threads[i]!, 'Я вас слышу.');
    }
    await ru.send(threads[0]!, 'Расскажите больше.');
    t.clock.now = day1 + 5 * HOUR;
    await kk.send(threads[6]!, 'Сізді тыңдап отырмын.');

    // Questions: five ru about anxiety, one kk without a tag; one is answered and published
    // with the tag 'adherence' (the report's topic 'treatment-adherence').
    const questions: Awaited<ReturnType<AskerClient['askQuestion']>>[] = [];
    for (const [i, asker] of askers.slice(0, 5).entries()) {
      questions.push(await asker.askQuestion({ title: `Как справиться с тревогой ${i}?`, body: 'Тревога мешает мне спать и работать.', language: 'ru', suggestedTags: ['anxiety'] }));
    }
    await askers[6]!.askQuestion({ title: 'Қалай сөйлесемін?', body: 'Дәрігермен сөйлесуге ұяламын.', language: 'kk', suggestedTags: [] });
    const mod = (path: string, token: string, json: unknown = {}) => t.call('POST', `/api/moderation/entries/${questions[0]!.id}/${path}`, { token, json });
    expect((await mod('accept', moderator.token, { title: questions[0]!.title, body: 'Тревога мешает мне спать и работать.', tags: ['adherence'] })).status).toBe(200);
    expect((await mod('answer', psyRu.token, { answer: 'Попробуйте дыхательные упражнения и обратитесь к психологу.' })).status).toBe(200);
    expect((await mod('publish', moderator.token)).status).toBe(200);

    // A case: the ru psychologist brings one to supervision; the supervisor takes it and answers.
    const caseId = await ru.openCase({ topic: 'stigma', language: 'ru', urgency: 'routine' });
    await sup.claim(caseId);
    await sup.send(caseId, 'Давайте разберём этот случай.');

    // Day 2: the first ru visitor comes back (a new day: a visitor again).
    t.clock.now = day1 + DAY;
    expect(await visit('/ru/', '192.0.2.1')).toBe(200);

    // The report an admin reads: the expected counts, suppressed.
    const from = isoDay(day1);
    const to = isoDay(day1 + DAY);
    const res = await t.call('GET', `/api/admin/impact/report?from=${from}&to=${to}`, { token: admin.token });
    expect(res.status).toBe(200);
    const report: ImpactReport = impactReport.parse(res.body);
    expect([report.from, report.to]).toEqual([from, to]);
    const tableOf = (metric: string) => report.metrics.find((m) => m.metric === metric)!.table;
    for (const metric of Object.keys(EXPECTED).filter((m) => !m.startsWith('reply_'))) {
      expect(tableOf(metric), metric).toEqual(expectedTable(metric, !['visits', 'visitors'].includes(metric)));
    }
    // The complementary case on live data.
    expect(tableOf('visits').rows).toEqual([{ topic: 'none', counts: { ru: 13, kk: 'hidden', en: '<5' }, total: 20 }]);
    // Visitors 7, 5, 1 of 13: with only the 5 hidden, 1..4 and "5 or more" summing to 6 would
    // pin the 1, so the 7 goes too.
    expect(tableOf('visitors').rows).toEqual([{ topic: 'none', counts: { ru: 'hidden', kk: 'hidden', en: '<5' }, total: 13 }]);
    expect(tableOf('consultations_opened').total).toBe(8);
    expect(tableOf('questions_submitted').totals).toEqual({ ru: 5, kk: '<5', en: 0 });
    expect(report.medianReply).toEqual({ ru: 'lt1h', kk: null, en: null, all: 'lt1h' });
    expect(tableOf('webinars_held').total).toBe(0); // no webinar in this scenario (test/api/webinars.test.ts runs one through)

    // The CSV and the HTML carry the same published values, never a true small count.
    const csv = await t.app.request(`/api/admin/impact/report/csv?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="tynys-impact-${from}-${to}.csv"`);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe('from,to,metric,topic,ru,kk,en,total');
    expect(lines).toContain(`${from},${to},visits,none,13,hidden,<5,20`);
    expect(lines).toContain(`${from},${to},median_first_reply,none,lt1h,,,lt1h`);
    const html = await (await t.app.request(`/api/admin/impact/report/html?from=${from}&to=${to}&lang=en`, { headers: { authorization: `Bearer ${admin.token}` } })).text();
    const visits = html.slice(html.indexOf('data-metric="visits"><h4'), html.indexOf('data-metric="visitors"><h4'));
    expect(visits).toContain('role="img"');
    expect(visits).toMatch(/<title id="impact-chart-visits-t">Visits to public pages by language<\/title>/);
    expect(visits).toContain('Русский 13; Қазақша hidden; English fewer than 5');
    expect(visits).toContain('<td>&lt;5</td>');
    expect(visits).not.toMatch(/<td>2<\/td>|<td>5<\/td>/);

    // Stored: once the hour has ended and the timer has written, one row per day, metric,
    // language and topic, with exactly the scenario's counts; nothing else.
    t.clock.now += HOUR;
    t.impact.flushIfDue();
    const sqlite = t.db.$client;
    expect(sqlite.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all('impact_counts')).toEqual(['day', 'metric', 'language', 'topic', 'count']);
    const rows = sqlite.prepare('SELECT day, metric, language, topic, count FROM impact_counts').all() as { day: number; metric: string; language: string; topic: string; count: number }[];
    expect(new Set(rows.map((r) => r.day))).toEqual(new Set([Math.floor(day1 / DAY), Math.floor(day1 / DAY) + 1]));
    const stored: Record<string, Record<string, number>> = {};
    for (const r of rows) (stored[r.metric] ??= {})[`${r.language} ${r.topic}`] = (stored[r.metric]?.[`${r.language} ${r.topic}`] ?? 0) + r.count;
    expect(stored).toEqual(EXPECTED);
    // Day 2 holds only the returning visitor.
    expect(rows.filter((r) => r.day === Math.floor(day1 / DAY) + 1).map((r) => `${r.metric} ${r.language} ${r.count}`).sort()).toEqual(['visitors ru 1', 'visits ru 1']);
    // Neither an address nor a user agent reached the logs.
    expect(t.logs.join('\n')).not.toMatch(/192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|Firefox/);
  });

  it('answers only admins, refuses a bad period with a code, and keeps the public page off until an admin turns it on', async () => {
    const admin = await createStaff(t, { roles: ['admin'] });
    const psy = await createStaff(t, { roles: ['psychologist'] });
    expect((await t.call('GET', '/api/admin/impact/report')).status).toBe(401);
    expect((await t.call('GET', '/api/admin/impact/report', { token: psy.token })).status).toBe(403);
    expect((await t.call('PUT', '/api/admin/impact/settings', { token: psy.token, json: { publicPage: true } })).status).toBe(403);
    for (const query of ['from=2025-01-01', 'from=2025-02-30&to=2025-03-01', 'from=2025-03-02&to=2025-03-01', 'preset=month&from=2025-01-01&to=2025-01-02', 'preset=decade', 'from=2000-01-01&to=2025-01-01']) {
      const res = await t.call('GET', `/api/admin/impact/report?${query}`, { token: admin.token });
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, 'invalid_input']);
    }
    for (const preset of ['last-5-weeks', 'month', 'quarter', 'year']) {
      const res = await t.call('GET', `/api/admin/impact/report?preset=${preset}`, { token: admin.token });
      expect(res.status).toBe(200);
      // Nothing counted yet: every table is whole, with zero totals (the contract's shape).
      const report = impactReport.parse(res.body);
      expect(report.metrics.map((m) => m.table.total)).toEqual(report.metrics.map(() => 0));
      expect(report.metrics.find((m) => m.metric === 'consultations_opened')!.table).toEqual({ rows: [], totals: { ru: 0, kk: 0, en: 0 }, total: 0 });
    }

    // One count last month, so that a whole past month has figures.
    t.clock.now -= 3 * DAY;
    expect(await visit('/ru/', '192.0.2.1')).toBe(200);
    t.clock.now += 3 * DAY;
    t.impact.flushIfDue();
    expect((await t.call('GET', '/api/admin/impact/settings', { token: admin.token })).body).toEqual({ publicPage: false });
    expect((await t.app.request('/ru/impact')).status).toBe(404);
    expect((await t.call('PUT', '/api/admin/impact/settings', { token: admin.token, json: { publicPage: true } })).body).toEqual({ publicPage: true });
    const page = await t.app.request('/en/impact');
    expect(page.status).toBe(200);
    const text = await page.text();
    const month = isoDay(t.clock.now - 3 * DAY).slice(0, 7);
    expect(text).toContain(new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`)));
    expect(text).toContain('<svg class="chart"');
    // Only whole past months: the running month, a future one and nonsense are not pages.
    expect((await t.app.request(`/en/impact?month=${isoDay(t.clock.now).slice(0, 7)}`)).status).toBe(404);
    expect((await t.app.request('/en/impact?month=2999-01')).status).toBe(404);
    expect((await t.app.request('/en/impact?month=March')).status).toBe(404);
    expect((await t.app.request(`/en/impact?month=${month}`)).status).toBe(200);
    expect((await t.call('PUT', '/api/admin/impact/settings', { token: admin.token, json: { publicPage: false } })).body).toEqual({ publicPage: false });
    expect((await t.app.request('/en/impact')).status).toBe(404);
  });
});
