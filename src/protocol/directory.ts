import { concatBytes, utf8 } from './encoding.js';
import type { Sodium } from './sodium.js';
import type { Language } from './api/common.js';
import type { StaffRole } from './api/staff.js';

// Staff directory entries are signed by the organisation key, which an admin holds offline
// (DESIGN.md §4). The SDK pins the organisation's public key and refuses any entry that does
// not verify, so a compromised server cannot slip its own key into a thread's intake pool.
// Roles and languages are signed too: otherwise a server could make a moderator a psychologist.

export interface DirectoryEntryFields {
  staffId: string;
  roles: readonly string[];
  languages: readonly string[];
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

export function directoryEntryBytes(e: DirectoryEntryFields): Uint8Array {
  const head = utf8(`tynys.directory.v1\n${e.staffId}\n${[...e.roles].sort().join(',')}\n${[...e.languages].sort().join(',')}\n`);
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
  get(staffId: string): { staffId: string; roles: StaffRole[]; languages: Language[]; boxPublicKey: Uint8Array; signPublicKey: Uint8Array; signed: boolean } | null;
  /** Ids of signed entries holding `role` and working in `language`: a thread's intake pool. */
  pool(role: StaffRole, language: Language): string[];
}
