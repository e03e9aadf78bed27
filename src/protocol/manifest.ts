import { THREAD_LABELS } from './constants.js';
import { bytesEqual, concatBytes, fromBase64Url, toBase64Url, utf8 } from './encoding.js';
import { keyFingerprint } from './genesis.js';
import type { Sodium } from './sodium.js';
import type { SignedManifestWire } from './api/staff.js';
import { LANGUAGES, type Language } from './api/common.js';
import { STAFF_ROLES, type StaffRole } from './api/staff.js';

// The staff directory as one manifest signed by the organisation key, which an admin keeps
// offline (DESIGN.md §4, PROTOCOL.md §6). Signed as a whole, with a version that only grows and an
// expiry, so a server can neither add a key of its own, nor keep serving a person who was removed
// (an older manifest is refused once a newer one was seen; any manifest dies at its expiry).
//
// The bytes are text, one value per line, in one canonical form: `parseManifest` refuses anything
// that does not re-encode to exactly the bytes it was given, so two readers never disagree.
// Rotation: a manifest may be signed by a new organisation key that the pinned (old) key endorsed
// (`endorsementBytes`); a client pinned to the new key trusts only the new key.

export const MANIFEST_LABEL = THREAD_LABELS.manifest;
export const ENDORSEMENT_LABEL = THREAD_LABELS.orgKeyEndorsement;
/** The default time between issue and expiry: a manifest not re-signed within it stops working. */
export const MANIFEST_DEFAULT_VALIDITY_MS = 30 * 24 * 3_600_000;
export const MAX_MANIFEST_ENTRIES = 10_000;

export interface ManifestEntry {
  staffId: string;
  displayName: string;
  roles: StaffRole[];
  languages: Language[];
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

export interface Manifest {
  version: number;
  issuedAt: number;
  expiresAt: number;
  /** Sorted by staffId, each id once. */
  entries: ManifestEntry[];
}

/** A manifest as stored and served: its exact bytes, the signature over them, the signing key and, after a rotation, the pinned key's endorsement of it. */
export interface SignedManifest {
  manifest: Uint8Array;
  signature: Uint8Array;
  signer: Uint8Array;
  endorsement?: Uint8Array;
}

const STAFF_ID = /^s_[A-Za-z0-9_-]{22}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
const ROLE_ORDER = [...STAFF_ROLES].sort();
const LANGUAGE_ORDER = [...LANGUAGES].sort();

const sortedSet = <T extends string>(values: readonly T[]): T[] => [...new Set(values)].sort();

/** The canonical bytes of a manifest; throws (RangeError) on anything that cannot be encoded canonically. */
export function manifestBytes(m: Manifest): Uint8Array {
  for (const [name, n] of [['version', m.version], ['issuedAt', m.issuedAt], ['expiresAt', m.expiresAt]] as const) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`manifest ${name}: a non-negative safe integer`);
  }
  if (m.version < 1) throw new RangeError('manifest version: at least 1');
  if (m.expiresAt <= m.issuedAt) throw new RangeError('manifest expiresAt: after issuedAt');
  if (m.entries.length > MAX_MANIFEST_ENTRIES) throw new RangeError('manifest: too many entries');
  const entries = [...m.entries].sort((a, b) => (a.staffId < b.staffId ? -1 : a.staffId > b.staffId ? 1 : 0));
  const lines = [MANIFEST_LABEL, String(m.version), String(m.issuedAt), String(m.expiresAt), String(entries.length)];
  let previous = '';
  for (const e of entries) {
    if (!STAFF_ID.test(e.staffId)) throw new RangeError(`manifest entry ${e.staffId}: not a staff id`);
    if (e.staffId === previous) throw new RangeError(`manifest entry ${e.staffId}: listed twice`);
    previous = e.staffId;
    // One line, not empty, no surrounding spaces: display names are shown to people choosing whom to trust.
    if (!e.displayName || /\p{Cc}/u.test(e.displayName) || e.displayName !== e.displayName.trim() || e.displayName.length > 80) {
      throw new RangeError(`manifest entry ${e.staffId}: display name`);
    }
    if (e.roles.length === 0 || e.roles.some((r) => !ROLE_ORDER.includes(r))) throw new RangeError(`manifest entry ${e.staffId}: roles`);
    if (e.languages.length === 0 || e.languages.some((l) => !LANGUAGE_ORDER.includes(l))) throw new RangeError(`manifest entry ${e.staffId}: languages`);
    if (e.boxPublicKey.length !== 32 || e.signPublicKey.length !== 32) throw new RangeError(`manifest entry ${e.staffId}: keys`);
    lines.push(e.staffId, e.displayName, sortedSet(e.roles).join(','), sortedSet(e.languages).join(','), toBase64Url(e.boxPublicKey), toBase64Url(e.signPublicKey));
  }
  return utf8(`${lines.join('\n')}\n`);
}

