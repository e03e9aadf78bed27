import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';
import { createStaff } from '../support/staff.js';

// HTTP semantics checked over the whole served document, so that a route added tomorrow is
// covered without touching this file: 405 with Allow for a known path and a wrong method, and
// 401 before any validation for every authenticated operation.

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is walked as plain JSON */
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

let t: TestContext;
let doc: any;
let ops: { method: string; path: string; op: any; url: string }[];

/** A concrete URL for a templated path, with ids of the right shape (the answer must not depend on them). */
function urlOf(path: string): string {
  const id = path.startsWith('/threads') ? `t_${'A'.repeat(22)}` : `e_${'A'.repeat(22)}`;
  return `/api${path.replace('{id}', id).replace('{slug}', 'sleep')}`;
}

beforeAll(async () => {
  t = await createTestApp();
  doc = (await t.call('GET', '/api/openapi.json')).body;
  ops = Object.entries(doc.paths).flatMap(([path, item]: [string, any]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method], url: urlOf(path) })));
});
afterAll(() => t.close());

const authenticated = (op: any): boolean => op.security.some((r: object) => Object.keys(r).length > 0);

describe('405 Method Not Allowed', () => {
  it('answers every documented path asked with a method it lacks, with Allow listing exactly the documented ones', async () => {
    let checked = 0;
    for (const path of Object.keys(doc.paths)) {
      // The methods of every documented template the URL fits (/kb/questions/mine fits /kb/questions/{id} too).
      const url = urlOf(path).slice('/api'.length);
      const fits = Object.keys(doc.paths).filter((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(url));
      const has = [...new Set(fits.flatMap((p) => METHODS.filter((m) => doc.paths[p][m]).map((m) => m.toUpperCase())))];
      const missing = METHODS.map((m) => m.toUpperCase()).find((m) => !has.includes(m))!;
      const res = await t.app.request(urlOf(path), { method: missing });
      expect(res.status, `${missing} ${path}`).toBe(405);
      expect((await res.json()).error.code).toBe('method_not_allowed');
      const expected = has.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
      expect(res.headers.get('allow')?.split(', ').sort(), path).toEqual(expected.sort());
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('answers 405 before asking for a session, and keeps 404 for unknown paths', async () => {
    const put = await t.call('PUT', '/api/threads');
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(put.headers.get('cache-control')).toBe('no-store');
    // A page route (`/:lang/*`) never answers for the API's paths, whatever the method.
    const get = await t.call('GET', '/api/pow/challenges');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await t.call('POST', '/api/no-such-thing')).status).toBe(404);
    expect((await t.call('GET', '/api/no-such-thing')).body.error.code).toBe('not_found');
    expect((await t.call('DELETE', '/api/openapi.json')).headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers page paths too, and HEAD keeps working wherever GET does', async () => {
    const post = await t.app.request('/ru/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await t.app.request('/healthz', { method: 'DELETE' })).headers.get('allow')).toBe('GET, HEAD');
    for (const path of ['/ru/', '/healthz', '/api/kb/tags', '/api/openapi.json', '/api/reference']) {
      const head = await t.app.request(path, { method: 'HEAD' });
      expect(head.status, path).toBe(200);
      expect(await head.text(), path).toBe('');
    }
  });
});

describe('authenticated operations', () => {
  it('answer 401 to an anonymous caller before looking at the input', async () => {
    const secured = ops.filter(({ op }) => authenticated(op));
    expect(secured.length).toBeGreaterThan(40);
    for (const { method, path, op, url } of secured) {
      const where = `${method.toUpperCase()} ${path}`;
      const bodies = op.requestBody ? ['{"truncated":', '[]', '{"unexpected":1}'] : [undefined];
      for (const body of bodies) {
        for (const authorization of [undefined, 'Bearer not-a-token', `Bearer ${'A'.repeat(43)}`]) {
          const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
          if (authorization) headers.authorization = authorization;
          const res = await t.app.request(`${url}?limit=oops`, { method: method.toUpperCase(), headers, body });
          expect(res.status, `${where} ${body} ${authorization}`).toBe(401);
          expect((await res.json()).error.code).toBe('unauthorized');
        }
      }
    }
  });

  it('answer a live session\'s malformed body with 400 or 403, never 500', async () => {
    const asker = await mintAsker(t);
    const staff = await createStaff(t, { roles: ['admin', 'moderator', 'psychologist', 'supervisor'] });
    const withBodies = ops.filter(({ op }) => authenticated(op) && op.requestBody);
    expect(withBodies.length).toBeGreaterThan(20);
    for (const { method, path, url } of withBodies) {
      for (const token of [asker.token, staff.token]) {
        for (const body of ['{"truncated":', '[]', 'null']) {
          const res = await t.app.request(url, { method: method.toUpperCase(), headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
          expect([400, 403], `${method.toUpperCase()} ${path} ${body}`).toContain(res.status);
        }
      }
    }
  });
});
