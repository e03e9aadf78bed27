import { afterEach, describe, expect, it } from 'vitest';
import { deriveAskerKeys } from '../../src/protocol/kdf.js';
import { fromBase64Url, randomBytes, toBase64Url } from '../../src/protocol/encoding.js';
import { solveProofOfWork } from '../../src/protocol/pow.js';
import { rateLimitsSchema } from '../../src/http/limits.js';
import { trustProxySchema } from '../../src/http/client-address.js';
import { startServer, type TestServer } from '../support/server.js';

// Through a real listening server, so that the limiter reads the TCP peer the way it does in
// production (getConnInfo), with X-Forwarded-For as a proxy in front would send it.

let s: TestServer | undefined;
afterEach(async () => { await s?.stop(); s = undefined; });

const LIMITS = rateLimitsSchema.parse('login=5/1m');

async function post(path: string, json: unknown, forwardedFor?: string): Promise<Response> {
  return fetch(`${s!.url}/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor !== undefined ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify(json),
  });
}

/** Mints an identity and returns its auth key (the secret a login presents). */
async function mint(forwardedFor: string): Promise<string> {
  const keys = deriveAskerKeys(s!.sodium, randomBytes(16));
  const ch = await (await post('/pow/challenges', { purpose: 'identity' }, forwardedFor)).json() as { challenge: string; bits: number };
  const counter = solveProofOfWork(fromBase64Url(ch.challenge)!, ch.bits)!;
  const res = await post('/identities', {
    authKey: toBase64Url(keys.authKey), boxPublicKey: toBase64Url(keys.box.publicKey), signPublicKey: toBase64Url(keys.sign.publicKey),
    pow: { challenge: ch.challenge, counter },
  }, forwardedFor);
  expect(res.status).toBe(201);
  return toBase64Url(keys.authKey);
}

const login = (authKey: string, forwardedFor?: string) => post('/identities/sessions', { authKey }, forwardedFor);
const wrongKey = () => toBase64Url(randomBytes(32));

describe('behind a proxy (TRUST_PROXY=1)', () => {
  it('an attacker exhausts their own login budget while a second address still logs in', async () => {
    s = await startServer({ TRUST_PROXY: trustProxySchema.parse('1'), RATE_LIMITS: LIMITS });
    const authKey = await mint('198.51.100.20');
    for (let i = 0; i < 5; i++) expect((await login(wrongKey(), '203.0.113.66')).status).toBe(401);
    const refused = await login(wrongKey(), '203.0.113.66');
    expect(refused.status).toBe(429);
    expect((await refused.json() as { error: { code: string } }).error.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A forged left entry does not help: the proxy appended the address it saw.
    expect((await login(wrongKey(), '192.0.2.1, 203.0.113.66')).status).toBe(429);

    expect((await login(authKey, '198.51.100.20')).status).toBe(201);
    expect(s.logs.join('')).not.toMatch(/203\.0\.113|198\.51\.100/);
  });

  it('a malformed X-Forwarded-For is an ordinary request, never a 500', async () => {
    // Malformed entries fall back to the proxy's own address: one shared bucket, so room for all.
    s = await startServer({ TRUST_PROXY: trustProxySchema.parse('1') });
    for (const xff of ['', ',,,', 'garbage', '::::::::::', '1.2.3.4:80', 'x'.repeat(4000), Array(200).fill('10.0.0.1').join(',')]) {
      expect((await login(wrongKey(), xff)).status, xff.slice(0, 20)).toBe(401);
    }
  });
});

describe('not behind a proxy (TRUST_PROXY off, the default)', () => {
  it('ignores X-Forwarded-For: spoofing a new address per request escapes no limit', async () => {
    s = await startServer({ RATE_LIMITS: LIMITS });
    const authKey = await mint('198.51.100.20');
    for (let i = 0; i < 5; i++) expect((await login(wrongKey(), `203.0.113.${i}`)).status).toBe(401);
    const refused = await login(authKey, '198.51.100.20');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
