import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskerClient, solveProofOfWorkYielding, startIdentityProofOfWork, type SolvedProofOfWork } from '../../src/client/index.js';
import { POW } from '../../src/protocol/constants.js';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { solveProofOfWork } from '../../src/protocol/pow.js';
import { createTestApp, type TestContext } from '../support/app.js';

// The asker's first screen starts the proof of work for minting on the tap, before the SDK has
// loaded (client/proof-of-work.ts), and AskerClient.create takes it over; the solver yields to
// the page between slices so that the page (its quick exit first) answers while it works.

let t: TestContext;
const paths: string[] = [];
const viaApp: typeof fetch = (input, init) => {
  const url = new URL(String(input));
  paths.push(`${init?.method ?? 'GET'} ${url.pathname}`);
  return Promise.resolve(t.app.request(url.pathname + url.search, init));
};
const options = () => ({ baseUrl: 'http://tynys.test', orgPublicKey: new Uint8Array(32), fetch: viaApp });
const answering = (status: number, body: unknown): typeof fetch => () => Promise.resolve(new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }));

beforeAll(async () => { t = await createTestApp(); });
afterAll(() => t.close());

describe('solving without freezing the page', () => {
  it('finds the counter the plain solver finds, and lets other tasks run between slices', async () => {
    const challenge = new Uint8Array(POW.challengeBytes).fill(9);
    expect(await solveProofOfWorkYielding(challenge, 8)).toBe(solveProofOfWork(challenge, 8));
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    // A difficulty it cannot meet within 100,000 tries: ~6 slices, each followed by a yield.
    expect(await solveProofOfWorkYielding(challenge, 64, 100_000)).toBeNull();
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('the first screen\'s head start', () => {
  it('asks for an identity challenge and solves it; AskerClient.create mints with it, asking for no other', async () => {
    paths.length = 0;
    const early = startIdentityProofOfWork('http://tynys.test/', viaApp);
    const proof = (await early)!;
    expect(proof.counter).toBe(solveProofOfWork(Uint8Array.from(Buffer.from(proof.challenge, 'base64url')), t.config.POW_BITS));
    let taken = 0;
    const { client, recoveryCode } = await AskerClient.create({ ...options(), takeIdentityProof: () => { taken++; return early; } });
    expect(recoveryCode).toMatch(/^([0-9A-Z]{4}-){6}[0-9A-Z]{4}$/);
    expect(client.id).toMatch(/^a_/);
    expect(taken).toBe(1);
    expect(paths.filter((p) => p === 'POST /api/pow/challenges')).toHaveLength(1);
    expect(paths.filter((p) => p === 'POST /api/identities')).toHaveLength(1);
  });

  it('is replaced by a fresh proof when the server refuses it (expired or spent meanwhile)', async () => {
    const spent = (await startIdentityProofOfWork('http://tynys.test', viaApp))!;
    await AskerClient.create({ ...options(), takeIdentityProof: () => Promise.resolve(spent) });
    paths.length = 0;
    const { client } = await AskerClient.create({ ...options(), takeIdentityProof: () => Promise.resolve(spent) });
    expect(client.id).toMatch(/^a_/);
    expect(paths).toEqual(['POST /api/identities', 'POST /api/pow/challenges', 'POST /api/identities']);
  });

  it('falls back to solving one when the head start failed or was never made', async () => {
    for (const takeIdentityProof of [() => Promise.resolve(null), () => null, () => Promise.reject(new Error('gone'))] as (() => Promise<SolvedProofOfWork | null> | null)[]) {
      paths.length = 0;
      await AskerClient.create({ ...options(), takeIdentityProof });
      expect(paths).toEqual(['POST /api/pow/challenges', 'POST /api/identities']);
    }
  });

  it('gives null, never an error, for a refusal, an odd answer or a dropped line', async () => {
    const good = toBase64Url(new Uint8Array(POW.challengeBytes));
    const bad: typeof fetch[] = [
      answering(429, { error: { code: 'rate_limited', message: 'x' } }),
      answering(200, 'not json'),
      answering(200, null),
      answering(200, { challenge: toBase64Url(new Uint8Array(42)), bits: 4 }),
      answering(200, { challenge: `${good}=`, bits: 4 }),
      answering(200, { challenge: good, bits: 4.5 }),
      answering(200, { challenge: good, bits: POW.maxBits + 1 }),
      answering(200, { challenge: 42, bits: 4 }),
      () => Promise.reject(new TypeError('Failed to fetch')),
    ];
    for (const doFetch of bad) expect(await startIdentityProofOfWork('http://tynys.test', doFetch)).toBeNull();
    expect(await startIdentityProofOfWork('http://tynys.test', answering(200, { challenge: good, bits: 2 }))).toEqual({ challenge: good, counter: solveProofOfWork(new Uint8Array(POW.challengeBytes), 2) });
  });
});
