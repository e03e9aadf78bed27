import { isNull } from 'drizzle-orm';
import { z } from 'zod';
import { staff, staffAuditLog } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { storedTime } from '../db/time-granularity.js';
import type { Language } from '../protocol/api/common.js';
import { bytesOut } from '../protocol/api/common.js';
import { signedManifestSchema, type StaffRole } from '../protocol/api/staff.js';
import { bytesEqual, fromBase64Url, toBase64Url } from '../protocol/encoding.js';
import {
  checkManifest, endorseKey, manifestBytes, manifestChanges, manifestFromWire, manifestToWire, parseManifest, shortFingerprint, signManifest,
  type Manifest, type ManifestRefusal, type SignedManifest,
} from '../protocol/manifest.js';
import type { Sodium } from '../protocol/sodium.js';
import { latestManifest, newestManifestVersion, storeManifest } from './manifest-store.js';

// The offline ceremony that makes a staff manifest (DESIGN.md §4, README "Signing the staff
// directory"): `directory export` writes an unsigned proposal from the staff rows; the admin
// compares each fingerprint with its person out of band; `directory sign` runs on the offline
// machine that holds the organisation key, from the proposal file alone, and shows what it is
// about to sign from the proposal's own bytes (so an edit made after export shows); `directory
// import` verifies the result against ORG_PUBLIC_KEY before the server stores and serves it.
// Everything here but the export's and the import's database work is pure, for the CLI and tests.

export const PROPOSAL_FORMAT = 'tynys-directory-proposal/1';

/** The proposal file: the manifest's exact bytes (unsigned), and the newest signed manifest the server had, to compare with. */
export const proposalSchema = z.object({
  format: z.literal(PROPOSAL_FORMAT),
  manifest: bytesOut({ min: 1, max: 4_000_000 }),
  previous: signedManifestSchema.nullable(),
});
export type ProposalFile = z.infer<typeof proposalSchema>;

/** A refusal, with one line for the admin saying what is wrong; nothing was written. */
export class CeremonyError extends Error {}

export interface OrgKey {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

/** The key file `org-key init` writes: `{ publicKey, privateKey }`, base64url. */
export function parseOrgKeyFile(text: string, name: string): OrgKey {
  let parsed: { publicKey?: unknown; privateKey?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new CeremonyError(`${name} is not an organisation key file (not JSON)`);
  }
  const publicKey = typeof parsed.publicKey === 'string' ? fromBase64Url(parsed.publicKey) : null;
  const privateKey = typeof parsed.privateKey === 'string' ? fromBase64Url(parsed.privateKey) : null;
  // libsodium's Ed25519 secret key ends with its public key: a file pairing two keys is refused.
  if (publicKey?.length !== 32 || privateKey?.length !== 64 || !bytesEqual(privateKey.subarray(32), publicKey)) {
    throw new CeremonyError(`${name} is not an organisation key file`);
  }
  return { publicKey, privateKey };
}

// ---- export (on the server, over its DATA_DIR) ----

/** The next manifest: every staff account not disabled, with its name, roles, languages and keys; version one above the newest stored. */
export function proposeManifest(db: Db, now: number, validityMs: number): { manifest: Manifest; previous: SignedManifest | null } {
  const rows = db.select().from(staff).where(isNull(staff.disabledAt)).all();
  const manifest: Manifest = {
    version: newestManifestVersion(db) + 1,
    issuedAt: now,
    expiresAt: now + validityMs,
    entries: rows.map((r) => ({
      staffId: r.id, displayName: r.displayName, roles: r.roles as StaffRole[], languages: r.languages as Language[],
      boxPublicKey: new Uint8Array(r.boxPublicKey), signPublicKey: new Uint8Array(r.signPublicKey),
    })),
  };
  manifestBytes(manifest); // throws here, at export, on a row that cannot be signed
  return { manifest, previous: latestManifest(db) };
}

export function proposalFile(manifest: Manifest, previous: SignedManifest | null): ProposalFile {
  return { format: PROPOSAL_FORMAT, manifest: toBase64Url(manifestBytes(manifest)), previous: previous ? manifestToWire(previous) : null };
}

// ---- reading the files ----

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CeremonyError(`${name} is not JSON`);
  }
}

