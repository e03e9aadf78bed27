import { eq, inArray } from 'drizzle-orm';
import { staff } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { bytesEqual } from '../protocol/encoding.js';
import type { StaffDirectory } from '../protocol/directory.js';
import { checkManifest, type Manifest, type ManifestEntry, type ManifestRefusal } from '../protocol/manifest.js';
import type { Sodium } from '../protocol/sodium.js';
import { latestManifest, newestManifestVersion } from './manifest-store.js';

// The server's own view of staff, for intake pools, claims and hand-overs (threads/): the members
// of the newest stored manifest, if it verifies against the pinned organisation key and has not
// expired, whose staff row still exists with exactly the listed keys. So the server routes only to
// whom every client would seal a thread key: a row written straight into the database is in no
// pool. A disabled member may act in nothing at once (`get`), but stays in the pool a genesis is
// checked against until the next manifest drops them, because clients still seal to them until
// then (refusing those geneses would stop every consultation in their language). Only the newest
// manifest counts, as for clients: an older one may list someone a newer one removed.

export interface DirectoryTrust {
  sodium: Sodium;
  /** ORG_PUBLIC_KEY; without it nobody is staff here (consultations are off). */
  orgPublicKey: Uint8Array | null;
  clock: () => number;
}

/** The installed manifest as this server judges it: what the start banner and the staff console report. */
export type ManifestState =
  | { state: 'no_key' }
  | { state: 'none' }
  | { state: 'refused'; version: number; reason: ManifestRefusal }
  | { state: 'valid'; version: number; manifest: Manifest };

/**
 * The newest stored manifest, checked as a client checks it, expiry aside (the caller compares
 * `expiresAt` with its clock, so a result can be kept until the next import).
 */
export function judgeLatestManifest(db: Db, sodium: Sodium, orgPublicKey: Uint8Array | null): ManifestState {
  if (!orgPublicKey) return { state: 'no_key' };
  const signed = latestManifest(db);
  if (!signed) return { state: 'none' };
  // now = 0: no manifest has expired at 0 (expiresAt > issuedAt ≥ 0), so only the signature and the form are judged here.
  const check = checkManifest(sodium, signed, { pinned: orgPublicKey, now: 0 });
  const version = newestManifestVersion(db);
  return check.ok ? { state: 'valid', version, manifest: check.manifest } : { state: 'refused', version, reason: check.reason };
}

type KeyRow = { boxPublicKey: Buffer; signPublicKey: Buffer; disabledAt: number | null } | undefined;

/** Whether the staff row is the account the manifest entry lists: present, with exactly the listed keys. */
const holdsListedKeys = (row: KeyRow, entry: ManifestEntry): boolean =>
  row !== undefined && bytesEqual(new Uint8Array(row.boxPublicKey), entry.boxPublicKey) && bytesEqual(new Uint8Array(row.signPublicKey), entry.signPublicKey);

const rowColumns = { id: staff.id, boxPublicKey: staff.boxPublicKey, signPublicKey: staff.signPublicKey, disabledAt: staff.disabledAt };

export function staffDirectory(db: Db, trust: DirectoryTrust): StaffDirectory {
  // Verifying a manifest costs a signature check and a parse of every entry; it is done once per
  // stored version (the newest version is one indexed read), not per request. Staff rows are read
  // each time (one indexed row for get, the pool's candidates for pool), so a disable counts at once
  // without any cache to invalidate.
  let judged: { version: number; entries: Map<string, ManifestEntry>; expiresAt: number } = { version: -1, entries: new Map(), expiresAt: 0 };
  const listed = (): Map<string, ManifestEntry> => {
    if (!trust.orgPublicKey) return judged.entries;
    const version = newestManifestVersion(db);
    if (version !== judged.version) {
      const state = judgeLatestManifest(db, trust.sodium, trust.orgPublicKey);
      judged = state.state === 'valid'
        ? { version, entries: new Map(state.manifest.entries.map((e) => [e.staffId, e])), expiresAt: state.manifest.expiresAt }
        : { version, entries: new Map(), expiresAt: 0 };
    }
    return judged.expiresAt > trust.clock() ? judged.entries : new Map();
  };
  const view = (entry: ManifestEntry) => ({
    staffId: entry.staffId, roles: entry.roles, languages: entry.languages, boxPublicKey: entry.boxPublicKey, signPublicKey: entry.signPublicKey,
  });
  return {
    get(staffId) {
      const entry = listed().get(staffId);
      if (!entry) return null;
      const row = db.select(rowColumns).from(staff).where(eq(staff.id, staffId)).get();
      return holdsListedKeys(row, entry) && row!.disabledAt === null ? view(entry) : null;
    },
    pool(role, language) {
      const candidates = [...listed().values()].filter((e) => e.roles.includes(role) && e.languages.includes(language));
      if (candidates.length === 0) return [];
      const rows = new Map(db.select(rowColumns).from(staff).where(inArray(staff.id, candidates.map((e) => e.staffId))).all().map((r) => [r.id, r]));
      return candidates.filter((e) => holdsListedKeys(rows.get(e.staffId), e)).map((e) => ({ staffId: e.staffId, boxPublicKey: e.boxPublicKey, signPublicKey: e.signPublicKey }));
    },
  };
}
