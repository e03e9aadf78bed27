import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS, LANGS } from '../../src/web/i18n/index.js';
import { createTestApp, type TestContext } from '../support/app.js';

// The asker's first screen (issue 12 point 2) on a cheap phone and a slow line: in the HTML, so
// that it shows before any script, and needing at most 50 KB of compressed JavaScript as the
// server actually serves it; the app comes as a preload, with its integrity, for the first
// screen's script to run (the browser side: test/browser/first-screen.test.ts).

const BUDGET = 50 * 1024;
let t: TestContext;
beforeAll(async () => { t = await createTestApp(); });
afterAll(() => t.close());

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

async function served(path: string, encoding: string): Promise<{ bytes: Uint8Array; encoding: string | null }> {
  const res = await t.app.request(path, { headers: { 'accept-encoding': encoding } });
  expect(res.status, path).toBe(200);
  return { bytes: new Uint8Array(await res.arrayBuffer()), encoding: res.headers.get('content-encoding') };
}

describe('the asker\'s first screen', () => {
  it.each(LANGS)('/%s/app needs at most 50 KB of compressed JavaScript, each script with its integrity', async (lang) => {
    const html = await (await t.app.request(`/${lang}/app`)).text();
    const scripts = html.match(/<script [^>]*>/g) ?? [];
    expect(scripts.map((s) => attr(s, 'src')?.replace(/\.[0-9a-f]{12}\./, '.'))).toEqual(['/static/quick-exit.js', '/static/asker-first-screen.js']);
    for (const encoding of ['gzip', 'br']) {
      let total = 0;
      for (const tag of scripts) {
        const { bytes, encoding: sent } = await served(attr(tag, 'src')!, encoding);
        expect(sent).toBe(encoding);
        total += bytes.length;
      }
      expect(total, encoding).toBeLessThanOrEqual(BUDGET);
    }
    for (const tag of scripts) {
      const identity = new Uint8Array(await (await t.app.request(attr(tag, 'src')!)).arrayBuffer());
      expect(attr(tag, 'integrity')).toBe(`sha384-${createHash('sha384').update(identity).digest('base64')}`);
      expect(tag).toContain('defer');
    }
  });

  it('preloads the app with its integrity, for the first screen\'s script to run', async () => {
    const html = await (await t.app.request('/ru/app')).text();
    const link = /<link rel="preload" as="script" id="asker-app"[^>]*>/.exec(html)?.[0];
    expect(link).toBeDefined();
    const app = new Uint8Array(await (await t.app.request(attr(link!, 'href')!)).arrayBuffer());
    expect(attr(link!, 'href')).toMatch(/^\/static\/asker\.[0-9a-f]{12}\.js$/);
    expect(attr(link!, 'integrity')).toBe(`sha384-${createHash('sha384').update(app).digest('base64')}`);
    // What the budget leaves out: the app is far larger than the first screen's scripts.
    expect(app.length).toBeGreaterThan(4 * BUDGET);
  });

  it.each(LANGS)('/%s/app shows what the space is for, both buttons and the crisis line before any script runs', async (lang) => {
    const html = await (await t.app.request(`/${lang}/app`)).text();
    const c = CATALOGS[lang];
    expect(html).toContain(`<p class="lead">${c['app.lead']}</p>`);
    expect(html).toMatch(new RegExp(`<button id="new-code" type="button" disabled="">${c['app.start.new']}</button>`));
    expect(html).toMatch(new RegExp(`<button type="button" id="have-code" class="secondary" disabled="">${c['app.start.have']}</button>`));
    expect(html).toContain(`data-preparing="${c['app.preparing']}"`);
    expect(html).toContain('<aside class="crisis-line"');
    expect(html).toContain('<noscript>');
  });
});
