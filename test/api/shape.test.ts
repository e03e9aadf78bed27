import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';
import { createStaff } from '../support/staff.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is walked as plain JSON */
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Every operation of the served document, with its method and path. */
function operationsOf(doc: any): { method: string; path: string; op: any }[] {
  return Object.entries(doc.paths).flatMap(([path, item]: [string, any]) => METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] })));
}
const resolveResponse = (doc: any, r: any): any => (r.$ref ? doc.components.responses[r.$ref.split('/').pop()] : r);
const isAuthenticated = (op: any): boolean => op.security.some((r: object) => Object.keys(r).length > 0);

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
      '/admin/crisis-contacts', '/admin/crisis-contacts/order', '/admin/crisis-contacts/{id}', '/admin/crisis-contacts/{id}/verify',
      '/admin/impact/report', '/admin/impact/report/csv', '/admin/impact/report/html', '/admin/impact/settings',
      '/admin/pii-words',
      '/admin/staff', '/admin/staff-audit', '/admin/staff/{id}', '/admin/staff/{id}/disable', '/admin/staff/{id}/enable', '/admin/staff/{id}/logout', '/admin/staff/{id}/reset',
      '/admin/tags', '/admin/tags/{slug}', '/admin/tags/{slug}/merge',
      '/admin/webinars', '/admin/webinars/{id}', '/admin/webinars/{id}/cancel', '/admin/webinars/{id}/figures', '/admin/webinars/{id}/publish',
      '/articles', '/articles/{id}', '/articles/{id}/submit',
      '/crisis-contacts',
      '/directory', '/directory/history', '/identities', '/identities/me', '/identities/me/sessions', '/identities/sessions',
      '/kb/entries', '/kb/entries/{id}', '/kb/entries/{id}/flags', '/kb/entries/{id}/helpful',
      '/kb/questions', '/kb/questions/mine', '/kb/questions/{id}', '/kb/search', '/kb/tags',
      '/moderation/bulk', '/moderation/entries/{id}', '/moderation/entries/{id}/accept', '/moderation/entries/{id}/answer',
      '/moderation/entries/{id}/flags', '/moderation/entries/{id}/merge', '/moderation/entries/{id}/publish',
      '/moderation/entries/{id}/reject', '/moderation/entries/{id}/retire', '/moderation/entries/{id}/return',
      '/moderation/entries/{id}/revision', '/moderation/entries/{id}/revision/decision', '/moderation/entries/{id}/tags',
      '/moderation/log', '/moderation/queue',
      '/moderation/synonyms', '/moderation/synonyms/{id}',
      '/my-threads/events',
      '/pow/challenges', '/queue', '/queue/events', '/sessions/current', '/staff/accept', '/staff/invites', '/staff/me',
      '/staff/me/sessions',
      '/staff/prelogin',
      '/staff/reset',
      '/staff/sessions', '/threads', '/threads/{id}', '/threads/{id}/claim',
      '/threads/{id}/close', '/threads/{id}/events', '/threads/{id}/handover', '/threads/{id}/items', '/threads/{id}/messages', '/threads/{id}/return',
      '/webinars', '/webinars/{id}', '/webinars/{id}/registrations',
    ]);
    // Request bodies are described from the same zod schemas the handlers validate with.
    expect(res.body.paths['/threads/{id}/messages'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PostMessageRequest' });
    expect(res.body.components.schemas.PostMessageRequest.required).toEqual(['seq', 'prevHash', 'signature', 'nonce', 'ciphertext']);
  });

  it('states a complete contract for every operation', async () => {
    const res = await t.app.request('/api/openapi.json');
    const text = await res.text();
    const doc = JSON.parse(text);
    expect(doc.info.license).toEqual({ name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' });
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(50);
    // Operation ids: present and unique (generated clients name their methods after them).
    const ids = ops.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // One Error schema, referenced: its list of codes appears once in the whole document.
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain('method_not_allowed');
    expect(text.split('"rate_limited"').length - 1).toBe(1);
    expect(text.length).toBeLessThan(150_000);
    for (const { method, path, op } of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      // Security is said on every operation: [] for public ones, the bearer scheme otherwise.
      expect(Array.isArray(op.security), where).toBe(true);
      for (const r of op.security) expect(Object.keys(r).every((k) => k === 'bearer'), where).toBe(true);
      const statuses = Object.keys(op.responses).map(Number);
      const expected = [405, 429, 500, 503];
      if (isAuthenticated(op)) expected.push(401, 403);
      if (op.requestBody) expected.push(400, 413, 415);
      if (op.parameters?.length) expected.push(400);
      if (path.includes('{')) expected.push(404);
      expect(statuses, where).toEqual(expect.arrayContaining(expected));
      expect(statuses.some((s) => s >= 200 && s < 300), where).toBe(true);
      for (const status of statuses.filter((s) => s >= 400)) {
        const response = resolveResponse(doc, op.responses[status]);
        expect(response.content['application/json'].schema, `${where} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
      expect(resolveResponse(doc, op.responses[429]).headers['Retry-After'].schema.type, where).toBe('integer');
      expect(resolveResponse(doc, op.responses[405]).headers.Allow, where).toBeDefined();
    }
  });

  it('states the exact length of every fixed-size byte field and id, and uniqueItems where duplicates are refused', async () => {
    const doc = (await t.call('GET', '/api/openapi.json')).body;
    const schemas = doc.components.schemas;
    const exact = (schema: string, prop: string, length: number) => {
      const s = schemas[schema].properties[prop];
      expect([s.minLength, s.maxLength], `${schema}.${prop}`).toEqual([length, length]);
    };
    // Unpadded base64url: 16 bytes → 22 characters, 24 → 32, 32 → 43, 64 → 86, 104 → 139, 136 → 182.
    for (const [schema, props] of Object.entries({ MintIdentityRequest: ['authKey', 'boxPublicKey', 'signPublicKey'], Identity: ['boxPublicKey', 'signPublicKey'], StaffProfile: ['boxPublicKey', 'signPublicKey'] })) {
      for (const prop of props) exact(schema, prop, 43);
    }
    const lengths: [schema: string, prop: string, length: number][] = [
      ['IdentitySession', 'token', 43],
      ['AcceptInviteRequest', 'kdfSalt', 22], ['Prelogin', 'kdfSalt', 22],
      ['AcceptInviteRequest', 'wrappedKeys', 182], ['StaffProfile', 'wrappedKeys', 182],
      ['PostMessageRequest', 'nonce', 32], ['TranscriptItem', 'nonce', 32],
      ['PostMessageRequest', 'signature', 86], ['TranscriptItem', 'signature', 86], ['SignedManifest', 'signature', 86], ['SignedManifest', 'signer', 43], ['SignedManifest', 'endorsement', 86],
      ['ClaimRequest', 'signature', 86], ['HandoverRequest', 'signature', 86], ['OpenThreadRequest', 'genesisSignature', 86], ['ThreadDetail', 'genesisSignature', 86],
      ['PostMessageRequest', 'prevHash', 43], ['ClaimRequest', 'prevHash', 43], ['HandoverRequest', 'prevHash', 43], ['TranscriptItem', 'prevHash', 43],
      ['HandoverRequest', 'toFingerprint', 43], ['TranscriptItem', 'toFingerprint', 43],
      // A sealed key is crypto_box_seal(K ‖ thread id): 48 + 32 + 24 = 104 bytes.
      ['HandoverRequest', 'sealedKey', 139], ['ThreadDetail', 'sealedKey', 139],
      ['Invite', 'code', 32],
    ];
    for (const [schema, prop, length] of lengths) exact(schema, prop, length);
    const issued = await t.call('POST', '/api/pow/challenges', { json: { purpose: 'identity' } });
    exact('PowChallenge', 'challenge', issued.body.challenge.length);
    for (const schema of ['ThreadSummary', 'TranscriptItem', 'Identity']) exact(schema, schema === 'TranscriptItem' ? 'senderId' : schema === 'Identity' ? 'identityId' : 'id', 24);
    exact('PublicEntry', 'id', 24);
    // Every base64url string states its bounds, fixed or not.
    const walk = (node: any, where: string): void => {
      if (!node || typeof node !== 'object') return;
      if (node.type === 'string' && node.pattern === '^[A-Za-z0-9_-]*$') expect(node.maxLength, where).toBeTypeOf('number');
      for (const [k, v] of Object.entries(node)) walk(v, `${where}.${k}`);
    };
    walk(doc, '#');
    const unique = (schema: string, prop: string) => expect(schemas[schema].properties[prop].uniqueItems, `${schema}.${prop}`).toBe(true);
    unique('CreateInviteRequest', 'roles');
    unique('AcceptInviteRequest', 'languages');
    unique('SubmitQuestionRequest', 'suggestedTags');
    unique('AcceptRequest', 'tags');
    unique('TagEntryRequest', 'tags');
    unique('ArticleRequest', 'tags');
    unique('BulkRequest', 'ids');
  });

  it('refuses the duplicates the contract says it refuses, with invalid_input', async () => {
    const admin = await createStaff(t, { roles: ['admin', 'moderator'] });
    const asker = await mintAsker(t);
    const invite = await t.call('POST', '/api/staff/invites', { token: admin.token, json: { roles: ['moderator', 'moderator'] } });
    expect(invite.status).toBe(400);
    expect(invite.body.error.code).toBe('invalid_input');
    const id = `e_${'A'.repeat(22)}`;
    const bulk = await t.call('POST', '/api/moderation/bulk', { token: admin.token, json: { ids: [id, id], action: 'accept' } });
    expect(bulk.status).toBe(400);
    expect(bulk.body.error).toMatchObject({ code: 'invalid_input', issues: [{ path: 'ids' }] });
    const tags = await t.call('PUT', `/api/moderation/entries/${id}/tags`, { token: admin.token, json: { tags: ['sleep', 'sleep'] } });
    expect(tags.status).toBe(400);
    expect(tags.body.error.code).toBe('invalid_input');
    const question = await t.call('POST', '/api/kb/questions', { token: asker.token, json: { title: 'Вопрос о сне', body: 'Не могу спать уже месяц.', language: 'ru', suggestedTags: ['sleep', 'sleep'], pow: { challenge: 'AAAA', counter: 0 } } });
    expect(question.status).toBe(400);
    expect(question.body.error.code).toBe('invalid_input');
  });

  it('gives unknown routes a 404 with a code and a request id', async () => {
    const res = await t.call('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers malformed JSON, oversized bodies and missing tokens with 4xx codes', async () => {
    const wrongType = await t.app.request('/api/identities', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(wrongType.status).toBe(415);
    expect((await wrongType.json()).error.code).toBe('unsupported_media_type');
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

  it('writes no line per request at the default level, info (request lines are debug)', async () => {
    const quiet = await createTestApp({ LOG_LEVEL: 'info' });
    try {
      const asker = await mintAsker(quiet);
      await quiet.call('GET', '/api/identities/me', { token: asker.token });
      await quiet.call('GET', '/healthz');
      expect(quiet.logs.map((l) => JSON.parse(l) as { msg?: string }).filter((l) => l.msg === 'request')).toEqual([]);
    } finally {
      quiet.close();
    }
  });

  it('rate-limits minting per network, in memory, with a 429 code', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await t.call('POST', '/api/identities', { json: {} })).status);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    const limited = await t.call('POST', '/api/identities', { json: {} });
    expect(limited.body.error.code).toBe('rate_limited');
    // Retry-After: the seconds until this window resets.
    expect(limited.headers.get('retry-after')).toBe('60');
    t.clock.now += 45_500;
    expect((await t.call('POST', '/api/identities', { json: {} })).headers.get('retry-after')).toBe('15');
    t.clock.now += 15_500;
    expect((await t.call('POST', '/api/identities', { json: {} })).status).toBe(400);
  });
});
