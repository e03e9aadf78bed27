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
    expect(Object.keys(res.body.paths).sort()).toEqual([
      '/api/admin/pii-words', '/api/admin/tags', '/api/admin/tags/{slug}', '/api/admin/tags/{slug}/merge',
      '/api/articles', '/api/articles/{id}', '/api/articles/{id}/submit',
      '/api/directory', '/api/identities', '/api/identities/me', '/api/identities/me/sessions', '/api/identities/sessions',
      '/api/kb/entries', '/api/kb/entries/{id}', '/api/kb/entries/{id}/flags', '/api/kb/entries/{id}/helpful',
      '/api/kb/questions', '/api/kb/questions/mine', '/api/kb/questions/{id}', '/api/kb/search', '/api/kb/tags',
      '/api/moderation/bulk', '/api/moderation/entries/{id}', '/api/moderation/entries/{id}/accept', '/api/moderation/entries/{id}/answer',
      '/api/moderation/entries/{id}/flags', '/api/moderation/entries/{id}/merge', '/api/moderation/entries/{id}/publish',
      '/api/moderation/entries/{id}/reject', '/api/moderation/entries/{id}/retire', '/api/moderation/entries/{id}/return',
      '/api/moderation/entries/{id}/revision', '/api/moderation/entries/{id}/revision/decision', '/api/moderation/entries/{id}/tags',
      '/api/moderation/log', '/api/moderation/queue',
      '/api/pow/challenges', '/api/queue', '/api/sessions/current', '/api/staff/accept', '/api/staff/invites', '/api/staff/me',
      '/api/staff/prelogin', '/api/staff/sessions', '/api/threads', '/api/threads/{id}', '/api/threads/{id}/claim',
      '/api/threads/{id}/close', '/api/threads/{id}/events', '/api/threads/{id}/handover', '/api/threads/{id}/messages',
    ]);
    // Request bodies are described from the same zod schemas the handlers validate with.
    expect(res.body.paths['/api/threads/{id}/messages'].post.requestBody.content['application/json'].schema.required).toEqual(['seq', 'nonce', 'ciphertext', 'signature']);
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
