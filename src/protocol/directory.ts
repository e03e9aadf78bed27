import type { Language } from './api/common.js';
import type { StaffRole } from './api/staff.js';

/**
 * What the threads domain may ask about staff, handed to it by app.ts (domains do not import each
 * other). Only members listed in the signed staff manifest (protocol/manifest.ts), with the keys,
 * roles and languages it lists, exist here: a staff row the organisation did not sign is unknown,
 * as it is to every client.
 */
export interface StaffDirectory {
  get(staffId: string): { staffId: string; roles: StaffRole[]; languages: Language[]; boxPublicKey: Uint8Array; signPublicKey: Uint8Array } | null;
  /** Ids of listed members holding `role` and working in `language`: a thread's intake pool. */
  pool(role: StaffRole, language: Language): string[];
}
