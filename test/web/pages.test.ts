import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoContent } from '../../src/knowledge/seed.js';
import { kbEntries } from '../../db/schema.js';
import { CATALOGS, LANGS } from '../../src/web/i18n/index.js';
import { rateLimitsSchema } from '../../src/http/limits.js';
import { createTestApp, type TestContext } from '../support/app.js';

// The server-rendered pages, as a browser without JavaScript gets them: complete, neutral,
// in three languages, with a strict CSP, integrity hashes and nothing from another origin.

let t: TestContext;
let entryId: string;

beforeAll(async () => {
  t = await createTestApp();
  seedDemoContent(t.db, t.clock.now);
  entryId = t.db.select({ id: kbEntries.id }).from(kbEntries).all()[0]!.id;
});
afterAll(() => t.close());

async function page(path: string) {
  const res = await t.app.request(path);
  return { status: res.status, html: await res.text(), headers: res.headers };
}

const PUBLIC = ['/ru/', '/kk/', '/en/', '/ru/browse', '/ru/browse?topic=sleep', '/ru/search?q=тревога', '/en/search?q=anxious&topic=anxiety', '/kk/search?q=серіктес'];

describe('public pages', () => {
  it('redirects / to Russian, the default', async () => {
    const res = await t.app.request('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/ru/');
  });

  it.each(PUBLIC)('%s is complete without JavaScript, neutral and self-contained', async (path) => {
    const { status, html, headers } = await page(path);
    expect(status).toBe(200);
    expect(html).toContain('<title>Tynys</title>');
    expect(html).not.toMatch(/<title>[^<]*(HIV|ВИЧ|АИТВ)/i);
    // No inline script or style, and nothing from another origin (quick exit's target is a link, not a load).
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    expect(html.replace(/href="https:\/\/www\.google\.com\/"/g, '')).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const tag of html.match(/<(script|link) [^>]*(src|href)="\/static\/[^"]+"[^>]*>/g) ?? []) {
      if (!tag.includes('rel="icon"')) expect(tag).toMatch(/integrity="sha384-[A-Za-z0-9+/=]+"/);
    }
    expect(html).toContain('id="quick-exit"');
    expect(headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(headers.get('content-security-policy')).toContain("style-src 'self'");
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).not.toContain('asker.');
  });

  it('search marks matches and filters by tag, in the page language', async () => {
    const { html, headers } = await page('/ru/search?q=тревоги');
    // What someone searched for stays out of caches; the pages of entries may be cached.
    expect(headers.get('cache-control')).toBe('no-store');
    expect((await page('/ru/browse')).headers.get('cache-control')).toBe('public, max-age=60');
    expect(html).toMatch(/<mark>Тревог[а-я]*<\/mark>/i);
    const { html: en } = await page('/en/search?q=sleep&topic=sleep');
    expect(en).toMatch(/<mark>sleep/i);
    expect(en).toContain('selected');
    const { html: short } = await page('/ru/search?q=я');
    expect(short).toContain(CATALOGS.ru['search.tooShort']);
  });

  it('keeps the URL shareable across the language switch', async () => {
    const { html } = await page('/ru/search?q=%D1%81%D0%BE%D0%BD&topic=sleep');
    expect(html).toContain('href="/kk/search?q=%D1%81%D0%BE%D0%BD&amp;topic=sleep"');
    expect(html).toContain('href="/en/search?q=%D1%81%D0%BE%D0%BD&amp;topic=sleep"');
    for (const lang of LANGS) expect((await page(`/${lang}/`)).html).toContain(`<html lang="${lang}">`);
  });

  it('shows entries and answers 404 for unknown ones and pages', async () => {
    const { status, html } = await page(`/ru/entries/${entryId}`);
    expect(status).toBe(200);
    expect(html).toContain(CATALOGS.ru['entry.sample']);
    expect((await page('/ru/entries/e_AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await page('/ru/nothing')).status).toBe(404);
    expect((await page('/de/')).status).toBe(404);
    const api = await t.app.request('/api/nothing-here');
    expect(api.status).toBe(404);
    expect((await api.json() as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('weighs under 30 KB gzipped (HTML and CSS) and needs no script', async () => {
    const css = (await t.app.request((await page('/ru/')).html.match(/href="(\/static\/site\.[^"]+)"/)![1]!));
    const cssBytes = gzipSync(Buffer.from(await css.arrayBuffer())).length;
    expect(css.headers.get('cache-control')).toContain('immutable');
    for (const path of PUBLIC) {
      const html = gzipSync(Buffer.from((await page(path)).html)).length;
      expect(html + cssBytes, path).toBeLessThan(30 * 1024);
    }
  });
});

describe('private spaces', () => {
  it('are never cached, load their own bundle with integrity, and say why they need JavaScript', async () => {
    // The asker's page runs its first screen's script, which runs the preloaded app (test/web/first-screen.test.ts).
    for (const [path, bundle] of [['/ru/app', 'asker-first-screen'], ['/en/staff', 'staff']] as const) {
      const { html, headers } = await page(path);
      expect(headers.get('cache-control')).toBe('no-store');
      expect(html).toMatch(new RegExp(`<script src="/static/${bundle}\\.[0-9a-f]{12}\\.js" integrity="sha384-`));
      expect(html).toContain('<noscript>');
    }
  });
});

describe('message catalogs', () => {
  it('have every key, non-empty, with the same placeholders, in ru, kk and en', () => {
    const keys = Object.keys(CATALOGS.en);
    for (const lang of LANGS) {
      expect(Object.keys(CATALOGS[lang]).sort(), lang).toEqual([...keys].sort());
      for (const key of keys) {
        const value = CATALOGS[lang][key as keyof typeof CATALOGS.en];
        expect(value.trim().length, `${lang} ${key}`).toBeGreaterThan(0);
        const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(holes(value), `${lang} ${key}`).toEqual(holes(CATALOGS.en[key as keyof typeof CATALOGS.en]));
      }
    }
  });
});

describe('page rate limits', () => {
  it('counts the search page against the search budget, as the API search is', async () => {
    const limited = await createTestApp({ RATE_LIMITS: rateLimitsSchema.parse('search=3/1m') });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await limited.app.request(`/ru/search?q=сон${i}`)).status);
      const refused = await limited.app.request('/ru/search?q=сон');
      expect(statuses).toEqual([200, 200, 200]);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // The budget is shared: the API search is refused too, and other pages still answer.
      expect((await limited.app.request('/api/kb/search?q=x&language=ru')).status).toBe(429);
      expect((await limited.app.request('/ru/')).status).toBe(200);
    } finally {
      limited.close();
    }
  });
});
