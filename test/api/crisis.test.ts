import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { createStaff, staffSession, type TestStaff } from '../support/staff.js';

// Crisis contacts through the API (issue 14 point 3): admins manage the list per language and
// region, every act is in the staff audit log, confirmations age out after 90 days in the
// console, and the pages show an edit on the next render without a restart.

const DAY = 86_400_000;
let t: TestContext;
let admin: TestStaff;
let supervisor: TestStaff;

beforeEach(async () => {
  t = await createTestApp();
  t.clock.now = Date.UTC(2026, 11, 1, 9, 0, 0);
  admin = await createStaff(t, { roles: ['admin'] });
  supervisor = await createStaff(t, { roles: ['supervisor'] });
});
afterEach(() => t.close());

const body = (overrides: Record<string, unknown> = {}) => ({
  language: 'en', region: 'almaty', name: 'City crisis line', short: 'City', phone: '+7 727 000 11 22', hours: '24/7', audiences: ['adults', 'violence'], compact: true, ...overrides,
});
async function create(overrides: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/api/admin/crisis-contacts', { token: admin.token, json: body(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; href: string; position: number; verifiedAt: number | null; toVerify: boolean };
}
const list = async (query = '') => (await t.call('GET', `/api/crisis-contacts${query}`)).body.contacts as { id: string; phone: string | null; toVerify: boolean; verifiedAt: number | null; name: string }[];
function at(time: number): void {
  t.clock.now = time;
  admin.token = staffSession(t, admin.staffId);
}

