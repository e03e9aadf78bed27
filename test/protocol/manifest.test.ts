import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from '../../src/protocol/encoding.js';
import {
  checkManifest, endorseKey, manifestBytes, manifestChanges, parseManifest, shortFingerprint, signManifest, type Manifest, type ManifestEntry,
} from '../../src/protocol/manifest.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';

// The signed staff manifest (PROTOCOL.md §6) against the real libsodium: canonical bytes, and every
// way a served manifest is refused (tampered, foreign key, expired, rolled back, swapped contents),
// and key rotation in both directions.

let sodium: Sodium;
beforeAll(async () => { sodium = await loadSodium(); });

const NOW = 1_790_000_000_000;
const id = (n: number) => `s_${String(n).padStart(22, 'A')}`;
function entry(n: number, over: Partial<ManifestEntry> = {}): ManifestEntry {
  return { staffId: id(n), displayName: `Psychologist ${n}`, roles: ['psychologist'], languages: ['ru', 'kk'], boxPublicKey: new Uint8Array(32).fill(n), signPublicKey: new Uint8Array(32).fill(n + 100), ...over };
}
const manifest = (over: Partial<Manifest> = {}): Manifest => ({ version: 3, issuedAt: NOW - 1000, expiresAt: NOW + 86_400_000, entries: [entry(2), entry(1)], ...over });

describe('manifest bytes', () => {
  it('encode one canonical text (entries sorted, roles and languages sorted) and parse back to the same', () => {
    const bytes = manifestBytes(manifest());
    const text = new TextDecoder().decode(bytes);
    expect(text.split('\n').slice(0, 6)).toEqual(['tynys.manifest.v2', '3', String(NOW - 1000), String(NOW + 86_400_000), '2', id(1)]);
    expect(text).toContain('\nkk,ru\n');
    const parsed = parseManifest(bytes)!;
    expect(parsed.entries.map((e) => e.staffId)).toEqual([id(1), id(2)]);
    expect(manifestBytes(parsed)).toEqual(bytes);
  });

  it('refuses bytes that are not exactly canonical, and impossible manifests', () => {
    const text = new TextDecoder().decode(manifestBytes(manifest()));
    for (const bad of [
      text.replace('kk,ru', 'ru,kk'), // unsorted
      text.replace('\n3\n', '\n03\n'), // leading zero
      text.replace('Psychologist 1', 'Psychologist 1 '), // trailing space
      text.replace('psychologist', 'wizard'), // unknown role
      text.slice(0, -1), // no final newline
      `${text}extra\n`, // more lines than entries
      text.replace('tynys.manifest.v2', 'tynys.manifest.v1'),
    ]) expect([bad, parseManifest(utf8(bad))]).toEqual([bad, null]);
    expect(() => manifestBytes(manifest({ entries: [entry(1), entry(1)] }))).toThrow(/twice/);
    expect(() => manifestBytes(manifest({ expiresAt: NOW - 2000 }))).toThrow(/after issuedAt/);
    expect(() => manifestBytes(manifest({ entries: [entry(1, { displayName: 'a\nb' })] }))).toThrow(/display name/);
  });

  it('never throws on arbitrary bytes (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => { expect(() => parseManifest(b)).not.toThrow(); }));
  });
});

describe('checkManifest', () => {
  const keys = () => sodium.crypto_sign_keypair();

  it('accepts a manifest signed by the pinned key, and refuses a tampered one or one signed by another key', () => {
    const org = keys();
    const signed = signManifest(sodium, manifest(), org);
    expect(checkManifest(sodium, signed, { pinned: org.publicKey, now: NOW })).toMatchObject({ ok: true, manifest: { version: 3 } });
    const tampered = { ...signed, manifest: utf8(new TextDecoder().decode(signed.manifest).replace('Psychologist 2', 'Psychologist X')) };
    expect(checkManifest(sodium, tampered, { pinned: org.publicKey, now: NOW })).toEqual({ ok: false, reason: 'manifest_unsigned' });
    const server = keys(); // a key of the server's own, offered as the signer
    expect(checkManifest(sodium, signManifest(sodium, manifest(), server), { pinned: org.publicKey, now: NOW })).toEqual({ ok: false, reason: 'manifest_unsigned' });
  });

  it('refuses an expired manifest, an older version, and other contents under a version already seen', () => {
    const org = keys();
    const signed = signManifest(sodium, manifest(), org);
    expect(checkManifest(sodium, signed, { pinned: org.publicKey, now: NOW + 86_400_000 })).toEqual({ ok: false, reason: 'manifest_expired' });
    expect(checkManifest(sodium, signed, { pinned: org.publicKey, now: NOW, minVersion: 4 })).toEqual({ ok: false, reason: 'manifest_rollback' });
    expect(checkManifest(sodium, signed, { pinned: org.publicKey, now: NOW, minVersion: 3, seen: signed.manifest }).ok).toBe(true);
    const other = signManifest(sodium, manifest({ entries: [entry(1)] }), org);
    expect(checkManifest(sodium, other, { pinned: org.publicKey, now: NOW, minVersion: 3, seen: signed.manifest })).toEqual({ ok: false, reason: 'manifest_rollback' });
  });

  it('rotation: a new key endorsed by the pinned old key is accepted; a client pinned to the new key ignores the old one', () => {
    const old = keys();
    const next = keys();
    const rotated = signManifest(sodium, manifest({ version: 4 }), next, endorseKey(sodium, next.publicKey, old.privateKey));
    expect(checkManifest(sodium, rotated, { pinned: old.publicKey, now: NOW, minVersion: 3 }).ok).toBe(true);
    expect(checkManifest(sodium, rotated, { pinned: next.publicKey, now: NOW }).ok).toBe(true);
    expect(checkManifest(sodium, signManifest(sodium, manifest({ version: 5 }), old), { pinned: next.publicKey, now: NOW })).toEqual({ ok: false, reason: 'manifest_unsigned' });
    // An endorsement by someone other than the pinned key counts for nothing.
    const stranger = keys();
    const selfEndorsed = signManifest(sodium, manifest({ version: 4 }), next, endorseKey(sodium, next.publicKey, stranger.privateKey));
    expect(checkManifest(sodium, selfEndorsed, { pinned: old.publicKey, now: NOW })).toEqual({ ok: false, reason: 'manifest_unsigned' });
  });
});

describe('ceremony helpers', () => {
  it('say what changed per entry, and give a short fingerprint to compare aloud', () => {
    const before = manifest({ entries: [entry(1), entry(2), entry(3)] });
    const after = manifest({ entries: [entry(1, { roles: ['psychologist', 'supervisor'] }), entry(2, { signPublicKey: new Uint8Array(32).fill(9) }), entry(4)] });
    const changes = Object.fromEntries(manifestChanges(before, after).map((c) => [c.entry.staffId, c.changes]));
    expect(changes).toEqual({ [id(1)]: ['roles changed'], [id(2)]: ['keys changed'], [id(4)]: ['added'], [id(3)]: ['removed'] });
    expect(manifestChanges(null, before).every((c) => c.changes[0] === 'added')).toBe(true);
    expect(shortFingerprint(entry(1).boxPublicKey, entry(1).signPublicKey)).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){4}$/);
    expect(toBase64Url(entry(1).boxPublicKey)).toHaveLength(43);
  });
});
