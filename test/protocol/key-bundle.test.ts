import { describe, expect, it } from 'vitest';
import { KEY_BUNDLE } from '../../src/protocol/constants.js';
import { unwrapKeyBundle, wrapKeyBundle, wrapKeyBundleWithNonce } from '../../src/protocol/key-bundle.js';
import { loadSodium } from '../../src/protocol/sodium.js';

const wrapKey = new Uint8Array(32).fill(5);
const bundle = { boxSecretKey: new Uint8Array(32).fill(1), signSecretKey: new Uint8Array(64).fill(2) };

describe('staff key bundle', () => {
  it('opens with its wrap key only, and not once altered', async () => {
    const sodium = await loadSodium();
    const wrapped = wrapKeyBundle(sodium, wrapKey, bundle);
    expect(wrapped.length).toBe(KEY_BUNDLE.bytes);
    expect(unwrapKeyBundle(sodium, wrapKey, wrapped)).toEqual(bundle);
    expect(unwrapKeyBundle(sodium, new Uint8Array(32).fill(6), wrapped)).toBeNull();
    const altered = wrapped.slice();
    altered[30]! ^= 1;
    expect(unwrapKeyBundle(sodium, wrapKey, altered)).toBeNull();
    expect(unwrapKeyBundle(sodium, wrapKey, wrapped.subarray(1))).toBeNull();
  });

  it('asserts every input size, naming the field', async () => {
    const sodium = await loadSodium();
    const nonce = new Uint8Array(24);
    expect(() => wrapKeyBundleWithNonce(sodium, new Uint8Array(31), bundle, nonce)).toThrow(new RangeError('wrapKey: expected 32 bytes, got 31'));
    expect(() => wrapKeyBundleWithNonce(sodium, wrapKey, { ...bundle, boxSecretKey: new Uint8Array(33) }, nonce)).toThrow(/boxSecretKey/);
    expect(() => wrapKeyBundleWithNonce(sodium, wrapKey, { ...bundle, signSecretKey: new Uint8Array(32) }, nonce)).toThrow(/signSecretKey/);
    expect(() => wrapKeyBundleWithNonce(sodium, wrapKey, bundle, new Uint8Array(12))).toThrow(/nonce: expected 24 bytes/);
    expect(() => unwrapKeyBundle(sodium, new Uint8Array(16), new Uint8Array(KEY_BUNDLE.bytes))).toThrow(/wrapKey/);
  });
});
