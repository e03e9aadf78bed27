import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AskerClient, StaffClient, type StaffClientOptions } from '../../src/client/index.js';
import { GRANULARITY_MS, TIME_COLUMNS, dayNumber, type Granularity, type TimeColumn, type TimeColumnName } from '../../src/db/time-granularity.js';
import { MANIFEST_DEFAULT_VALIDITY_MS, signManifest } from '../../src/protocol/manifest.js';
import { importManifest, proposeManifest } from '../../src/staff/ceremony.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { testOrgKey } from '../support/server.js';
import { CHEAP_KDF, createStaff } from '../support/staff.js';

// DESIGN.md §2.9: every time column has a declared granularity (src/db/time-granularity.ts), and
// what is stored is no finer. The database is filled through the API and the SDK at times that
// fall on no hour, minute or second, then every time column of every table of the live schema is
// read against the declaration. A time column nobody declared fails here.

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Columns holding what an asker causes outside their own thread: an hour at the finest. */
const ASKER_CAUSED: TimeColumnName[] = [
  'identities.created_day', 'identities.last_seen_day', 'sessions.created_at', 'sessions.last_used_at', 'sessions.expires_at',
  'kb_entries.created_at', 'kb_entries.updated_at', 'kb_entries.published_at', 'kb_flags.created_at', 'moderation_log.at',
];
const RANK: Record<Granularity, number> = { ms: 0, minute: 1, hour: 2, day: 3 };

let t: TestContext;
// The organisation key the server pins (it counts only entries signed by it as staff).
const org = await testOrgKey();
beforeEach(async () => { t = await createTestApp({ DEMO_CONTENT: true, ORG_PUBLIC_KEY: toBase64Url(org.publicKey) }); });
afterEach(() => t.close());

/** Every column of every table whose name says it is a time (`at`, `…_at`, `…_day`), as `table.column`. */
function liveTimeColumns(): string[] {
  const sqlite = t.db.$client;
  const tables = sqlite.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  return tables.flatMap((table) => (sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[])
    .filter((column) => /(^|_)(at|day)$/.test(column)).map((column) => `${table}.${column}`)).sort();
}

function conforms(declared: TimeColumn, value: number, now: number): boolean {
  if (!Number.isSafeInteger(value)) return false;
  if (declared.unit === 'day-number') return Math.abs(value - dayNumber(now)) <= 2;
  return value % GRANULARITY_MS[declared.granularity] === 0;
}

/** An odd step: acts land on no second, minute or hour, so an unrounded write shows. */
const tick = () => { t.clock.now += 7 * MINUTE + 1_237; };

/** The SDK over the test app (the test's clock, no network). */
function sdkOptions(org: Uint8Array): StaffClientOptions {
  return { baseUrl: 'http://tynys.test', orgPublicKey: org, minKdf: CHEAP_KDF, fetch: async (input, init) => t.app.request(input instanceof Request ? input : String(input), init) };
}

