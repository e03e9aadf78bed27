import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threads } from '../../db/schema.js';
import { StaffClient } from '../../src/client/index.js';
import { en } from '../../src/web/i18n/en.js';
import { kk } from '../../src/web/i18n/kk.js';
import { rewriting } from '../attacks/hostile.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectAccessible, enterWithNewCode, launch, newContext, newRecorder, shots, type Recorder } from './support.js';

// The asker's thread screen in Chromium (issue 12 point 3): the status follows the thread live as
// a psychologist (driven through the SDK) claims, replies and closes; every message shows its
// signed time; an expected wait and "you can close this page"; erase sits apart and asks first;
// the marks for messages that did not get through; a language switch inside the space keeps it.

let server: TestServer;
let browser: Browser;
let psy: StaffClient;
const rec: Recorder = newRecorder();

beforeAll(async () => {
  server = await startServer();
  psy = await server.addStaff(['psychologist'], ['ru', 'kk', 'en'], 'thread-psy');
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const stage = (page: Page) => page.locator('#thread-status').getAttribute('data-stage');

/** A new asker at /en/app opens a consultation; returns the thread id. */
async function openConsultation(page: Page): Promise<string> {
  await enterWithNewCode(page, `${server.url}/en/app`);
  await page.click('#go-consult');
  await page.click('#start-consult');
  await page.locator('#message').waitFor();
  const queue = await psy.queue();
  expect(queue).toHaveLength(1);
  return queue[0]!.id;
}

async function write(page: Page, text: string): Promise<void> {
  await page.fill('#message', text);
  await page.click('#send');
  await page.locator('#messages li', { hasText: text }).waitFor();
}

describe('the asker\'s thread', () => {
  it('follows the thread live (waiting, taken, replied, closed) with each message\'s signed time, and erases only after asking', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    const id = await openConsultation(page);
    // The screen's heading has the focus; it says what to expect while waiting.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('thread-title');
    await write(page, 'I cannot sleep');
    expect(await stage(page)).toBe('waiting');
    expect(await page.locator('#thread-status').textContent()).toBe(en['app.thread.stage.waiting']);
    expect(await page.locator('#thread-wait').textContent()).toBe(en['app.thread.wait'].replace('{hours}', '24'));
    expect(await page.locator('#thread-come-back').textContent()).toBe(en['app.thread.comeBack']);

    // Each message shows the author's signed time, to the minute (the reader's copy says the same).
    await psy.claim(id);
    await page.locator('#thread-status[data-stage=taken]').waitFor({ timeout: 10_000 });
    await psy.read(id);
    await psy.send(id, 'I am here. When did it start?');
    await page.locator('#thread-status[data-stage=replied]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#thread-status').textContent()).toBe(en['app.thread.stage.replied']);
    expect(await page.locator('#thread-wait').count()).toBe(0);
    const signed = (await psy.read(id)).map((m) => new Date(Math.floor(m.at / 60_000) * 60_000).toISOString().replace(':00.000Z', 'Z'));
    const times = page.locator('#messages li time');
    expect(await times.evaluateAll((els) => els.map((e) => e.getAttribute('datetime')))).toEqual(signed);
    for (const text of await times.allTextContents()) expect(text).toMatch(/^today, \d\d:\d\d/);

    // Writing again: the psychologist has it, and the reply is awaited.
    await page.fill('#message', 'Two weeks ago');
    await page.click('#send');
    await page.locator('#thread-status[data-stage=taken]').waitFor({ timeout: 10_000 });
    await shots(page, 'asker-thread-stages');
    await expectAccessible(page, 'asker-thread-stages');

    // Erase sits well below Send, apart from it.
    const send = (await page.locator('#send').boundingBox())!;
    const erase = (await page.locator('#erase-thread').boundingBox())!;
    expect(erase.y - (send.y + send.height)).toBeGreaterThanOrEqual(48);
    for (const box of [send, erase]) expect(box.height).toBeGreaterThanOrEqual(44);

    // Closed by the psychologist: said live, and nothing more can be written.
    await psy.close(id);
    await page.locator('#thread-status[data-stage=closed]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#message').count()).toBe(0);
    await page.locator('#thread-closed').waitFor();

    // Erasing asks first, on the page; "keep it" keeps it and gives the focus back.
    let dialogs = 0;
    page.on('dialog', (d) => { dialogs++; void d.dismiss(); });
    await page.click('#erase-thread');
    await page.locator('#erase-confirm').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: 2_000 }).toBe('erase-thread-cancel');
    await shots(page, 'asker-thread-erase-confirm');
    await expectAccessible(page, 'asker-thread-erase-confirm');
    await page.click('#erase-thread-cancel');
    await page.locator('#erase-confirm').waitFor({ state: 'detached' });
    // The focus moves in an effect after the render: on a loaded machine a moment after the question closes.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: 2_000 }).toBe('erase-thread');
    expect(server.db.select().from(threads).where(eq(threads.id, id)).get()).toBeDefined();
    await page.click('#erase-thread');
    await page.click('#erase-thread-confirm');
    await page.locator('#go-consult').waitFor();
    expect(server.db.select().from(threads).where(eq(threads.id, id)).get()).toBeUndefined();
    expect(dialogs).toBe(0);
    await ctx.close();
  });

  it('marks what did not get through: messages the reply had not read, a reply held back, a send refused as withheld', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    // What the server will hold back from this page when asked to: its live stream, and items from a number on.
    let holdStream = false;
    let hideFrom = 0;
    await page.route('**/events', (route) => (holdStream ? route.fulfill({ status: 200, contentType: 'text/event-stream', body: '' }) : route.continue()));
    await page.route(/\/items\?/, async (route) => {
      const res = await route.fetch();
      const body = await res.json() as { items: { seq: number }[]; hasMore: boolean };
      await route.fulfill({ response: res, json: hideFrom ? { items: body.items.filter((i) => i.seq < hideFrom), hasMore: false } : body });
    });
    const id = await openConsultation(page);
    await write(page, 'Hello'); // 1
    await psy.claim(id); // 2
    await page.locator('#thread-status[data-stage=taken]').waitFor({ timeout: 10_000 });
    await write(page, 'He came back home'); // 3

    // The server hides item 3 from the psychologist, who replies having read up to 2.
    let hidden = false;
    const watched = await StaffClient.login({ ...server.clientOptions, fetch: rewriting((u) => u.pathname.endsWith(`/threads/${id}/items`), (body: { items: { seq: number }[]; hasMore: boolean }) => {
      if (hidden) return body;
      hidden = true;
      return { items: body.items.filter((i) => i.seq <= 2), hasMore: false };
    }) }, 'thread-psy', 'passphrase of thread-psy');
    await watched.read(id);
    await watched.send(id, 'How are you now?'); // 4
    await page.locator('#withheld-notice').waitFor({ timeout: 10_000 });
    expect(await page.locator('#withheld-notice').textContent()).toBe(en['app.thread.withheldNotice']);
    expect(await page.locator('#messages li', { hasText: 'He came back home' }).locator('.not-seen').textContent()).toBe(en['app.thread.notSeen']);
    expect(await page.locator('#messages li', { hasText: 'Hello' }).locator('.not-seen').count()).toBe(0);
    await shots(page, 'asker-thread-not-seen');
    await expectAccessible(page, 'asker-thread-not-seen');

    // The asker comes back to the thread while the server holds back from this page the live
    // stream and anything after item 4, and the psychologist (who read everything) replies.
    holdStream = true;
    hideFrom = 5;
    await page.click('#thread-back');
    await page.locator('#my-threads a').first().click();
    await page.locator('#messages li', { hasText: 'How are you now?' }).waitFor();
    await psy.read(id);
    await psy.send(id, 'Are you safe right now?'); // 5
    await page.fill('#message', 'Are you there?');
    await page.click('#send');
    // The SDK finds the server refusing the post while showing nothing newer: it says so, and nothing was sent.
    await page.locator('form .error').waitFor({ timeout: 15_000 });
    expect(await page.locator('form .error').textContent()).toBe(en['app.thread.withheld']);
    expect((await psy.read(id)).map((m) => m.text)).not.toContain('Are you there?');

    // The items come through again, the live stream not yet: the post lands after the reply it
    // had to chain onto, and the reply shows, once the stream is back, marked as arriving late.
    hideFrom = 0;
    await page.click('#send'); // 6
    await page.locator('#messages li', { hasText: 'Are you there?' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('form .error').count()).toBe(0);
    expect(await page.locator('#messages li', { hasText: 'Are you safe right now?' }).count()).toBe(0);
    holdStream = false;
    const late = page.locator('#messages li', { hasText: 'Are you safe right now?' });
    await late.waitFor({ timeout: 40_000 });
    expect(await late.locator('.late').textContent()).toBe(en['app.thread.late']);
    const texts = await page.locator('#messages li').allTextContents();
    expect(texts.findIndex((x) => x.includes('Are you safe right now?'))).toBeLessThan(texts.findIndex((x) => x.includes('Are you there?')));
    await ctx.close();
  });

  it('switches language inside the space without leaving it: same session, same thread, the whole page in the new language', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    const id = await openConsultation(page);
    await write(page, 'Language test');
    await psy.claim(id);
    await page.locator('#thread-status[data-stage=taken]').waitFor({ timeout: 10_000 });
    await page.evaluate(() => { (window as unknown as { sameDocument: boolean }).sameDocument = true; });
    const logins = () => rec.requests.filter((r) => r.url.endsWith('/api/identities/sessions') || r.url.endsWith('/api/identities')).length;
    const before = logins();

    await page.click('nav.langs a[hreflang=kk]');
    await page.waitForURL(`${server.url}/kk/app`);
    await page.locator('#thread-status', { hasText: kk['app.thread.stage.taken'] }).waitFor();
    await page.locator('h1', { hasText: kk['app.title'] }).waitFor();
    await page.locator('#crisis-title', { hasText: kk['crisis.title'] }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('kk');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await page.locator('#messages li', { hasText: 'Language test' }).count()).toBe(1);
    expect(await page.locator('nav.langs a[aria-current=true]').getAttribute('hreflang')).toBe('kk');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('hreflang'))).toBe('kk');
    expect(await page.locator('#send').textContent()).toBe(kk['app.thread.send']);
    await shots(page, 'asker-thread-kk');
    await expectAccessible(page, 'asker-thread-kk');

    // Still the same session and live: a reply arrives, and nothing was kept on the device for the switch.
    await psy.send(id, 'Сәлем');
    await page.locator('#thread-status', { hasText: kk['app.thread.stage.replied'] }).waitFor({ timeout: 10_000 });
    await page.click('nav.langs a[hreflang=en]');
    await page.waitForURL(`${server.url}/en/app`);
    await page.locator('#thread-status', { hasText: en['app.thread.stage.replied'] }).waitFor();
    expect(logins()).toBe(before);
    expect(await page.evaluate(() => [localStorage.length, Object.keys(sessionStorage).filter((k) => k !== 'tynys.manifest').length])).toEqual([0, 0]);
    // Back in the home screen, in English.
    await page.click('#thread-back');
    await page.locator('#go-consult', { hasText: en['app.home.consult'] }).waitFor();
    expect(rec.cspViolations).toEqual([]);
    await ctx.close();
  });
});