/** The proposal's manifest, decoded from its own bytes (which must be canonical), and the previous signed manifest it carries. */
export function readProposal(text: string, name: string): { manifest: Manifest; previous: SignedManifest | null } {
  const file = proposalSchema.safeParse(parseJson(text, name));
  if (!file.success) throw new CeremonyError(`${name} is not a directory proposal (${PROPOSAL_FORMAT})`);
  const manifest = parseManifest(fromBase64Url(file.data.manifest)!);
  if (!manifest) throw new CeremonyError(`${name}: the proposed manifest is not in its canonical form (edited by hand?); export it again`);
  const previous = file.data.previous ? manifestFromWire(file.data.previous) : null;
  if (file.data.previous && !previous) throw new CeremonyError(`${name}: the previous manifest it carries is malformed`);
  return { manifest, previous };
}

/** A signed manifest file (signedManifestSchema JSON), as `directory sign` writes it. */
export function readSignedManifest(text: string, name: string): SignedManifest {
  const file = signedManifestSchema.safeParse(parseJson(text, name));
  const signed = file.success ? manifestFromWire(file.data) : null;
  if (!signed) throw new CeremonyError(`${name} is not a signed manifest file`);
  return signed;
}

// ---- the review table (export and sign show the same) ----

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A display name as a terminal shows it: invisible and direction-changing characters escaped, so two names cannot look alike. */
const visible = (s: string): string => s.replace(/[\p{C}\p{Z}]/gu, (c) => (c === ' ' ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`));

/**
 * Per entry: id, name, roles, languages, the short fingerprint to compare with the person out of
 * band, and what changed since `before` (removed entries too); then a count of each change.
 */
export function reviewTable(manifest: Manifest, before: Manifest | null): string {
  const rows = manifestChanges(before, manifest).map(({ entry, changes }) => [
    entry.staffId, visible(entry.displayName), [...entry.roles].sort().join(','), [...entry.languages].sort().join(','),
    shortFingerprint(entry.boxPublicKey, entry.signPublicKey), changes.join(', '),
  ]);
  const head = ['staff id', 'name', 'roles', 'languages', 'fingerprint', 'change'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length))).join('  ').trimEnd();
  const counts = new Map<string, number>();
  for (const r of rows) for (const c of r[5]!.split(', ')) counts.set(c, (counts.get(c) ?? 0) + 1);
  const summary = [...counts].map(([c, n]) => `${n} ${c}`).join(', ');
  return [
    `Manifest version ${manifest.version}: issued ${iso(manifest.issuedAt)}, expires ${iso(manifest.expiresAt)}; ${manifest.entries.length} ${manifest.entries.length === 1 ? 'entry' : 'entries'}.`,
    before ? `Changes since signed version ${before.version}:` : 'No earlier signed version to compare with: every entry is new.',
    '',
    line(head),
    ...rows.map(line),
    '',
    rows.length ? `(${summary})` : '(no entries)',
  ].join('\n');
}

// ---- sign (offline) ----

/** Checks the signature of a manifest that may have expired since (the last one still says what was signed). */
function signedBy(sodium: Sodium, signed: SignedManifest, keys: Uint8Array[]): Manifest | null {
  for (const pinned of keys) {
    // now = 0: no manifest expires at 0 (expiresAt > issuedAt ≥ 0), so only the signature and the form are judged.
    const check = checkManifest(sodium, signed, { pinned, now: 0 });
    if (check.ok) return check.manifest;
  }
  return null;
}

/**
 * What to compare the proposal with: the previous signed manifest (the admin's own copy if given,
 * else the one the proposal carries), trusted only if one of `keys` signed it. A previous one that
 * does not verify is said so and not used: the server could have put anything there.
 */
export function previousForReview(sodium: Sodium, previous: SignedManifest | null, keys: Uint8Array[], proposed: Manifest): { before: Manifest | null; note: string } {
  if (!previous) return { before: null, note: 'No previous signed manifest was given: this will be the first.' };
  const before = signedBy(sodium, previous, keys);
  if (!before) return { before: null, note: 'WARNING: the previous manifest could not be verified with this organisation key; it is ignored, and changes are shown against nothing.' };
  if (before.version >= proposed.version) throw new CeremonyError(`the proposal's version ${proposed.version} is not above the previous signed version ${before.version}; export it again`);
  return { before, note: `Previous manifest: version ${before.version}, verified with this organisation key.` };
}

/** Signs the proposal's manifest, refusing one already expired; with `endorsingKey` (a rotation) the old key endorses the new. */
export function signProposal(sodium: Sodium, manifest: Manifest, key: OrgKey, now: number, endorsingKey?: OrgKey): SignedManifest {
  if (manifest.expiresAt <= now) throw new CeremonyError(`the proposal expired at ${iso(manifest.expiresAt)}; export it again`);
  return signManifest(sodium, manifest, key, endorsingKey ? endorseKey(sodium, key.publicKey, endorsingKey.privateKey) : undefined);
}

// ---- import (on the server) ----

const REFUSALS: Record<ManifestRefusal, (m: { version?: number; expiresAt?: number }, newest: number) => string> = {
  manifest_unsigned: () => 'not signed by the organisation key ORG_PUBLIC_KEY pins (nor by a key it endorsed)',
  manifest_malformed: () => 'the manifest bytes are not a canonical manifest',
  manifest_expired: (m) => `the manifest expired${m.expiresAt ? ` at ${iso(m.expiresAt)}` : ''}; sign a new one`,
  manifest_rollback: (m, newest) => `version ${m.version ?? '?'} is not newer than the installed version ${newest}`,
};

/** The staff account a manifest entry must match: its keys, as the server holds them. */
export interface StaffKeys {
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

/**
 * Whether `signed` may be installed: it verifies as a client would check it (pinned key or one it
 * endorsed, canonical, unexpired, newer than `newestVersion`), and every entry names an existing
 * staff account with exactly its keys (a manifest signed for other keys would route no thread).
 */
export function checkImport(sodium: Sodium, signed: SignedManifest, ctx: { pinned: Uint8Array; now: number; newestVersion: number; staffKeys: (staffId: string) => StaffKeys | null }): Manifest {
  const check = checkManifest(sodium, signed, { pinned: ctx.pinned, now: ctx.now, minVersion: ctx.newestVersion + 1 });
  if (!check.ok) throw new CeremonyError(`refused: ${REFUSALS[check.reason](parseManifest(signed.manifest) ?? {}, ctx.newestVersion)}`);
  for (const e of check.manifest.entries) {
    const keys = ctx.staffKeys(e.staffId);
    if (!keys) throw new CeremonyError(`refused: entry ${e.staffId} (${visible(e.displayName)}) has no staff account on this server`);
    if (!bytesEqual(keys.boxPublicKey, e.boxPublicKey) || !bytesEqual(keys.signPublicKey, e.signPublicKey)) {
      throw new CeremonyError(`refused: entry ${e.staffId} (${visible(e.displayName)}) lists keys ${shortFingerprint(e.boxPublicKey, e.signPublicKey)}, its account holds ${shortFingerprint(keys.boxPublicKey, keys.signPublicKey)}`);
    }
  }
  return check.manifest;
}

/** Checks and installs a signed manifest, with its audit log row, in one transaction; throws CeremonyError and changes nothing when refused. */
export function importManifest(db: Db, sodium: Sodium, signed: SignedManifest, ctx: { pinned: Uint8Array; now: number }): Manifest {
  // One connection, synchronous: the reads and writes below are all inside the transaction.
  return db.transaction(() => {
    const rows = new Map(db.select({ id: staff.id, boxPublicKey: staff.boxPublicKey, signPublicKey: staff.signPublicKey }).from(staff).all().map((r) => [r.id, r]));
    const manifest = checkImport(sodium, signed, {
      ...ctx,
      newestVersion: newestManifestVersion(db),
      staffKeys: (id) => {
        const row = rows.get(id);
        return row ? { boxPublicKey: new Uint8Array(row.boxPublicKey), signPublicKey: new Uint8Array(row.signPublicKey) } : null;
      },
    });
    storeManifest(db, signed, manifest.version, ctx.now);
    db.insert(staffAuditLog).values({
      at: storedTime('staff_audit_log.at', ctx.now), actor: 'cli', action: 'manifest.import', subject: null,
      detail: { version: manifest.version, entries: manifest.entries.length },
    }).run();
    return manifest;
  });
}
