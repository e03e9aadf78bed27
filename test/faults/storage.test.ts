import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker } from '../support/asker.js';
import { fromBase64Url, randomBytes, toBase64Url } from '../../src/protocol/encoding.js';
import { deriveAskerKeys } from '../../src/protocol/kdf.js';
import { solveProofOfWork } from '../../src/protocol/pow.js';

// A full or read-only disk, simulated inside SQLite so that it runs unprivileged: `max_page_count`
// makes a write that needs a new page fail with SQLITE_FULL, as ENOSPC does; `query_only` makes
// every write fail with SQLITE_READONLY, as a read-only remount does. (Checked by hand on a real
// tmpfs and a read-only mount: README "Faults".)

let t: TestContext;
beforeEach(async () => { t = await createTestApp(); });
afterEach(() => t.close());

const MINUTE = 60_000;

/** Mints identities until one is refused, and returns that answer (each mint adds rows, so pages run out). */
async function mintUntilRefused(): Promise<{ status: number; body: { error: { code: string } }; headers: Headers }> {
  for (let i = 0; i < 1000; i++) {
    t.clock.now += 3_100; // stay under the per-network mint limit (20 a minute)
    const keys = deriveAskerKeys(t.sodium, randomBytes(16));
    const ch = await t.call('POST', '/api/pow/challenges', { json: { purpose: 'identity' } });
    const counter = solveProofOfWork(fromBase64Url(ch.body.challenge)!, ch.body.bits)!;
    const res = await t.call('POST', '/api/identities', {
      json: { authKey: toBase64Url(keys.authKey), boxPublicKey: toBase64Url(keys.box.publicKey), signPublicKey: toBase64Url(keys.sign.publicKey), pow: { challenge: ch.body.challenge, counter } },
    });
    if (res.status !== 201) return res;
  }
  throw new Error('the database never filled up');
}

describe('storage faults', () => {
  it('a full database answers writes with 503 storage_unavailable and Retry-After, and takes writes again when space returns', async () => {
    await mintAsker(t);
    const sqlite = t.db.$client;
    const before = sqlite.pragma('max_page_count', { simple: true }) as number;
    sqlite.pragma('max_page_count = 1'); // clamps to the pages in use: the next new page is refused
    const res = await mintUntilRefused();
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('storage_unavailable');
    expect(res.headers.get('retry-after')).toBe('5');
    expect(t.logs.join('')).not.toContain('unhandled error');
    expect((await t.call('GET', '/readyz')).status).toBe(503);
    expect((await t.call('GET', '/healthz')).status).toBe(200);

    sqlite.pragma(`max_page_count = ${before}`);
    t.clock.now += 2000; // past the readiness answer's one-second memory
    await expect(mintAsker(t)).resolves.toMatchObject({ identityId: expect.any(String) });
    expect(await t.call('GET', '/readyz')).toMatchObject({ status: 200, body: { ok: true, database: { readable: true, writable: true } } });
  });

  it('a read-only database refuses writes with 503 but authenticated reads go on, though the session check cannot record its use', async () => {
    const asker = await mintAsker(t);
    t.db.$client.pragma('query_only = 1');
    t.clock.now += 60 * MINUTE; // the next hour: the session check now wants to write last-used, and cannot

    const read = await t.call('GET', '/api/threads', { token: asker.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ threads: [] });

    const logout = await t.call('DELETE', '/api/sessions/current', { token: asker.token });
    expect(logout).toMatchObject({ status: 503, body: { error: { code: 'storage_unavailable', message: 'Storage is unavailable for writes; try again shortly.' } } });
    expect(logout.headers.get('retry-after')).toBe('5');
    // The disk could not record the logout, but it holds at once: the token reads nothing more.
    expect((await t.call('GET', '/api/threads', { token: asker.token })).status).toBe(401);

    expect(await t.call('GET', '/readyz')).toMatchObject({ status: 503, body: { ok: false, database: { readable: true, writable: false } } });
    expect((await t.call('GET', '/healthz')).status).toBe(200);

    t.db.$client.pragma('query_only = 0');
    t.clock.now += 2000;
    expect(await t.call('GET', '/readyz')).toMatchObject({ status: 200, body: { ok: true } });
    // Once the disk takes writes, the next check of that token deletes its row.
    expect((await t.call('GET', '/api/threads', { token: asker.token })).status).toBe(401);
    expect(t.db.$client.prepare('SELECT count(*) FROM sessions WHERE identity_id = ?').pluck().get(asker.identityId)).toBe(0);
  });

  it('"log out everywhere" on a read-only disk refuses every older session of that identity at once', async () => {
    const asker = await mintAsker(t);
    const login = await t.call('POST', '/api/identities/sessions', { json: { authKey: toBase64Url(asker.keys.authKey) } });
    expect(login.status).toBe(201);
    const second = login.body.token as string;
    t.db.$client.pragma('query_only = 1');
    const everywhere = await t.call('DELETE', '/api/identities/me/sessions', { token: asker.token });
    expect(everywhere.status).toBe(503);
    for (const token of [asker.token, second]) expect((await t.call('GET', '/api/threads', { token })).status).toBe(401);
    t.db.$client.pragma('query_only = 0');
    // A login after it, within the same hour (creation times are hours), is not refused.
    const after = await t.call('POST', '/api/identities/sessions', { json: { authKey: toBase64Url(asker.keys.authKey) } });
    expect(after.status).toBe(201);
    expect((await t.call('GET', '/api/threads', { token: after.body.token })).status).toBe(200);
    for (const token of [asker.token, second]) expect((await t.call('GET', '/api/threads', { token })).status).toBe(401);
  });

  it('readiness does not wait for a write lock another process holds: not ready, at once', async () => {
    const other = new Database(t.dbFile);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      const started = performance.now();
      const res = await t.call('GET', '/readyz');
      expect(performance.now() - started).toBeLessThan(1000); // busy_timeout is 5 s
      expect(res).toMatchObject({ status: 503, body: { ok: false, database: { readable: true, writable: false } } });
      other.prepare('ROLLBACK').run();
      t.clock.now += 2000;
      expect((await t.call('GET', '/readyz')).status).toBe(200);
    } finally {
      other.close();
    }
  });
});
