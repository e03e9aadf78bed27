import { eq } from 'drizzle-orm';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staff } from '../../db/schema.js';
import { shortFingerprint } from '../../src/protocol/manifest.js';
import { createInvite } from '../../src/staff/service.js';
import { installManifest } from '../support/manifest.js';
import { seedDemoContent } from '../../src/knowledge/seed.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectAccessible, choosePin, launch, newContext, newRecorder, QUICK_EXIT, shots, type Recorder, enterWithNewCode } from './support.js';

// The whole service in real Chromium, as its people use it: an asker and a psychologist in two
// browser contexts, a question through moderation to search, quick exit, languages, no-JS pages.
// Every request is recorded: the message sentinels must never leave a browser in plaintext.

let server: TestServer;
let browser: Browser;
const rec: Recorder = newRecorder();

beforeAll(async () => {
  server = await startServer();
  seedDemoContent(server.db, Date.now());
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A staff member accepts an invite in the console (keys made and wrapped in the browser). */
async function staffJoins(page: Page, roles: Parameters<typeof createInvite>[2], login: string): Promise<void> {
  const { code } = createInvite(server.db, server.pepper, roles, Date.now());
  await page.goto(`${server.url}/ru/staff`);
  await page.click('#mode-accept');
  await page.fill('#s-code', code);
  await page.fill('#s-login', login);
  await page.fill('#s-pass', 'a long staff passphrase');
  await page.fill('#s-repeat', 'a long staff passphrase');
  for (const field of ['#s-code', '#s-pass', '#s-repeat']) expect(await page.getAttribute(field, 'autocomplete')).toBe('off');
  await page.click('#s-submit');
  await page.locator('#logout').waitFor();
  // The admin signs the new key into the directory with the offline organisation key.
  installManifest(server);
}

describe('consultation journey', () => {
  it('asker and psychologist talk end to end; the asker comes back with the code and erases', async () => {
    const SENT = 'SENTINEL-ask-7f3a: мне очень тревожно';
    const REPLY = 'SENTINEL-reply-91c: я с вами';

    const staffCtx = await newContext(browser, server, rec);
    const psy = await staffCtx.newPage();
    await staffJoins(psy, ['psychologist'], 'aigerim');
    await shots(psy, 'staff-console');
    await expectAccessible(psy, 'staff-console');

    const askerCtx = await newContext(browser, server, rec, { width: 360 });
    const asker = await askerCtx.newPage();
    await asker.goto(`${server.url}/ru/app`);
    await asker.click('#new-code');
    const code = (await asker.locator('#recovery-code').textContent())!.trim();
    expect(code).toMatch(/^([0-9A-Z]{4}-){6}[0-9A-Z]{4}$/);
    await shots(asker, 'asker-code');
    await expectAccessible(asker, 'asker-code');
    expect(await asker.isChecked('#remember')).toBe(false);
    expect(await asker.getAttribute('#confirm-code', 'autocomplete')).toBe('off');
    await asker.fill('#confirm-code', 'ZZZZ');
    await asker.locator('form button[type=submit]').click();
    await asker.locator('.error').waitFor();
    await asker.fill('#confirm-code', code.slice(-4));
    await asker.locator('form button[type=submit]').click();
    await asker.click('#go-consult');
    // The intake card: what the asker shares goes encrypted to the psychologist only, and the form says so.
    expect(await asker.locator('#intake-note').textContent()).toContain('только психолог');
    await asker.check('#intake input[value=plhiv]');
    await asker.selectOption('#c-age', '25-34');
    await asker.fill('#c-region', 'SENTINEL-region-Шымкент');
    await asker.click('#start-consult');
    await asker.locator('#message').waitFor();
    await asker.locator('#messages li .intake').waitFor();
    await asker.fill('#message', SENT);
    await asker.click('#send');
    await asker.locator('#messages li', { hasText: SENT }).waitFor();

    // The psychologist sees it in the queue, takes it, reads and replies.
    // A reload (the console takes the directory that now lists them) keeps them logged in in this tab.
    await psy.reload();
    await psy.locator('#logout').waitFor();
    await psy.locator('#queue .claim').first().click();
    await psy.locator('#messages li', { hasText: SENT }).waitFor();
    const card = (await psy.locator('#intake-card').textContent())!;
    expect(card).toContain('SENTINEL-region-Шымкент');
    expect(card).toContain('25–34');
    expect(await psy.locator('#intake-card li').count()).toBe(1);
    expect(await psy.locator('#messages li time').count()).toBeGreaterThanOrEqual(2);
    await psy.fill('#reply', REPLY);
    await psy.click('#send-reply');

    // Live, without reloading.
    await asker.locator('#messages li', { hasText: REPLY }).waitFor({ timeout: 10_000 });
    await shots(asker, 'asker-thread');
    await expectAccessible(asker, 'asker-thread');
    // "Remember me" was off: no cookie and nothing in the origin's storage outlives the tab.
    expect(await askerCtx.storageState()).toMatchObject({ cookies: [], origins: [] });
    await askerCtx.close();

    // Back with the code in a fresh context: nothing was remembered there.
    const again = await newContext(browser, server, rec, { width: 360 });
    const back = await again.newPage();
    await back.goto(`${server.url}/ru/app`);
    await back.click('#have-code');
    expect(await back.getAttribute('#restore-code', 'autocomplete')).toBe('off');
    await back.fill('#restore-code', code.toLowerCase());
    await back.locator('form button[type=submit]').click();
    await back.locator('#my-threads a').first().click();
    await back.locator('#messages li', { hasText: REPLY }).waitFor();
    await back.locator('#messages li', { hasText: SENT }).waitFor();
    await back.click('#erase-thread');
    await back.click('#erase-thread-confirm');
    await back.locator('#go-consult').waitFor();
    expect(await back.locator('#my-threads').count()).toBe(0);
    await shots(back, 'asker-home');
    await expectAccessible(back, 'asker-home');
    await again.close();
    await staffCtx.close();

    // In neither direction did a sentinel cross the network in plaintext.
    for (const r of rec.requests) {
      expect(r.url).not.toContain('SENTINEL');
      expect(r.body).not.toContain('SENTINEL');
      expect(r.url).not.toContain(code);
      expect(r.body).not.toContain('plhiv'); // the population travels inside the intake card only
    }
    for (const body of rec.responses) expect(body).not.toContain('SENTINEL');
    expect(rec.requests.some((r) => r.url.includes('/api/threads') && r.body.includes('ciphertext'))).toBe(true);
  });
});

describe('remember on this device', () => {
  it('keeps the space across a reload only when asked, and forgets it (and ends the session) on leaving', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/en/app`);
    await page.click('#new-code');
    const code = (await page.locator('#recovery-code').textContent())!.trim();
    await page.fill('#confirm-code', code.slice(-4));
    await page.check('#remember');
    await page.locator('form button[type=submit]').click();
    await choosePin(page, '2580');
    await page.locator('#go-ask').waitFor();
    await page.reload();
    await page.fill('#pin-enter', '2580');
    await page.click('#pin-open');
    await page.locator('#go-ask').waitFor();
    // Leaving ends the session on the server too, not only in this tab.
    const ended = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().endsWith('/api/sessions/current'));
    await page.click('#leave');
    expect((await ended).status()).toBe(200);
    await page.locator('#new-code').waitFor();
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await page.reload();
    await page.locator('#new-code').waitFor();
    await ctx.close();
  });
});

describe('a slow line', () => {
  it('an answer that arrives after the person moved on does not bring the previous screen back', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    // The home screen's two lists answer late, as on slow 3G.
    const late = async (route: Route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    };
    await page.route('**/api/threads', late);
    await page.route('**/api/kb/questions/mine', late);
    await enterWithNewCode(page, `${server.url}/en/app`);
    await page.click('#go-ask');
    await page.locator('#ask-body').waitFor();
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/threads')), page.waitForResponse((r) => r.url().endsWith('/api/kb/questions/mine'))]);
    await page.waitForTimeout(300);
    expect(await page.locator('#go-consult').count()).toBe(0);
    expect(await page.locator('#my-threads, #my-questions').count()).toBe(0);
    await ctx.close();
  });
});

describe('a thread that fails verification', () => {
  it('is not shown in the staff console: a refusal screen instead, and no reply box', async () => {
    // The psychologist of the first journey (no new invite: accepting is rate-limited per minute).
    const ctx = await newContext(browser, server, rec);
    const psy = await ctx.newPage();
    const { AskerClient } = await import('../../src/client/index.js');
    const { client: asker, recoveryCode } = await AskerClient.create(server.clientOptions);
    const threadId = await asker.openConsultation({ topic: 'grief', language: 'ru', urgency: 'routine' });
    await asker.send(threadId, 'SENTINEL-refused-2b');
    // The server changes the topic it shows: the genesis the asker signed says otherwise.
    const { eq } = await import('drizzle-orm');
    const { threads } = await import('../../db/schema.js');
    server.db.update(threads).set({ topic: 'violence' }).where(eq(threads.id, threadId)).run();

    await psy.goto(`${server.url}/ru/staff`);
    await psy.fill('#s-login', 'aigerim');
    await psy.fill('#s-pass', 'a long staff passphrase');
    await psy.click('#s-submit');
    await psy.locator('#queue li', { hasText: 'Насилие' }).locator('.claim').click();
    expect(await psy.locator('#thread-refused').textContent()).toContain('metadata_mismatch');
    expect(await psy.locator('#reply').count()).toBe(0);
    expect(await psy.locator('#messages').count()).toBe(0);

    // The asker's app refuses it the same way, and offers no message box.
    const page = await ctx.newPage();
    await page.goto(`${server.url}/ru/app`);
    await page.click('#have-code');
    await page.fill('#restore-code', recoveryCode);
    await page.locator('form button[type=submit]').click();
    await page.locator('#my-threads a').first().click();
    await page.locator('#thread-refused').waitFor();
    expect(await page.locator('#message').count()).toBe(0);
    await ctx.close();
  });
});

describe('staff administration and hand-over', () => {
  it('an admin invites a psychologist from the console, who joins; a consultation is handed over to them', async () => {
    const adminCtx = await newContext(browser, server, rec);
    const admin = await adminCtx.newPage();
    await staffJoins(admin, ['admin'], 'centre-admin');
    await admin.click('#tab-admin');
    await admin.locator('fieldset input[type=checkbox]').nth(3).check(); // supervisor too (psychologist is checked by default)
    await admin.click('#create-invite');
    const code = (await admin.locator('#invite-code').textContent())!.trim();
    expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await shots(admin, 'staff-admin');
    await expectAccessible(admin, 'staff-admin');

    const aCtx = await newContext(browser, server, rec);
    const a = await aCtx.newPage();
    await staffJoins(a, ['psychologist'], 'first-psy');
    const bCtx = await newContext(browser, server, rec);
    const b = await bCtx.newPage();
    await b.goto(`${server.url}/ru/staff`);
    await b.click('#mode-accept');
    await b.fill('#s-code', code);
    await b.fill('#s-login', 'second-psy');
    await b.fill('#s-pass', 'a long staff passphrase');
    await b.fill('#s-repeat', 'a long staff passphrase');
    await b.click('#s-submit');
    await b.locator('#logout').waitFor();
    // The console shows the new member their fingerprint, the one `directory export` prints for their
    // row, and that no consultation reaches them until the admin signs them in.
    const row = server.db.select().from(staff).where(eq(staff.login, 'second-psy')).get()!;
    expect(await b.locator('#my-fingerprint').textContent()).toBe(shortFingerprint(new Uint8Array(row.boxPublicKey), new Uint8Array(row.signPublicKey)));
    await b.locator('#key-status[data-state=notListed]').waitFor();
    await shots(b, 'staff-key-not-listed');
    await expectAccessible(b, 'staff-key-not-listed');
    installManifest(server);

    const askerCtx = await newContext(browser, server, rec);
    const asker = await askerCtx.newPage();
    await enterWithNewCode(asker, `${server.url}/ru/app`);
    await asker.click('#go-consult');
    await asker.click('#start-consult');
    await asker.fill('#message', 'SENTINEL-handover-5d: нужна помощь');
    await asker.click('#send');

    await a.reload();
    await a.locator('#logout').waitFor();
    await a.locator('#queue .claim').first().click();
    await a.locator('#messages li', { hasText: 'SENTINEL-handover-5d' }).waitFor();
    await a.locator('#handover-to option', { hasText: 'second-psy' }).waitFor({ state: 'attached' });
    await a.selectOption('#handover-to', { label: 'second-psy' });
    await a.locator('#handover-to + button').click();

    await b.reload();
    await b.locator('#logout').waitFor();
    await b.locator('#key-status[data-state=listed]').waitFor();
    await b.locator('#mine a').first().click();
    await b.locator('#messages li', { hasText: 'SENTINEL-handover-5d' }).waitFor();
    await b.fill('#reply', 'SENTINEL-handover-reply: я здесь');
    await b.click('#send-reply');
    await asker.locator('#messages li', { hasText: 'SENTINEL-handover-reply' }).waitFor({ timeout: 10_000 });
    await Promise.all([adminCtx.close(), aCtx.close(), bCtx.close(), askerCtx.close()]);
    for (const r of rec.requests) expect(r.body).not.toContain('SENTINEL-handover');
  });
});

describe('a public question', () => {
  it.each([
    ['ru', 'Как пережить бессонницу перед анализами', 'Перед анализами не сплю ночами. Мой телефон +7 701 234 56 78.'],
    ['kk', 'Талдау алдында ұйқысыздықты қалай жеңуге болады', 'Талдау алдында түнде ұйықтай алмаймын. Телефоным +7 702 345 67 89.'],
    ['en', 'Cannot sleep before my test results', 'I lie awake every night before results. My phone is +7 705 456 78 90.'],
  ])('goes from submission through moderation (phone redacted) to search, in %s', async (lang, title, body) => {
    const askerCtx = await newContext(browser, server, rec);
    const asker = await askerCtx.newPage();
    await asker.goto(`${server.url}/${lang}/app`);
    await asker.click('#new-code');
    const code = (await asker.locator('#recovery-code').textContent())!.trim();
    await asker.fill('#confirm-code', code.slice(-4));
    await asker.locator('form button[type=submit]').click();
    await asker.click('#go-ask');
    await asker.fill('#ask-title', title);
    await asker.fill('#ask-body', body);
    // Warned in the browser before anything is sent, with the match's kind in the page language.
    const phone = /\+7[\d ]+\d/.exec(body)![0];
    expect(await asker.locator('#ask-pii mark.pii').textContent()).toBe(phone);
    await asker.selectOption('#ask-language', lang);
    await asker.locator('form button[type=submit]').click();
    await asker.locator('#my-questions li[data-status=submitted]').waitFor();

    const modCtx = await newContext(browser, server, rec);
    const mod = await modCtx.newPage();
    await staffJoins(mod, ['moderator'], `mod-${lang}`);
    const card = mod.locator('article.card', { hasText: title });
    await card.locator('mark.pii').first().waitFor();
    if (lang === 'ru') await shots(mod, 'moderation-pii');
    if (lang === 'ru') await expectAccessible(mod, 'moderation-pii');
    await card.locator('.redact-body').fill(body.replace(/\+7[\d ]+/, '[…]'));
    await card.locator('input[value=sleep]').check();
    await card.locator('button.accept').click();
    await mod.locator('article.card', { hasText: title }).waitFor({ state: 'detached' });

    const psyCtx = await newContext(browser, server, rec);
    const psy = await psyCtx.newPage();
    await staffJoins(psy, ['psychologist'], `psy-${lang}`);
    await psy.click('#tab-answers');
    const todo = psy.locator('article.card', { hasText: title });
    await todo.locator('.answer-text').fill('A careful answer: keep a steady bedtime, and talk to a psychologist in a private consultation.');
    await todo.locator('.submit-answer').click();
    await psy.locator('article.card', { hasText: title }).waitFor({ state: 'detached' });

    await mod.reload();
    await mod.locator('#logout').waitFor();
    await mod.click('#queue-answered');
    await mod.locator('article.card', { hasText: title }).locator('button.publish').click();
    await mod.locator('article.card', { hasText: title }).waitFor({ state: 'detached' });

    const reader = await askerCtx.newPage();
    await reader.goto(`${server.url}/${lang}/search?q=${encodeURIComponent(title.split(' ').slice(-2).join(' '))}`);
    const hit = reader.locator('ol.results li', { hasText: title.split(' ')[0]! });
    await hit.first().waitFor();
    await hit.first().locator('a').click();
    const article = (await reader.locator('article').textContent())!;
    expect(article).not.toContain('+7');
    expect(article).toContain('[…]');
    await Promise.all([askerCtx.close(), modCtx.close(), psyCtx.close()]);
  });
});

describe('quick exit', () => {
  it('blanks the page and replaces the location, by button and by Shift three times, with no call home', async () => {
    const ctx = await newContext(browser, server, rec);
    const page = await ctx.newPage();
    await page.goto('about:blank');
    await page.goto(`${server.url}/ru/search?q=сон`, { waitUntil: 'networkidle' });
    const before = rec.requests.length;
    await page.click('#quick-exit');
    await page.waitForURL(QUICK_EXIT);
    expect(rec.requests.length).toBe(before);
    await page.goBack().catch(() => undefined);
    expect(page.url()).not.toContain(server.url);

    await page.goto(`${server.url}/en/`, { waitUntil: 'networkidle' });
    const mark = rec.requests.length;
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
    await page.waitForURL(QUICK_EXIT);
    expect(rec.requests.length).toBe(mark);
    await ctx.close();
  });
});

describe('languages and pages without JavaScript', () => {
  it('switches language keeping the address shareable', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/ru/search?q=${encodeURIComponent('сон')}`);
    await shots(page, 'public-search');
    await expectAccessible(page, 'public-search');
    await page.click('nav.langs a[hreflang=kk]');
    await page.waitForURL(/\/kk\/search\?q=/);
    expect(await page.getAttribute('html', 'lang')).toBe('kk');
    await page.click('nav.langs a[hreflang=en]');
    await page.waitForURL(/\/en\/search\?q=/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await ctx.close();
  });

  it('browses, searches and reads with JavaScript off', async () => {
    const ctx = await newContext(browser, server, rec, { javaScriptEnabled: false, width: 360 });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/ru/`);
    await shots(page, 'public-home');
    await page.fill('#q', 'тревога');
    await page.press('#q', 'Enter');
    await page.waitForURL(/\/ru\/search\?q=/);
    await page.locator('ol.results mark').first().waitFor();
    await page.locator('ol.results a').first().click();
    await page.locator('article h1').waitFor();
    await shots(page, 'public-entry');
    await page.goto(`${server.url}/ru/browse?topic=sleep`);
    expect(await page.locator('ul.results li').count()).toBeGreaterThan(0);
    await page.goto(`${server.url}/ru/app`);
    expect(await page.locator('noscript').count()).toBe(1);
    await ctx.close();
  });

  it('fits 360 px without sideways scrolling, and reaches quick exit and the search by keyboard with a visible focus', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    for (const path of ['/ru/', '/kk/search?q=ұйқы', '/en/browse?topic=sleep', '/ru/app', '/ru/staff']) {
      await page.goto(`${server.url}${path}`, { waitUntil: 'networkidle' });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
    }
    await page.goto(`${server.url}/ru/`);
    const focused: string[] = [];
    // Skip link, the crisis line's four links, the header, then the search.
    for (let i = 0; i < 16; i++) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return { id: el.id, cls: el.className, outline: getComputedStyle(el).outlineStyle };
      });
      focused.push(info.id || info.cls);
      expect(info.outline, JSON.stringify(info)).not.toBe('none');
    }
    expect(focused[0]).toBe('skip');
    expect(focused).toContain('quick-exit');
    expect(focused).toContain('q');
    await ctx.close();
  });

  it('loaded nothing from anywhere else and broke no CSP rule on any page visited', () => {
    expect(rec.offOrigin).toEqual([]);
    expect(rec.cspViolations).toEqual([]);
  });
});
