import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.js';
import { fromBase64Url } from '../../src/protocol/encoding.js';
import { checkProofOfWork, solveProofOfWork } from '../../src/protocol/pow.js';
import { webinarFigures } from '../../src/webinars/figures.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';
import { createStaff, staffSession, type TestStaff } from '../support/staff.js';

// Webinars through the API (DESIGN.md §7, issue 14 point 1): admins and supervisors run the
// events, the public reads them and registers with a proof of work alone, and a registration
// leaves nothing but one more in a counter.

const DAY = 86_400_000;

let t: TestContext;
let admin: TestStaff;
let supervisor: TestStaff;

beforeEach(async () => {
  t = await createTestApp();
  // A fixed "now": 1 December 2026, 09:00 UTC.
  t.clock.now = Date.UTC(2026, 11, 1, 9, 0, 0);
  admin = await createStaff(t, { roles: ['admin'] });
  supervisor = await createStaff(t, { roles: ['supervisor'] });
});
afterEach(() => t.close());

function body(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Работа с тревогой у подростков', speaker: 'Айгерим Сапарова', localStart: '2026-12-03T15:00', timeZone: 'Asia/Almaty',
    durationMinutes: 90, language: 'ru', audience: ['school-psychologists', 'psychologists'], description: 'Разбор случаев.\n\nВопросы в конце.',
    joinUrl: 'https://meet.example.org/tynys-42', ...overrides,
  };
}

async function create(token = admin.token, overrides: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/api/admin/webinars', { token, json: body(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; startsAt: number; status: string };
}
const publish = (id: string, token = admin.token) => t.call('POST', `/api/admin/webinars/${id}/publish`, { token });

async function pow(purpose: 'webinar' | 'question' = 'webinar') {
  const ch = await t.call('POST', '/api/pow/challenges', { json: { purpose } });
  return { challenge: ch.body.challenge as string, counter: solveProofOfWork(fromBase64Url(ch.body.challenge)!, ch.body.bits)! };
}
/** Moves the clock; staff log in again (a session idles out over days). */
function at(time: number): void {
  t.clock.now = time;
  admin.token = staffSession(t, admin.staffId);
  supervisor.token = staffSession(t, supervisor.staffId);
}
const register = (id: string, proof: unknown) => t.call('POST', `/api/webinars/${id}/registrations`, { json: { pow: proof } });
const count = (id: string) => t.db.$client.prepare('SELECT registrations FROM webinars WHERE id = ?').pluck().get(id) as number;

