import { directoryHistoryResponse, directoryResponse, type StaffRole } from '../protocol/api/staff.js';
import type { Language } from '../protocol/api/common.js';
import { bytesEqual } from '../protocol/encoding.js';
import { keyFingerprint } from '../protocol/genesis.js';
import { checkManifest, checkPastManifest, manifestFromWire, parseManifest, type ManifestEntry, type ManifestRefusal } from '../protocol/manifest.js';
import type { Sodium } from '../protocol/sodium.js';
import { ApiError, type Http } from './http.js';
import type { ManifestMemory } from './manifest-memory.js';

export interface VerifiedStaff {
  staffId: string;
  displayName: string;
  roles: StaffRole[];
  languages: Language[];
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

/** Why the SDK has no directory to work with: no K is sealed and nothing is sent until it has one. */
export type DirectoryRefusal = ManifestRefusal | 'directory_unavailable';

const REFUSED: Record<DirectoryRefusal, string> = {
  manifest_unsigned: 'The staff directory is not signed by the organisation key this client trusts.',
  manifest_malformed: 'The staff directory is signed, but not in its one canonical form.',
  manifest_expired: 'The staff directory has expired: the organisation has not signed a new one in time.',
  manifest_rollback: 'The server serves an older staff directory, or other contents under a version this client has seen.',
  directory_unavailable: 'The server has no signed staff directory yet: consultations are unavailable.',
};

/** Whether `err` is the SDK refusing the staff directory (ApiError with a DirectoryRefusal code). */
export function isDirectoryRefusal(err: unknown): err is ApiError & { code: DirectoryRefusal } {
  return err instanceof ApiError && err.status === 0 && Object.hasOwn(REFUSED, err.code);
}

/** How many pages of older manifests a client reads at most looking for a member's keys (20 versions each). */
export const MAX_HISTORY_PAGES = 10;

/** A staff member's id and key fingerprint as a thread names them. */
export interface NamedKeys {
  id: string;
  fingerprint: Uint8Array;
}

const sameKeys = (a: ManifestEntry, b: ManifestEntry): boolean => a.staffId === b.staffId && bytesEqual(a.signPublicKey, b.signPublicKey) && bytesEqual(a.boxPublicKey, b.boxPublicKey);
const fingerprintOf = (s: VerifiedStaff): Uint8Array => keyFingerprint(s.boxPublicKey, s.signPublicKey);

/**
 * The staff directory as this client believes it: the newest manifest signed by the organisation
 * key pinned in the client (or a key it endorsed), unexpired, never older than one it accepted
 * before (DESIGN.md §4, PROTOCOL.md §7.7). Only its entries ever receive a thread key. Staff that
 * earlier manifests named and this one does not are revoked: their keys are kept ("former") only
 * to check what they posted while they were in the directory.
 */
export class Directory {
  private constructor(
    readonly version: number,
    readonly issuedAt: number,
    readonly expiresAt: number,
    /** When this client accepted it (its own clock). */
    readonly fetchedAt: number,
    private readonly entries: Map<string, VerifiedStaff>,
    private readonly formerEntries: VerifiedStaff[],
  ) {}

  /**
   * GET /api/directory and check it against the pinned key and `memory`, which it then updates.
   * Refusals are ApiErrors with status 0 and a DirectoryRefusal code.
   */
  static async fetch(http: Http, trust: { sodium: Sodium; orgPublicKey: Uint8Array; memory: ManifestMemory; now: number }): Promise<Directory> {
    const { manifest: wire } = await http.request(directoryResponse, 'GET', '/api/directory');
    if (!wire) throw new ApiError('directory_unavailable', 0, REFUSED.directory_unavailable);
    const signed = manifestFromWire(wire);
    if (!signed) throw new ApiError('manifest_malformed', 0, REFUSED.manifest_malformed);
    const prior = trust.memory.highest();
    const check = checkManifest(trust.sodium, signed, { pinned: trust.orgPublicKey, now: trust.now, ...(prior ? { minVersion: prior.version, seen: prior.bytes } : {}) });
    if (!check.ok) throw new ApiError(check.reason, 0, REFUSED[check.reason]);
    const { manifest } = check;
    // Who left since the manifest remembered (or whose keys changed), and who had left before.
    const former: ManifestEntry[] = [];
    for (const e of [...(prior ? parseManifest(prior.bytes)?.entries ?? [] : []), ...(prior?.former ?? [])]) {
      if (!manifest.entries.some((c) => sameKeys(c, e)) && !former.some((f) => sameKeys(f, e))) former.push(e);
    }
    trust.memory.remember({ version: manifest.version, bytes: signed.manifest, former });
    return new Directory(manifest.version, manifest.issuedAt, manifest.expiresAt, trust.now, new Map(manifest.entries.map((e) => [e.staffId, e])), former);
  }

