import { desc, lt } from 'drizzle-orm';
import { directoryManifests } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { storedTime } from '../db/time-granularity.js';
import type { SignedManifest } from '../protocol/manifest.js';

// Signed staff manifests as imported: stored and served byte for byte as the organisation signed
// them (the server adds nothing and re-encodes nothing). Whoever stores one has verified it first
// (admin `directory import`, the demo organisation at first start); the newest version is served.

const copy = (b: Buffer): Uint8Array => new Uint8Array(b);

type ManifestRow = typeof directoryManifests.$inferSelect;
const signedOf = (row: ManifestRow): SignedManifest =>
  ({ manifest: copy(row.manifest), signature: copy(row.signature), signer: copy(row.signer), ...(row.endorsement ? { endorsement: copy(row.endorsement) } : {}) });

export function latestManifest(db: Db): SignedManifest | null {
  const row = db.select().from(directoryManifests).orderBy(desc(directoryManifests.version)).limit(1).get();
  return row ? signedOf(row) : null;
}

/**
 * Up to `limit` manifests older than `before`, newest first: the history a client searches for the
 * keys of a member who has left (client/directory.ts), which it checks against the pinned key itself.
 */
export function manifestsBefore(db: Db, before: number, limit: number): SignedManifest[] {
  return db.select().from(directoryManifests).where(lt(directoryManifests.version, before))
    .orderBy(desc(directoryManifests.version)).limit(limit).all().map(signedOf);
}

/** The newest stored version (one indexed read), or 0 when none is stored. */
export function newestManifestVersion(db: Db): number {
  return db.select({ version: directoryManifests.version }).from(directoryManifests).orderBy(desc(directoryManifests.version)).limit(1).get()?.version ?? 0;
}

/** Stores a verified manifest under its version (which the caller checked is higher than the stored ones). */
export function storeManifest(db: Db, signed: SignedManifest, version: number, now: number): void {
  db.insert(directoryManifests).values({
    version,
    manifest: Buffer.from(signed.manifest),
    signature: Buffer.from(signed.signature),
    signer: Buffer.from(signed.signer),
    endorsement: signed.endorsement ? Buffer.from(signed.endorsement) : null,
    importedAt: storedTime('directory_manifests.imported_at', now),
  }).run();
}
