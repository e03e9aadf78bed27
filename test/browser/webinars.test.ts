import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffWebinarList, staffWebinarSchema } from '../../src/protocol/api/webinars.js';
import { localTimeOf } from '../../src/protocol/time-zone.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectAccessible, launch, newContext, newRecorder, shots, type Recorder } from './support.js';

// Webinars in real Chromium at 360 px: a supervisor creates an event in the console (a wrong
// link is named by field first), publishes it; someone on a phone finds it on the public
// listing, registers anonymously (the page solves the proof of work) and downloads the calendar
// file; the count goes up by one and nothing else. Then the figures of a past event, entered in
// the console. Without JavaScript the event page says why registering needs it.

let server: TestServer;
let browser: Browser;
const rec: Recorder = newRecorder();
const PASS = 'a long staff passphrase';
const DAY = 86_400_000;

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function logIn(page: Page, login: string): Promise<void> {
  await page.goto(`${server.url}/ru/staff`);
  await page.fill('#s-login', login);
  await page.fill('#s-pass', PASS);
  await page.click('#s-submit');
  await page.locator('#logout').waitFor();
}

async function fitsWidth(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
}

describe('webinars', () => {
  it('staff create and publish at 360 px; the public registers anonymously and gets the calendar file', async () => {
    const supervisor = await server.addStaff(['supervisor'], ['ru'], 'web-sup', PASS);
    const staffCtx = await newContext(browser, server, rec, { width: 360 });
    const console_ = await staffCtx.newPage();
    await logIn(console_, 'web-sup');
    await console_.click('#tab-webinars');
    await console_.click('#new-webinar');
    // Focus moves to the form's heading, so a screen reader starts there.
    expect(await console_.evaluate(() => document.activeElement?.id)).toBe('webinar-form-title');
    const start = localTimeOf(Date.now() + 7 * DAY, 'Asia/Almaty').slice(0, 11) + '15:00';
    await console_.fill('#w-title', 'Тревога у подростков: разбор случаев');
    await console_.fill('#w-speaker', 'Айгерим Сапарова');
    await console_.fill('#w-localStart', start);
    await console_.fill('#w-timeZone', 'Asia/Almaty');
    await console_.fill('#w-durationMinutes', '90');
    await console_.locator('fieldset input[value="school-psychologists"]').check();
    await console_.fill('#w-description', 'Разбираем случаи из практики.\n\nВопросы — в конце.');
    await console_.fill('#w-joinUrl', 'http://meet.example.org/tynys');
    await console_.click('#webinar-save');
    await console_.locator('#webinar-form .error', { hasText: 'Ссылка для подключения' }).waitFor();
    expect(await console_.getAttribute('#w-joinUrl', 'aria-invalid')).toBe('true');
    await console_.fill('#w-joinUrl', 'https://meet.example.org/tynys');
    await console_.click('#webinar-save');
    const card = console_.locator('#webinar-list li', { hasText: 'Тревога у подростков' });
    await card.locator('.publish-webinar').waitFor();
    await card.locator('.publish-webinar').click();
    await card.locator('.cancel-webinar').waitFor();
    await fitsWidth(console_);
    await shots(console_, 'webinars-console');

    // Someone on a phone, without an account.
    const publicCtx = await newContext(browser, server, rec, { width: 360 });
    const page = await publicCtx.newPage();
    await page.goto(`${server.url}/ru/`);
    await page.click('header nav a[href="/ru/webinars"]');
    await fitsWidth(page);
    await shots(page, 'webinars-list');
    await page.locator('#h-upcoming ~ ul a', { hasText: 'Тревога у подростков' }).click();
    await page.locator('h1', { hasText: 'Тревога у подростков' }).waitFor();
    expect(await page.textContent('#main')).toContain('(Asia/Almaty)');
    const { id } = (await supervisor.api(staffWebinarList, 'GET', '/api/admin/webinars')).webinars[0]!;
    const countOf = () => server.db.$client.prepare('SELECT registrations FROM webinars WHERE id = ?').pluck().get(id);
    expect(countOf()).toBe(0);
    await expectAccessible(page, 'webinar page before registering');
    await page.click('#register');
    await page.locator('#register-status', { hasText: 'Вы зарегистрированы' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('register-status');
    expect(await page.locator('#webinar-register').isHidden()).toBe(true);
    expect(countOf()).toBe(1);
    // What the browser sent: a proof of work and nothing else.
    const sent = rec.requests.filter((r) => r.url.endsWith('/registrations')).map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0]!)).toEqual(['pow']);
    expect(Object.keys(sent[0]!.pow as object).sort()).toEqual(['challenge', 'counter']);
    await shots(page, 'webinars-registered');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#calendar-link')]);
    expect(download.suggestedFilename()).toBe('tynys-webinar.ics');
    const ics = readFileSync((await download.path())!, 'utf8');
    expect(ics.split('\r\n').filter((l) => l !== '').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain(`UID:${id}@tynys\r\n`);
    expect(unfolded).toMatch(/\r\nDTSTART:\d{8}T100000Z\r\n/); // 15:00 in Almaty is 10:00 UTC
    expect(unfolded).toContain('\r\nDURATION:PT1H30M\r\n');
    expect(unfolded).toContain('\r\nSUMMARY:Тревога у подростков: разбор случаев\r\n');
    expect(unfolded).toContain('\r\nURL:https://meet.example.org/tynys\r\n');

    // The console shows the count.
    await console_.click('#webinars-refresh');
    await console_.locator('#webinar-list li', { hasText: 'Регистраций: 1' }).waitFor();
    expect(rec.cspViolations).toEqual([]);
    expect(rec.offOrigin).toEqual([]);
  });

  it('staff enter the figures of an event that has started', async () => {
    const admin = await server.addStaff(['admin'], ['ru'], 'web-admin', PASS);
    const past = localTimeOf(Date.now() - 2 * DAY, 'UTC');
    const created = await admin.api(staffWebinarSchema, 'POST', '/api/admin/webinars', {
      title: 'Прошедший вебинар', speaker: 'Сапарова А.', localStart: past, timeZone: 'UTC', durationMinutes: 60, language: 'ru', audience: ['peers'],
      recordingUrl: 'https://video.example.org/r/1',
    });
    await admin.api(staffWebinarSchema, 'POST', `/api/admin/webinars/${created.id}/publish`);
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    await logIn(page, 'web-admin');
    await page.click('#tab-webinars');
    const card = page.locator(`li[data-webinar="${created.id}"]`);
    await card.locator('.attendance').fill('23');
    await card.locator('.views').fill('140');
    await card.locator('.save-figures').click();
    await page.locator(`li[data-webinar="${created.id}"]`, { hasText: '23' }).locator('p', { hasText: '140' }).waitFor();
    await fitsWidth(page);
    // The links go; the figures stay.
    await card.locator('.edit-webinar').click();
    await page.fill('#w-recordingUrl', '');
    await page.click('#webinar-save');
    await page.locator('#webinar-notice').waitFor();
    const after = await admin.api(staffWebinarSchema, 'GET', `/api/admin/webinars/${created.id}`);
    expect(after).toMatchObject({ recordingUrl: null, attendance: 23, recordingViews: 140 });
  });

  it('without JavaScript, the event page says registering needs it and still offers the calendar file', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/kk/webinars?language=ru`);
    await page.locator('#h-upcoming ~ ul a').first().click();
    expect(await page.isDisabled('#register')).toBe(true);
    expect(await page.textContent('main')).toContain('JavaScript');
    expect(await page.getAttribute('#calendar-link', 'href')).toMatch(/^\/kk\/webinars\/w_[A-Za-z0-9_-]{22}\/calendar\.ics$/);
    await fitsWidth(page);
    await shots(page, 'webinars-noscript');
  });
});
