import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoContent } from '../../src/knowledge/seed.js';
import { createInvite } from '../../src/staff/service.js';
import { installManifest } from '../support/manifest.js';
import { startServer, type TestServer } from '../support/server.js';
import { launch, newContext, newRecorder, shots, type Recorder } from './support.js';

// Issue 12 point 7 in real Chromium: a moderator adds a synonym group in the staff console, and
// the public search finds an entry by the new word at once; removing the group undoes it. The
// public search marks a Russian entry offered on the Kazakh side.

let server: TestServer;
let browser: Browser;
const rec: Recorder = newRecorder();
const WORD = 'полуночничаю';

beforeAll(async () => {
  server = await startServer();
  seedDemoContent(server.db, Date.now());
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function moderatorJoins(page: Page, login: string): Promise<void> {
  const { code } = createInvite(server.db, server.pepper, ['moderator'], Date.now());
  await page.goto(`${server.url}/ru/staff`);
  await page.click('#mode-accept');
  await page.fill('#s-code', code);
  await page.fill('#s-login', login);
  await page.fill('#s-pass', 'a long staff passphrase');
  await page.fill('#s-repeat', 'a long staff passphrase');
  await page.click('#s-submit');
  await page.locator('#logout').waitFor();
  installManifest(server);
}

/** Titles of the public search results for `q` on the `lang` side. */
async function publicResults(page: Page, lang: string, q: string): Promise<string[]> {
  await page.goto(`${server.url}/${lang}/search?${new URLSearchParams({ q })}`);
  return (await page.locator('ol.results li h2').allTextContents()).map((x) => x.trim());
}

describe('search synonyms in the staff console', () => {
  it('a moderator adds a group, and the public search finds an entry by its new word at once; deleting it undoes that', async () => {
    const ctx = await newContext(browser, server, rec);
    const reader = await ctx.newPage();
    expect(await publicResults(reader, 'ru', WORD)).toEqual([]);

    const mod = await ctx.newPage();
    await moderatorJoins(mod, 'mod-synonyms');
    const section = mod.locator('#search-synonyms');
    await section.locator('li[data-group]').first().waitFor();
    // The curated set is there, per language.
    expect(await section.locator('li[data-group] input.terms-kk').evaluateAll((xs) => xs.some((x) => (x as HTMLInputElement).value.includes('ұйқысыздық')))).toBe(true);

    // A group of one term is refused in the page, before anything is sent.
    const sentBefore = rec.requests.length;
    await mod.fill('#syn-new-ru', WORD);
    await section.locator('form.synonym-group').first().locator('button.save-group').click();
    await section.locator('form.synonym-group').first().locator('.error').waitFor();
    expect(rec.requests.slice(sentBefore).some((r) => r.url.includes('/api/moderation/synonyms') && r.body !== '')).toBe(false);

    await mod.fill('#syn-new-ru', `${WORD}, бессонница`);
    await section.locator('form.synonym-group').first().locator('button.save-group').click();
    await mod.locator('#synonyms-notice').waitFor();
    const created = section.locator('li[data-group]', { has: mod.locator(`input.terms-ru[value*="${WORD}"]`) });
    await created.waitFor();
    await shots(mod, 'staff-synonyms');
    const axe = await new AxeBuilder({ page: mod }).include('#search-synonyms').analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);

    // No restart: the next public search uses the new group.
    const found = await publicResults(reader, 'ru', WORD);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/бессонниц/i);
    await shots(reader, 'search-by-new-synonym');

    // Kazakh filter: the new group has no Kazakh terms, so it is not listed there.
    await mod.selectOption('#syn-filter', 'kk');
    await mod.locator(`#search-synonyms input.terms-ru[value*="${WORD}"]`).waitFor({ state: 'detached' });
    await mod.selectOption('#syn-filter', '');
    await created.waitFor();
    mod.once('dialog', (d) => void d.accept());
    await created.locator('button.delete-group').click();
    await created.waitFor({ state: 'detached' });
    expect(await publicResults(reader, 'ru', WORD)).toEqual([]);
    await ctx.close();
  });

  it('marks a Russian entry that the Kazakh search offers as a second tier', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    const titles = await publicResults(page, 'kk', 'химсекс');
    expect(titles.length).toBe(1);
    const item = page.locator('ol.results li').first();
    expect(await item.getAttribute('lang')).toBe('ru');
    expect(await item.locator('p.small', { hasText: 'Орыс тілінде' }).count()).toBe(1);
    await shots(page, 'search-kk-second-tier');
    await ctx.close();
  });
});
