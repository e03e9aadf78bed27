import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { enterWithNewCode, launch, newContext, newRecorder, shots, type Recorder } from './support.js';

// Crisis contacts in real Chromium at 360 px (issue 14 point 3): an admin edits the emergency
// number in the console, confirms it, and the public page's call line at the top shows the new
// number on the next load, no longer marked "to verify"; so does the asker's "urgent" note.

let server: TestServer;
let browser: Browser;
const rec: Recorder = newRecorder();
const PASS = 'a long staff passphrase';

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function logIn(page: Page, login: string): Promise<void> {
  await page.goto(`${server.url}/en/staff`);
  await page.fill('#s-login', login);
  await page.fill('#s-pass', PASS);
  await page.click('#s-submit');
  await page.locator('#logout').waitFor();
}

describe('crisis contacts', () => {
  it('an admin edits and confirms a number; the public call line shows it, confirmed', async () => {
    await server.addStaff(['admin'], ['en'], 'crisis-admin', PASS);
    const staffCtx = await newContext(browser, server, rec, { width: 360 });
    const console_ = await staffCtx.newPage();
    await logIn(console_, 'crisis-admin');
    await console_.click('#tab-crisis');
    await console_.selectOption('#crisis-lang', 'en');
    const item = console_.locator('#crisis-list li', { hasText: '112' }).first();
    await item.locator('.to-verify').waitFor();
    await item.locator('button.edit').click();
    expect(await console_.evaluate(() => document.activeElement?.id)).toBe('crisis-form-title');
    await console_.fill('#cc-phone', '+7 (700) 111');
    await console_.click('#crisis-save');
    await console_.locator('#crisis-form .error').waitFor();
    expect(await console_.getAttribute('#cc-phone', 'aria-invalid')).toBe('true');
    await console_.fill('#cc-phone', '+7 700 111 22 33');
    await console_.click('#crisis-save');
    const edited = console_.locator('#crisis-list li', { hasText: '+7 700 111 22 33' });
    await edited.locator('.to-verify').waitFor();
    await edited.locator('button.verify').click();
    await edited.locator('.to-verify').waitFor({ state: 'detached' });
    expect(await console_.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shots(console_, 'crisis-console');

    const publicCtx = await newContext(browser, server, rec, { width: 360 });
    const page = await publicCtx.newPage();
    await page.goto(`${server.url}/en/`);
    const call = page.locator('.crisis-line a.call[href="tel:+77001112233"]');
    await call.waitFor();
    expect(await call.getAttribute('data-verified')).toBe('true');
    expect(await page.locator('.crisis-line a.call[href="tel:112"]').count()).toBe(0);
    expect(await page.locator('#crisis li', { hasText: '+7 700 111 22 33' }).locator('.unverified').count()).toBe(0);
    await shots(page, 'crisis-public');

    // The asker's "urgent" note shows the same current numbers (read from the page's call line).
    const asker = await publicCtx.newPage();
    await enterWithNewCode(asker, `${server.url}/en/app`);
    await asker.click('#go-consult');
    await asker.locator('#start-consult').waitFor();
    await asker.check('input[name=urgency][value=urgent]');
    await asker.locator('#urgent-crisis a[href="tel:+77001112233"]').waitFor();
    expect(await asker.locator('#urgent-crisis a[href="tel:112"]').count()).toBe(0);
  });
});
