import { THREAD_LABELS } from './constants.js';
import { concatBytes, utf8 } from './encoding.js';
import type { Sodium } from './sodium.js';
import type { Language } from './api/common.js';
import type { StaffRole } from './api/staff.js';

// Staff directory entries are signed by the organisation key, which an admin holds offline
// (DESIGN.md §4). The SDK pins the organisation's public key and refuses any entry that does
// not verify, so a compromised server cannot slip its own key into a thread's intake pool.
// Roles, languages and the display name are signed too: otherwise a server could make a moderator
// a psychologist, or show one psychologist under another's name. (Issue 11 turns the entries
// into one signed manifest; PROTOCOL.md §6 has the bytes.)

export interface DirectoryEntryFields {
  staffId: string;
  displayName: string;
  roles: readonly string[];
  languages: readonly string[];
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

export function directoryEntryBytes(e: DirectoryEntryFields): Uint8Array {
  // A display name is one line (protocol/api/staff.ts refuses control characters), so the lines stay unambiguous.
  if (/[\u0000-\u001f\u007f]/.test(e.displayName)) throw new RangeError('displayName: control characters');
  const head = utf8(`${THREAD_LABELS.directoryEntry}\n${e.staffId}\n${e.displayName}\n${[...e.roles].sort().join(',')}\n${[...e.languages].sort().join(',')}\n`);
  return concatBytes(head, e.boxPublicKey, e.signPublicKey);
}

export function signDirectoryEntry(sodium: Sodium, entry: DirectoryEntryFields, orgPrivateKey: Uint8Array): Uint8Array {
  return sodium.crypto_sign_detached(directoryEntryBytes(entry), orgPrivateKey);
}

export function verifyDirectoryEntry(sodium: Sodium, entry: DirectoryEntryFields, signature: Uint8Array, orgPublicKey: Uint8Array): boolean {
  try {
    return sodium.crypto_sign_verify_detached(signature, directoryEntryBytes(entry), orgPublicKey);
  } catch {
    return false;
  }
}

/** What the threads domain may ask about staff, handed to it by app.ts (domains do not import each other). */
export interface StaffDirectory {
  /** `signed`: the organisation's signature over the entry verifies against the pinned key (not merely present). */
  get(staffId: string): { staffId: string; roles: StaffRole[]; languages: Language[]; boxPublicKey: Uint8Array; signPublicKey: Uint8Array; signed: boolean } | null;
  /** Ids of verified signed entries holding `role` and working in `language`: a thread's intake pool. */
  pool(role: StaffRole, language: Language): string[];
}