/** The manifest in `bytes`, or null unless they are exactly its canonical encoding. */
export function parseManifest(bytes: Uint8Array): Manifest | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  if (!text.endsWith('\n')) return null;
  const lines = text.slice(0, -1).split('\n');
  const [label, version, issuedAt, expiresAt, count, ...rest] = lines;
  if (label !== MANIFEST_LABEL || [version, issuedAt, expiresAt, count].some((v) => v === undefined || !DECIMAL.test(v))) return null;
  const n = Number(count);
  if (rest.length !== n * 6) return null;
  const entries: ManifestEntry[] = [];
  for (let i = 0; i < n; i++) {
    const [staffId, displayName, roles, languages, box, sign] = rest.slice(i * 6, i * 6 + 6) as [string, string, string, string, string, string];
    const boxPublicKey = fromBase64Url(box);
    const signPublicKey = fromBase64Url(sign);
    if (!boxPublicKey || !signPublicKey) return null;
    entries.push({ staffId, displayName, roles: roles.split(',') as StaffRole[], languages: languages.split(',') as Language[], boxPublicKey, signPublicKey });
  }
  const manifest: Manifest = { version: Number(version), issuedAt: Number(issuedAt), expiresAt: Number(expiresAt), entries };
  try {
    return bytesEqual(manifestBytes(manifest), bytes) ? manifest : null;
  } catch {
    return null;
  }
}

/** What the old organisation key signs to hand trust to a new one. */
export function endorsementBytes(newPublicKey: Uint8Array): Uint8Array {
  if (newPublicKey.length !== 32) throw new RangeError('endorsement: a 32-byte public key');
  return concatBytes(utf8(`${ENDORSEMENT_LABEL}\n`), newPublicKey);
}

export function signManifest(sodium: Sodium, manifest: Manifest, orgKeys: { publicKey: Uint8Array; privateKey: Uint8Array }, endorsement?: Uint8Array): SignedManifest {
  const bytes = manifestBytes(manifest);
  return { manifest: bytes, signature: sodium.crypto_sign_detached(bytes, orgKeys.privateKey), signer: orgKeys.publicKey, ...(endorsement ? { endorsement } : {}) };
}

export function endorseKey(sodium: Sodium, newPublicKey: Uint8Array, oldPrivateKey: Uint8Array): Uint8Array {
  return sodium.crypto_sign_detached(endorsementBytes(newPublicKey), oldPrivateKey);
}

export type ManifestRefusal = 'manifest_unsigned' | 'manifest_malformed' | 'manifest_expired' | 'manifest_rollback';
export type ManifestCheck = { ok: true; manifest: Manifest } | { ok: false; reason: ManifestRefusal };

