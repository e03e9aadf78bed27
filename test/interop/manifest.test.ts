import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkManifest, endorseKey, manifestBytes, manifestFromWire, manifestToWire, signManifest, type Manifest } from '../../src/protocol/manifest.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';
import { toBase64Url } from './independent/bytes.js';
import { verifiedDirectory, type DirectoryEntry, type WireManifest } from './independent/directory.js';

/** The independent reader's verdict: its directory, or null where it refuses (it throws). */
function verifiedManifest(wire: WireManifest, pinned: Uint8Array, now: number): Map<string, DirectoryEntry> | null {
  try {
    return verifiedDirectory(wire, pinned, now);
  } catch {
    return null;
  }
}

// The independent manifest reader (test/interop/independent/directory.ts) and the SDK's check
// (protocol/manifest.ts checkManifest, first seen: no version memory) accept the same served
// manifests: the honest one, one after a key rotation, and every one-byte edit of its text.

let sodium: Sodium;
let org: { publicKey: Uint8Array; privateKey: Uint8Array };
let honest: Manifest;

beforeAll(async () => {
  sodium = await loadSodium();
  org = sodium.crypto_sign_keypair();
  const now = Date.now();
  honest = {
    version: 12, issuedAt: now - 1000, expiresAt: now + 86_400_000,
    entries: [['s_AAAAAAAAAAAAAAAAAAAAAA', 'Айгерим', ['psychologist', 'supervisor']], ['s_B-_BBBBBBBBBBBBBBBBBBB', 'Daniyar K.', ['moderator']]].map(([staffId, displayName, roles]) => ({
      staffId: staffId as string, displayName: displayName as string, roles: roles as Manifest['entries'][number]['roles'], languages: ['kk', 'ru'],
      boxPublicKey: sodium.crypto_box_keypair().publicKey, signPublicKey: sodium.crypto_sign_keypair().publicKey,
    })),
  };
});

const both = (wire: ReturnType<typeof manifestToWire>) => {
  const signed = manifestFromWire(wire);
  const sdk = signed !== null && checkManifest(sodium, signed, { pinned: org.publicKey, now: Date.now() }).ok;
  return { sdk, independent: verifiedManifest(wire, org.publicKey, Date.now()) !== null };
};

describe('the signed manifest, read independently', () => {
  it('accepts the honest manifest and one signed after a rotation, with the same entries as the SDK', () => {
    const wire = manifestToWire(signManifest(sodium, honest, org));
    expect(both(wire)).toEqual({ sdk: true, independent: true });
    expect([...verifiedManifest(wire, org.publicKey, Date.now())!.keys()]).toEqual(honest.entries.map((e) => e.staffId));
    const next = sodium.crypto_sign_keypair();
    expect(both(manifestToWire(signManifest(sodium, honest, next, endorseKey(sodium, next.publicKey, org.privateKey))))).toEqual({ sdk: true, independent: true });
    expect(both(manifestToWire(signManifest(sodium, honest, next)))).toEqual({ sdk: false, independent: false });
    const now = Date.now();
    expect(both(manifestToWire(signManifest(sodium, { ...honest, issuedAt: now - 2000, expiresAt: now - 1000 }, org)))).toEqual({ sdk: false, independent: false });
  });

  it('judges every one-byte edit of the text, re-signed by the organisation, alike', () => {
    const text = manifestBytes(honest);
    fc.assert(fc.property(fc.nat(text.length - 1), fc.integer({ min: 1, max: 255 }), (at, delta) => {
      const edited = text.slice();
      edited[at] = (edited[at]! + delta) % 256;
      const wire = { manifest: toBase64Url(edited), signature: toBase64Url(sodium.crypto_sign_detached(edited, org.privateKey)), signer: toBase64Url(org.publicKey) };
      const verdict = both(wire);
      expect(verdict.independent).toBe(verdict.sdk);
    }), { numRuns: 500 });
  });
});
