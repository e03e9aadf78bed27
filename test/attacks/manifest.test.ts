import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskerClient, inMemoryManifestMemory, StaffClient } from '../../src/client/index.js';
import type { SignedManifestWire } from '../../src/protocol/api/staff.js';
import { fromBase64Url, toBase64Url, utf8 } from '../../src/protocol/encoding.js';
import {
  endorseKey, manifestBytes, manifestToWire, MANIFEST_DEFAULT_VALIDITY_MS, parseManifest, signManifest, type Manifest,
} from '../../src/protocol/manifest.js';
import { latestManifest } from '../../src/staff/manifest-store.js';
import { staffEntries } from '../support/manifest.js';
import { startServer, type TestServer } from '../support/server.js';
import { recording } from './hostile.js';

// Attacks on the staff directory (issue 11 point 1): the server owns every answer, so it serves
// whatever manifest it likes. The SDK accepts only the organisation's signed, unexpired manifest,
// never older than one it saw, and refuses the rest with a code, before any thread key is sealed
// or anything is sent.

let s: TestServer;
let psy: StaffClient;
let colleague: StaffClient;
/** The manifest the server serves honestly (the newest the organisation signed). */
let honest: Manifest;

beforeAll(async () => {
  s = await startServer();
  psy = await s.addStaff(['psychologist'], ['ru'], 'manifest-psy');
  colleague = await s.addStaff(['psychologist'], ['ru'], 'manifest-colleague');
  honest = parseManifest(latestManifest(s.db)!.manifest)!;
});
afterAll(async () => { await s.stop(); });

/**
 * A network that answers GET /api/directory with `serve()` (null: the server's own answer) and
 * records every request: what the SDK would have sent.
 */
function hostileDirectory(serve: () => SignedManifestWire | null | undefined) {
  const net = recording();
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const served = new URL(String(input)).pathname === '/api/directory' ? serve() : undefined;
    if (served !== undefined) {
      await net.fetch(input, init);
      return new Response(JSON.stringify({ manifest: served }), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return net.fetch(input, init);
  };
  return { fetch, requests: net.requests };
}

const orgSigned = (m: Manifest) => manifestToWire(signManifest(s.sodium, m, s.org));
const honestWire = () => orgSigned(honest);
const sent = (requests: string[]) => requests.filter((r) => !r.startsWith('GET '));

/** An asker on the hostile network: opening a consultation (which seals K) fails with `code`, and nothing but its login left. */
async function refusedOpening(fetch: typeof globalThis.fetch, requests: string[], code: string): Promise<AskerClient> {
  const { client: asker } = await AskerClient.create({ ...s.clientOptions, fetch });
  const before = sent(requests).length;
  await expect(asker.directory(true)).rejects.toMatchObject({ code, status: 0 });
  await expect(asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'soon', intake: { populations: ['plhiv'] } })).rejects.toMatchObject({ code });
  expect(sent(requests).slice(before)).toEqual([]);
  return asker;
}

/** A psychologist holding a thread on the hostile network: the hand-over (which seals K) and a fresh device's reply fail with `code`, nothing sent. */
async function refusedHandover(serveBad: () => void, serveGood: () => void, fetch: typeof globalThis.fetch, requests: string[], code: string): Promise<void> {
  serveGood();
  const { client: asker } = await AskerClient.create(s.clientOptions);
  const threadId = await asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'soon' });
  const holder = await StaffClient.login({ ...s.clientOptions, fetch }, 'manifest-psy', 'passphrase of manifest-psy');
  await holder.claim(threadId);
  serveBad();
  const before = sent(requests).length;
  await expect(holder.handover(threadId, colleague.id)).rejects.toMatchObject({ code });
  const fresh = await StaffClient.login({ ...s.clientOptions, fetch }, 'manifest-psy', 'passphrase of manifest-psy');
  const afterLogin = sent(requests).length;
  await expect(fresh.send(threadId, 'Здравствуйте')).rejects.toMatchObject({ code });
  expect(sent(requests).slice(afterLogin)).toEqual([]);
  expect(sent(requests).slice(before, afterLogin)).toEqual(['POST /api/staff/prelogin', 'POST /api/staff/sessions']);
}

