import type { Language } from './api/common.js';
import type { StaffRole } from './api/staff.js';

/**
 * What the threads domain may ask about staff, handed to it by app.ts (domains do not import each
 * other). Only members listed in the signed staff manifest (protocol/manifest.ts), with the keys,
 * roles and languages it lists, exist here: a staff row the organisation did not sign is unknown,
 * as it is to every client.
 */
export interface StaffDirectory {
  /** A listed member whose account holds the listed keys and is not disabled: who may claim, hand over, post or open a case. */
  get(staffId: string): { staffId: string; roles: StaffRole[]; languages: Language[]; boxPublicKey: Uint8Array; signPublicKey: Uint8Array } | null;
  /**
   * A thread's intake pool as clients compute it: listed members holding `role` and working in
   * `language` whose accounts hold the listed keys. A member disabled since the manifest was signed
   * is in it until the next manifest (clients still seal to them), so a genesis naming them is not
   * refused; they act as nobody (`get`), and the threads domain stores no key for them.
   */
  pool(role: StaffRole, language: Language): { staffId: string; boxPublicKey: Uint8Array; signPublicKey: Uint8Array }[];
}
