import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS } from '../../src/web/i18n/index.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectAccessible, launch, newContext, newRecorder, shots, type Recorder } from './support.js';

// The asker's first screen in Chromium (issue 12 point 2): it is there before any script and
// without JavaScript; it answers before the app has arrived, on the 50 KB of script it is
// allowed; a tap made meanwhile says "preparing…" and is acted on when the app comes; a failed
// download says so and the next tap tries again. (Timings on a throttled line:
// scripts/bench-first-screen.ts, in BENCHMARKS.md.)

const BUDGET = 50 * 1024;
const APP = /\/static\/asker\.[0-9a-f]{12}\.js$/;
let server: TestServer;
let browser: Browser;
const rec: Recorder = newRecorder();

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Holds the app's script until `release` is called: the line is slow, the first screen is not. */
async function holdApp(page: Page): Promise<{ release: () => void; requests: () => number }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  let requests = 0;
  await page.route(APP, async (route: Route) => {
    requests++;
    await held;
    await route.continue();
  });
  return { release, requests: () => requests };
}

const challenges = (from: number): number => rec.requests.slice(from).filter((r) => r.url.endsWith('/api/pow/challenges')).length;

describe('the asker\'s first screen', () => {
  it('is on the page without JavaScript: what the space is for, both buttons, the crisis line, and why it needs a script', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/ru/app`);
    expect(await page.locator('h1').textContent()).toBe(CATALOGS.ru['app.title']);
    expect(await page.locator('p.lead').isVisible()).toBe(true);
    for (const id of ['#new-code', '#have-code']) {
      expect(await page.locator(id).isVisible(), id).toBe(true);
      // Nothing to do until the script runs: a disabled button, not a dead one.
      expect(await page.locator(id).isDisabled(), id).toBe(true);
    }
    expect(await page.locator('.crisis-line a.call').first().isVisible()).toBe(true);
    expect(await page.locator('main .notice').textContent()).toBe(CATALOGS.ru['noscript.app']);
    await shots(page, 'asker-first-screen-no-js');
    await ctx.close();
  });

  it('answers on its own 50 KB of script while the app is still on the way, and acts on a tap made meanwhile', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    const scripts = new Map<string, string>();
    let firstScreenBytes = 0;
    cdp.on('Network.responseReceived', (e) => { if (e.type === 'Script') scripts.set(e.requestId, e.response.url); });
    cdp.on('Network.loadingFinished', (e) => { const url = scripts.get(e.requestId); if (url && !APP.test(url)) firstScreenBytes += e.encodedDataLength; });
    const app = await holdApp(page);
    const before = rec.requests.length;
    await page.goto(`${server.url}/ru/app`, { waitUntil: 'domcontentloaded' });
    await page.locator('#new-code:enabled').waitFor();
    expect(await page.locator('#have-code').isEnabled()).toBe(true);
    // The app was asked for at once (the preload), and has not run: this is the server's screen.
    expect(app.requests()).toBeGreaterThan(0);
    expect(await page.locator('[data-first-screen]').count()).toBe(1);
    expect(firstScreenBytes).toBeGreaterThan(0);
    expect(firstScreenBytes).toBeLessThanOrEqual(BUDGET);

    await page.click('#new-code');
    expect(await page.locator('#new-code').textContent()).toBe(CATALOGS.ru['app.preparing']);
    expect(await page.getAttribute('#new-code', 'aria-busy')).toBe('true');
    // The proof of work started on the tap, while the app is still held.
    await expect.poll(() => challenges(before)).toBe(1);
    await shots(page, 'asker-first-screen-preparing');
    await expectAccessible(page, 'asker-first-screen-preparing');

    app.release();
    const code = (await page.locator('#recovery-code').textContent())!.trim();
    expect(code).toMatch(/^([0-9A-Z]{4}-){6}[0-9A-Z]{4}$/);
    // The app minted with the proof begun on the first screen: no second challenge.
    expect(challenges(before)).toBe(1);
    expect(rec.cspViolations).toEqual([]);
    await ctx.close();
  });

  it('takes "I have a code" tapped before the app arrived to the code form', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    const app = await holdApp(page);
    await page.goto(`${server.url}/en/app`, { waitUntil: 'domcontentloaded' });
    await page.click('#have-code');
    expect(await page.locator('#have-code').textContent()).toBe(CATALOGS.en['app.preparing']);
    app.release();
    await page.locator('#restore-code').waitFor();
    await ctx.close();
  });

  it('says so when the app fails to arrive, and the next tap tries again', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    let failing = true;
    await page.route(APP, (route) => (failing ? route.abort('connectionreset') : route.continue()));
    await page.goto(`${server.url}/kk/app`, { waitUntil: 'domcontentloaded' });
    const alert = page.locator('[data-first-screen] .error[role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(CATALOGS.kk['app.loadFailed']);
    expect(await page.locator('#new-code').textContent()).toBe(CATALOGS.kk['app.start.new']);
    await shots(page, 'asker-first-screen-load-failed');
    await expectAccessible(page, 'asker-first-screen-load-failed');
    failing = false;
    await page.click('#new-code');
    await page.locator('#recovery-code').waitFor();
    expect(await alert.count()).toBe(0);
    await ctx.close();
  });
});
