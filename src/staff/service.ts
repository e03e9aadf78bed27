import { eq, lt } from 'drizzle-orm';
import { invites, staff } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import type { Pepper } from '../pepper.js';
import type { Language } from '../protocol/api/common.js';
import type { StaffRole } from '../protocol/api/staff.js';
import { bytesEqual, fromBase64Url, randomBytes, toBase64Url, utf8 } from '../protocol/encoding.js';
import { newId } from '../protocol/ids.js';
import { STAFF_KDF, type KdfParams } from '../protocol/kdf.js';

// Staff accounts (DESIGN.md §4). The server keeps HMAC(pepper, authKey), the Argon2id salt and
// cost, public keys and a key bundle it cannot open. Invites are one-time codes stored hashed.

export const INVITE_TTL_MS = 72 * 3_600_000;

export type StaffRow = typeof staff.$inferSelect;

/** Creates a one-time invite for `roles`; the code is returned once and stored only hashed. */
export function createInvite(db: Db, pepper: Pepper, roles: StaffRole[], now: number): { code: string; expiresAt: number; roles: StaffRole[] } {
  const secret = randomBytes(24);
  const expiresAt = now + INVITE_TTL_MS;
  db.insert(invites).values({ codeHash: Buffer.from(pepper.hash('invite', secret)), roles, createdAt: now, expiresAt }).run();
  return { code: toBase64Url(secret), expiresAt, roles };
}

/** What a member's browser sends when it makes their keys: on accepting an invite and a reset alike. */
export interface StaffKeyMaterial {
  kdfSalt: Uint8Array;
  kdf: KdfParams;
  authKey: Uint8Array;
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
  wrappedKeys: Uint8Array;
}

export interface AcceptInput extends StaffKeyMaterial {
  code: string;
  login: string;
  displayName: string;
  languages: Language[];
}

export type AcceptResult = { ok: true; staff: StaffRow } | { ok: false; reason: 'invite_invalid' | 'login_taken' };

/**
 * Turns an invite into an account in one transaction: the invite is consumed only if the
 * account is created, so a taken login does not burn the code. Roles come from the invite.
 */
export function acceptInvite(db: Db, pepper: Pepper, input: AcceptInput, now: number): AcceptResult {
  const secret = fromBase64Url(input.code);
  if (!secret) return { ok: false, reason: 'invite_invalid' };
  const codeHash = Buffer.from(pepper.hash('invite', secret));
  return db.transaction((tx): AcceptResult => {
    const invite = tx.select().from(invites).where(eq(invites.codeHash, codeHash)).get();
    if (!invite || invite.expiresAt <= now) return { ok: false, reason: 'invite_invalid' };
    if (tx.select({ id: staff.id }).from(staff).where(eq(staff.login, input.login)).get()) return { ok: false, reason: 'login_taken' };
    const row: StaffRow = {
      id: newId('staff'),
      login: input.login,
      displayName: input.displayName,
      authHash: Buffer.from(pepper.hash('staff-auth', input.authKey)),
      kdfSalt: Buffer.from(input.kdfSalt),
      kdfParams: input.kdf,
      boxPublicKey: Buffer.from(input.boxPublicKey),
      signPublicKey: Buffer.from(input.signPublicKey),
      wrappedKeys: Buffer.from(input.wrappedKeys),
      roles: invite.roles,
      languages: input.languages,
      directorySignature: null,
      createdAt: now,
      disabledAt: null,
    };
    tx.insert(staff).values(row).run();
    tx.delete(invites).where(eq(invites.codeHash, codeHash)).run();
    return { ok: true, staff: row };
  });
}

/**
 * Salt and cost for a login. An unknown login gets a stable fake salt derived from the pepper
 * and the production cost, so the answer does not reveal whether the login exists.
 */
export function prelogin(db: Db, pepper: Pepper, login: string): { kdfSalt: Uint8Array; kdf: KdfParams } {
  const row = db.select({ kdfSalt: staff.kdfSalt, kdf: staff.kdfParams }).from(staff).where(eq(staff.login, login)).get();
  if (row) return { kdfSalt: new Uint8Array(row.kdfSalt), kdf: row.kdf };
  return { kdfSalt: pepper.hash('fake-salt', utf8(login)).slice(0, 16), kdf: STAFF_KDF };
}

/** The account when the auth key matches; null for a wrong login or key alike. */
export function verifyStaffLogin(db: Db, pepper: Pepper, login: string, authKey: Uint8Array): StaffRow | null {
  const expected = pepper.hash('staff-auth', authKey);
  const row = db.select().from(staff).where(eq(staff.login, login)).get();
  // Compare even when the login is unknown, so both failures cost the same.
  const ok = bytesEqual(row ? new Uint8Array(row.authHash) : new Uint8Array(32), expected);
  return row && ok ? row : null;
}

export function getStaff(db: Db, staffId: string): StaffRow | null {
  return db.select().from(staff).where(eq(staff.id, staffId)).get() ?? null;
}

export function purgeExpiredInvites(db: Db, now: number): number {
  return db.delete(invites).where(lt(invites.expiresAt, now + 1)).run().changes;
}
