import { LANGUAGES, type Language } from '../protocol/api/common.js';
import { STAFF_ROLES, type StaffRole } from '../protocol/api/staff.js';
import { fromBase64Url, toBase64Url } from '../protocol/encoding.js';
import type { ManifestEntry } from '../protocol/manifest.js';

// What a client remembers of the signed staff directory (DESIGN.md §4, PROTOCOL.md §7.7): the
// newest manifest it accepted, so that a server cannot roll it back to an older one nor swap the
// bytes under a version already seen, and the staff that manifests named before and the newest no
// longer does, whose keys still check what they posted while they were in the directory.
// The SDK keeps it for its own life unless the caller gives a memory that lasts longer (the
// browser apps: the tab, or the device when the person asked to be remembered).

export interface RememberedManifest {
  version: number;
  /** The exact bytes of that manifest: the same version again must come with the same bytes. */
  bytes: Uint8Array;
  /** Staff earlier manifests named that later ones dropped or re-keyed: keys to check their past items with, never to send anything to. */
  former: ManifestEntry[];
}

export interface ManifestMemory {
  /** The newest manifest accepted before, or null if none. */
  highest(): RememberedManifest | null;
  /** Called with each manifest accepted; its version is never below the one remembered. */
  remember(manifest: RememberedManifest): void;
}

/** A memory for the SDK instance's life (the default). */
export function inMemoryManifestMemory(): ManifestMemory {
  let kept: RememberedManifest | null = null;
  return {
    highest: () => kept,
    remember: (m) => { kept = m; },
  };
}

/**
 * A memory in a Web Storage area (sessionStorage, localStorage) under `key`. The area is looked
 * up at each use: a browser with storage turned off throws then, not when the app loads.
 */
export function storageManifestMemory(area: () => Pick<Storage, 'getItem' | 'setItem'>, key: string): ManifestMemory {
  return {
    highest: () => decodeRemembered(area().getItem(key)),
    remember: (m) => area().setItem(key, encodeRemembered(m)),
  };
}

/**
 * Several memories as one: the highest version any of them holds, and each manifest written to
 * all. A layer that fails (a browser with storage turned off, or full) is skipped, so an
 * in-memory layer keeps the SDK's own life covered whatever the others do.
 */
export function layeredManifestMemory(...layers: ManifestMemory[]): ManifestMemory {
  const attempt = <T>(f: () => T): T | null => {
    try {
      return f();
    } catch {
      return null;
    }
  };
  return {
    highest: () => layers.map((l) => attempt(() => l.highest())).reduce<RememberedManifest | null>((best, m) => (m && (!best || m.version > best.version) ? m : best), null),
    remember: (m) => { for (const l of layers) attempt(() => l.remember(m)); },
  };
}

/** The text form a browser stores (base64url bytes in JSON). */
export function encodeRemembered(m: RememberedManifest): string {
  return JSON.stringify({
    version: m.version,
    bytes: toBase64Url(m.bytes),
    former: m.former.map((e) => ({ ...e, boxPublicKey: toBase64Url(e.boxPublicKey), signPublicKey: toBase64Url(e.signPublicKey) })),
  });
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** The memory from its text form, or null for nothing or anything that is not exactly that form. */
export function decodeRemembered(text: string | null): RememberedManifest | null {
  if (!text) return null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const { version, bytes, former } = data as Record<string, unknown>;
  const raw = isString(bytes) ? fromBase64Url(bytes) : null;
  if (!Number.isSafeInteger(version) || !raw || !Array.isArray(former)) return null;
  const entries: ManifestEntry[] = [];
  for (const e of former as unknown[]) {
    if (typeof e !== 'object' || e === null) return null;
    const { staffId, displayName, roles, languages, boxPublicKey, signPublicKey } = e as Record<string, unknown>;
    const box = isString(boxPublicKey) ? fromBase64Url(boxPublicKey) : null;
    const sign = isString(signPublicKey) ? fromBase64Url(signPublicKey) : null;
    if (!isString(staffId) || !isString(displayName) || box?.length !== 32 || sign?.length !== 32
      || !Array.isArray(roles) || !roles.every((r) => (STAFF_ROLES as readonly unknown[]).includes(r))
      || !Array.isArray(languages) || !languages.every((l) => (LANGUAGES as readonly unknown[]).includes(l))) return null;
    entries.push({ staffId, displayName, roles: roles as StaffRole[], languages: languages as Language[], boxPublicKey: box, signPublicKey: sign });
  }
  return { version: version as number, bytes: raw, former: entries };
}
