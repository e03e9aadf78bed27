import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertLength, concat, equal, fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes.js';

// The staff manifest and key fingerprints (PROTOCOL.md §6). The organisation key signs the whole
// directory as one manifest; a client pins its public key and accepts the manifest only if it
// verifies, is canonical, has not expired and is not older than one it has seen.

export interface DirectoryEntry {
  staffId: string;
  displayName: string;
  roles: string[];
  languages: string[];
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

export interface Manifest {
  version: number;
  issuedAt: number;
  expiresAt: number;
  entries: DirectoryEntry[];
}

// Code-point order, not localeCompare: the signer and every reader must sort alike.
const sorted = (values: string[]): string[] => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const STAFF_ID = /^s_[A-Za-z0-9_-]{22}$/;
const ROLES = ['admin', 'moderator', 'psychologist', 'school-psychologist', 'supervisor'];
const LANGUAGES = ['en', 'kk', 'ru'];
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** §6.1: the manifest's text, one value per line; null when a value cannot be written canonically. */
export function manifestBytes(m: Manifest): Uint8Array | null {
  const numbers = [m.version, m.issuedAt, m.expiresAt];
  if (numbers.some((n) => !Number.isSafeInteger(n) || n < 0) || m.version < 1 || m.expiresAt <= m.issuedAt) return null;
  if (m.entries.length > 10_000) return null;
  const entries = [...m.entries].sort((a, b) => (a.staffId < b.staffId ? -1 : a.staffId > b.staffId ? 1 : 0));
  const lines = ['tynys.manifest.v2', ...numbers.map(String), String(entries.length)];
  for (const [i, e] of entries.entries()) {
    if (!STAFF_ID.test(e.staffId) || (i > 0 && entries[i - 1]!.staffId === e.staffId)) return null;
    if (e.displayName === '' || e.displayName.length > 80 || e.displayName !== e.displayName.trim() || CONTROL.test(e.displayName)) return null;
    const roles = sorted([...new Set(e.roles)]);
    const languages = sorted([...new Set(e.languages)]);
    if (roles.length === 0 || roles.some((r) => !ROLES.includes(r)) || languages.length === 0 || languages.some((l) => !LANGUAGES.includes(l))) return null;
    if (e.boxPublicKey.length !== 32 || e.signPublicKey.length !== 32) return null;
    lines.push(e.staffId, e.displayName, roles.join(','), languages.join(','), toBase64Url(e.boxPublicKey), toBase64Url(e.signPublicKey));
  }
  return utf8(lines.join('\n') + '\n');
}

/** The manifest in `bytes` if they are exactly its canonical text, else null. */
export function parseManifest(bytes: Uint8Array): Manifest | null {
  const text = fromUtf8(bytes);
  if (text === null || !text.endsWith('\n')) return null;
  const [label, version, issuedAt, expiresAt, count, ...rest] = text.slice(0, -1).split('\n');
  if (label !== 'tynys.manifest.v2' || ![version, issuedAt, expiresAt, count].every((v) => v !== undefined && DECIMAL.test(v))) return null;
  if (rest.length !== Number(count) * 6) return null;
  const entries: DirectoryEntry[] = [];
  for (let i = 0; i < rest.length; i += 6) {
    const [staffId, displayName, roles, languages, box, sign] = rest.slice(i, i + 6) as [string, string, string, string, string, string];
    const boxPublicKey = fromBase64Url(box);
    const signPublicKey = fromBase64Url(sign);
    if (!boxPublicKey || !signPublicKey) return null;
    entries.push({ staffId, displayName, roles: roles.split(','), languages: languages.split(','), boxPublicKey, signPublicKey });
  }
  const manifest = { version: Number(version), issuedAt: Number(issuedAt), expiresAt: Number(expiresAt), entries };
  const again = manifestBytes(manifest);
  return again && equal(again, bytes) ? manifest : null;
}

/** The manifest as GET /api/directory serves it (`manifest` is null before the first import). */
export interface WireManifest {
  manifest: string;
  signature: string;
  signer: string;
  endorsement?: string;
}

/** Signs a manifest with the organisation seed; with `endorsedBy` (a rotation), the old seed endorses the signer. */
export function signManifest(m: Manifest, orgSeed: Uint8Array, endorsedBy?: Uint8Array): WireManifest {
  const bytes = manifestBytes(m);
  if (!bytes) throw new TypeError('manifest: a value cannot be written canonically');
  const signer = ed25519.getPublicKey(orgSeed);
  return {
    manifest: toBase64Url(bytes), signature: toBase64Url(ed25519.sign(bytes, orgSeed)), signer: toBase64Url(signer),
    ...(endorsedBy ? { endorsement: toBase64Url(ed25519.sign(concat(utf8('tynys.org-key.v2\n'), signer), endorsedBy)) } : {}),
  };
}

const verify = (signature: Uint8Array, message: Uint8Array, key: Uint8Array): boolean => {
  try {
    return ed25519.verify(signature, message, key, { zip215: false });
  } catch {
    return false;
  }
};

/**
 * §6.3: the directory a client may use, or why not. Signed by the pinned key, or by a key the
 * pinned key endorsed; canonical; unexpired at `now`; version at least `minVersion`.
 */
export function verifiedDirectory(wire: WireManifest | null, orgPublicKey: Uint8Array, now: number, minVersion = 0): Map<string, DirectoryEntry> {
  if (wire === null) return new Map();
  const bytes = fromBase64Url(wire.manifest);
  const signature = fromBase64Url(wire.signature);
  const signer = fromBase64Url(wire.signer);
  const endorsement = wire.endorsement === undefined ? undefined : fromBase64Url(wire.endorsement);
  if (!bytes || signature?.length !== 64 || signer?.length !== 32 || endorsement === null) throw new Error('manifest: malformed');
  const trusted = equal(signer, orgPublicKey) || (endorsement !== undefined && verify(endorsement, concat(utf8('tynys.org-key.v2\n'), signer), orgPublicKey));
  if (!trusted || !verify(signature, bytes, signer)) throw new Error('manifest: not signed by the organisation');
  const manifest = parseManifest(bytes);
  if (!manifest) throw new Error('manifest: not canonical');
  if (manifest.expiresAt <= now) throw new Error('manifest: expired');
  if (manifest.version < minVersion) throw new Error('manifest: older than one seen');
  return new Map(manifest.entries.map((e) => [e.staffId, e]));
}

/** SHA-256("tynys.fingerprint.v2\n" ‖ boxPublicKey ‖ signPublicKey). */
export function keyFingerprint(boxPublicKey: Uint8Array, signPublicKey: Uint8Array): Uint8Array {
  assertLength(boxPublicKey, 32, 'boxPublicKey');
  assertLength(signPublicKey, 32, 'signPublicKey');
  return sha256(concat(utf8('tynys.fingerprint.v2\n'), boxPublicKey, signPublicKey));
}
