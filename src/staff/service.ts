import { eq, isNotNull, lt } from 'drizzle-orm';
import { invites, staff } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import type { Pepper } from '../pepper.js';
import type { Language } from '../protocol/api/common.js';
import type { StaffRole } from '../protocol/api/staff.js';
import { directoryEntryBytes, signDirectoryEntry, verifyDirectoryEntry, type DirectoryEntryFields, type StaffDirectory } from '../protocol/directory.js';
import { bytesEqual, fromBase64Url, randomBytes, toBase64Url, utf8 } from '../protocol/encoding.js';
import { newId } from '../protocol/ids.js';
import { STAFF_KDF, type KdfParams } from '../protocol/kdf.js';
import type { Sodium } from '../protocol/sodium.js';

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

export interface AcceptInput {
  code: string;
  login: string;
  displayName: string;
  languages: Language[];
  kdfSalt: Uint8Array;
  kdf: KdfParams;
  authKey: Uint8Array;
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
  wrappedKeys: Uint8Array;
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

/** Directory entries that carry an organisation signature (the only ones clients will trust). */
export function signedEntries(db: Db): StaffRow[] {
  return db.select().from(staff).where(isNotNull(staff.directorySignature)).all();
}

/**
 * Signs every staff entry with the organisation key (run offline by an admin via the CLI).
 * Re-signing all entries keeps signatures in step with roles and languages as they are now.
 */
export function signDirectory(db: Db, sodium: Sodium, orgPrivateKey: Uint8Array): number {
  const rows = db.select().from(staff).all();
  db.transaction((tx) => {
    for (const row of rows) {
      const signature = signDirectoryEntry(sodium, entryFields(row), orgPrivateKey);
      tx.update(staff).set({ directorySignature: Buffer.from(signature) }).where(eq(staff.id, row.id)).run();
    }
  });
  return rows.length;
}

function entryFields(row: StaffRow): DirectoryEntryFields {
  return {
    staffId: row.id, displayName: row.displayName, roles: row.roles, languages: row.languages,
    boxPublicKey: new Uint8Array(row.boxPublicKey), signPublicKey: new Uint8Array(row.signPublicKey),
  };
}

/**
 * The view of staff that other domains get through app.ts. An entry counts as signed only when
 * the organisation's signature over it verifies against the pinned public key (ORG_PUBLIC_KEY):
 * a signature column written straight into the database, or one left over from roles since
 * changed, must not put a key into a thread's intake pool. Without a pinned key nothing is signed.
 */
export function staffDirectory(db: Db, trust: { sodium: Sodium; orgPublicKey: Uint8Array | null }): StaffDirectory {
  // Verifying costs ~0.1 ms and the pool is read at every thread opened: each entry's result is
  // kept with the exact bytes and signature it was computed over, so any change is verified anew.
  const checked = new Map<string, { bytes: Uint8Array; signature: Uint8Array; ok: boolean }>();
  const verifies = (row: StaffRow): boolean => {
    if (!row.directorySignature || !trust.orgPublicKey) return false;
    const fields = entryFields(row);
    let bytes: Uint8Array;
    try {
      bytes = directoryEntryBytes(fields);
    } catch {
      return false;
    }
    const signature = new Uint8Array(row.directorySignature);
    const known = checked.get(row.id);
    if (known && bytesEqual(known.bytes, bytes) && bytesEqual(known.signature, signature)) return known.ok;
    const ok = verifyDirectoryEntry(trust.sodium, fields, signature, trust.orgPublicKey);
    checked.set(row.id, { bytes, signature, ok });
    return ok;
  };
  return {
    get(staffId) {
      const row = getStaff(db, staffId);
      if (!row) return null;
      return {
        staffId: row.id,
        roles: row.roles as StaffRole[],
        languages: row.languages as Language[],
        boxPublicKey: new Uint8Array(row.boxPublicKey),
        signPublicKey: new Uint8Array(row.signPublicKey),
        signed: verifies(row),
      };
    },
    pool(role, language) {
      return signedEntries(db).filter((r) => r.roles.includes(role) && r.languages.includes(language) && verifies(r)).map((r) => r.id);
    },
  };
}

export function purgeExpiredInvites(db: Db, now: number): number {
  return db.delete(invites).where(lt(invites.expiresAt, now + 1)).run().changes;
}
