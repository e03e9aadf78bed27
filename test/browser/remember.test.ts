import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskerClient } from '../../src/client/index.js';
import { PIN_VAULT } from '../../src/protocol/constants.js';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { parseRecoveryCode } from '../../src/protocol/recovery-code.js';
import { en } from '../../src/web/i18n/en.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectAccessible, choosePin, launch, newContext, newRecorder, shots, type Recorder } from './support.js';

// "Remember me, safely" in Chromium (issue 12 point 4): the code is kept on the device only sealed
// under a PIN the person chooses; a reload, a quick exit or a new visit opens the PIN screen and
// nothing of the space; wrong PINs count down across reloads and the last one makes the device
// forget; no storage key or value ever holds the code; a plain code an older version left is
// taken out at once.

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

/** Every key and value of the origin's localStorage and sessionStorage, as one text. */
const storageText = (page: Page): Promise<string> => page.evaluate(() => [localStorage, sessionStorage]
  .flatMap((area) => Object.keys(area).flatMap((k) => [k, area.getItem(k) ?? ''])).join('\n'));

/** The code in every form it could be stored in: as shown, without dashes, lower case, its secret in base64url and hex. */
function codeForms(code: string): string[] {
  const parsed = parseRecoveryCode(code);
  if (!parsed.ok) throw new Error('not a code');
  const plain = code.replaceAll('-', '');
  return [code, plain, code.toLowerCase(), plain.toLowerCase(), toBase64Url(parsed.secret), Buffer.from(parsed.secret).toString('hex')];
}

async function expectNoCode(page: Page, code: string): Promise<void> {
  const text = await storageText(page);
  for (const form of codeForms(code)) expect(text).not.toContain(form);
}

const wrongPinNote = (left: number) => en['app.pin.wrong'].replace('{left}', String(left));

async function tryPin(page: Page, pin: string): Promise<void> {
  await page.fill('#pin-enter', pin);
  await page.click('#pin-open');
}

describe('remember me with a PIN', () => {
  it('asks for the PIN after a reload or a quick exit, counts wrong PINs across reloads, opens with the right one, and never stores the code', async () => {
    const ctx = await newContext(browser, server, rec, { width: 360 });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/en/app`);
    await page.click('#new-code');
    const code = (await page.locator('#recovery-code').textContent())!.trim();
    await page.fill('#confirm-code', code.slice(-4));
    await page.check('#remember');
    await page.locator('form button[type=submit]').click();

    // A PIN is chosen first; easy ones and two different ones are refused.
    await page.locator('#pin-setup').waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
    expect(await page.getAttribute('#pin-new', 'type')).toBe('password');
    expect(await page.getAttribute('#pin-new', 'inputmode')).toBe('numeric');
    expect(await page.getAttribute('#pin-new', 'autocomplete')).toBe('off');
    await choosePin(page, '1234');
    expect(await page.locator('#pin-setup .error').textContent()).toBe(en['app.pin.problem.guessable']);
    await page.fill('#pin-new', '2580');
    await page.fill('#pin-repeat', '2589');
    await page.click('#pin-save');
    expect(await page.locator('#pin-setup .error').textContent()).toBe(en['app.pin.mismatch']);
    await shots(page, 'asker-pin-setup');
    await expectAccessible(page, 'asker-pin-setup');
    await choosePin(page, '2580');
    await page.locator('#go-ask').waitFor();
    await expectNoCode(page, code);
    expect(await page.evaluate(() => Object.keys(localStorage))).toContain('tynys.vault');

    // A reload: the PIN screen, and nothing of the space (no login either) before the PIN.
    const logins = () => rec.requests.filter((r) => r.url.endsWith('/api/identities/sessions')).length;
    const before = logins();
    await page.reload();
    await page.locator('#pin-enter').waitFor();
    expect(await page.locator('#go-ask, #my-threads, #leave').count()).toBe(0);
    expect(logins()).toBe(before);
    await shots(page, 'asker-pin-unlock');
    await expectAccessible(page, 'asker-pin-unlock');

    // Wrong PINs count down, and a reload does not give them back.
    await tryPin(page, '1111');
    await page.locator('#pin-note', { hasText: wrongPinNote(4) }).waitFor();
    expect(await page.inputValue('#pin-enter')).toBe('');
    await tryPin(page, '2222');
    await page.locator('#pin-note', { hasText: wrongPinNote(3) }).waitFor();
    await page.reload();
    await tryPin(page, '3333');
    await page.locator('#pin-note', { hasText: wrongPinNote(2) }).waitFor();
    await shots(page, 'asker-pin-wrong');
    await expectAccessible(page, 'asker-pin-wrong');
    expect(logins()).toBe(before);
    await tryPin(page, '2580');
    await page.locator('#go-ask').waitFor();
    expect(logins()).toBe(before + 1);
    expect(await page.evaluate(() => (JSON.parse(localStorage.getItem('tynys.vault')!) as { left: number }).left)).toBe(PIN_VAULT.attempts);
    await expectNoCode(page, code);

    // After a quick exit, a new visit opens the PIN screen again.
    await page.click('#quick-exit');
    await page.waitForURL('https://www.google.com/');
    await page.goto(`${server.url}/en/app`);
    await page.locator('#pin-enter').waitFor();
    expect(await page.locator('#go-ask').count()).toBe(0);

    // Five wrong PINs: the device forgets the code, and only the code on paper opens the space.
    for (let left = PIN_VAULT.attempts - 1; left >= 1; left--) {
      await tryPin(page, '9753');
      await page.locator('#pin-note', { hasText: wrongPinNote(left) }).waitFor();
    }
    await tryPin(page, '9753');
    await page.locator('#restore-code').waitFor();
    expect(await page.locator('.error').textContent()).toBe(en['app.pin.forgotten']);
    expect(await storageText(page)).toBe('');
    await page.reload();
    await page.locator('#new-code').waitFor();
    await page.click('#have-code');
    await page.fill('#restore-code', code);
    await page.locator('form button[type=submit]').click();
    await page.locator('#go-ask').waitFor();
    await ctx.close();
  });

  it('takes a plain code an older version left out of storage at once: a PIN keeps it remembered, or it is forgotten', async () => {
    const { recoveryCode } = await AskerClient.create(server.clientOptions);
    const withLegacy = async (): Promise<Page> => {
      const ctx = await newContext(browser, server, rec, { width: 360 });
      const page = await ctx.newPage();
      await page.goto(`${server.url}/en/`);
      await page.evaluate((c) => localStorage.setItem('tynys.code', c), recoveryCode);
      await page.goto(`${server.url}/en/app`);
      await page.locator('#pin-setup').waitFor();
      return page;
    };

    const page = await withLegacy();
    expect(await page.locator('#pin-setup h2').textContent()).toBe(en['app.pin.migrateTitle']);
    expect(await storageText(page)).toBe('');
    await shots(page, 'asker-pin-migrate');
    await expectAccessible(page, 'asker-pin-migrate');
    await choosePin(page, '4816');
    await page.locator('#go-ask').waitFor();
    await expectNoCode(page, recoveryCode);
    await page.reload();
    await tryPin(page, '4816');
    await page.locator('#go-ask').waitFor();
    await page.context().close();

    // "Forget my code on this device": the start screen, and nothing kept.
    const other = await withLegacy();
    await other.click('#pin-skip');
    await other.locator('#new-code').waitFor();
    expect(await storageText(other)).toBe('');
    await other.reload();
    await other.locator('#new-code').waitFor();
    await other.context().close();
    expect(rec.cspViolations).toEqual([]);
  });
});
