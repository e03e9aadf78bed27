import { beforeAll, describe, expect, it } from 'vitest';
import { Directory } from '../../src/client/directory.js';
import { Http } from '../../src/client/http.js';
import { decodeRemembered, encodeRemembered, inMemoryManifestMemory, layeredManifestMemory, storageManifestMemory } from '../../src/client/manifest-memory.js';
import type { SignedManifestWire } from '../../src/protocol/api/staff.js';
import { keyFingerprint } from '../../src/protocol/genesis.js';
import { manifestToWire, signManifest, type Manifest, type ManifestEntry } from '../../src/protocol/manifest.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';

// The client's memory of the staff manifest (src/client/manifest-memory.ts) and what the
// directory learns from it: the highest version, its bytes, and who has left since.

let sodium: Sodium;
let org: { publicKey: Uint8Array; privateKey: Uint8Array };
let people: ManifestEntry[];

beforeAll(async () => {
  sodium = await loadSodium();
  org = sodium.crypto_sign_keypair();
  people = ['A', 'B', 'C'].map((c) => ({
    staffId: `s_${c.repeat(22)}`, displayName: `Person ${c}`, roles: ['psychologist'], languages: ['ru'],
    boxPublicKey: sodium.crypto_box_keypair().publicKey, signPublicKey: sodium.crypto_sign_keypair().publicKey,
  }));
});

const manifest = (version: number, entries: ManifestEntry[]): Manifest => ({ version, issuedAt: Date.now() - 1000, expiresAt: Date.now() + 86_400_000, entries });

/** An Http whose GET /api/directory answers `served()`. */
function serving(served: () => SignedManifestWire | null): Http {
  return new Http({ baseUrl: 'http://directory.test', fetch: async () => new Response(JSON.stringify({ manifest: served() }), { status: 200 }) });
}

function fakeStorage(): Pick<Storage, 'getItem' | 'setItem'> & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => { items.set(k, v); } };
}

describe('the manifest memory', () => {
  it('keeps the newest version, its bytes and everyone who left, across several manifests', async () => {
    let served = manifestToWire(signManifest(sodium, manifest(1, people), org));
    const http = serving(() => served);
    const memory = inMemoryManifestMemory();
    const trust = () => ({ sodium, orgPublicKey: org.publicKey, memory, now: Date.now() });
    const [a, b, c] = people as [ManifestEntry, ManifestEntry, ManifestEntry];
    expect((await Directory.fetch(http, trust())).size).toBe(3);
    served = manifestToWire(signManifest(sodium, manifest(2, [b, c]), org));
    await Directory.fetch(http, trust());
    // B re-keyed in version 3: the old keys are former, the new ones current.
    const b2 = { ...b, signPublicKey: sodium.crypto_sign_keypair().publicKey };
    served = manifestToWire(signManifest(sodium, manifest(3, [b2, c]), org));
    const directory = await Directory.fetch(http, trust());
    expect(memory.highest()?.version).toBe(3);
    expect(memory.highest()?.former.map((e) => e.staffId).sort()).toEqual([a.staffId, b.staffId]);
    expect(directory.find(a.staffId, keyFingerprint(a.boxPublicKey, a.signPublicKey))).toMatchObject({ current: false });
    expect(directory.find(b.staffId, keyFingerprint(b.boxPublicKey, b.signPublicKey))).toMatchObject({ current: false });
    expect(directory.find(b.staffId, keyFingerprint(b2.boxPublicKey, b2.signPublicKey))).toMatchObject({ current: true });
    expect(directory.get(a.staffId)).toBeNull();
    expect(directory.pool('psychologist', 'ru').map((e) => e.staffId).sort()).toEqual([b.staffId, c.staffId]);
    // A back in version 4: current again, no longer former.
    served = manifestToWire(signManifest(sodium, manifest(4, [a, b2, c]), org));
    const back = await Directory.fetch(http, trust());
    expect(back.find(a.staffId, keyFingerprint(a.boxPublicKey, a.signPublicKey))).toMatchObject({ current: true });
    expect(memory.highest()?.former.map((e) => e.staffId)).toEqual([b.staffId]);
  });

  it('in a Web Storage area: survives a new client (a reload), and still refuses a rollback', async () => {
    const storage = fakeStorage();
    let served = manifestToWire(signManifest(sodium, manifest(7, people), org));
    const http = serving(() => served);
    const trust = () => ({ sodium, orgPublicKey: org.publicKey, memory: storageManifestMemory(() => storage, 'tynys.manifest'), now: Date.now() });
    await Directory.fetch(http, trust());
    served = manifestToWire(signManifest(sodium, manifest(8, people.slice(1)), org));
    await Directory.fetch(http, trust());
    const remembered = decodeRemembered(storage.items.get('tynys.manifest')!);
    expect(remembered).toMatchObject({ version: 8, former: [{ staffId: people[0]!.staffId }] });
    served = manifestToWire(signManifest(sodium, manifest(7, people), org));
    await expect(Directory.fetch(http, trust())).rejects.toMatchObject({ code: 'manifest_rollback' });
  });

  it('in layers: the highest version of any, written to all, a failing layer (storage turned off) skipped', () => {
    const broken = storageManifestMemory(() => { throw new DOMException('denied', 'SecurityError'); }, 'k');
    const low = inMemoryManifestMemory();
    const high = inMemoryManifestMemory();
    low.remember({ version: 3, bytes: new Uint8Array([3]), former: [] });
    high.remember({ version: 9, bytes: new Uint8Array([9]), former: [] });
    const layered = layeredManifestMemory(low, broken, high);
    expect(layered.highest()?.version).toBe(9);
    layered.remember({ version: 10, bytes: new Uint8Array([10]), former: [] });
    expect([low.highest()?.version, high.highest()?.version]).toEqual([10, 10]);
  });

  it('reads back exactly what it wrote, and nothing that is not that form', () => {
    const m = { version: 5, bytes: new Uint8Array([1, 2, 3]), former: people.slice(0, 2) };
    expect(decodeRemembered(encodeRemembered(m))).toEqual(m);
    const good = JSON.parse(encodeRemembered(m)) as Record<string, unknown>;
    for (const bad of [null, '', 'not json', '[]', JSON.stringify({ ...good, version: '5' }), JSON.stringify({ ...good, bytes: '!!' }),
      JSON.stringify({ ...good, former: [{ ...(good.former as object[])[0], roles: ['root'] }] }),
      JSON.stringify({ ...good, former: [{ ...(good.former as object[])[0], boxPublicKey: 'AAAA' }] })]) {
      expect(decodeRemembered(bad)).toBeNull();
    }
  });
});
