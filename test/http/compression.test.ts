import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { rawGet, type RawResponse } from './raw-http.js';

// Through a real listening server: what goes on the wire, byte for byte.

let s: TestServer;
beforeAll(async () => { s = await startServer({ DEMO_CONTENT: true }); });
afterAll(async () => { await s.stop(); });

const BR = { 'accept-encoding': 'gzip, deflate, br' };
const GZIP = { 'accept-encoding': 'gzip' };

function decoded(res: RawResponse): Buffer {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(res.body);
  if (encoding === 'gzip') return gunzipSync(res.body);
  return res.body;
}

function expectExactLength(res: RawResponse): void {
  expect(Number(res.headers['content-length'])).toBe(res.body.length);
}

async function bundlePath(): Promise<string> {
  const page = await rawGet(`${s.url}/ru/app`);
  return /\/static\/asker\.[0-9a-f]+\.js/.exec(page.body.toString())![0];
}

describe('static files, precompressed', () => {
  it('serve the asker bundle as identity, gzip or brotli by Accept-Encoding, each decoding to the same bytes', async () => {
    const path = await bundlePath();
    const plain = await rawGet(`${s.url}${path}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(500_000);
    expectExactLength(plain);

    const gz = await rawGet(`${s.url}${path}`, GZIP);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expectExactLength(gz);
    expect(gz.body.length).toBeLessThan(plain.body.length * 0.4);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);

    // Brotli 11 of a large bundle is made on first demand, off the event loop: gzip until then.
    let br = await rawGet(`${s.url}${path}`, BR);
    expect(['br', 'gzip']).toContain(br.headers['content-encoding']);
    for (let i = 0; i < 100 && br.headers['content-encoding'] !== 'br'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      br = await rawGet(`${s.url}${path}`, BR);
    }
    expect(br.headers['content-encoding']).toBe('br');
    expectExactLength(br);
    expect(br.body.length).toBeLessThan(gz.body.length);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);

    for (const r of [plain, gz, br]) {
      expect(r.headers.vary).toBe('Accept-Encoding');
      expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    const etags = [plain, gz, br].map((r) => r.headers.etag);
    expect(new Set(etags).size).toBe(3);
    const revalidated = await rawGet(`${s.url}${path}`, { ...BR, 'if-none-match': String(br.headers.etag) });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
  });

  it('serve the stylesheet in brotli from the start, and honour q=0', async () => {
    const css = /\/static\/site\.[0-9a-f]+\.css/.exec((await rawGet(`${s.url}/ru/`)).body.toString())![0];
    const plain = await rawGet(`${s.url}${css}`);
    const br = await rawGet(`${s.url}${css}`, { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expectExactLength(br);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const refused = await rawGet(`${s.url}${css}`, { 'accept-encoding': 'br;q=0, gzip' });
    expect(refused.headers['content-encoding']).toBe('gzip');
    const none = await rawGet(`${s.url}${css}`, { 'accept-encoding': 'identity' });
    expect(none.headers['content-encoding']).toBeUndefined();
  });
});

describe('public answers, compressed on the fly', () => {
  it.each([
    ['/ru/', BR, 'br'],
    ['/en/browse', GZIP, 'gzip'],
    ['/api/kb/entries?language=ru', BR, 'br'],
    ['/api/kb/tags', GZIP, 'gzip'],
    ['/api/openapi.json', BR, 'br'],
  ])('%s in %s', async (path, headers, encoding) => {
    const plain = await rawGet(`${s.url}${path}`);
    const res = await rawGet(`${s.url}${path}`, headers);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expectExactLength(res);
    expect(res.body.length).toBeLessThan(plain.body.length / 2);
    expect(decoded(res).equals(plain.body)).toBe(true);
  });

  it('a published entry as JSON', async () => {
    const list = JSON.parse((await rawGet(`${s.url}/api/kb/entries?language=ru`)).body.toString());
    const id = list.entries[0].id as string;
    const res = await rawGet(`${s.url}/api/kb/entries/${id}`, BR);
    expect(res.status).toBe(200);
    if (Number(res.headers['content-length']) >= 1024 || res.headers['content-encoding']) {
      expect(res.headers['content-encoding']).toBe('br');
    }
    expect(JSON.parse(decoded(res).toString()).id).toBe(id);
  });

  it('the staff directory is public (signed keys, the same for everyone) but never served stale', async () => {
    const res = await rawGet(`${s.url}/api/directory`, BR);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, no-cache');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(JSON.parse(decoded(res).toString())).toHaveProperty('manifest');
  });
});

describe('private answers are never compressed (BREACH)', () => {
  it.each([
    ['a search page (reflects the query, no-store)', '/ru/search?q=%D1%81%D0%BE%D0%BD', {}],
    ['search results over the API', '/api/kb/search?q=%D1%81%D0%BE%D0%BD&language=ru', {}],
    ['the private space page', '/ru/app', {}],
    ['a public answer asked for with a session', '/api/kb/tags', { authorization: `Bearer ${'a'.repeat(43)}` }],
    ['an error body', '/api/kb/entries/not-an-entry-id', {}],
    ['a page that is not found', '/ru/no-such-page', {}],
  ])('%s', async (_what, path, headers) => {
    const res = await rawGet(`${s.url}${path}`, { ...BR, ...headers });
    expect(res.headers['content-encoding']).toBeUndefined();
    expectExactLength(res);
    if (res.status === 200 && path.includes('search')) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.length).toBeGreaterThan(1024);
    }
  });
});
