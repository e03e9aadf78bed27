import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identities, invites, kbEntries, kbEntryTags, kbFlags, kbTags, kbVotes, messages, moderationLog, piiWords, staff, threadKeys, threads } from '../../db/schema.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';
import { createStaff } from '../support/staff.js';

// Bad input gets a 4xx with a code, never a 500, and changes nothing stored.

let t: TestContext;
let tokens: string[];
const threadPath = `/api/threads/t_${'A'.repeat(22)}`;
const entryPath = `/api/kb/entries/e_${'A'.repeat(22)}`;
const moderationPath = `/api/moderation/entries/e_${'A'.repeat(22)}`;
const ROUTES: [string, string][] = [
  ['POST', '/api/pow/challenges'], ['POST', '/api/identities'], ['POST', '/api/identities/sessions'],
  ['POST', '/api/staff/invites'], ['POST', '/api/staff/accept'], ['POST', '/api/staff/prelogin'], ['POST', '/api/staff/sessions'],
  ['POST', '/api/threads'], ['POST', `${threadPath}/messages`], ['POST', `${threadPath}/claim`], ['POST', `${threadPath}/handover`],
  ['POST', '/api/kb/questions'], ['PUT', `${entryPath}/helpful`], ['POST', `${entryPath}/flags`], ['DELETE', `/api/kb/questions/e_${'A'.repeat(22)}`],
  ['POST', `${moderationPath}/accept`], ['POST', `${moderationPath}/reject`], ['POST', `${moderationPath}/merge`], ['POST', `${moderationPath}/answer`],
  ['POST', `${moderationPath}/publish`], ['POST', `${moderationPath}/retire`], ['PUT', `${moderationPath}/tags`], ['POST', `${moderationPath}/revision`],
  ['POST', '/api/moderation/bulk'], ['POST', '/api/articles'], ['POST', '/api/admin/tags'], ['PUT', '/api/admin/tags/anxiety'],
  ['POST', '/api/admin/tags/anxiety/merge'], ['POST', '/api/admin/pii-words'],
];

beforeAll(async () => {
  t = await createTestApp();
  const org = t.sodium.crypto_sign_keypair();
  const asker = await mintAsker(t);
  const admin = await createStaff(t, { roles: ['admin', 'psychologist'], orgPrivateKey: org.privateKey });
  const moderator = await createStaff(t, { roles: ['moderator'] });
  tokens = [asker.token, admin.token, moderator.token];
});
afterAll(() => t.close());

function snapshot(): number[] {
  return [identities, staff, invites, threads, threadKeys, messages, kbEntries, kbEntryTags, kbTags, kbVotes, kbFlags, moderationLog, piiWords].map((table) => t.db.select().from(table).all().length);
}

describe('bad input', () => {
  it('answers arbitrary JSON bodies on every write route with a 4xx and a code', async () => {
    const before = snapshot();
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ROUTES), fc.json(), fc.constantFrom(0, 1, 2), async ([method, path], body, who) => {
      const res = await t.call(method, path, { json: JSON.parse(body), token: tokens[who] });
      expect(res.status, `${method} ${path} ${body}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(typeof res.body.error.code).toBe('string');
    }), { numRuns: 600 });
    expect(snapshot()).toEqual(before);
  });

  it('answers malformed bodies, content types, paths and queries with a 4xx', async () => {
    const cases: [string, string, RequestInit][] = [
      ['POST', '/api/threads', { body: '{"genesis":', headers: { 'content-type': 'application/json' } }],
      ['POST', '/api/threads', { body: 'topic=anxiety', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
      ['POST', '/api/threads', { body: '{}', headers: { 'content-type': 'text/plain' } }],
      ['POST', '/api/threads', {}],
      ['GET', '/api/threads/not-an-id', {}],
      ['GET', `${threadPath}/items?after=-1`, {}],
      ['GET', `${threadPath}/items?limit=1e9`, {}],
      ['GET', '/api/queue?limit=abc', {}],
      ['GET', '/api/kb/search?q=a&page=-1', {}],
      ['GET', '/api/kb/search', {}],
      ['GET', '/api/kb/entries?pageSize=1000', {}],
      ['GET', '/api/kb/entries/not-an-id', {}],
      ['GET', '/api/moderation/queue?queue=nope', {}],
      ['POST', '/api/kb/questions', { body: '{"title":', headers: { 'content-type': 'application/json' } }],
      ['POST', `${threadPath}/messages`, { body: JSON.stringify({ seq: 2 ** 60, prevHash: '', nonce: '', ciphertext: '', signature: '' }), headers: { 'content-type': 'application/json' } }],
      ['POST', '/api/threads', { body: JSON.stringify({ genesis: 'A'.repeat(400), genesisSignature: 'A'.repeat(86), sealedKeys: [] }), headers: { 'content-type': 'application/json' } }],
    ];
    for (const token of tokens) {
      for (const [method, path, init] of cases) {
        const res = await t.app.request(path, { method, ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
        expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        expect(typeof ((await res.json()) as { error: { code: string } }).error.code).toBe('string');
      }
    }
  });
});
