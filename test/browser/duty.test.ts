import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskerClient, StaffClient } from '../../src/client/index.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectAccessible, launch, newContext, newRecorder, shots, type Recorder } from './support.js';

// On duty in real Chromium (issue 12, "Duty"): a psychologist's console shows a new urgent
// request without a reload, counts urgent requests in the tab's title (and says nothing else
// there), drops a request a colleague took, tones and notifies when asked to; a reload in the
// same tab keeps the psychologist logged in, a new tab asks for the passphrase, and logging out
// wipes what the tab kept.

let server: TestServer;
let browser: Browser;
const rec: Recorder = newRecorder();
const PASS = 'a long staff passphrase';
let colleague: StaffClient;
let asker: AskerClient;
/** When the asker's POST /api/threads left and was answered (Node's clock, which the page shares). */
const opens = new Map<string, { sent: number; answered: number }>();

beforeAll(async () => {
  server = await startServer({ MAX_OPEN_THREADS: 20 });
  browser = await launch();
  await server.addStaff(['psychologist'], ['ru'], 'duty-psy', PASS);
  colleague = await server.addStaff(['psychologist'], ['ru'], 'duty-colleague');
  // The asker's requests are timed at the network edge: from the POST that opens a thread to its event on the console.
  asker = (await AskerClient.create({
    ...server.clientOptions,
    fetch: async (input, init) => {
      const url = String(input);
      const timed = init?.method === 'POST' && url.endsWith('/api/threads');
      const sent = Date.now();
      const res = await fetch(input, init);
      if (timed && res.ok) {
        const id = ((await res.clone().json()) as { id: string }).id;
        opens.set(id, { sent, answered: Date.now() });
      }
      return res;
    },
  })).client;
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A console context whose pages record, by the page's clock, when each queue item first shows, and every notification raised. */
async function dutyContext(): Promise<BrowserContext> {
  const context = await newContext(browser, server, rec);
  await context.addInitScript(() => {
    const w = window as unknown as { shownAt: Record<string, number>; notes: { title: string; options: unknown }[] };
    w.shownAt = {};
    w.notes = [];
    new MutationObserver(() => {
      for (const li of document.querySelectorAll('#queue li[data-thread]')) w.shownAt[li.getAttribute('data-thread')!] ??= Date.now();
    }).observe(document, { childList: true, subtree: true });
    // Headless Chromium shows no notification: a stand-in records what the console would raise.
    const RecordedNotification = Object.assign(function record(title: string, options?: unknown) { w.notes.push({ title, options }); }, {
      permission: 'default',
      requestPermission: (): Promise<string> => { RecordedNotification.permission = 'granted'; return Promise.resolve('granted'); },
    });
    Object.defineProperty(window, 'Notification', { value: RecordedNotification, configurable: true });
  });
  return context;
}

async function logIn(page: Page, login = 'duty-psy'): Promise<void> {
  await page.goto(`${server.url}/ru/staff`);
  await page.fill('#s-login', login);
  await page.fill('#s-pass', PASS);
  await page.click('#s-submit');
  await page.locator('#logout').waitFor();
}

const queueIds = (page: Page) => page.locator('#queue li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-thread')));
/** What this tab keeps: its sessionStorage vault entries, and the keys in the origin's IndexedDB. */
const kept = (page: Page) => page.evaluate(async () => {
  const session = Object.keys(sessionStorage).filter((k) => k.startsWith('tynys.vault.'));
  const db = await new Promise<IDBDatabase>((resolve, reject) => { const r = indexedDB.open('tynys-vault', 1); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); r.onupgradeneeded = () => r.result.createObjectStore('tab-keys', { keyPath: 'tab' }); });
  const keys = await new Promise<IDBValidKey[]>((resolve) => { const r = db.transaction('tab-keys').objectStore('tab-keys').getAllKeys(); r.onsuccess = () => resolve(r.result); });
  db.close();
  return { session, keys: keys.length };
});