describe('time columns', () => {
  it('are all declared, and every declaration names a live column', () => {
    expect(liveTimeColumns()).toEqual(Object.keys(TIME_COLUMNS).sort());
  });

  it('hold what an asker causes outside their thread no finer than an hour', () => {
    for (const column of ASKER_CAUSED) expect([column, RANK[TIME_COLUMNS[column].granularity]]).toEqual([column, expect.toSatisfy((r: number) => r >= RANK.hour)]);
  });

  it('store every value no finer than declared, in a database filled through the API', async () => {
    t.clock.now = Math.floor(t.clock.now / DAY) * DAY + DAY + 9 * HOUR + 17 * MINUTE + 23_456;
    const options = sdkOptions(org.publicKey);

    // Staff: an admin, two moderators, a psychologist (with an SDK session too); a pending invite; a detector word.
    const admin = await createStaff(t, { roles: ['admin'] });
    tick();
    const moderator = await createStaff(t, { roles: ['moderator'] });
    const moderator2 = await createStaff(t, { roles: ['moderator'] });
    const psy = await createStaff(t, { roles: ['psychologist'], languages: ['ru'] });
    // The ceremony's last step, as `admin directory import` runs it (the manifest and the audit log row).
    importManifest(t.db, t.sodium, signManifest(t.sodium, proposeManifest(t.db, t.clock.now, MANIFEST_DEFAULT_VALIDITY_MS).manifest, org), { pinned: org.publicKey, now: t.clock.now });
    const psyClient = await StaffClient.login(options, psy.login, psy.passphrase);
    tick();
    expect((await t.call('POST', '/api/staff/invites', { token: admin.token, json: { roles: ['psychologist'] } })).status).toBe(201);
    expect((await t.call('POST', '/api/admin/pii-words', { token: admin.token, json: { words: ['Шымкент'] } })).status).toBe(200);

    // Askers: a question through its whole workflow, a withdrawn one, a vote, flags that hide.
    tick();
    const [a, b, c] = await Promise.all([0, 1, 2].map(async () => (await AskerClient.create(options)).client));
    tick();
    const q = await a!.askQuestion({ title: 'Как справиться с тревогой по ночам?', body: 'Каждую ночь тревога не даёт мне уснуть.', language: 'ru', suggestedTags: ['anxiety'] });
    tick();
    const withdrawn = await b!.askQuestion({ title: 'Как говорить с врачом?', body: 'Мне неловко спрашивать врача о терапии.', language: 'ru', suggestedTags: [] });
    tick();
    await b!.withdrawQuestion(withdrawn.id);
    const mod = (path: string, token: string, json: unknown = {}) => t.call('POST', `/api/moderation/entries/${q.id}/${path}`, { token, json });
    tick();
    expect((await mod('accept', moderator.token, { title: q.title, body: 'Каждую ночь тревога не даёт мне уснуть.', tags: ['anxiety'] })).status).toBe(200);
    tick();
    expect((await mod('answer', psy.token, { answer: 'Попробуйте дыхательные упражнения и обратитесь к психологу.' })).status).toBe(200);
    tick();
    expect((await mod('publish', moderator2.token)).status).toBe(200);
    tick();
    await c!.markHelpful(q.id);
    for (const reader of [a!, b!, c!]) {
      tick();
      await reader.flagEntry(q.id, 'harmful');
    }
    tick();
    expect((await mod('revision', psy.token, { title: q.title, body: 'Каждую ночь тревога не даёт мне уснуть.', answer: 'Дыхание, режим сна и консультация психолога.' })).status).toBe(200);

    // A consultation: opened, written in by both sides, closed.
    tick();
    const threadId = await a!.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'soon' });
    tick();
    await a!.send(threadId, 'Здравствуйте, мне тревожно по ночам.');
    tick();
    await psyClient.claim(threadId);
    tick();
    await psyClient.send(threadId, 'Я вас слышу. Расскажите больше.');
    tick();
    await psyClient.close(threadId);
    // Staff lifecycle: a disable (staff.disabled_at), in the audit log with the invite above (staff_audit_log.at).
    tick();
    expect((await t.call('POST', `/api/admin/staff/${moderator2.staffId}/disable`, { token: admin.token })).status).toBe(200);
    // A webinar (webinars.starts_at), announced by the admin.
    tick();
    expect((await t.call('POST', '/api/admin/webinars', { token: admin.token, json: {
      title: 'Тревога у подростков', speaker: 'Сапарова А.', localStart: '2027-01-14T15:00', timeZone: 'Asia/Almaty', durationMinutes: 90, language: 'ru', audience: ['psychologists'],
    } })).status).toBe(201);

    // A crisis contact confirmed by the admin (crisis_contacts.verified_at).
    tick();
    const contact = (await t.call('GET', '/api/admin/crisis-contacts?language=ru', { token: admin.token })).body.contacts[0];
    expect((await t.call('POST', `/api/admin/crisis-contacts/${contact.id}/verify`, { token: admin.token })).status).toBe(200);

    // A later hour: sessions record their new last use.
    t.clock.now += 2 * HOUR + 1_001;
    await a!.myQuestions();
    expect((await t.call('GET', '/api/staff/me', { token: moderator.token })).status).toBe(200);

    // The impact counts of the hours above reach the database as the hourly timer writes them.
    t.impact.flushIfDue();
    const sqlite = t.db.$client;
    const empty: string[] = [];
    const finer: Record<string, number[]> = {};
    for (const [name, declared] of Object.entries(TIME_COLUMNS) as [TimeColumnName, TimeColumn][]) {
      const [table, column] = name.split('.') as [string, string];
      const values = sqlite.prepare(`SELECT "${column}" FROM "${table}" WHERE "${column}" IS NOT NULL`).pluck().all() as number[];
      if (values.length === 0) empty.push(name);
      const off = values.filter((v) => !conforms(declared, v, t.clock.now));
      if (off.length > 0) finer[name] = off;
    }
    expect(empty).toEqual([]); // every time column was filled, so none passes by having no rows
    expect(finer).toEqual({});
    // The fill reached what the rule is about: asker acts in the log, a hidden entry, flags.
    const actors = sqlite.prepare('SELECT DISTINCT actor_kind || \':\' || action FROM moderation_log').pluck().all() as string[];
    expect(actors).toEqual(expect.arrayContaining(['asker:submit', 'asker:withdraw', 'system:hide_flagged', 'staff:publish']));
    expect(sqlite.prepare('SELECT count(*) FROM kb_flags').pluck().get()).toBe(3);
    expect(sqlite.prepare('SELECT count(DISTINCT last_used_at) FROM sessions').pluck().get()).toBeGreaterThan(1);
  });
});
