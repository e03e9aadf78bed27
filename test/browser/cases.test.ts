import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StaffClient } from '../../src/client/index.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectAccessible, launch, newContext, newRecorder, shots, type Recorder } from './support.js';

// Case supervision in the console, in real Chromium (issue 14, point 2): a psychologist opens a
// case with the de-identification reminder before them and the personal-data warning on what they
// type; a supervisor sees it arrive live in their queue, labelled as a case, claims it, is offered
// hand-overs to supervisors only, and replies; the psychologist sees the reply arrive, and the
// case's status follow, without a reload. When the supervisor is disabled, "Find another
// supervisor" puts the case back in the pool. A school psychologist's console is their cases alone.

let server: TestServer;
let browser: Browser;
const rec: Recorder = newRecorder();
const PASS = 'a long staff passphrase';
let admin: StaffClient;
let school: StaffClient;
const any = z.unknown();

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
  admin = await server.addStaff(['admin'], ['ru'], 'cases-admin');
  await server.addStaff(['psychologist'], ['ru'], 'cases-psy', PASS);
  await server.addStaff(['psychologist'], ['ru'], 'cases-psy-2');
  await server.addStaff(['supervisor'], ['ru'], 'cases-sup', PASS);
  await server.addStaff(['supervisor'], ['ru'], 'cases-sup-2');
  await server.addStaff(['supervisor'], ['kk'], 'cases-sup-kk');
  school = await server.addStaff(['school-psychologist'], ['ru', 'kk'], 'cases-school', PASS);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function logIn(page: Page, login: string, lang = 'ru'): Promise<void> {
  await page.goto(`${server.url}/${lang}/staff`);
  await page.fill('#s-login', login);
  await page.fill('#s-pass', PASS);
  await page.click('#s-submit');
  await page.locator('#logout').waitFor();
}
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const tabs = (page: Page) => page.locator('.tabs[role=toolbar] button[id^=tab-]').evaluateAll((bs) => bs.map((b) => [b.id, b.textContent]));

