import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertLength, concat, fromBase64Url, utf8 } from './bytes.js';

// Directory entries and key fingerprints (PROTOCOL.md §6). The organisation key signs each
// entry; a client pins its public key and treats every entry that does not verify as absent.

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

/** SHA-256("tynys.fingerprint.v2\n" ‖ boxPublicKey ‖ signPublicKey). */
export function keyFingerprint(boxPublicKey: Uint8Array, signPublicKey: Uint8Array): Uint8Array {
  assertLength(boxPublicKey, 32, 'boxPublicKey');
  assertLength(signPublicKey, 32, 'signPublicKey');
  return sha256(concat(utf8('tynys.fingerprint.v2\n'), boxPublicKey, signPublicKey));
}