function verifies(sodium: Sodium, signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

/**
 * Checks a served manifest as a client must (PROTOCOL.md §6): signed by the pinned key, or by a key
 * the pinned key endorsed; canonical; not expired at `now`; and not older than `minVersion`, the
 * highest version this client has accepted before. The same version again is accepted only with
 * the same bytes (a server cannot swap a manifest's contents under a version already seen);
 * `seen` gives those bytes when the caller kept them.
 */
export function checkManifest(
  sodium: Sodium,
  signed: SignedManifest,
  trust: { pinned: Uint8Array; now: number; minVersion?: number; seen?: Uint8Array },
): ManifestCheck {
  const signerTrusted = bytesEqual(signed.signer, trust.pinned)
    || (signed.endorsement !== undefined && signed.signer.length === 32 && verifies(sodium, signed.endorsement, endorsementBytes(signed.signer), trust.pinned));
  if (!signerTrusted || !verifies(sodium, signed.signature, signed.manifest, signed.signer)) return { ok: false, reason: 'manifest_unsigned' };
  const manifest = parseManifest(signed.manifest);
  if (!manifest) return { ok: false, reason: 'manifest_malformed' };
  if (manifest.expiresAt <= trust.now) return { ok: false, reason: 'manifest_expired' };
  const min = trust.minVersion ?? 0;
  if (manifest.version < min) return { ok: false, reason: 'manifest_rollback' };
  if (manifest.version === min && trust.seen && !bytesEqual(trust.seen, signed.manifest)) return { ok: false, reason: 'manifest_rollback' };
  return { ok: true, manifest };
}

/**
 * Checks an older manifest fetched from the server's history to find the keys of someone who has
 * left the directory, for checking what they posted while they were in it (PROTOCOL.md §7.7):
 * signed by the pinned key or one it endorsed, canonical, and older than `below` (the version of
 * the newest manifest the client accepted). Expiry and the version memory do not apply: an old
 * manifest is history, proof only that the organisation once named these keys. Its entries are
 * never used to send anything, only as "former" members whose items are shown marked.
 */
export function checkPastManifest(sodium: Sodium, signed: SignedManifest, trust: { pinned: Uint8Array; below: number }): Manifest | null {
  const check = checkManifest(sodium, signed, { pinned: trust.pinned, now: 0 });
  return check.ok && check.manifest.version < trust.below ? check.manifest : null;
}

/** A short fingerprint to read aloud and compare out of band: the first 10 bytes of keyFingerprint, as five groups of four hex digits. */
export function shortFingerprint(boxPublicKey: Uint8Array, signPublicKey: Uint8Array): string {
  const hex = Array.from(keyFingerprint(boxPublicKey, signPublicKey).subarray(0, 10), (b) => b.toString(16).padStart(2, '0')).join('');
  return hex.match(/.{4}/g)!.join(' ');
}

/** What changed from `before` (the last signed manifest, or none) to `after`, per staff id. */
export type EntryChange = 'added' | 'removed' | 'keys changed' | 'roles changed' | 'languages changed' | 'name changed' | 'unchanged';

export function manifestChanges(before: Manifest | null, after: Manifest): { entry: ManifestEntry; changes: EntryChange[] }[] {
  const old = new Map((before?.entries ?? []).map((e) => [e.staffId, e]));
  const out = after.entries.map((entry) => {
    const was = old.get(entry.staffId);
    old.delete(entry.staffId);
    if (!was) return { entry, changes: ['added' as EntryChange] };
    const changes: EntryChange[] = [];
    if (!bytesEqual(was.boxPublicKey, entry.boxPublicKey) || !bytesEqual(was.signPublicKey, entry.signPublicKey)) changes.push('keys changed');
    if (sortedSet(was.roles).join() !== sortedSet(entry.roles).join()) changes.push('roles changed');
    if (sortedSet(was.languages).join() !== sortedSet(entry.languages).join()) changes.push('languages changed');
    if (was.displayName !== entry.displayName) changes.push('name changed');
    return { entry, changes: changes.length ? changes : ['unchanged' as EntryChange] };
  });
  return [...out, ...[...old.values()].map((entry) => ({ entry, changes: ['removed' as EntryChange] }))];
}

/** The wire and file form (base64url fields, api/staff.ts signedManifestSchema). */
export function manifestToWire(m: SignedManifest): SignedManifestWire {
  return { manifest: toBase64Url(m.manifest), signature: toBase64Url(m.signature), signer: toBase64Url(m.signer), ...(m.endorsement ? { endorsement: toBase64Url(m.endorsement) } : {}) };
}

/** Bytes from the wire form, or null if a field is not base64url of the right length. */
export function manifestFromWire(w: SignedManifestWire): SignedManifest | null {
  const manifest = fromBase64Url(w.manifest);
  const signature = fromBase64Url(w.signature);
  const signer = fromBase64Url(w.signer);
  const endorsement = w.endorsement === undefined ? undefined : fromBase64Url(w.endorsement);
  if (!manifest || signature?.length !== 64 || signer?.length !== 32 || endorsement === null || (endorsement && endorsement.length !== 64)) return null;
  return { manifest, signature, signer, ...(endorsement ? { endorsement } : {}) };
}
