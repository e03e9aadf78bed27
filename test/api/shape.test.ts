import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';

let t: TestContext;
beforeEach(async () => { t = await createTestApp(); });
afterEach(() => t.close());

describe('API shape', () => {
  it('answers /healthz', async () => {
    const res = await t.call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it('serves an OpenAPI 3.1 document that lists the routes', async () => {
    const res = await t.call('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    // Paths are relative to the one server entry: the API is mounted under /api.
    expect(res.body.servers).toEqual([{ url: '/api' }]);
    expect(Object.keys(res.body.paths).sort()).toEqual([
      '/admin/pii-words', '/admin/tags', '/admin/tags/{slug}', '/admin/tags/{slug}/merge',
      '/articles', '/articles/{id}', '/articles/{id}/submit',
      '/directory', '/identities', '/identities/me', '/identities/me/sessions', '/identities/sessions',
      '/kb/entries', '/kb/entries/{id}', '/kb/entries/{id}/flags', '/kb/entries/{id}/helpful',
      '/kb/questions', '/kb/questions/mine', '/kb/questions/{id}', '/kb/search', '/kb/tags',
      '/moderation/bulk', '/moderation/entries/{id}', '/moderation/entries/{id}/accept', '/moderation/entries/{id}/answer',
      '/moderation/entries/{id}/flags', '/moderation/entries/{id}/merge', '/moderation/entries/{id}/publish',
      '/moderation/entries/{id}/reject', '/moderation/entries/{id}/retire', '/moderation/entries/{id}/return',
      '/moderation/entries/{id}/revision', '/moderation/entries/{id}/revision/decision', '/moderation/entries/{id}/tags',
      '/moderation/log', '/moderation/queue',
      '/pow/challenges', '/queue', '/sessions/current', '/staff/accept', '/staff/invites', '/staff/me',
      '/staff/prelogin', '/staff/sessions', '/threads', '/threads/{id}', '/threads/{id}/claim',
      '/threads/{id}/close', '/threads/{id}/events', '/threads/{id}/handover', '/threads/{id}/messages',
    ]);
    // Request bodies are described from the same zod schemas the handlers validate with.
    expect(res.body.paths['/threads/{id}/messages'].post.requestBody.content['application/json'].schema.required).toEqual(['seq', 'nonce', 'ciphertext', 'signature']);
  });

  it('gives unknown routes a 404 with a code and a request id', async () => {
    const res = await t.call('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers malformed JSON, oversized bodies and missing tokens with 4xx codes', async () => {
    const bad = await t.app.request('/api/identities', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"authKey":' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_json');
    const huge = await t.app.request('/api/identities', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'a'.repeat(70_000) }) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('payload_too_large');
    const anon = await t.call('GET', '/api/identities/me');
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('unauthorized');
    const garbage = await t.call('GET', '/api/identities/me', { headers: { authorization: 'Bearer not-a-token' } });
    expect(garbage.status).toBe(401);
  });

  it('never shows a stack trace or an internal message', async () => {
    t.db.$client.exec('DROP TABLE sessions');
    const res = await t.call('GET', '/api/identities/me', { headers: { authorization: `Bearer ${'A'.repeat(43)}` } });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal');
    expect(JSON.stringify(res.body)).not.toMatch(/sessions|sqlite|at .*\.ts/i);
  });

  it('sets the security headers and no-store on API answers', async () => {
    const res = await t.call('GET', '/healthz');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const api = await t.call('GET', '/api/identities/me');
    expect(api.headers.get('cache-control')).toBe('no-store');
  });

  it('logs one JSON line per request with id, route and status, and nothing identifying', async () => {
    const asker = await mintAsker(t);
    await t.call('GET', '/api/identities/me', { token: asker.token });
    const lines = t.logs.map((l) => JSON.parse(l));
    const request = lines.find((l) => l.route === '/api/identities/me');
    expect(request).toMatchObject({ method: 'GET', status: 200, msg: 'request' });
    expect(request.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const all = t.logs.join('');
    expect(all).not.toContain(asker.token);
    expect(all).not.toContain(asker.identityId);
    expect(all).not.toMatch(/127\.0\.0\.1|user-agent|authorization/i);
  });

  it('rate-limits minting per network, in memory, with a 429 code', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await t.call('POST', '/api/identities', { json: {} })).status);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    const limited = await t.call('POST', '/api/identities', { json: {} });
    expect(limited.body.error.code).toBe('rate_limited');
    t.clock.now += 61_000;
    expect((await t.call('POST', '/api/identities', { json: {} })).status).toBe(400);
  });
});
