import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';
import { startSignaturePool, verifyHere, type SignatureCheck, type SignaturePool } from '../../src/threads/signature-pool.js';

// Posted items' Ed25519 checks on worker threads (src/threads/signature-pool.ts), against the real
// libsodium on the event loop: the same answer for every check, whatever the batching.

let sodium: Sodium;
let pool: SignaturePool;
beforeAll(async () => {
  sodium = await loadSodium();
  pool = startSignaturePool(sodium, 2);
});
afterAll(() => pool.close());

function signed(message: Uint8Array): SignatureCheck {
  const keys = sodium.crypto_sign_keypair();
  return { signature: sodium.crypto_sign_detached(message, keys.privateKey), message, publicKey: keys.publicKey };
}

describe('signature pool', () => {
  it('answers as libsodium does for good, tampered, foreign-key and malformed signatures', async () => {
    const good = signed(new Uint8Array(700).fill(7));
    const tampered = { ...good, message: good.message.map((b, i) => (i === 5 ? b ^ 1 : b)) };
    const foreign = { ...good, publicKey: sodium.crypto_sign_keypair().publicKey };
    const shortSignature = { ...good, signature: good.signature.subarray(0, 63) };
    const shortKey = { ...good, publicKey: good.publicKey.subarray(0, 31) };
    const zeroKey = { ...good, signature: new Uint8Array(64), publicKey: new Uint8Array(32) }; // small order
    const empty = signed(new Uint8Array(0));
    const checks = [good, tampered, foreign, shortSignature, shortKey, zeroKey, empty];
    expect(await pool.verify(checks)).toEqual([true, false, false, false, false, false, true]);
    expect(verifyHere(sodium, checks)).toEqual([true, false, false, false, false, false, true]);
  });

  it('gives each of many concurrent callers its own answers, in order', async () => {
    const callers = Array.from({ length: 300 }, (_, i) => {
      const c = signed(new Uint8Array(i % 50).fill(i % 256));
      return i % 3 === 0 ? [c, { ...c, signature: c.signature.map((b, j) => (j === 0 ? b ^ 1 : b)) }] : [c];
    });
    const answers = await Promise.all(callers.map((checks) => pool.verify(checks)));
    expect(answers).toEqual(callers.map((checks) => checks.map((_, j) => j === 0)));
  });

  it('agrees with libsodium on arbitrary bytes (property)', async () => {
    const keys = sodium.crypto_sign_keypair();
    await fc.assert(fc.asyncProperty(
      fc.uint8Array({ maxLength: 300 }), fc.boolean(), fc.uint8Array({ minLength: 64, maxLength: 64 }),
      async (message, honest, noise) => {
        const check = { message, publicKey: keys.publicKey, signature: honest ? sodium.crypto_sign_detached(message, keys.privateKey) : noise };
        expect(await pool.verify([check])).toEqual(verifyHere(sodium, [check]));
      },
    ), { numRuns: 200 });
  });

  it('after it is closed (or its workers fail), checks run on the event loop and are never skipped', async () => {
    const closed = startSignaturePool(sodium, 1);
    const good = signed(new Uint8Array(10).fill(1));
    const inFlight = closed.verify([good, { ...good, publicKey: sodium.crypto_sign_keypair().publicKey }]);
    await closed.close();
    expect(await inFlight).toEqual([true, false]);
    expect(await closed.verify([good])).toEqual([true]);
    const none = startSignaturePool(sodium, 0); // one core: no workers
    expect(await none.verify([good, { ...good, message: new Uint8Array(10) }])).toEqual([true, false]);
  });
});
