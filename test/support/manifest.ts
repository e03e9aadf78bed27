import { isNull } from 'drizzle-orm';
import { staff } from '../../db/schema.js';
import type { Db } from '../../src/db/connection.js';
import type { Language } from '../../src/protocol/api/common.js';
import type { StaffRole } from '../../src/protocol/api/staff.js';
import { MANIFEST_DEFAULT_VALIDITY_MS, parseManifest, signManifest, type Manifest, type ManifestEntry, type SignedManifest } from '../../src/protocol/manifest.js';
import type { Sodium } from '../../src/protocol/sodium.js';
import { latestManifest, storeManifest } from '../../src/staff/manifest-store.js';

// Signed manifests for tests, made as the organisation would offline and installed as
// `directory import` would, so the SDK reads them from the real GET /api/directory.

export interface OrgKeys {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

/** Every enabled staff row as a manifest entry: what a routine re-signing would list. */
export function staffEntries(db: Db): ManifestEntry[] {
  return db.select().from(staff).where(isNull(staff.disabledAt)).all().map((row) => ({
    staffId: row.id, displayName: row.displayName, roles: row.roles as StaffRole[], languages: row.languages as Language[],
    boxPublicKey: new Uint8Array(row.boxPublicKey), signPublicKey: new Uint8Array(row.signPublicKey),
  }));
}

/** The version of the manifest the server serves now, 0 before any. */
export function servedVersion(db: Db): number {
  const latest = latestManifest(db);
  return latest ? parseManifest(latest.manifest)!.version : 0;
}

/**
 * Signs a manifest (by default: every enabled staff member, the next version, valid 30 days from
 * now) and stores it as the one served. Returns the signed manifest.
 */
export function installManifest(
  s: { db: Db; sodium: Sodium; org: OrgKeys },
  options: Partial<Manifest> & { signer?: OrgKeys; endorsement?: Uint8Array; exclude?: string[] } = {},
): SignedManifest {
  const now = Date.now();
  const manifest: Manifest = {
    version: options.version ?? servedVersion(s.db) + 1,
    issuedAt: options.issuedAt ?? now,
    expiresAt: options.expiresAt ?? now + MANIFEST_DEFAULT_VALIDITY_MS,
    entries: (options.entries ?? staffEntries(s.db)).filter((e) => !options.exclude?.includes(e.staffId)),
  };
  const signed = signManifest(s.sodium, manifest, options.signer ?? s.org, options.endorsement);
  storeManifest(s.db, signed, manifest.version, now);
  return signed;
}
