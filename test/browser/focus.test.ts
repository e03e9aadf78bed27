import { AskerClient } from '../../src/client/index.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoContent } from '../../src/knowledge/seed.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectAccessible, launch, newContext, newRecorder, type Recorder } from './support.js';

// Issue 12 point 6 in Chromium at 360 px: after each screen change focus sits on the new
// screen's heading (not <body>), every visible control is a 44×44 px target, and axe finds
// nothing on the screens walked.

let server: TestServer;
let browser: Browser;
const rec: Recorder = newRecorder();
const PASS = 'a long staff passphrase';

beforeAll(async () => {
  server = await startServer();
  seedDemoContent(server.db, Date.now());
  browser = await launch();
  await server.addStaff(['psychologist', 'moderator', 'admin', 'supervisor'], ['ru'], 'focus-all', PASS);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** What has focus: a heading (h1–h3) with tabindex=-1 is expected; returns its tag and text. */
async function focused(page: Page): Promise<string> {
  await page.waitForFunction(() => /^H[1-3]$/.test(document.activeElement?.tagName ?? ''), null, { timeout: 5000 }).catch(() => undefined);
  return page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.getAttribute('tabindex') === '-1' ? '[-1]' : ''}: ${el.textContent?.trim() ?? ''}` : 'none';
  });
}

async function expectHeadingFocused(page: Page, step: string): Promise<void> {
  expect(await focused(page), step).toMatch(/^h[1-3]\[-1\]: \S/);
}

/**
 * Every visible interactive element smaller than 44×44 px (WCAG 2.5.5 / 2.5.8). Exempt, per
 * 2.5.8's inline exception: a link that sits inside a sentence (display inline, with other text
 * in its block), whose size the line of text sets. A checkbox or radio is measured by its label:
 * a tap anywhere on the label toggles it, so the label is the target.
 */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])');
    for (const el of controls) {
      const style = getComputedStyle(el);
      let box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || box.right <= 0 || box.bottom <= 0) continue;
      if (el.tagName === 'A' && style.display === 'inline') {
        const block = el.parentElement;
        if (block && (block.textContent ?? '').trim() !== (el.textContent ?? '').trim()) continue;
      }
      const input = el as HTMLInputElement;
      if (el.tagName === 'INPUT' && (input.type === 'checkbox' || input.type === 'radio')) {
        const label = el.closest('label') ?? (input.id ? document.querySelector(`label[for="${input.id}"]`) : null);
        if (label) box = label.getBoundingClientRect();
      }
      if (box.width < 44 || box.height < 44) {
        out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return out;
  });
}

async function expectTargets(page: Page, step: string): Promise<void> {
  expect(await smallTargets(page), step).toEqual([]);
}

describe('focus, touch targets and axe at 360 px', () => {
  it('public pages: every control 44×44 px, no axe violation', async () => {
    const page = await (await newContext(browser, server, rec, { width: 360 })).newPage();
    for (const path of ['/ru/', '/kk/search?q=%D1%83%D0%B9%D1%8B%D2%9B%D1%82%D0%B0', '/en/browse', '/ru/no-such-page', '/en/webinars']) {
      await page.goto(`${server.url}${path}`);
      await expectTargets(page, path);
    }
    await page.goto(`${server.url}/ru/browse`);
    await page.locator('main a[href*="/entries/"]').first().click();
    await page.waitForURL(/\/entries\//);
    await page.waitForLoadState('load');
    await expectTargets(page, 'entry');
    await expectAccessible(page, 'entry page at 360 px');
  });

  it("the asker's screens: heading focused after each change, 44 px targets", async () => {
    const page = await (await newContext(browser, server, rec, { width: 360 })).newPage();
    await page.goto(`${server.url}/ru/app`);
    await page.locator('#new-code:not([aria-busy=true])').waitFor();
    await expectTargets(page, 'start');
    await page.click('#have-code');
    await expectHeadingFocused(page, 'restore');
    await expectTargets(page, 'restore');
    await page.goto(`${server.url}/ru/app`);
    await page.click('#new-code');
    await page.locator('#recovery-code').waitFor();
    await expectHeadingFocused(page, 'new code');
    await expectTargets(page, 'new code');
    await expectAccessible(page, 'asker: new code at 360 px');
    const code = (await page.locator('#recovery-code').textContent())!.trim();
    await page.fill('#confirm-code', code.slice(-4));
    await page.locator('form button[type=submit]').click();
    await page.locator('#go-ask').waitFor();
    await expectHeadingFocused(page, 'home');
    await expectTargets(page, 'home');
    await page.click('#go-ask');
    await page.locator('#ask-body').waitFor();
    await expectHeadingFocused(page, 'ask');
    await expectTargets(page, 'ask');
    await page.getByRole('button', { name: 'Назад' }).click().catch(() => page.locator('form button.secondary').click());
    await page.locator('#go-consult').waitFor();
    await expectHeadingFocused(page, 'home again');
    await page.click('#go-consult');
    await page.locator('#start-consult').waitFor();
    await expectHeadingFocused(page, 'consult');
    await expectTargets(page, 'consult');
    await page.click('#start-consult');
    await page.locator('#thread-back').waitFor();
    await expectHeadingFocused(page, 'thread');
    await expectTargets(page, 'thread');
    await expectAccessible(page, 'asker: thread at 360 px');
    await page.click('#thread-back');
    await page.locator('#go-consult').waitFor();
    await expectHeadingFocused(page, 'back home');
    await page.click('#leave');
    await page.locator('#new-code').waitFor();
    await expectHeadingFocused(page, 'start after leaving');
  });

  it("the staff console's tabs: heading focused on each, 44 px targets", async () => {
    const page = await (await newContext(browser, server, rec, { width: 360 })).newPage();
    await page.goto(`${server.url}/ru/staff`);
    await expectTargets(page, 'login');
    await page.fill('#s-login', 'focus-all');
    await page.fill('#s-pass', PASS);
    await page.click('#s-submit');
    await page.locator('#tab-queue').waitFor();
    await expectHeadingFocused(page, 'console after login');
    await expectTargets(page, 'queue');
    for (const tab of ['cases', 'moderation', 'answers', 'admin', 'webinars', 'queue']) {
      await page.click(`#tab-${tab}`);
      await expectHeadingFocused(page, `tab ${tab}`);
      await expectTargets(page, `tab ${tab}`);
    }
    await page.click('#tab-admin');
    await expectAccessible(page, 'staff: admin tab at 360 px');
    // A conversation opened from the queue is a screen of its own; so is the login form after logging out.
    const { client: asker } = await AskerClient.create(server.clientOptions);
    await asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'soon' });
    await page.click('#tab-queue');
    await page.locator('#queue .claim').first().click();
    await page.locator('#reply').waitFor();
    await expectHeadingFocused(page, 'conversation');
    await expectTargets(page, 'conversation');
    await page.click('#logout');
    await page.locator('#s-login').waitFor();
    await expectHeadingFocused(page, 'login after logout');
  });
});
