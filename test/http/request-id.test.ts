import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(async () => { await s.stop(); });

describe('request ids', () => {
  it('are always generated: a client-sent X-Request-Id is neither echoed nor logged', async () => {
    const chosen = 'chosen-by-client-7f3a';
    const ok = await fetch(`${s.url}/healthz`, { headers: { 'x-request-id': chosen } });
    const failed = await fetch(`${s.url}/api/no-such-route`, { headers: { 'x-request-id': chosen } });
    for (const res of [ok, failed]) {
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    const body = await failed.json() as { error: { requestId: string } };
    expect(body.error.requestId).toBe(failed.headers.get('x-request-id'));
    expect(ok.headers.get('x-request-id')).not.toBe(failed.headers.get('x-request-id'));
    await new Promise((r) => setTimeout(r, 50));
    const logged = s.logs.map((l) => JSON.parse(l) as { requestId?: string }).filter((l) => l.requestId);
    expect(logged.map((l) => l.requestId)).toContain(body.error.requestId);
    expect(s.logs.join('')).not.toContain(chosen);
  });

  it('every response carries the fixed security headers', async () => {
    // A page, a bare JSON answer, the API's 404, a refused body (413) and a static file: each written by a different path.
    const answers = [
      await fetch(`${s.url}/ru/`),
      await fetch(`${s.url}/healthz`),
      await fetch(`${s.url}/api/no-such-route`),
      await fetch(`${s.url}/api/identities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(70_000) }),
      await fetch(`${s.url}/api/openapi.json`),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 413, 200]);
    for (const res of answers) {
      await res.arrayBuffer();
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