describe('staff webinars', () => {
  it('stores the start as a UTC instant with its IANA zone, and gives back the wall-clock time', async () => {
    const w = await create(supervisor.token, { timeZone: 'asia/almaty' });
    // Almaty is UTC+5: 15:00 there is 10:00 UTC.
    expect(w).toMatchObject({ status: 'draft', startsAt: Date.UTC(2026, 11, 3, 10, 0), timeZone: 'Asia/Almaty', localStart: '2026-12-03T15:00', endsAt: Date.UTC(2026, 11, 3, 11, 30) });
    const row = t.db.$client.prepare('SELECT starts_at, time_zone FROM webinars').get();
    expect(row).toEqual({ starts_at: Date.UTC(2026, 11, 3, 10, 0), time_zone: 'Asia/Almaty' });
  });

  it('lets admins and supervisors act, and no one else', async () => {
    const moderator = await createStaff(t, { roles: ['moderator'] });
    const psychologist = await createStaff(t, { roles: ['psychologist', 'school-psychologist'] });
    const asker = await mintAsker(t);
    const w = await create();
    for (const token of [moderator.token, psychologist.token, asker.token]) {
      for (const [method, path, json] of [
        ['POST', '/api/admin/webinars', body()], ['GET', '/api/admin/webinars', undefined], ['GET', `/api/admin/webinars/${w.id}`, undefined],
        ['PUT', `/api/admin/webinars/${w.id}`, body()], ['POST', `/api/admin/webinars/${w.id}/publish`, undefined],
        ['POST', `/api/admin/webinars/${w.id}/cancel`, undefined], ['DELETE', `/api/admin/webinars/${w.id}`, undefined],
        ['PUT', `/api/admin/webinars/${w.id}/figures`, { attendance: 1, recordingViews: null }],
      ] as const) {
        const res = await t.call(method, path, { token, json });
        expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 403, 'forbidden']);
      }
    }
    expect((await t.call('GET', '/api/admin/webinars')).body.error.code).toBe('unauthorized');
    expect((await t.call('GET', '/api/admin/webinars', { token: supervisor.token })).body.webinars).toHaveLength(1);
  });

  it('refuses bad input with invalid_input and the failing field', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone', 'custom'],
      [{ timeZone: '+05:00' }, 'timeZone', 'custom'],
      [{ timeZone: '' }, 'timeZone', 'custom'],
      [{ localStart: '2026-12-03 15:00' }, 'localStart', 'invalid_format'],
      [{ localStart: '2026-02-30T10:00' }, 'localStart', 'not_in_time_zone'],
      // Clocks in Berlin go from 02:00 to 03:00 on 28 March 2027: 02:30 never happens there.
      [{ localStart: '2027-03-28T02:30', timeZone: 'Europe/Berlin' }, 'localStart', 'not_in_time_zone'],
      [{ joinUrl: 'http://meet.example.org/x' }, 'joinUrl', 'invalid_format'],
      [{ joinUrl: 'javascript:alert(1)' }, 'joinUrl', 'invalid_format'],
      [{ joinUrl: 'https://user:secret@meet.example.org/x' }, 'joinUrl', 'custom'],
      [{ joinUrl: 'https://127.0.0.1/x' }, 'joinUrl', 'invalid_format'],
      [{ recordingUrl: 'ftp://files.example.org/rec.mp4' }, 'recordingUrl', 'invalid_format'],
      [{ durationMinutes: 5 }, 'durationMinutes', 'too_small'],
      [{ durationMinutes: 90.5 }, 'durationMinutes', 'invalid_type'],
      [{ audience: [] }, 'audience', 'too_small'],
      [{ audience: ['peers', 'peers'] }, 'audience', 'custom'],
      [{ audience: ['everyone'] }, 'audience.0', 'invalid_value'],
      [{ language: 'de' }, 'language', 'invalid_value'],
      [{ title: 'x' }, 'title', 'too_small'],
      [{ title: 'x'.repeat(201) }, 'title', 'too_big'],
    ];
    for (const [overrides, path, code] of cases) {
      const res = await t.call('POST', '/api/admin/webinars', { token: admin.token, json: body(overrides) });
      expect([JSON.stringify(overrides), res.status, res.body.error.code]).toEqual([JSON.stringify(overrides), 400, 'invalid_input']);
      expect(res.body.error.issues).toContainEqual({ path, code });
    }
    expect(t.db.select().from(schema.webinars).all()).toEqual([]);
    const malformed = await t.app.request('/api/admin/webinars', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` }, body: '{"title":' });
    expect(malformed.status).toBe(400);
    expect((await t.call('GET', '/api/admin/webinars/not-an-id', { token: admin.token })).body.error.code).toBe('invalid_input');
    expect((await t.call('GET', `/api/admin/webinars/w_${'A'.repeat(22)}`, { token: admin.token })).body.error.code).toBe('webinar_not_found');
    expect((await t.call('GET', '/api/webinars?when=later')).status).toBe(400);
  });

  it('moves through draft, published and cancelled, and refuses what a state does not allow', async () => {
    const w = await create();
    const path = `/api/admin/webinars/${w.id}`;
    expect((await t.call('POST', `${path}/cancel`, { token: admin.token })).body.error.code).toBe('webinar_state');
    expect((await t.call('PUT', `${path}/figures`, { token: admin.token, json: { attendance: 3, recordingViews: null } })).body.error.code).toBe('webinar_state');
    const edited = await t.call('PUT', path, { token: supervisor.token, json: body({ title: 'Тревога у подростков: разбор случаев', durationMinutes: 60 }) });
    expect(edited.body).toMatchObject({ status: 'draft', title: 'Тревога у подростков: разбор случаев', durationMinutes: 60 });
    expect((await publish(w.id)).body.status).toBe('published');
    expect((await publish(w.id)).body.error.code).toBe('webinar_state');
    expect((await t.call('DELETE', path, { token: admin.token })).body.error.code).toBe('webinar_state');
    // Figures only once it has started.
    expect((await t.call('PUT', `${path}/figures`, { token: admin.token, json: { attendance: 3, recordingViews: null } })).body.error.code).toBe('webinar_state');
    expect((await t.call('POST', `${path}/cancel`, { token: supervisor.token })).body.status).toBe('cancelled');
    expect((await t.call('PUT', path, { token: admin.token, json: body() })).body.error.code).toBe('webinar_state');
    expect((await publish(w.id)).body.error.code).toBe('webinar_state');
    // A draft can be deleted; it was never public.
    const draft = await create();
    expect((await t.call('DELETE', `/api/admin/webinars/${draft.id}`, { token: admin.token })).status).toBe(200);
    expect((await t.call('GET', `/api/admin/webinars/${draft.id}`, { token: admin.token })).status).toBe(404);
  });

  it('writes every staff act to the append-only staff audit log, with field names and figures but no text', async () => {
    const w = await create();
    await t.call('PUT', `/api/admin/webinars/${w.id}`, { token: supervisor.token, json: body({ title: 'Другое название', joinUrl: null }) });
    await publish(w.id);
    at(Date.UTC(2026, 11, 3, 12, 0));
    await t.call('PUT', `/api/admin/webinars/${w.id}/figures`, { token: admin.token, json: { attendance: 41, recordingViews: 7 } });
    await t.call('POST', `/api/admin/webinars/${w.id}/cancel`, { token: admin.token });
    const rows = t.db.$client.prepare('SELECT actor, action, subject, detail FROM staff_audit_log WHERE action LIKE \'webinar.%\' ORDER BY id').all() as { actor: string; action: string; subject: string; detail: string }[];
    expect(rows.map((r) => [r.actor, r.action, r.subject])).toEqual([
      [admin.staffId, 'webinar.created', w.id], [supervisor.staffId, 'webinar.updated', w.id], [admin.staffId, 'webinar.published', w.id],
      [admin.staffId, 'webinar.figures', w.id], [admin.staffId, 'webinar.cancelled', w.id],
    ]);
    expect(JSON.parse(rows[1]!.detail)).toEqual({ status: 'draft', changed: ['title', 'joinUrl'] });
    expect(JSON.parse(rows[3]!.detail)).toEqual({ attendance: 41, recordingViews: 7, registrations: 0 });
    expect(rows.map((r) => r.detail).join('')).not.toMatch(/название|Работа|meet\.example/);
    // The log is append-only for webinar rows too.
    expect(() => t.db.$client.exec("DELETE FROM staff_audit_log WHERE action = 'webinar.created'")).toThrow(/append-only/);
    const audit = await t.call('GET', '/api/admin/staff-audit', { token: admin.token });
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain('webinar.published');
  });
});

describe('public webinars', () => {
  it('lists published and cancelled events per language, upcoming soonest first and past latest first; drafts stay hidden', async () => {
    const ru = await create(admin.token, { localStart: '2026-12-10T10:00' });
    const ruSooner = await create(admin.token, { localStart: '2026-12-05T10:00' });
    const kk = await create(admin.token, { language: 'kk', title: 'Жасөспірімдердегі мазасыздық' });
    const draft = await create(admin.token, { title: 'Черновик' });
    const past = await create(admin.token, { localStart: '2026-11-20T10:00' });
    const older = await create(admin.token, { localStart: '2026-11-10T10:00' });
    for (const w of [ru, ruSooner, kk, past, older]) await publish(w.id);
    await t.call('POST', `/api/admin/webinars/${ruSooner.id}/cancel`, { token: admin.token });
    const ids = async (query: string) => (await t.call('GET', `/api/webinars?${query}`)).body.webinars.map((w: { id: string }) => w.id);
    expect(await ids('language=ru')).toEqual([ruSooner.id, ru.id]);
    expect(await ids('language=kk')).toEqual([kk.id]);
    expect(await ids('language=ru&when=past')).toEqual([past.id, older.id]);
    expect(await ids('')).toEqual([kk.id, ruSooner.id, ru.id]);
    expect(await ids('')).not.toContain(draft.id);
    expect((await t.call('GET', `/api/webinars/${draft.id}`)).body.error.code).toBe('webinar_not_found');
    const cancelled = (await t.call('GET', `/api/webinars/${ruSooner.id}`)).body;
    expect(cancelled).toMatchObject({ status: 'cancelled', joinUrl: null, registrationOpen: false });
    const upcoming = (await t.call('GET', `/api/webinars/${ru.id}`)).body;
    expect(upcoming).toMatchObject({ status: 'published', past: false, joinUrl: 'https://meet.example.org/tynys-42', registrationOpen: true });
    expect(upcoming).not.toHaveProperty('registrations');
  });

  it('counts a registration once per solved challenge, and only with a proof of work for webinars', async () => {
    const w = await create();
    await publish(w.id);
    expect((await t.call('POST', `/api/webinars/${w.id}/registrations`, { json: {} })).body.error).toMatchObject({ code: 'invalid_input', issues: [{ path: 'pow' }] });
    expect((await register(w.id, { challenge: 'AAAA', counter: 0 })).body.error.code).toBe('invalid_proof_of_work');
    expect((await register(w.id, await pow('question'))).body.error.code).toBe('invalid_proof_of_work');
    const ch = await t.call('POST', '/api/pow/challenges', { json: { purpose: 'webinar' } });
    const wrong = Array.from({ length: 200 }, (_, i) => i).find((counter) => !checkProofOfWork(fromBase64Url(ch.body.challenge)!, counter, ch.body.bits));
    expect((await register(w.id, { challenge: ch.body.challenge, counter: wrong })).body.error.code).toBe('invalid_proof_of_work');
    expect(count(w.id)).toBe(0);
    const proof = await pow();
    expect(await register(w.id, proof)).toMatchObject({ status: 201, body: { ok: true } });
    expect((await register(w.id, proof)).body.error.code).toBe('invalid_proof_of_work');
    expect(count(w.id)).toBe(1);
    expect((await register(w.id, await pow())).status).toBe(201);
    expect(count(w.id)).toBe(2);
    const staffView = await t.call('GET', `/api/admin/webinars/${w.id}`, { token: admin.token });
    expect(staffView.body.registrations).toBe(2);
  });

  it('takes no registration for a draft, a cancelled or an ended event, and spends no proof of work on them', async () => {
    const draft = await create();
    expect((await register(draft.id, await pow())).body.error.code).toBe('webinar_not_found');
    expect((await register(`w_${'B'.repeat(22)}`, await pow())).status).toBe(404);
    const cancelled = await create();
    await publish(cancelled.id);
    await t.call('POST', `/api/admin/webinars/${cancelled.id}/cancel`, { token: admin.token });
    const proof = await pow();
    expect((await register(cancelled.id, proof)).body.error.code).toBe('registration_closed');
    // The proof offered to the cancelled event was not spent: it still counts for an open one.
    const open = await create(admin.token, { localStart: '2026-12-20T10:00' });
    await publish(open.id);
    expect((await register(open.id, proof)).status).toBe(201);
    const ended = await create();
    await publish(ended.id);
    // The event ends at 11:30 UTC on 3 December; a late joiner still counts until then.
    t.clock.now = Date.UTC(2026, 11, 3, 11, 29);
    expect((await register(ended.id, await pow())).status).toBe(201);
    t.clock.now = Date.UTC(2026, 11, 3, 11, 30);
    expect((await register(ended.id, await pow())).body.error.code).toBe('registration_closed');
    expect(count(ended.id)).toBe(1);
  });

  it('stores nothing per registration: no row, no time, no other column changes', async () => {
    const w = await create();
    await publish(w.id);
    const sqlite = t.db.$client;
    const tables = sqlite.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    const dump = () => Object.fromEntries(tables.map((name) => [name, sqlite.prepare(`SELECT * FROM "${name}"`).all()]));
    const before = dump();
    const proofs = [await pow(), await pow(), await pow()];
    for (const p of proofs) expect((await register(w.id, p)).status).toBe(201);
    const after = dump();
    const webinarsBefore = before.webinars as { registrations: number }[];
    expect(after.webinars).toEqual([{ ...webinarsBefore[0], registrations: 3 }]);
    expect({ ...after, webinars: null }).toEqual({ ...before, webinars: null });
  });

  it('reaches the impact report: events held, registrations and attendance per language, small counts shown as <5', async () => {
    const w = await create(admin.token); // 3 December, 15:00 in Almaty (10:00 UTC), 90 minutes, in Russian
    await publish(w.id);
    await register(w.id, await pow());
    at(Date.UTC(2026, 11, 3, 18, 0));
    await t.call('PUT', `/api/admin/webinars/${w.id}/figures`, { token: admin.token, json: { attendance: 37, recordingViews: null } });
    const res = await t.call('GET', '/api/admin/impact/report?from=2026-12-01&to=2026-12-03', { token: admin.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const table = (metric: string) => (res.body.metrics as { metric: string; table: { totals: Record<string, unknown> } }[]).find((m) => m.metric === metric)!.table;
    expect(table('webinar_attendance').totals).toEqual({ ru: 37, kk: 0, en: 0 });
    expect(table('webinars_held').totals).toEqual({ ru: '<5', kk: 0, en: 0 });
    expect(table('webinar_registrations').totals).toEqual({ ru: '<5', kk: 0, en: 0 });
  });

  it('keeps figures of a past event after its links are removed, and shows a recording only after it', async () => {
    const w = await create(admin.token, { recordingUrl: 'https://video.example.org/rec/42' });
    await publish(w.id);
    expect((await t.call('GET', `/api/webinars/${w.id}`)).body.recordingUrl).toBeNull();
    await register(w.id, await pow());
    at(Date.UTC(2026, 11, 3, 10, 5));
    const figures = await t.call('PUT', `/api/admin/webinars/${w.id}/figures`, { token: admin.token, json: { attendance: 37, recordingViews: null } });
    expect(figures.body).toMatchObject({ attendance: 37, recordingViews: null, registrations: 1 });
    at(Date.UTC(2026, 11, 10, 9, 0));
    const past = (await t.call('GET', `/api/webinars/${w.id}`)).body;
    expect(past).toMatchObject({ past: true, joinUrl: null, recordingUrl: 'https://video.example.org/rec/42', registrationOpen: false });
    await t.call('PUT', `/api/admin/webinars/${w.id}/figures`, { token: admin.token, json: { attendance: 37, recordingViews: 120 } });
    const unlinked = await t.call('PUT', `/api/admin/webinars/${w.id}`, { token: admin.token, json: body({ joinUrl: null, recordingUrl: null }) });
    expect(unlinked.body).toMatchObject({ joinUrl: null, recordingUrl: null, registrations: 1, attendance: 37, recordingViews: 120 });
    expect(webinarFigures(t.db, { from: Date.UTC(2026, 11, 1), to: Date.UTC(2027, 0, 1), now: t.clock.now }).total)
      .toEqual({ held: 1, registrations: 1, attendance: 37, attendanceReported: 1, recordingViews: 120 });
  });

  it('answers arbitrary JSON on every webinar write route with a 4xx and a code, and changes nothing', async () => {
    const w = await create();
    await publish(w.id);
    const tokens = [undefined, admin.token, (await mintAsker(t)).token];
    const routes: [string, string][] = [
      ['POST', '/api/admin/webinars'], ['PUT', `/api/admin/webinars/${w.id}`], ['PUT', `/api/admin/webinars/${w.id}/figures`],
      ['POST', `/api/webinars/${w.id}/registrations`], ['POST', `/api/webinars/w_${'A'.repeat(22)}/registrations`], ['POST', '/api/webinars/nope/registrations'],
    ];
    const before = t.db.select().from(schema.webinars).all();
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), fc.json(), fc.constantFrom(0, 1, 2), async ([method, path], json, who) => {
      const res = await t.call(method, path, { json: JSON.parse(json), token: tokens[who] });
      expect(res.status, `${method} ${path} ${json}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(typeof res.body.error.code).toBe('string');
    }), { numRuns: 200 });
    expect(t.db.select().from(schema.webinars).all()).toEqual(before);
  });
});

