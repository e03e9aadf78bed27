import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, StaffClient, type StaffClientOptions } from '../../src/client/index.js';
import { createInvite } from '../../src/staff/service.js';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { startServer, TEST_KDF, type TestServer } from '../support/server.js';

// Issue 10, point 10 "a KDF downgrade": a hostile server answers the pre-login with Argon2id
// parameters of its choosing. A server that lowered the cost could brute-force the passphrase
// from the auth key the client then sends; one that raised it could make the client hang. The
// SDK refuses both before any derivation, so the login request is never sent.

let s: TestServer;
const LOGIN = 'kdf-victim';
const PASSPHRASE = 'a long staff passphrase';

beforeAll(async () => {
  s = await startServer();
  await s.addStaff(['psychologist'], ['ru'], LOGIN, PASSPHRASE);
});
afterAll(async () => { await s.stop(); });

interface Prelogin { kdfSalt: string; kdf: { m: number; t: number; p: number } }

/** A network that rewrites the pre-login answer and records every request the SDK makes. */
function hostile(rewrite: (body: Prelogin) => void): { fetch: typeof fetch; requests: string[] } {
  const requests: string[] = [];
  return {
    requests,
    fetch: async (input, init) => {
      const path = new URL(String(input)).pathname;
      requests.push(`${init?.method ?? 'GET'} ${path}`);
      const res = await fetch(input, init);
      if (path !== '/api/staff/prelogin') return res;
      const body = (await res.json()) as Prelogin;
      rewrite(body);
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    },
  };
}

async function refusal(attempt: Promise<unknown>): Promise<string> {
  const error = await attempt.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return (error as ApiError).code;
}

describe('the SDK refuses Argon2id parameters outside its bounds', () => {
  it('logs in through the same network when the answer is left alone (the proxy itself is harmless)', async () => {
    const net = hostile(() => {});
    const client = await StaffClient.login({ ...s.clientOptions, fetch: net.fetch }, LOGIN, PASSPHRASE);
    expect(client.roles).toEqual(['psychologist']);
    expect(net.requests).toEqual(['POST /api/staff/prelogin', 'POST /api/staff/sessions']);
  });

  it('a downgrade to m = 8 MiB, t = 1: the built-in minimum (64 MiB, t = 3) holds, and no login is sent', async () => {
    const net = hostile((b) => { b.kdf = { m: 8 * 1024, t: 1, p: 1 }; });
    const production: StaffClientOptions = { baseUrl: s.url, orgPublicKey: s.org.publicKey, fetch: net.fetch };
    expect(await refusal(StaffClient.login(production, LOGIN, PASSPHRASE))).toBe('kdf_downgrade');
    expect(net.requests).toEqual(['POST /api/staff/prelogin']);
  });

  it('a downgrade below a test floor: the floor is the client\'s option, not the server\'s answer', async () => {
    const net = hostile((b) => { b.kdf = { m: TEST_KDF.m / 2, t: TEST_KDF.t, p: 1 }; });
    expect(await refusal(StaffClient.login({ ...s.clientOptions, fetch: net.fetch }, LOGIN, PASSPHRASE))).toBe('kdf_downgrade');
    expect(net.requests).toEqual(['POST /api/staff/prelogin']);
  });

  it('too much memory, too many passes or more lanes: out of bounds, nothing derived, no login sent', async () => {
    const offers = [
      { m: 2 * 1024 * 1024, t: 3, p: 1 }, // 2 GiB: would exhaust a phone
      { m: 64 * 1024, t: 64, p: 1 }, // 64 passes: minutes of work
      { m: 64 * 1024, t: 3, p: 4 },
    ];
    for (const kdf of offers) {
      const net = hostile((b) => { b.kdf = kdf; });
      expect(await refusal(StaffClient.login({ ...s.clientOptions, fetch: net.fetch }, LOGIN, PASSPHRASE)), JSON.stringify(kdf)).toBe('kdf_out_of_bounds');
      expect(net.requests).toEqual(['POST /api/staff/prelogin']);
    }
  });

  it('a salt of the wrong length: the pre-login schema refuses it (exactly 16 bytes), no login sent', async () => {
    for (const length of [8, 15, 17, 32]) {
      const net = hostile((b) => { b.kdfSalt = toBase64Url(new Uint8Array(length).fill(1)); });
      expect(await refusal(StaffClient.login({ ...s.clientOptions, fetch: net.fetch }, LOGIN, PASSPHRASE)), `${length} bytes`).toBe('bad_response');
      expect(net.requests).toEqual(['POST /api/staff/prelogin']);
    }
  });

  it('accepting an invite with a cost below the floor or above the maximum sends nothing', async () => {
    for (const [kdf, code] of [[{ m: 8 * 1024, t: 1, p: 1 }, 'kdf_downgrade'], [{ m: 64 * 1024, t: 11, p: 1 }, 'kdf_out_of_bounds']] as const) {
      const net = hostile(() => {});
      const invite = createInvite(s.db, s.pepper, ['psychologist'], Date.now());
      const production: StaffClientOptions = { baseUrl: s.url, orgPublicKey: s.org.publicKey, fetch: net.fetch };
      expect(await refusal(StaffClient.acceptInvite(production, { code: invite.code, login: `new-${code}`, displayName: 'New', languages: ['ru'], passphrase: PASSPHRASE, kdf }))).toBe(code);
      expect(net.requests).toEqual([]);
    }
  });
});
