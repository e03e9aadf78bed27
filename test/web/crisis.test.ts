import { jsx } from 'hono/jsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kbEntries } from '../../db/schema.js';
import { seedDemoContent } from '../../src/knowledge/seed.js';
import { AUDIENCES, CRISIS_CONTACTS, crisisContactsFileSchema, type CrisisContact } from '../../src/web/crisis-contacts.js';
import { CrisisLine, CrisisList } from '../../src/web/crisis-line.js';
import { CATALOGS, LANGS, translator } from '../../src/web/i18n/index.js';
import { createTestApp, type TestContext } from '../support/app.js';

// Crisis help in reach (issue 12 point 5): on every page, a compact line at the very top with a
// call link per number, and the full list by audience in the footer, from the one data file;
// every number marked "to verify" until someone confirms it, and a placeholder never a link.

let t: TestContext;
let pages: string[];
beforeAll(async () => {
  t = await createTestApp();
  seedDemoContent(t.db, t.clock.now);
  const entry = t.db.select({ id: kbEntries.id }).from(kbEntries).all()[0]!.id;
  pages = LANGS.flatMap((l) => [`/${l}/`, `/${l}/browse`, `/${l}/search?q=сон`, `/${l}/entries/${entry}`, `/${l}/app`, `/${l}/staff`, `/${l}/nothing`]);
});
afterAll(() => t.close());

const escaped = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const contact = (over: Partial<CrisisContact> = {}): CrisisContact => ({
  id: 'x', phone: '112', audiences: ['everyone'], compact: true, verified: false,
  short: { ru: 'а', kk: 'ә', en: 'a' }, label: { ru: 'б', kk: 'б', en: 'b' }, ...over,
});

describe('the crisis contacts file', () => {
  it('has numbers for adults, young people and key populations, in every language, none verified yet', () => {
    for (const audience of AUDIENCES) expect(CRISIS_CONTACTS.some((c) => c.audiences.includes(audience)), audience).toBe(true);
    expect(CRISIS_CONTACTS.some((c) => c.audiences.includes('adults') && c.phone !== null)).toBe(true);
    expect(CRISIS_CONTACTS.every((c) => !c.verified)).toBe(true);
    for (const c of CRISIS_CONTACTS) for (const lang of LANGS) expect(c.label[lang].length, `${c.id} ${lang}`).toBeGreaterThan(0);
  });

  it('refuses a placeholder in the compact line or marked verified, a repeated id, a missing language and a bad number', () => {
    const ok = { contacts: [contact()] };
    expect(crisisContactsFileSchema.safeParse(ok).success).toBe(true);
    for (const bad of [
      { contacts: [contact({ phone: null })] },
      { contacts: [contact(), contact({ id: 'y', phone: null, compact: false, verified: true })] },
      { contacts: [contact(), contact()] },
      { contacts: [contact({ label: { ru: 'б', kk: 'б' } as CrisisContact['label'] })] },
      { contacts: [contact({ phone: '112; alert(1)' })] },
      { contacts: [contact({ compact: false })] },
      { contacts: [contact({ audiences: [] })] },
    ]) expect(crisisContactsFileSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});

describe('crisis help on every page', () => {
  it('comes first after the skip link, with a call link per compact number, marked to verify', async () => {
    for (const path of pages) {
      const res = await t.app.request(path);
      const html = await res.text();
      const lang = path.slice(1, 3) as (typeof LANGS)[number];
      const body = html.slice(html.indexOf('<body>'));
      expect(body.indexOf('<aside class="crisis-line"'), path).toBeGreaterThan(0);
      expect(body.indexOf('<aside class="crisis-line"'), path).toBeLessThan(body.indexOf('<header'));
      const line = body.slice(body.indexOf('<aside class="crisis-line"'), body.indexOf('</aside>'));
      for (const c of CRISIS_CONTACTS.filter((x) => x.compact)) expect(line, `${path} ${c.id}`).toContain(`href="tel:${c.phone!.replace(/ /g, '')}"`);
      expect(line).toContain(CATALOGS[lang]['crisis.unverified']);
      expect(line).toContain('href="#crisis"');
      expect(body).toContain('<section class="crisis" id="crisis"');
    }
  });

  it('lists placeholders in the footer without a link, and every entry of the list under its audiences', () => {
    const t = translator('en');
    const list = String(jsx(CrisisList, { lang: 'en', t }));
    for (const c of CRISIS_CONTACTS) {
      const items = list.match(new RegExp(`<li data-contact="${c.id}">.*?</li>`, 'g')) ?? [];
      expect(items, c.id).toHaveLength(c.audiences.length);
      for (const item of items) {
        expect(item).toContain(escaped(c.label.en));
        expect(item).toContain(`(${CATALOGS.en['crisis.unverifiedMark']})`);
        if (c.phone === null) {
          expect(item).not.toContain('href=');
          expect(item).toContain(CATALOGS.en['crisis.placeholder']);
        }
      }
    }
    for (const audience of AUDIENCES) expect(list).toContain(`<h3>${CATALOGS.en[`crisis.audience.${audience}`]}</h3>`);
  });

  it('drops the "to verify" marks once a number is confirmed', () => {
    const t = translator('ru');
    const verified = [contact({ verified: true })];
    expect(String(jsx(CrisisLine, { lang: 'ru', t, contacts: verified }))).not.toContain('unverified');
    expect(String(jsx(CrisisList, { lang: 'ru', t, contacts: verified }))).not.toContain('unverified');
    expect(String(jsx(CrisisLine, { lang: 'ru', t, contacts: [contact()] }))).toContain(CATALOGS.ru['crisis.unverified']);
  });
});
