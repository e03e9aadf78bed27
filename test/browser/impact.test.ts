import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCounts, type CountRow } from '../../src/impact/store.js';
import { LANGUAGES } from '../../src/protocol/api/common.js';
import { TOPICS } from '../../src/protocol/thread-metadata.js';
import { createInvite } from '../../src/staff/service.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectAccessible, launch, newContext, newRecorder, shots, type Recorder } from './support.js';

// The impact report in real Chromium: an admin reads it in the console (server-rendered SVG
// charts beside their tables), changes the period, downloads the CSV and turns the public page
// on; the public page then works without JavaScript at 360 and 1280 px, passes axe, and shows
// withheld counts as "<5" and "скрыто", never as bars. The counts are stored directly here (the
// counting itself is test/impact/scenario.test.ts): a month of figures like a small centre's.

let server: TestServer;
let browser: Browser;
const rec: Recorder = newRecorder();
const PASS = 'a long staff passphrase';
const DAY = 86_400_000;

/** A deterministic month and a half of daily counts up to today, some of them small. */
function seed(today: number): CountRow[] {
  let s = 11;
  const rnd = (n: number): number => { s = (s * 16807) % 2147483647; return Math.floor((s / 2147483647) * n); };
  const rows: CountRow[] = [];
  const share = { ru: 6, kk: 3, en: 1 } as const;
  for (let day = today - 60; day <= today; day++) {
    for (const language of LANGUAGES) {
      const w = share[language];
      rows.push({ day, metric: 'visits', language, topic: 'none', count: 20 * w + rnd(30 * w) });
      rows.push({ day, metric: 'visitors', language, topic: 'none', count: 12 * w + rnd(10 * w) });
      if (language === 'en' && rnd(3) > 0) continue;
      const topic = TOPICS[rnd(5)]!;
      rows.push({ day, metric: 'consultations_opened', language, topic, count: 1 + rnd(w) });
      rows.push({ day, metric: 'consultations_taken', language, topic, count: 1 + rnd(w) });
      rows.push({ day, metric: 'consultations_answered', language, topic, count: 1 });
      rows.push({ day, metric: rnd(3) === 0 ? 'reply_1h-4h' : 'reply_lt1h', language, topic: 'none', count: 1 });
      if (rnd(4) === 0) rows.push({ day, metric: 'questions_submitted', language, topic: TOPICS[rnd(3)]!, count: 1 });
      if (rnd(9) === 0) rows.push({ day, metric: 'answers_published', language, topic: 'anxiety', count: 1 });
      if (language === 'ru' && rnd(5) === 0) rows.push({ day, metric: 'cases_opened', language, topic: 'stigma', count: 1 });
    }
  }
  return rows;
}

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
  addCounts(server.db, seed(Math.floor(Date.now() / DAY)));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function heightOf(page: Page, selector: string): Promise<number> {
  return (await page.locator(selector).first().boundingBox())!.height;
}

