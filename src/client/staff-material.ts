import { concatBytes, fromBase64Url, toBase64Url, utf8 } from '../protocol/encoding.js';
import { ID_PATTERN } from '../protocol/ids.js';

// What a staff client needs to come back without the passphrase: its session token and its two
// secret keys (what login opened from the key bundle), with the member's id. It is as good as the
// passphrase for as long as the session lives, so whoever keeps it keeps it sealed (the console:
// web/client/tab-vault.ts, for one tab's life; SECURITY.md "Staying logged in across a reload").
//
// Bytes, not JSON: a JSON string of the keys could not be wiped, and a fixed layout has nothing
// to parse wrongly. version (1) ‖ box secret key (32) ‖ sign secret key (64, seed ‖ public key)
// ‖ session token (32) ‖ staff id (24, ASCII).

export interface StaffMaterial {
  staffId: string;
  /** The session token (43 base64url characters: 32 bytes). */
  token: string;
  boxSecretKey: Uint8Array;
  signSecretKey: Uint8Array;
}

const VERSION = 1;
const SIZES = { box: 32, sign: 64, token: 32, id: 24 } as const;
export const STAFF_MATERIAL_BYTES = 1 + SIZES.box + SIZES.sign + SIZES.token + SIZES.id;

/** The material's bytes (the caller wipes them once sealed). */
export function encodeStaffMaterial(m: StaffMaterial): Uint8Array {
  const token = fromBase64Url(m.token);
  const id = utf8(m.staffId);
  if (!token || token.length !== SIZES.token || !ID_PATTERN.test(m.staffId) || id.length !== SIZES.id
    || m.boxSecretKey.length !== SIZES.box || m.signSecretKey.length !== SIZES.sign) throw new TypeError('staff material: not a staff session and key pair');
  const bytes = concatBytes(Uint8Array.of(VERSION), m.boxSecretKey, m.signSecretKey, token, id);
  token.fill(0);
  return bytes;
}

/** The material from its bytes, or null for anything else; the keys are copies. */
export function decodeStaffMaterial(bytes: Uint8Array): StaffMaterial | null {
  if (bytes.length !== STAFF_MATERIAL_BYTES || bytes[0] !== VERSION) return null;
  let at = 1;
  const take = (n: number): Uint8Array => bytes.slice(at, (at += n));
  const boxSecretKey = take(SIZES.box);
  const signSecretKey = take(SIZES.sign);
  const token = take(SIZES.token);
  const staffId = new TextDecoder().decode(take(SIZES.id));
  if (!ID_PATTERN.test(staffId) || !staffId.startsWith('s_')) return null;
  const material = { staffId, token: toBase64Url(token), boxSecretKey, signSecretKey };
  token.fill(0);
  return material;
}
