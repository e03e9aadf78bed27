import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestServer } from '../support/server.js';

// Debian's Chromium, driven by playwright-core (no browser download). Every context records
// each request (URL and body) and answer body, refuses anything not bound for the test server
// (the quick-exit target gets a blank page instead of the network), and collects CSP violations.

export const SCREENSHOTS = join(process.cwd(), 'test/browser/screenshots');
export const QUICK_EXIT = 'https://www.google.com/';

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

export interface Recorder {
  requests: { url: string; body: string }[];
  responses: string[];
  offOrigin: string[];
  cspViolations: string[];
}

export function newRecorder(): Recorder {
  return { requests: [], responses: [], offOrigin: [], cspViolations: [] };
}

export async function newContext(browser: Browser, server: TestServer, rec: Recorder, options: { width?: number; javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  const width = options.width ?? 1280;
  const context = await browser.newContext({
    viewport: { width, height: width < 500 ? 780 : 900 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    serviceWorkers: 'block',
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await context.route('**/*', async (route) => {
    const req = route.request();
    const url = req.url();
    if (url.startsWith(server.url)) {
      rec.requests.push({ url, body: req.postData() ?? '' });
      return route.continue();
    }
    if (url === QUICK_EXIT) return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Google</title>neutral' });
    rec.offOrigin.push(url);
    return route.abort();
  });
  context.on('response', (res) => {
    const type = res.headers()['content-type'] ?? '';
    if (res.url().startsWith(server.url) && type.includes('application/json')) res.text().then((b) => rec.responses.push(b), () => undefined);
  });
  context.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy') || msg.text().startsWith('CSP violation')) rec.cspViolations.push(msg.text());
  });
  return context;
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
}

/** Screenshots at phone (360 px) and desktop width. */
export async function shots(page: Page, name: string): Promise<void> {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 360, height: 780 });
  await shot(page, name);
  await page.setViewportSize({ width: 1280, height: 900 });
  await shot(page, name);
  await page.setViewportSize(size);
}

/** The asker's first steps at `url` (an app page): a new private code, confirmed by its last four characters. Returns the code. */
export async function enterWithNewCode(page: Page, url: string): Promise<string> {
  await page.goto(url);
  await page.click('#new-code');
  const code = (await page.locator('#recovery-code').textContent())!.trim();
  await page.fill('#confirm-code', code.slice(-4));
  await page.locator('form button[type=submit]').click();
  return code;
}

/** "Remember me": the PIN screen that follows, filled in with `pin` twice. */
export async function choosePin(page: Page, pin: string): Promise<void> {
  await page.fill('#pin-new', pin);
  await page.fill('#pin-repeat', pin);
  await page.click('#pin-save');
}

/**
 * axe-core over the whole page in its current state (WCAG 2.0/2.1 A and AA), failing with one
 * readable line per violation: its rule, impact, and the elements with axe's summary. Called once
 * per page state the browser tests reach (an axe run takes 0.3–1 s: never in a loop).
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const lines = result.violations.map((v) => `${v.id} (${v.impact ?? '?'}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`).join('\n')}`);
  if (lines.length) throw new Error(`axe violations at "${label}" (${page.url()}):\n  ${lines.join('\n  ')}`);
}
