import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryManifests } from '../../db/schema.js';
import { en } from '../../src/web/i18n/en.js';
import { installManifest, servedVersion } from '../support/manifest.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectAccessible, choosePin, launch, newContext, newRecorder, type Recorder } from './support.js';

// The signed staff manifest in the browser apps (issue 11 point 1): the asker app keeps the
// newest version seen for the tab's life (and with a remembered code), the staff console for the
// tab's life; a refused manifest is a clear message, never a blank page, and nothing is sent.

let server: TestServer;
let browser: Browser;
const rec: Recorder = newRecorder();

beforeAll(async () => {
  server = await startServer();
  await server.addStaff(['psychologist'], ['ru', 'en'], 'directory-psy');
  installManifest(server); // a second version, so that there is an older one to roll back to
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const openings = () => rec.requests.filter((r) => r.url === `${server.url}/api/threads` && r.body.includes('genesis')).length;
const withdraw = (version: number) => server.db.delete(directoryManifests).where(eq(directoryManifests.version, version)).run();
const expired = () => installManifest(server, { issuedAt: Date.now() - 2 * 86_400_000, expiresAt: Date.now() - 86_400_000 });

async function newAsker(page: Page, remember: boolean): Promise<string> {
  await page.goto(`${server.url}/en/app`);
  await page.click('#new-code');
  const code = (await page.locator('#recovery-code').textContent())!.trim();
  await page.fill('#confirm-code', code.slice(-4));
  if (remember) await page.check('#remember');
  await page.locator('form button[type=submit]').click();
  if (remember) await choosePin(page, '2580');
  await page.locator('#go-consult').waitFor();
  return code;
}

/** Tries to start a consultation; returns the error shown, or null when the thread opened. */
async function startConsultation(page: Page): Promise<string | null> {
  await page.click('#go-consult');
  await page.click('#start-consult');
  await page.locator('#message, form .error').first().waitFor();
  const outcome = (await page.locator('#message').count()) > 0 ? null : (await page.locator('form .error').textContent())!.trim();
  await page.locator('button.secondary', { hasText: 'Back' }).first().click();
  await page.locator('#go-consult').waitFor();
  return outcome;
}

describe('the asker app', () => {
  it('refuses an older manifest once the tab saw a newer one, across a reload, with a clear message and nothing sent', async () => {
    const ctx = await newContext(browser, server, rec);
    const page = await ctx.newPage();
    const code = await newAsker(page, false);
    expect(await startConsultation(page)).toBeNull();
    // The server goes back to the version before (signed by the organisation, unexpired).
    const newest = servedVersion(server.db);
    const row = server.db.select().from(directoryManifests).where(eq(directoryManifests.version, newest)).get()!;
    withdraw(newest);
    expect(servedVersion(server.db)).toBe(newest - 1);
    const before = openings();
    expect(await startConsultation(page)).toBe(en['app.directory.unverified']);
    await expectAccessible(page, 'asker: consultation refused, directory unverified');
    // A reload of the tab (the code typed again): the tab still remembers the version it saw.
    await page.reload();
    await page.click('#have-code');
    await page.fill('#restore-code', code);
    await page.locator('form button[type=submit]').click();
    await page.locator('#go-consult').waitFor();
    expect(await startConsultation(page)).toBe(en['app.directory.unverified']);
    expect(openings()).toBe(before);
    server.db.insert(directoryManifests).values(row).run();
    expect(await startConsultation(page)).toBeNull();
    await ctx.close();
  });

  it('refuses an expired manifest, and says so when there is none at all', async () => {
    const ctx = await newContext(browser, server, rec);
    const page = await ctx.newPage();
    await newAsker(page, false);
    const version = servedVersion(server.db) + 1;
    expired();
    const before = openings();
    expect(await startConsultation(page)).toBe(en['app.directory.unverified']);
    withdraw(version);
    const all = server.db.select().from(directoryManifests).all();
    server.db.delete(directoryManifests).run();
    expect(await startConsultation(page)).toBe(en['app.consult.unavailable']);
    expect(openings()).toBe(before);
    for (const row of all) server.db.insert(directoryManifests).values(row).run();
    await ctx.close();
  });

  it('keeps the version seen with a remembered code, and forgets it with the code on leaving', async () => {
    const ctx = await newContext(browser, server, rec);
    const page = await ctx.newPage();
    await newAsker(page, true);
    expect(await startConsultation(page)).toBeNull();
    const kept = await page.evaluate(() => localStorage.getItem('tynys.manifest'));
    expect(JSON.parse(kept!)).toMatchObject({ version: servedVersion(server.db) });
    // After a quick exit (the tab's memory is cleared) the PIN opens the space, and the device
    // still remembers the version: the server going back to the one before is refused.
    await page.click('#quick-exit');
    await page.waitForURL('https://www.google.com/');
    await page.goto(`${server.url}/en/app`);
    await page.fill('#pin-enter', '2580');
    await page.click('#pin-open');
    await page.locator('#go-consult').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    const newest = servedVersion(server.db);
    const row = server.db.select().from(directoryManifests).where(eq(directoryManifests.version, newest)).get()!;
    withdraw(newest);
    expect(await startConsultation(page)).toBe(en['app.directory.unverified']);
    server.db.insert(directoryManifests).values(row).run();
    await page.click('#leave');
    await page.locator('#new-code').waitFor();
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await ctx.close();
  });
});

describe('the staff console', () => {
  it('shows the signed directory it checked, or why it refused it', async () => {
    const ctx = await newContext(browser, server, rec);
    const page = await ctx.newPage();
    const login = async () => {
      // A new login each time: the one before logs out first (a reload alone would resume it).
      if (await page.locator('#logout').count()) {
        await page.click('#logout');
        await page.locator('#s-login').waitFor();
      }
      await page.goto(`${server.url}/en/staff`);
      await page.fill('#s-login', 'directory-psy');
      await page.fill('#s-pass', 'passphrase of directory-psy');
      await page.click('#s-submit');
      await page.locator('#directory-status').waitFor();
      return (await page.locator('#directory-status').textContent())!;
    };
    expect(await login()).toContain(`version ${servedVersion(server.db)}`);
    // The tab remembers the version across a reload and a new login: an older one is refused.
    const newest = servedVersion(server.db);
    const row = server.db.select().from(directoryManifests).where(eq(directoryManifests.version, newest)).get()!;
    withdraw(newest);
    expect(await login()).toContain(en['staff.directory.reason.manifest_rollback']);
    await expectAccessible(page, 'staff: directory refused');
    server.db.insert(directoryManifests).values(row).run();
    const version = servedVersion(server.db) + 1;
    expired();
    const refused = await login();
    expect(refused).toContain(en['staff.directory.reason.manifest_expired']);
    expect(await page.locator('#directory-status').getAttribute('role')).toBe('alert');
    withdraw(version);
    // Left out of the newest manifest: the console says so.
    installManifest(server, { entries: [] });
    expect(await login()).toBe(en['staff.directory.notInIt']);
    installManifest(server);
    await ctx.close();
  });
});
