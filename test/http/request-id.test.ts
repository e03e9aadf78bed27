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
    const res = await fetch(`${s.url}/ru/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
  });
});
