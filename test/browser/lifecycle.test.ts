import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvite } from '../../src/staff/service.js';
import { installManifest } from '../support/manifest.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectAccessible, launch, newContext, newRecorder, shots, type Recorder, enterWithNewCode } from './support.js';

// The staff lifecycle in real Chromium: an admin disables the psychologist holding a
// consultation (the asker's page says so live, and sending closes), enables them again and
// resets them by a new invite, which the psychologist accepts with a new passphrase in the
// console; they log out everywhere; the admin reads it all in the audit log.

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

async function logIn(page: Page, login: string, passphrase = PASS): Promise<void> {
  await page.goto(`${server.url}/ru/staff`);
  await page.fill('#s-login', login);
  await page.fill('#s-pass', passphrase);
  await page.click('#s-submit');
  await page.locator('#logout').waitFor();
}

describe('staff lifecycle in the console', () => {
  it('disable shows the asker their psychologist is gone; reset by a new invite; log out everywhere; the audit log', async () => {
    // An admin who joined from an invite, in the console.
    const adminCtx = await newContext(browser, server, rec);
    const admin = await adminCtx.newPage();
    const { code: adminCode } = createInvite(server.db, server.pepper, ['admin'], Date.now());
    await admin.goto(`${server.url}/ru/staff`);
    await admin.click('#mode-accept');
    await admin.fill('#s-code', adminCode);
    await admin.fill('#s-login', 'lc-admin');
    await admin.fill('#s-pass', PASS);
    await admin.fill('#s-repeat', PASS);
    await admin.click('#s-submit');
    await admin.locator('#logout').waitFor();

    // A consultation the psychologist (through the SDK) holds and answered; a colleague is on duty too.
    const psy = await server.addStaff(['psychologist'], ['ru'], 'lc-psy', PASS);
    const psy2 = await server.addStaff(['psychologist'], ['ru'], 'lc-psy2', PASS);
    await psy2.directory(true);
    const askerCtx = await newContext(browser, server, rec, { width: 360 });
    const asker = await askerCtx.newPage();
    await enterWithNewCode(asker, `${server.url}/ru/app`);
    await asker.click('#go-consult');
    await asker.click('#start-consult');
    await asker.fill('#message', 'мне нужна помощь');
    await asker.click('#send');
    const [thread] = await psy.queue();
    await psy.claim(thread!.id);
    await psy.send(thread!.id, 'я вас слышу');
    await asker.locator('#messages li', { hasText: 'я вас слышу' }).waitFor({ timeout: 10_000 });

    // Disabled from the admin page: the asker's open page learns it without a reload.
    await admin.click('#tab-admin');
    await admin.click('#staff-refresh'); // the list as of now: the psychologist joined after the admin's page loaded
    const row = admin.locator('li[data-staff="lc-psy"]');
    await row.locator('.disable-staff').click();
    await row.locator('.enable-staff').waitFor();
    await asker.locator('#holder-revoked').waitFor({ timeout: 10_000 });
    expect(await asker.locator('#send').count()).toBe(0);
    await shots(asker, 'asker-holder-revoked');
    await expectAccessible(asker, 'asker-holder-revoked');
    await expect(psy.listThreads()).rejects.toMatchObject({ status: 401 });

    // The organisation's next manifest leaves the disabled psychologist out; the asker passes the
    // conversation on. A colleague on a fresh console (its tab never saw a manifest listing the first
    // psychologist) takes it and reads it from the start: the first psychologist's keys come from the
    // organisation's older manifests, and their message is marked.
    installManifest(server);
    await asker.click('#find-another');
    await asker.locator('#holder-revoked').waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(async () => (await psy2.queue()).map((th) => th.id), { timeout: 10_000 }).toContain(thread!.id);
    const colleagueCtx = await newContext(browser, server, rec, { width: 360 });
    const colleague = await colleagueCtx.newPage();
    await logIn(colleague, 'lc-psy2');
    await colleague.locator('#queue .claim').first().click();
    await colleague.locator('#messages li', { hasText: 'я вас слышу' }).waitFor({ timeout: 10_000 });
    expect(await colleague.locator('#messages li').allTextContents()).toEqual([
      expect.stringContaining('мне нужна помощь'), expect.stringMatching(/\(больше нет в справочнике\).*я вас слышу/s),
    ]);
    await colleague.fill('#reply', 'я продолжу с вами');
    await colleague.click('#send-reply');
    await asker.locator('#messages li', { hasText: 'я продолжу с вами' }).waitFor({ timeout: 10_000 });
    await colleagueCtx.close();

    // Enabled, then reset by a new invite: the code says whom it resets, and the page says the new keys wait for the manifest.
    await row.locator('.enable-staff').click();
    await row.locator('.disable-staff').waitFor();
    await row.locator('.reset-staff').click();
    const resetCode = (await admin.locator('#reset-code').textContent())!.trim();
    expect(resetCode).toMatch(new RegExp(`^${psy.id}\\.[A-Za-z0-9_-]{32}$`));
    expect(await admin.locator('#staff-accounts .notice').textContent()).toContain('подписанный справочник');
    await shots(admin, 'staff-admin-accounts');
    await expectAccessible(admin, 'staff-admin-accounts');

    const psyCtx = await newContext(browser, server, rec);
    const page = await psyCtx.newPage();
    await page.goto(`${server.url}/ru/staff`);
    await page.click('#mode-accept');
    await page.fill('#s-code', resetCode);
    await page.locator('#reset-hint').waitFor();
    expect(await page.locator('#s-login').count()).toBe(0);
    await page.fill('#s-pass', 'a new passphrase after reset');
    await page.fill('#s-repeat', 'a new passphrase after reset');
    await page.click('#s-submit');
    await page.locator('#logout').waitFor();
    installManifest(server);

    // Log out everywhere: back to the login form, and the new passphrase opens the console again.
    await page.click('#logout-everywhere');
    await page.locator('#s-login').waitFor();
    await logIn(page, 'lc-psy', 'a new passphrase after reset');

    // The audit log, newest first.
    await admin.click('#audit-refresh');
    await admin.locator('#staff-audit td', { hasText: 'logged_out_everywhere' }).waitFor();
    const actions = await admin.locator('#staff-audit tr td:nth-child(3)').allTextContents();
    expect(actions).toEqual(['logged_out_everywhere', 'reset_accepted', 'reset_invite_created', 'enabled', 'disabled']);
    await Promise.all([adminCtx.close(), askerCtx.close(), psyCtx.close()]);
  });
});