  /**
   * This directory plus the members named in `wanted` that it holds neither as current nor as
   * former, found in the server's older manifests (GET /api/directory/history): a colleague who
   * never saw the manifests naming someone who has left can still check what that person posted
   * (PROTOCOL.md §7.7). Each older manifest must verify against the pinned key (or one it
   * endorsed) and be older than the one before it; expiry does not apply to history. What is found
   * is former, never current: nothing is sealed or sent to it. The search stops at the first
   * manifest that does not verify, after MAX_HISTORY_PAGES pages, or when all are found.
   */
  async withPast(http: Http, trust: { sodium: Sodium; orgPublicKey: Uint8Array }, wanted: readonly NamedKeys[]): Promise<Directory> {
    const missing = wanted.filter((w) => this.find(w.id, w.fingerprint) === null);
    const found: VerifiedStaff[] = [];
    let below = this.version;
    search: for (let page = 0; page < MAX_HISTORY_PAGES && missing.length > 0 && below > 1; page++) {
      const { manifests } = await http.request(directoryHistoryResponse, 'GET', `/api/directory/history?before=${below}`);
      if (manifests.length === 0) break;
      for (const wire of manifests) {
        const signed = manifestFromWire(wire);
        const manifest = signed && checkPastManifest(trust.sodium, signed, { pinned: trust.orgPublicKey, below });
        if (!manifest) break search;
        below = manifest.version;
        for (const entry of manifest.entries) {
          const i = missing.findIndex((m) => m.id === entry.staffId && bytesEqual(m.fingerprint, fingerprintOf(entry)));
          if (i >= 0) found.push(entry);
          if (i >= 0) missing.splice(i, 1);
        }
      }
    }
    if (found.length === 0) return this;
    return new Directory(this.version, this.issuedAt, this.expiresAt, this.fetchedAt, this.entries, [...this.formerEntries, ...found]);
  }

  /** A member of the newest manifest, or null. */
  get(staffId: string): VerifiedStaff | null {
    return this.entries.get(staffId) ?? null;
  }

  /** Members with `role` who work in `language`: the intake pool a new thread key is sealed to. */
  pool(role: StaffRole, language: Language): VerifiedStaff[] {
    return [...this.entries.values()].filter((s) => s.roles.includes(role) && s.languages.includes(language));
  }

  /** Whether `staffId` with this sign key is in the newest manifest: the signer is not revoked. */
  isCurrent(staffId: string, signPublicKey: Uint8Array): boolean {
    const entry = this.entries.get(staffId);
    return entry !== undefined && bytesEqual(entry.signPublicKey, signPublicKey);
  }

  /**
   * The entry whose keys have this fingerprint: from the newest manifest, else a former one
   * (`current: false`, revoked). For checking items already posted, never for sending.
   */
  find(staffId: string, fingerprint: Uint8Array): { staff: VerifiedStaff; current: boolean } | null {
    const entry = this.entries.get(staffId);
    if (entry && bytesEqual(fingerprintOf(entry), fingerprint)) return { staff: entry, current: true };
    const former = this.formerEntries.find((f) => f.staffId === staffId && bytesEqual(fingerprintOf(f), fingerprint));
    return former ? { staff: former, current: this.isCurrent(staffId, former.signPublicKey) } : null;
  }

  /** Members of `before` that this directory no longer names with the same keys. */
  droppedSince(before: Directory): VerifiedStaff[] {
    return [...before.entries.values()].filter((e) => !this.isCurrent(e.staffId, e.signPublicKey));
  }

  get size(): number {
    return this.entries.size;
  }
}
