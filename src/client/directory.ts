import { directoryResponse, type StaffRole } from '../protocol/api/staff.js';
import type { Language } from '../protocol/api/common.js';
import { checkManifest, manifestFromWire } from '../protocol/manifest.js';
import type { Sodium } from '../protocol/sodium.js';
import { ApiError, type Http } from './http.js';

export interface VerifiedStaff {
  staffId: string;
  displayName: string;
  roles: StaffRole[];
  languages: Language[];
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

/**
 * The staff directory as this client believes it: the signed manifest, only if it verifies against
 * the organisation key pinned in the client. A key the server adds on its own is in no manifest,
 * so it never receives a thread key (DESIGN.md §4).
 */
export class Directory {
  private constructor(private readonly entries: Map<string, VerifiedStaff>) {}

  static async fetch(http: Http, sodium: Sodium, orgPublicKey: Uint8Array): Promise<Directory> {
    const { manifest: wire } = await http.request(directoryResponse, 'GET', '/api/directory');
    if (!wire) return new Directory(new Map());
    const signed = manifestFromWire(wire);
    const check = signed ? checkManifest(sodium, signed, { pinned: orgPublicKey, now: Date.now() }) : { ok: false as const, reason: 'manifest_malformed' as const };
    if (!check.ok) throw new ApiError(check.reason, 0, 'The staff directory does not verify against the organisation key.');
    return new Directory(new Map(check.manifest.entries.map((e) => [e.staffId, e])));
  }

  get(staffId: string): VerifiedStaff | null {
    return this.entries.get(staffId) ?? null;
  }

  /** Members with `role` who work in `language`: the intake pool a new thread key is sealed to. */
  pool(role: StaffRole, language: Language): VerifiedStaff[] {
    return [...this.entries.values()].filter((s) => s.roles.includes(role) && s.languages.includes(language));
  }

  get size(): number {
    return this.entries.size;
  }
}
