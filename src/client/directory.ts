import { directoryResponse, type DirectoryEntry, type StaffRole } from '../protocol/api/staff.js';
import type { Language } from '../protocol/api/common.js';
import { verifyDirectoryEntry } from '../protocol/directory.js';
import { fromBase64Url } from '../protocol/encoding.js';
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

function decode(entry: DirectoryEntry): (VerifiedStaff & { signature: Uint8Array }) | null {
  const boxPublicKey = fromBase64Url(entry.boxPublicKey);
  const signPublicKey = fromBase64Url(entry.signPublicKey);
  const signature = fromBase64Url(entry.signature);
  if (!boxPublicKey || !signPublicKey || !signature) return null;
  return { staffId: entry.staffId, displayName: entry.displayName, roles: entry.roles, languages: entry.languages, boxPublicKey, signPublicKey, signature };
}

/**
 * The staff directory as this client believes it: only entries whose signature verifies against
 * the organisation key pinned in the client. A key the server adds on its own is dropped, so it
 * never receives a thread key (DESIGN.md §4).
 */
export class Directory {
  private constructor(private readonly entries: Map<string, VerifiedStaff>) {}

  static async fetch(http: Http, sodium: Sodium, orgPublicKey: Uint8Array): Promise<Directory> {
    const { entries } = await http.request(directoryResponse, 'GET', '/api/directory');
    const verified = new Map<string, VerifiedStaff>();
    for (const raw of entries) {
      const entry = decode(raw);
      if (entry && verifyDirectoryEntry(sodium, entry, entry.signature, orgPublicKey)) {
        const { signature: _signature, ...staff } = entry;
        // Two signed entries for one person (an old key and a new one): which counts would be the
        // server's choice, so neither does (PROTOCOL.md §7.7).
        if (verified.has(staff.staffId)) throw new ApiError('ambiguous_directory', 0, 'The directory names one staff member twice.');
        verified.set(staff.staffId, staff);
      }
    }
    return new Directory(verified);
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
