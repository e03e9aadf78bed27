import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertLength, concat, equal, fromBase64Url, fromUtf8, utf8 } from './bytes.js';
import { isOneOf, LANGUAGES, STAFF_ID_PATTERN } from './vocabulary.js';

// Directory entries and key fingerprints (PROTOCOL.md §6). The organisation key signs the staff
// manifest (and, before it, each entry); a client pins its public key and refuses a manifest
// that does not verify.

export interface DirectoryEntry {
  staffId: string;
  displayName: string;
  roles: string[];
  languages: string[];
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

// Code-point order, not localeCompare: the signer and every reader must sort alike.
const sorted = (values: string[]): string[] => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The signed bytes; null if a field cannot be written on one line. */
export function directoryEntryBytes(entry: DirectoryEntry): Uint8Array | null {
  const lines = [entry.staffId, entry.displayName, sorted(entry.roles).join(','), sorted(entry.languages).join(',')];
  if (lines.some((l) => CONTROL.test(l))) return null;
  assertLength(entry.boxPublicKey, 32, 'boxPublicKey');
  assertLength(entry.signPublicKey, 32, 'signPublicKey');
  return concat(utf8(['tynys.directory.v2', ...lines].join('\n') + '\n'), entry.boxPublicKey, entry.signPublicKey);
}

export function signDirectoryEntry(entry: DirectoryEntry, orgSeed: Uint8Array): Uint8Array {
  const bytes = directoryEntryBytes(entry);
  if (!bytes) throw new TypeError('directory entry: a field has a control character');
  return ed25519.sign(bytes, orgSeed);
}

/** An entry as GET /api/directory serves it. */
export interface WireDirectoryEntry {
  staffId: string;
  displayName: string;
  roles: string[];
  languages: string[];
  boxPublicKey: string;
  signPublicKey: string;
  signature: string;
}

/** The entries whose signature verifies with the pinned organisation key; the others do not exist. */
export function verifiedDirectory(entries: WireDirectoryEntry[], orgPublicKey: Uint8Array): Map<string, DirectoryEntry> {
  const verified = new Map<string, DirectoryEntry>();
  for (const wire of entries) {
    const boxPublicKey = fromBase64Url(wire.boxPublicKey);
    const signPublicKey = fromBase64Url(wire.signPublicKey);
    const signature = fromBase64Url(wire.signature);
    if (boxPublicKey?.length !== 32 || signPublicKey?.length !== 32 || signature?.length !== 64) continue;
    const entry = { staffId: wire.staffId, displayName: wire.displayName, roles: wire.roles, languages: wire.languages, boxPublicKey, signPublicKey };
    const bytes = directoryEntryBytes(entry);
    if (!bytes || !ed25519.verify(signature, bytes, orgPublicKey, { zip215: false })) continue;
    // Two signed entries with one id (an old and a new key) would let the server choose which a
    // reader sees; PROTOCOL.md does not say which wins, so this reader refuses the directory.
    if (verified.has(entry.staffId)) throw new Error(`directory: ${entry.staffId} twice`);
    verified.set(entry.staffId, entry);
  }
  return verified;
}

/** The signed staff manifest as GET /api/directory serves it (`manifest` may be null: no directory). */
export interface WireManifest {
  manifest: string;
  signature: string;
  signer: string;
  endorsement?: string;
}

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
const STAFF_ROLES = ['admin', 'moderator', 'psychologist', 'supervisor', 'school-psychologist'];

/**
 * The entries of a signed manifest, or null: signed by the pinned key (or by a key the pinned key
 * endorsed over "tynys.org-key.v2\n" ‖ key), in the canonical text form — label, version, issued,
 * expires, count, then six lines per entry sorted by id (id, name, sorted roles, sorted
 * languages, box and sign keys in base64url), each line ending in "\n" — and unexpired at `now`.
 */
export function verifiedManifest(wire: WireManifest, orgPublicKey: Uint8Array, now: number): Map<string, DirectoryEntry> | null {
  const bytes = fromBase64Url(wire.manifest);
  const signature = fromBase64Url(wire.signature);
  const signer = fromBase64Url(wire.signer);
  const endorsement = wire.endorsement === undefined ? null : fromBase64Url(wire.endorsement);
  if (!bytes || signature?.length !== 64 || signer?.length !== 32) return null;
  const trusted = equal(signer, orgPublicKey)
    || (endorsement?.length === 64 && ed25519.verify(endorsement, concat(utf8('tynys.org-key.v2\n'), signer), orgPublicKey, { zip215: false }));
  if (!trusted || !ed25519.verify(signature, bytes, signer, { zip215: false })) return null;
  const text = fromUtf8(bytes);
  if (text === null || !text.endsWith('\n')) return null;
  const [label, version, issued, expires, count, ...rest] = text.slice(0, -1).split('\n');
  if (label !== 'tynys.manifest.v2' || ![version, issued, expires, count].every((v) => v !== undefined && DECIMAL.test(v))) return null;
  if (Number(version) < 1 || Number(expires) <= Number(issued) || Number(expires) <= now || Number(count) > 10_000 || rest.length !== Number(count) * 6) return null;
  const entries = new Map<string, DirectoryEntry>();
  let previous = '';
  for (let i = 0; i < rest.length; i += 6) {
    const [staffId, displayName, roles, languages, box, sign] = rest.slice(i, i + 6) as [string, string, string, string, string, string];
    const boxPublicKey = fromBase64Url(box);
    const signPublicKey = fromBase64Url(sign);
    const roleList = roles.split(',');
    const languageList = languages.split(',');
    if (!STAFF_ID_PATTERN.test(staffId) || !(staffId > previous) || boxPublicKey?.length !== 32 || signPublicKey?.length !== 32
      || !displayName || displayName.length > 80 || CONTROL.test(displayName) || displayName !== displayName.trim()
      || !roleList.every((r) => STAFF_ROLES.includes(r)) || !languageList.every((l) => isOneOf(LANGUAGES, l))
      || sorted([...new Set(roleList)]).join(',') !== roles || sorted([...new Set(languageList)]).join(',') !== languages) return null;
    previous = staffId;
    entries.set(staffId, { staffId, displayName, roles: roleList, languages: languageList, boxPublicKey, signPublicKey });
  }
  return entries;
}

/** SHA-256("tynys.fingerprint.v2\n" ‖ boxPublicKey ‖ signPublicKey). */
export function keyFingerprint(boxPublicKey: Uint8Array, signPublicKey: Uint8Array): Uint8Array {
  assertLength(boxPublicKey, 32, 'boxPublicKey');
  assertLength(signPublicKey, 32, 'signPublicKey');
  return sha256(concat(utf8('tynys.fingerprint.v2\n'), boxPublicKey, signPublicKey));
}