describe('webinarFigures (for the impact report)', () => {
  it('counts held events per language in a period: not drafts, not cancelled, not those still ahead', async () => {
    const make = async (overrides: Record<string, unknown>, options: { publish?: boolean; cancel?: boolean; registrations?: number; attendance?: number | null } = {}) => {
      const w = await create(admin.token, overrides);
      if (options.publish ?? true) await publish(w.id);
      for (let i = 0; i < (options.registrations ?? 0); i++) expect((await register(w.id, await pow())).status).toBe(201);
      if (options.cancel) await t.call('POST', `/api/admin/webinars/${w.id}/cancel`, { token: admin.token });
      return w;
    };
    const ru1 = await make({ localStart: '2026-12-02T10:00' }, { registrations: 2 });
    const ru2 = await make({ localStart: '2026-12-03T10:00' }, { registrations: 1 });
    const kk1 = await make({ localStart: '2026-12-04T10:00', language: 'kk' }, { registrations: 3 });
    await make({ localStart: '2026-12-04T12:00', language: 'kk' }, { cancel: true, registrations: 1 });
    await make({ localStart: '2026-12-05T10:00' }, { publish: false });
    await make({ localStart: '2026-12-20T10:00', language: 'en' }, { registrations: 1 });
    await make({ localStart: '2027-01-05T10:00' });
    at(Date.UTC(2026, 11, 10));
    for (const [w, attendance] of [[ru1, 15], [kk1, 4]] as const) {
      await t.call('PUT', `/api/admin/webinars/${w.id}/figures`, { token: admin.token, json: { attendance, recordingViews: 10 } });
    }
    void ru2;
    const december = { from: Date.UTC(2026, 11, 1), to: Date.UTC(2027, 0, 1) };
    const figures = webinarFigures(t.db, { ...december, now: t.clock.now });
    expect(figures.byLanguage).toEqual({
      ru: { held: 2, registrations: 3, attendance: 15, attendanceReported: 1, recordingViews: 10 },
      kk: { held: 1, registrations: 3, attendance: 4, attendanceReported: 1, recordingViews: 10 },
      en: { held: 0, registrations: 0, attendance: 0, attendanceReported: 0, recordingViews: 0 },
    });
    expect(figures.total).toEqual({ held: 3, registrations: 6, attendance: 19, attendanceReported: 2, recordingViews: 20 });
    // Later, the English one has been held too; a period that ends before an event leaves it out.
    expect(webinarFigures(t.db, { ...december, now: Date.UTC(2026, 11, 31) }).byLanguage.en.held).toBe(1);
    expect(webinarFigures(t.db, { from: december.from, to: Date.UTC(2026, 11, 3), now: t.clock.now }).total.held).toBe(1);
    expect(webinarFigures(t.db, { from: Date.UTC(2026, 11, 3), to: Date.UTC(2026, 11, 3) + DAY, now: t.clock.now }).total.registrations).toBe(1);
  });
});