describe('crisis contacts', () => {
  it('ships the defaults on first start, one list per language, none verified', async () => {
    for (const language of ['ru', 'kk', 'en']) {
      const contacts = await list(`?language=${language}`);
      expect(contacts.length).toBeGreaterThan(2);
      expect(contacts.map((c) => c.phone)).toContain('112');
      expect(contacts.every((c) => c.verifiedAt === null && c.toVerify)).toBe(true);
    }
  });

  it('lets admins only manage the list; the public JSON needs no token', async () => {
    expect((await t.call('GET', '/api/admin/crisis-contacts')).status).toBe(401);
    for (const [method, path] of [['GET', '/api/admin/crisis-contacts'], ['POST', '/api/admin/crisis-contacts']] as const) {
      const res = await t.call(method, path, { token: supervisor.token, ...(method === 'POST' ? { json: body() } : {}) });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await t.call('GET', '/api/crisis-contacts?language=en')).status).toBe(200);
  });

  it('refuses bad numbers, http links and a contact with neither, with invalid_input', async () => {
    for (const overrides of [
      { phone: '+7 (727) 000' }, { phone: '112; drop' }, { phone: 'tel:112' }, { phone: null, link: 'http://example.org/chat', compact: false },
      { phone: null, link: 'javascript:alert(1)', compact: false }, { phone: null, link: null, compact: false }, { phone: null, link: 'https://chat.example.org', compact: true },
      { audiences: ['aliens'] }, { language: 'de' }, { region: 'A B' }, { extra: 1 },
    ]) {
      const res = await t.call('POST', '/api/admin/crisis-contacts', { token: admin.token, json: body(overrides) });
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    const link = await create({ phone: null, link: 'https://chat.example.org/help', compact: false });
    expect(link.href).toBe('https://chat.example.org/help');
    expect((await create()).href).toBe('tel:+77270001122');
    expect((await t.call('PUT', '/api/admin/crisis-contacts/c_nope', { token: admin.token, json: body() })).body.error.code).toBe('crisis_contact_not_found');
  });

  it('adds at the end, reorders one language, filters by region, and deletes', async () => {
    const before = await list('?language=en');
    const a = await create();
    expect(a.position).toBe(before.length);
    const ids = [a.id, ...before.map((c) => c.id)];
    const res = await t.call('PUT', '/api/admin/crisis-contacts/order', { token: admin.token, json: { language: 'en', ids } });
    expect(res.status).toBe(200);
    expect((await list('?language=en')).map((c) => c.id)).toEqual(ids);
    expect((await list('?language=en&region=almaty')).map((c) => c.id)).toEqual([a.id]);
    const partial = await t.call('PUT', '/api/admin/crisis-contacts/order', { token: admin.token, json: { language: 'en', ids: ids.slice(1) } });
    expect(partial.status).toBe(409);
    expect(partial.body.error.code).toBe('crisis_order_mismatch');
    expect((await t.call('DELETE', `/api/admin/crisis-contacts/${a.id}`, { token: admin.token })).status).toBe(200);
    expect((await list('?language=en')).map((c) => c.id)).toEqual(ids.slice(1));
    expect((await t.call('DELETE', `/api/admin/crisis-contacts/${a.id}`, { token: admin.token })).status).toBe(404);
  });

  it('dates a confirmation, shows it to verify again after 90 days, and unconfirms a changed number', async () => {
    const a = await create();
    expect(a.toVerify).toBe(true);
    const verified = await t.call('POST', `/api/admin/crisis-contacts/${a.id}/verify`, { token: admin.token });
    expect(verified.body).toMatchObject({ verifiedAt: t.clock.now, toVerify: false });
    const confirmedAt = t.clock.now;
    at(confirmedAt + 90 * DAY);
    expect((await list('?region=almaty'))[0]!.toVerify).toBe(false);
    at(confirmedAt + 91 * DAY);
    expect((await list('?region=almaty'))[0]!.toVerify).toBe(true);
    await t.call('POST', `/api/admin/crisis-contacts/${a.id}/verify`, { token: admin.token });
    const sameNumber = await t.call('PUT', `/api/admin/crisis-contacts/${a.id}`, { token: admin.token, json: body({ hours: '9-18' }) });
    expect(sameNumber.body.toVerify).toBe(false);
    const newNumber = await t.call('PUT', `/api/admin/crisis-contacts/${a.id}`, { token: admin.token, json: body({ phone: '+7 727 000 99 99' }) });
    expect(newNumber.body).toMatchObject({ verifiedAt: null, toVerify: true });
  });

  it('writes every act to the staff audit log', async () => {
    const a = await create();
    await t.call('PUT', `/api/admin/crisis-contacts/${a.id}`, { token: admin.token, json: body({ name: 'Renamed' }) });
    await t.call('POST', `/api/admin/crisis-contacts/${a.id}/verify`, { token: admin.token });
    const ids = (await list('?language=en')).map((c) => c.id).reverse();
    await t.call('PUT', '/api/admin/crisis-contacts/order', { token: admin.token, json: { language: 'en', ids } });
    await t.call('DELETE', `/api/admin/crisis-contacts/${a.id}`, { token: admin.token });
    const rows = t.db.$client.prepare("SELECT actor, action FROM staff_audit_log WHERE action LIKE 'crisis.%' ORDER BY rowid").all();
    expect(rows).toEqual(['created', 'updated', 'verified', 'reordered', 'deleted'].map((action) => ({ actor: admin.staffId, action: `crisis.${action}` })));
  });

  it('shows an edit on the next page render, in the call line and the footer, without a restart', async () => {
    const page = async () => (await t.app.request('/en/')).text();
    const first = await page();
    expect(first).toContain('href="tel:112"');
    const emergency = (await list('?language=en')).find((c) => c.phone === '112')!;
    const edit = await t.call('PUT', `/api/admin/crisis-contacts/${emergency.id}`, {
      token: admin.token, json: body({ region: 'kz', name: 'Emergency services', short: 'Emergency', phone: '+7 700 111 22 33', audiences: ['everyone'] }),
    });
    expect(edit.status).toBe(200);
    await t.call('POST', `/api/admin/crisis-contacts/${emergency.id}/verify`, { token: admin.token });
    const second = await page();
    expect(second).not.toContain('href="tel:112"');
    const line = second.slice(second.indexOf('class="crisis-line"'), second.indexOf('</aside>'));
    expect(line).toContain('href="tel:+77001112233"');
    expect(line).toMatch(/href="tel:\+77001112233"[^>]*data-verified="true"/);
    const footer = second.slice(second.indexOf('id="crisis"'));
    expect(footer).toMatch(/<li data-contact="[^"]+"><a class="call" href="tel:\+77001112233"[^<]*<\/a><span>Emergency services <\/span>|<li data-contact="[^"]+"><a class="call" href="tel:\+77001112233"/);
    // Another language's list is its own: untouched.
    expect(await (await t.app.request('/ru/')).text()).toContain('href="tel:112"');
  });
});