describe('on duty', () => {
  it('a new urgent request appears without a reload, the title counts urgent ones only, a colleague\'s claim removes it, alerts say nothing more', async () => {
    const context = await dutyContext();
    const page = await context.newPage();
    await logIn(page);
    await page.locator('#queue-empty').waitFor();
    expect(await page.title()).toBe('Tynys');

    // Timed: five urgent requests, each from the POST that opens it to its row on the console.
    const latencies: { fromPost: number; fromAnswer: number }[] = [];
    const urgent: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await asker.openConsultation({ topic: 'violence', language: 'ru', urgency: 'urgent' });
      urgent.push(id);
      await page.locator(`#queue li[data-thread="${id}"]`).waitFor({ timeout: 10_000 });
      const shown = await page.evaluate((tid) => (window as unknown as { shownAt: Record<string, number> }).shownAt[tid]!, id);
      latencies.push({ fromPost: shown - opens.get(id)!.sent, fromAnswer: shown - opens.get(id)!.answered });
    }
    console.log(`POST /api/threads → row on the console, ms: ${latencies.map((l) => l.fromPost).join(', ')}; after the POST's answer: ${latencies.map((l) => l.fromAnswer).join(', ')}`);
    expect(Math.max(...latencies.map((l) => l.fromPost))).toBeLessThan(2000);
    await expect.poll(() => page.title()).toBe('(5) Tynys');

    // A routine request is listed after the urgent ones, in the server's order, and does not count in the title.
    const routine = await asker.openConsultation({ topic: 'sleep', language: 'ru', urgency: 'routine' });
    await page.locator(`#queue li[data-thread="${routine}"]`).waitFor();
    const order = (await colleague.queue()).map((th) => th.id);
    expect(order.at(-1)).toBe(routine);
    expect(await queueIds(page)).toEqual(order);
    expect(await page.title()).toBe('(5) Tynys');
    expect(await page.locator(`#queue li[data-thread="${urgent[0]}"] .waiting`).textContent()).toBe('только что');
    expect(await page.locator(`#queue li[data-thread="${urgent[0]}"] strong`).textContent()).toBe('Срочно');

    // A colleague takes the first one; it leaves this console, and the count drops.
    await colleague.claim(urgent[0]!);
    await page.locator(`#queue li[data-thread="${urgent[0]}"]`).waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(() => page.title()).toBe('(4) Tynys');
    // The asker closes three while they wait.
    for (const id of urgent.slice(1, 4)) await asker.close(id);
    await expect.poll(() => page.title()).toBe('(1) Tynys');
    expect(await queueIds(page)).toEqual([urgent[4], routine]);

    // Alerts are off until asked for: an urgent request raised nothing so far.
    expect(await page.isChecked('#duty-alerts')).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { notes: unknown[] }).notes)).toEqual([]);
    await page.check('#duty-alerts');
    const next = await asker.openConsultation({ topic: 'substance-use', language: 'ru', urgency: 'urgent' });
    await page.locator(`#queue li[data-thread="${next}"]`).waitFor();
    await asker.openConsultation({ topic: 'grief', language: 'ru', urgency: 'soon' }); // not urgent: no alert
    await expect.poll(() => page.locator('#queue li').count()).toBe(4);
    // The notification and the title say that urgent requests wait, and nothing about them (the
    // notification's language is the console's).
    const notes = await page.evaluate(() => (window as unknown as { notes: unknown[] }).notes);
    expect(notes).toEqual([{ title: 'Ждёт срочное обращение', options: { tag: 'tynys-urgent', lang: 'ru' } }]);
    expect(await page.title()).toBe('(2) Tynys');
    await shots(page, 'staff-duty-queue');
    // The queue adds no accessibility violation of its own (the whole console is issue 12's point 6).
    await expectAccessible(page, 'staff: live duty queue with urgent requests');
    await context.close();
  });

  it('the waiting time ticks without a reload', async () => {
    const context = await dutyContext();
    const page = await context.newPage();
    await page.clock.install();
    await logIn(page);
    const id = await asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'urgent' });
    const waiting = page.locator(`#queue li[data-thread="${id}"] .waiting`);
    await waiting.waitFor();
    await page.clock.fastForward(13 * 60_000);
    await expect.poll(() => waiting.textContent()).toMatch(/^ждёт 1[34] мин$/);
    await page.clock.fastForward(60 * 60_000);
    await expect.poll(() => waiting.textContent()).toMatch(/^ждёт 1 ч 1[34] мин$/);
    await asker.close(id);
    await context.close();
  });

  it('a reload keeps the console logged in; a new tab asks for the passphrase; log out and log out everywhere wipe what the tab kept', async () => {
    const context = await dutyContext();
    const page = await context.newPage();
    await logIn(page);
    // The console seals what it keeps just after login, without holding the login up: wait for it.
    await expect.poll(async () => (await kept(page)).session.length, { timeout: 5_000 }).toBe(2);
    const kept1 = await kept(page);
    expect(kept1.session.sort()).toEqual(['tynys.vault.sealed.staff', 'tynys.vault.tab']);
    expect(kept1.keys).toBe(1);
    // What sessionStorage holds opens nothing by itself: no token, no key in it.
    const stored = await page.evaluate(() => JSON.stringify(sessionStorage));
    const token = (rec.responses.map((r) => /"token":"([A-Za-z0-9_-]{43})"/.exec(r)?.[1]).filter(Boolean).at(-1))!;
    expect(stored).not.toContain(token);

    const reloaded = Date.now();
    await page.reload();
    await page.locator('#logout').waitFor();
    console.log(`reload → console back on its session, ms: ${Date.now() - reloaded}`);
    expect(await page.locator('#s-pass').count()).toBe(0);
    // Back on the same session, with the keys: the queue follows live again and a claim works.
    const id = await asker.openConsultation({ topic: 'sleep', language: 'ru', urgency: 'urgent' });
    await page.locator(`#queue li[data-thread="${id}"]`).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.title()).toMatch(/^\(\d+\) Tynys$/);
    await page.locator(`#queue li[data-thread="${id}"] .claim`).click();
    await page.locator('#reply').waitFor();
    // In a conversation, the title still counts urgent requests that arrive.
    const waitingUrgent = async () => Number(/^\((\d+)\)/.exec(await page.title())?.[1] ?? 0);
    const during = await waitingUrgent();
    await asker.openConsultation({ topic: 'isolation', language: 'ru', urgency: 'urgent' });
    await expect.poll(waitingUrgent).toBe(during + 1);
    expect(await page.locator('#queue').isVisible()).toBe(false);

    // A tab brought back long after it was hidden (reopened, a restored session) asks again,
    // though the browser restored its sessionStorage: as if its page was hidden three minutes ago.
    await page.evaluate(() => addEventListener('pagehide', () => sessionStorage.setItem('tynys.vault.hidden', String(Date.now() - 3 * 60_000))));
    const before = rec.requests.length;
    await page.reload();
    await page.locator('#s-login').waitFor();
    await expect.poll(() => kept(page), { timeout: 5_000 }).toEqual({ session: [], keys: 0 }); // forgotten just after the logout
    // ...and ends that session, so that nothing a disk or the restored tab kept is still worth it.
    await expect.poll(() => rec.requests.slice(before).some((r) => r.url.endsWith('/api/sessions/current'))).toBe(true);
    expect((await fetch(`${server.url}/api/staff/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    await logIn(page);

    // A new tab of the same browser has no sessionStorage: it asks for the passphrase, and its
    // start sweeps no key of a tab that is still open.
    const other = await context.newPage();
    await other.goto(`${server.url}/ru/staff`);
    await other.locator('#s-login').waitFor();
    expect((await kept(other)).keys).toBe(1);
    await page.reload();
    await page.locator('#logout').waitFor();

    // A copy of the tab's sessionStorage (a page it opens, a duplicated tab) does not open the
    // tab's secret, and leaves the tab's key to it.
    const [copy] = await Promise.all([context.waitForEvent('page'), page.evaluate(() => { window.open(window.location.href); })]);
    await copy!.locator('#s-login').waitFor();
    expect((await kept(copy!)).keys).toBe(1);
    await copy!.close();
    await page.reload();
    await page.locator('#logout').waitFor();

    // Closed, the tab's key goes with the next start of a page of the origin.
    await page.close();
    await other.reload();
    await other.locator('#s-login').waitFor();
    await expect.poll(async () => (await kept(other)).keys).toBe(0);

    // Log out: nothing kept, and a reload asks for the passphrase.
    await logIn(other);
    expect((await kept(other)).keys).toBe(1);
    await other.click('#logout');
    await other.locator('#s-login').waitFor();
    expect(await kept(other)).toEqual({ session: [], keys: 0 });
    await other.reload();
    await other.locator('#s-login').waitFor();

    // Log out everywhere, the same.
    await logIn(other);
    await other.click('#logout-everywhere');
    await other.locator('#s-login').waitFor();
    expect(await kept(other)).toEqual({ session: [], keys: 0 });
    await other.reload();
    await other.locator('#s-login').waitFor();
    await context.close();
  });

  it('a session ended elsewhere (log out everywhere on another device) sends the console back to the login form and wipes what the tab kept', async () => {
    const context = await dutyContext();
    const page = await context.newPage();
    await logIn(page);
    await page.locator('#queue-empty, #queue').first().waitFor();
    const elsewhere = await StaffClient.login(server.clientOptions, 'duty-psy', PASS);
    await elsewhere.logoutEverywhere();
    await page.locator('#s-login').waitFor({ timeout: 10_000 });
    await expect.poll(() => kept(page), { timeout: 5_000 }).toEqual({ session: [], keys: 0 }); // forgotten just after the logout
    await page.reload();
    await page.locator('#s-login').waitFor();
    await context.close();
  });
});