describe('case supervision', () => {
  it('a psychologist opens a de-identified case; a supervisor sees it live, claims and replies; the psychologist sees the reply live', async () => {
    const psyPage = await (await newContext(browser, server, rec)).newPage();
    const supPage = await (await newContext(browser, server, rec)).newPage();
    await logIn(supPage, 'cases-sup');
    // A supervisor's queue is the cases', and says so.
    expect(await tabs(supPage)).toEqual([['tab-queue', 'Случаи на супервизию'], ['tab-webinars', 'Вебинары']]);
    await supPage.locator('#queue-empty').waitFor();
    expect(await supPage.locator('#queue-empty').textContent()).toBe('Случаев в очереди нет.');

    await logIn(psyPage, 'cases-psy');
    expect((await tabs(psyPage)).map(([id]) => id)).toEqual(['tab-queue', 'tab-cases', 'tab-answers']);
    await psyPage.click('#tab-cases');
    await psyPage.locator('#cases-empty').waitFor();
    await psyPage.click('#new-case');
    await psyPage.locator('#new-case-title').waitFor();
    expect(await focused(psyPage)).toBe('new-case-title');
    // The reminder is there before anything is typed, and describes the message field.
    expect(await psyPage.locator('#case-reminder').textContent()).toContain('Не указывайте имена, населённые пункты, школы, даты рождения');
    expect(await psyPage.getAttribute('#case-message', 'aria-describedby')).toBe('case-reminder');

    // Identifying details: the detector marks the name and the town, and sending asks for a confirmation.
    await psyPage.fill('#case-message', 'Айгуль, 15 лет, из Шымкента, перестала ходить в школу после травли.');
    await psyPage.locator('#ask-pii').waitFor();
    const marks = await psyPage.locator('#ask-pii mark').evaluateAll((ms) => ms.map((m) => [m.textContent, m.getAttribute('data-kind')]));
    expect(marks).toEqual(expect.arrayContaining([['Айгуль', 'name'], [expect.stringMatching(/^Шымкент/), 'place']]));
    expect(await psyPage.locator('#ask-pii').textContent()).toContain('По этому можно узнать человека, о котором вы спрашиваете');
    await psyPage.locator('#case-confirm').waitFor();
    await shots(psyPage, 'staff-case-new-pii');
    await expectAccessible(psyPage, 'cases: #new-case-form');
    const before = rec.requests.length;
    await psyPage.click('#case-submit');
    // Not confirmed: nothing leaves the page.
    expect(await psyPage.locator('#new-case-title').isVisible()).toBe(true);
    expect(rec.requests.slice(before).filter((r) => r.url.includes('/api/threads'))).toEqual([]);

    // De-identified, the warning and the confirmation go away.
    const text = 'Девочка 15 лет перестала ходить на уроки после травли в классе. С чего начать работу с ней и с классом?';
    await psyPage.fill('#case-message', text);
    await psyPage.locator('#ask-pii').waitFor({ state: 'detached' });
    expect(await psyPage.locator('#case-confirm').count()).toBe(0);
    await psyPage.selectOption('#case-topic', 'violence');
    await psyPage.check('input[name=case-urgency][value=soon]');
    await psyPage.click('#case-submit');
    await psyPage.locator('#case-title').waitFor();
    expect(await focused(psyPage)).toBe('case-title');
    expect(await psyPage.locator('#case-title').textContent()).toBe('Случай: Насилие');
    await expect.poll(() => psyPage.locator('#case-status').getAttribute('data-status')).toBe('open');
    await psyPage.locator('#messages li', { hasText: 'Девочка 15 лет' }).waitFor();
    // The server got ciphertext only.
    expect(rec.requests.some((r) => r.body.includes('Девочка'))).toBe(false);

    // The supervisor's queue shows it without a reload, as a case.
    const row = supPage.locator('#queue li').first();
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('Случай');
    expect(await supPage.locator('#duty-title').textContent()).toBe('Случаи на супервизию (1)');
    await expectAccessible(supPage, 'cases: #duty');
    await row.locator('.claim').click();
    await supPage.locator('#reply').waitFor();
    await supPage.locator('#messages li', { hasText: text }).waitFor();
    expect(await supPage.locator('#messages li .who').first().textContent()).toBe('Коллега');
    // Hand-overs go to the other supervisor of the language, never to a psychologist.
    await expect.poll(() => supPage.locator('#handover-to option').allTextContents()).toEqual(['—', 'cases-sup-2']);
    await expect.poll(() => psyPage.locator('#case-status').getAttribute('data-status')).toBe('assigned');

    await supPage.fill('#reply', 'Что вы уже пробовали? Кто ещё в школе знает о травле?');
    await supPage.click('#send-reply');
    await psyPage.locator('#messages li', { hasText: 'Что вы уже пробовали?' }).waitFor({ timeout: 10_000 });
    expect(await psyPage.locator('#messages li', { hasText: 'Что вы уже пробовали?' }).locator('.who').textContent()).toBe('Супервизор');
    await expect.poll(() => psyPage.locator('#case-status').getAttribute('data-status')).toBe('replied');
    await shots(psyPage, 'staff-case-thread');
    await expectAccessible(psyPage, 'cases: #case');

    // "My cases" lists it as replied; a reply from here turns it back to "with the supervisor".
    await psyPage.fill('#case-reply', 'Пробовала поговорить с классным руководителем.');
    await psyPage.click('#case-send');
    await expect.poll(() => psyPage.locator('#case-status').getAttribute('data-status')).toBe('assigned');
    await psyPage.click('#case-back');
    await psyPage.locator('#cases-title').waitFor();
    expect(await focused(psyPage)).toBe('cases-title');
    const item = psyPage.locator('#my-cases li');
    await expect.poll(() => item.getAttribute('data-status')).toBe('assigned');
    await supPage.locator('#messages li', { hasText: 'классным руководителем' }).waitFor();
    await supPage.fill('#reply', 'Хорошо. Давайте разберём по шагам.');
    await supPage.click('#send-reply');
    // Followed live in the list too.
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 10_000 }).toBe('replied');
    expect(await item.locator('.case-status').textContent()).toBe('Супервизор ответил');
    await shots(psyPage, 'staff-cases-list');
    await expectAccessible(psyPage, 'cases: #cases');

    // The supervisor is disabled: the psychologist passes the case to another supervisor.
    const supId = (await admin.api(z.object({ staff: z.array(z.object({ staffId: z.string(), login: z.string() })) }), 'GET', '/api/admin/staff')).staff.find((s) => s.login === 'cases-sup')!.staffId;
    await admin.api(any, 'POST', `/api/admin/staff/${supId}/disable`);
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 10_000 }).toBe('revoked');
    await server.addStaff(['supervisor'], ['ru'], 'cases-sup-3'); // the next signed directory leaves the disabled one out
    await item.locator('.open-case').click();
    await psyPage.locator('#case-holder-gone').waitFor();
    expect(await psyPage.locator('#case-reply').count()).toBe(0);
    await psyPage.click('#find-another-supervisor');
    await expect.poll(() => psyPage.locator('#case-status').getAttribute('data-status')).toBe('open');
    expect(await psyPage.locator('#case-holder-gone').count()).toBe(0);
    expect(rec.cspViolations).toEqual([]);
    expect(rec.offOrigin).toEqual([]);
    await psyPage.context().close();
    await supPage.context().close();
  });

  it('a school psychologist\'s console holds their own cases and nothing else, in each language', async () => {
    const own = await school.openCase({ topic: 'stigma', language: 'kk', urgency: 'routine' });
    await school.send(own, 'Оқушы сыныптастарынан оқшауланып жүр');
    const page = await (await newContext(browser, server, rec, { width: 360 })).newPage();
    await logIn(page, 'cases-school', 'kk');
    expect(await tabs(page)).toEqual([['tab-cases', 'Менің кейстерім']]);
    const rows = page.locator('#my-cases li');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-thread')))).toEqual([own]);
    expect(await rows.first().getAttribute('data-status')).toBe('open');
    expect(await page.locator('#duty, #queue, .tabs #tab-moderation').count()).toBe(0);
    await shots(page, 'staff-cases-school-kk');
    await expectAccessible(page, 'cases: #cases');
    // The form in English, with its reminder.
    await page.goto(`${server.url}/en/staff`);
    await page.locator('#tab-cases').waitFor();
    expect(await page.locator('#tab-cases').textContent()).toBe('My cases');
    await page.click('#new-case');
    await page.locator('#new-case-title').waitFor();
    expect(await page.locator('#case-reminder').textContent()).toContain('Do not write names, places, schools, dates of birth');
    await expectAccessible(page, 'cases: #new-case-form');
    await page.context().close();
  });
});
