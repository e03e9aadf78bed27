import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';

let t: TestContext;
beforeAll(async () => { t = await createTestApp(); });
afterAll(() => t.close());

describe('API reference page', () => {
  it('renders every operation of the served document on the server, grouped by tag', async () => {
    const doc = (await t.call('GET', '/api/openapi.json')).body;
    const res = await t.app.request('/api/reference');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const tag of doc.tags) expect(html).toContain(`<h2 id="tag-${tag.name}">`);
    for (const [path, item] of Object.entries(doc.paths) as [string, Record<string, { operationId: string }>][]) {
      for (const [method, op] of Object.entries(item)) {
        expect(html).toContain(`<section class="card" id="${op.operationId}"`);
        expect(html).toContain(`<code>${method.toUpperCase()} /api${path}</code>`);
      }
    }
    // Schema names link to their definitions; shared error answers are listed once.
    expect(html).toContain('<a href="#schema-PostMessageRequest"><code>PostMessageRequest</code></a>');
    expect(html).toContain('id="schema-PostMessageRequest"');
    expect(html).toContain('id="response-RateLimited"');
    expect(html).toContain('Retry-After');
    expect(html).toContain('Session token');
    expect(html).toContain('None (public)');
  });

  it('loads nothing from elsewhere and runs no script, under the same CSP as every page', async () => {
    const res = await t.app.request('/api/reference');
    const html = await res.text();
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    // Every href and src points into this origin (or a fragment).
    const urls = [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(100);
    for (const url of urls) expect(url, url).toMatch(/^(#|\/)/);
    const css = html.match(/<link rel="stylesheet" href="([^"]+)" integrity="(sha\d+-[^"]+)"/);
    expect(css).not.toBeNull();
    expect((await t.app.request(css![1]!)).status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
  });
});