describe('a compromised server cannot make a client accept', () => {
  it('no manifest at all: consultations are unavailable (directory_unavailable), not opened to nobody', async () => {
    const net = hostileDirectory(() => null);
    await refusedOpening(net.fetch, net.requests, 'directory_unavailable');
  });

  it('a tampered manifest: one byte of the bytes, or of the signature (manifest_unsigned)', async () => {
    const wire = honestWire();
    const bytes = fromBase64Url(wire.manifest)!;
    bytes[bytes.length - 2]! ^= 1;
    const signature = fromBase64Url(wire.signature)!;
    signature[0]! ^= 1;
    for (const tampered of [{ ...wire, manifest: toBase64Url(bytes) }, { ...wire, signature: toBase64Url(signature) }]) {
      const net = hostileDirectory(() => tampered);
      await refusedOpening(net.fetch, net.requests, 'manifest_unsigned');
    }
    let bad = false;
    const net = hostileDirectory(() => (bad ? { ...wire, manifest: toBase64Url(bytes) } : wire));
    await refusedHandover(() => { bad = true; }, () => { bad = false; }, net.fetch, net.requests, 'manifest_unsigned');
  });

  it('a staff member of its own added to the served manifest, as is or re-signed with a key of its own (manifest_unsigned)', async () => {
    const own = { box: s.sodium.crypto_box_keypair(), sign: s.sodium.crypto_sign_keypair() };
    const rogue = { staffId: `s_${'R'.repeat(22)}`, displayName: 'Психолог', roles: ['psychologist' as const], languages: ['ru' as const], boxPublicKey: own.box.publicKey, signPublicKey: own.sign.publicKey };
    const withRogue: Manifest = { ...honest, entries: [...honest.entries, rogue] };
    const serverKey = s.sodium.crypto_sign_keypair();
    const attempts: SignedManifestWire[] = [
      // The organisation's signature kept over other bytes.
      { ...honestWire(), manifest: toBase64Url(manifestBytes(withRogue)) },
      // Signed by the server's own key, which it names as the signer.
      manifestToWire(signManifest(s.sodium, withRogue, serverKey)),
      // The same with an "endorsement" of its key that the pinned key never made.
      manifestToWire(signManifest(s.sodium, withRogue, serverKey, endorseKey(s.sodium, serverKey.publicKey, serverKey.privateKey))),
      // Or signed by its key while naming the organisation's as the signer.
      { ...manifestToWire(signManifest(s.sodium, withRogue, serverKey)), signer: toBase64Url(s.org.publicKey) },
    ];
    for (const served of attempts) {
      const net = hostileDirectory(() => served);
      const asker = await refusedOpening(net.fetch, net.requests, 'manifest_unsigned');
      expect(asker.id).toMatch(/^a_/);
    }
    // The rogue's keys never reach a genesis: with the honest manifest the pool is the organisation's.
    const { client: asker } = await AskerClient.create(s.clientOptions);
    expect((await asker.directory(true)).pool('psychologist', 'ru').map((e) => e.staffId).sort()).toEqual([psy.id, colleague.id].sort());
  });

  it('a manifest signed by a key of its own, whatever it names (manifest_unsigned)', async () => {
    const serverKey = s.sodium.crypto_sign_keypair();
    const net = hostileDirectory(() => manifestToWire(signManifest(s.sodium, { ...honest, version: honest.version + 100 }, serverKey)));
    await refusedOpening(net.fetch, net.requests, 'manifest_unsigned');
  });

  it('an expired manifest, even the organisation\'s own (manifest_expired)', async () => {
    const now = Date.now();
    const expired = orgSigned({ ...honest, version: honest.version + 1, issuedAt: now - MANIFEST_DEFAULT_VALIDITY_MS - 1000, expiresAt: now - 1000 });
    const net = hostileDirectory(() => expired);
    await refusedOpening(net.fetch, net.requests, 'manifest_expired');
    let bad = false;
    const handoverNet = hostileDirectory(() => (bad ? expired : honestWire()));
    await refusedHandover(() => { bad = true; }, () => { bad = false; }, handoverNet.fetch, handoverNet.requests, 'manifest_expired');
  });

  it('an older manifest after the client saw a newer one (manifest_rollback): the one that still named a removed member', async () => {
    const newer = orgSigned({ ...honest, version: honest.version + 1, entries: honest.entries.filter((e) => e.staffId !== colleague.id) });
    let served = newer;
    const net = hostileDirectory(() => served);
    const memory = inMemoryManifestMemory();
    const { client: asker, recoveryCode } = await AskerClient.create({ ...s.clientOptions, fetch: net.fetch, manifestMemory: memory });
    expect((await asker.directory(true)).get(colleague.id)).toBeNull();
    served = honestWire();
    await expect(asker.directory(true)).rejects.toMatchObject({ code: 'manifest_rollback' });
    const before = sent(net.requests).length;
    await expect(asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'soon' })).rejects.toMatchObject({ code: 'manifest_rollback' });
    expect(sent(net.requests).slice(before)).toEqual([]);
    // The same memory given to a new client (the browser's tab or remembered device) refuses it too.
    const again = await AskerClient.restore({ ...s.clientOptions, fetch: net.fetch, manifestMemory: memory }, recoveryCode);
    await expect(again.directory()).rejects.toMatchObject({ code: 'manifest_rollback' });
  });

  it('the same version with other bytes (manifest_rollback): contents cannot be swapped under a version seen', async () => {
    const other = orgSigned({ ...honest, issuedAt: honest.issuedAt + 1 });
    let served = honestWire();
    const net = hostileDirectory(() => served);
    const { client: asker } = await AskerClient.create({ ...s.clientOptions, fetch: net.fetch });
    await asker.directory(true);
    served = other;
    await expect(asker.directory(true)).rejects.toMatchObject({ code: 'manifest_rollback' });
    await expect(asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'soon' })).rejects.toMatchObject({ code: 'manifest_rollback' });
    // The very same bytes again are fine.
    served = honestWire();
    expect((await asker.directory(true)).version).toBe(honest.version);
  });

  it('signed bytes that are not the canonical encoding, or a field that is not canonical base64url (manifest_malformed)', async () => {
    const lines = new TextDecoder().decode(manifestBytes(honest)).split('\n');
    const edited = (at: number, value: string) => utf8(lines.map((l, i) => (i === at ? value : l)).join('\n'));
    const nonCanonical = edited(1, `0${honest.version}`); // the version with a leading zero
    const wrongCount = edited(4, String(honest.entries.length + 1)); // more entries announced than listed
    const signature = honestWire().signature;
    // The same 64 bytes spelled with non-zero leftover bits in the last character.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const loose = signature.slice(0, -1) + alphabet[(alphabet.indexOf(signature.at(-1)!) & 0b110000) | 1];
    const attempts: SignedManifestWire[] = [
      ...[nonCanonical, wrongCount].map((bytes) => ({ manifest: toBase64Url(bytes), signature: toBase64Url(s.sodium.crypto_sign_detached(bytes, s.org.privateKey)), signer: toBase64Url(s.org.publicKey) })),
      { ...honestWire(), signature: loose },
    ];
    for (const served of attempts) {
      const net = hostileDirectory(() => served);
      await refusedOpening(net.fetch, net.requests, 'manifest_malformed');
    }
  });

  it('while the honest manifest works, and a newer one from the organisation replaces it', async () => {
    const { client: asker } = await AskerClient.create(s.clientOptions);
    expect((await asker.directory(true)).version).toBe(honest.version);
    const net = hostileDirectory(() => orgSigned({ ...honest, version: honest.version + 5, entries: staffEntries(s.db) }));
    const moved = await AskerClient.create({ ...s.clientOptions, fetch: net.fetch });
    expect((await moved.client.directory(true)).version).toBe(honest.version + 5);
    await moved.client.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'soon' });
  });
});