describe('impact report', () => {
  it('in the console: charts beside tables, presets and dates, the CSV, the public page switch', async () => {
    const ctx = await newContext(browser, server, rec);
    const page = await ctx.newPage();
    const { code } = createInvite(server.db, server.pepper, ['admin'], Date.now());
    await page.goto(`${server.url}/ru/staff`);
    await page.click('#mode-accept');
    await page.fill('#s-code', code);
    await page.fill('#s-login', 'impact-admin');
    await page.fill('#s-pass', PASS);
    await page.fill('#s-repeat', PASS);
    await page.click('#s-submit');
    await page.locator('#logout').waitFor();
    await page.click('#tab-admin');

    // The last five weeks by default: every metric's chart is an image with a title and a description, beside its table.
    const view = page.locator('#impact-view');
    await view.locator('svg.chart').first().waitFor();
    expect(await view.locator('svg.chart[role=img]').count()).toBe(12);
    expect(await view.locator('.chart-and-table table').count()).toBe(12);
    const visits = view.locator('[data-metric=visits] svg');
    expect(await visits.getAttribute('aria-labelledby')).toBe('impact-chart-visits-t impact-chart-visits-d');
    expect(await visits.locator('title').textContent()).toBe('Посещения открытых страниц по языкам');
    expect(await visits.locator('desc').textContent()).toMatch(/^Посещения открытых страниц, .+: Русский \d[\d\s ]*; Қазақша \d[\d\s ]*; English \d[\d\s ]*\. Всего: \d/);
    // Case supervision is small: withheld, and drawn with no bar.
    const cases = view.locator('[data-metric=cases_opened]');
    expect(await cases.locator('td', { hasText: '<5' }).count()).toBeGreaterThan(0);
    expect(await cases.locator('rect.chart-bar').count()).toBeLessThan(3);
    const status = page.locator('#impact-status');
    await expect.poll(() => status.textContent()).toMatch(/^Период: \d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}$/);
    for (const selector of ['#impact-preset-year', '#impact-csv', '#impact-show', 'label.check']) expect(await heightOf(page, selector), selector).toBeGreaterThanOrEqual(44);
    await page.locator('#impact-title').scrollIntoViewIfNeeded();
    await shots(page, 'impact-console');

    // This year, then two chosen days.
    const first = (await status.textContent())!;
    await page.click('#impact-preset-year');
    await expect.poll(() => status.textContent()).not.toBe(first);
    expect(await status.textContent()).toContain(`${new Date().getUTCFullYear()}-01-01`);
    const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    const today = new Date().toISOString().slice(0, 10);
    await page.fill('#impact-from', yesterday);
    await page.fill('#impact-to', today);
    await page.click('#impact-show');
    await expect.poll(() => status.textContent()).toBe(`Период: ${yesterday} – ${today}`);

    // The CSV of the chosen period, suppressed like the page.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#impact-csv')]);
    expect(download.suggestedFilename()).toBe(`tynys-impact-${yesterday}-${today}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('from,to,metric,topic,ru,kk,en,total');
    expect(csv).toMatch(new RegExp(`^${yesterday},${today},visits,none,\\d+,\\d+,\\d+,\\d+$`, 'm'));
    for (const line of csv.trim().split('\r\n').slice(1)) for (const v of line.split(',').slice(4)) expect(v, line).toMatch(/^(0|[5-9]|\d\d+|<5|hidden|lt1h|1h-4h|4h-12h|12h-24h|1d-3d|gt3d|)$/);

    // The public page is off until the admin turns it on.
    expect((await fetch(`${server.url}/ru/impact`)).status).toBe(404);
    await page.click('#impact-public-toggle');
    await expect.poll(() => status.textContent()).toBe('Сохранено.');
    expect(await page.locator('#impact-public a[href="/ru/impact"]').count()).toBe(1);
    expect(rec.cspViolations).toEqual([]);
    expect(rec.offOrigin).toEqual([]);
    await ctx.close();
  });

  it('the public page: whole past months, without JavaScript, at 360 and 1280 px, accessible', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360, javaScriptEnabled: false });
    const page = await ctx.newPage();
    for (const lang of ['ru', 'kk', 'en'] as const) {
      const res = await page.goto(`${server.url}/${lang}/impact`);
      expect(res!.status(), lang).toBe(200);
      expect(await page.locator('h1').textContent()).toMatch(lang === 'ru' ? /^Tynys в цифрах · / : lang === 'kk' ? /^Tynys сандармен · / : /^Tynys in figures · /);
      expect(await page.locator('svg.chart[role=img] title').count()).toBe(12);
      // Nothing wider than the phone's screen but the tables' own scrolling regions.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), lang).toBeLessThanOrEqual(360);
    }
    await page.goto(`${server.url}/ru/impact`);
    // A month the page offers links to another without JavaScript.
    const other = page.locator('nav[aria-labelledby=impact-months] a:not([aria-current])').first();
    if (await other.count()) {
      await other.click();
      expect(await page.locator('nav[aria-labelledby=impact-months] a[aria-current=page]').count()).toBe(1);
      await page.goBack();
    }
    await shots(page, 'impact-public');
    await ctx.close();

    // axe injects its script into the page, so it reads the same pages with scripts on.
    const checked = await newContext(browser, server, rec, { width: 360 });
    const probe = await checked.newPage();
    for (const lang of ['ru', 'kk', 'en'] as const) {
      await probe.goto(`${server.url}/${lang}/impact`);
      await expectAccessible(probe, `impact report (${lang}) at 360 px`);
    }
    expect(rec.cspViolations).toEqual([]);
    await checked.close();
  });
});
