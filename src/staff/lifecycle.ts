import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import { invites, staff } from '../../db/schema.js';
import { revokeAllSessions } from '../auth/sessions.js';
import type { Db } from '../db/connection.js';
import { preparedFor } from '../db/prepared.js';
import { storedTime } from '../db/time-granularity.js';
import { isStorageFailure } from '../db/storage.js';
import { AppError } from '../errors.js';
import type { Pepper } from '../pepper.js';
import type { Language } from '../protocol/api/common.js';
import type { StaffRole } from '../protocol/api/staff.js';
import { concatBytes, fromBase64Url, randomBytes, toBase64Url, utf8 } from '../protocol/encoding.js';
import { shortFingerprint } from '../protocol/manifest.js';
import type { ThreadAccess } from '../threads/revocation.js';
import { recordStaffAction, type AuditActor } from './audit-log.js';
import { createInvite, getStaff, INVITE_TTL_MS, type StaffKeyMaterial, type StaffRow } from './service.js';

// The staff lifecycle (DESIGN.md §4): disable, enable, remove, roles and languages, reset by a new
// invite, log out everywhere. Each act and its audit row commit together. Taking access away
// revokes every session of the member in the same transaction; if the disk refuses it, the
// revocation is kept in memory (auth/sessions.ts) and the admin gets 503 to retry. The threads the
// member held are marked and their streams told (threads/revocation.ts). What a member may do is
// decided here, at once; what clients trust is the signed manifest, which leaves out a disabled
// or removed member only from its next version (the export reads activeStaff).

export interface LifecycleDeps {
  db: Db;
  pepper: Pepper;
  threads: ThreadAccess;
}

/** Staff who are not disabled: the rows a manifest proposal is made from (`directory export`). */
export function activeStaff(db: Db): StaffRow[] {
  return db.select().from(staff).where(isNull(staff.disabledAt)).orderBy(asc(staff.id)).all();
}

/** Every account, disabled ones included (the admin's list). */
export function listStaff(db: Db): StaffRow[] {
  return db.select().from(staff).orderBy(asc(staff.login)).all();
}

// Asked at every claim, hand-over and holder's post: prepared once per connection.
const disabledAtOf = preparedFor((db) => db.select({ disabledAt: staff.disabledAt }).from(staff).where(eq(staff.id, sql.placeholder('id'))).prepare());

/** Whether the member exists and is not disabled. */
export function staffIsActive(db: Db, staffId: string): boolean {
  const row = disabledAtOf(db).get({ id: staffId });
  return row !== undefined && row.disabledAt === null;
}

/** The short fingerprint of a member's public keys, as the manifest's table and the console show it. */
export const fingerprintOf = (row: StaffRow): string => shortFingerprint(new Uint8Array(row.boxPublicKey), new Uint8Array(row.signPublicKey));

function existing(db: Db, staffId: string): StaffRow {
  const row = getStaff(db, staffId);
  if (!row) throw new AppError('staff_not_found');
  return row;
}

/** Refuses an act that would leave no active admin: `target` stops being one. */
function keepAnAdmin(db: Db, target: StaffRow): void {
  if (target.disabledAt !== null || !target.roles.includes('admin')) return;
  const others = db.select({ roles: staff.roles }).from(staff).where(and(isNull(staff.disabledAt), ne(staff.id, target.id))).all();
  if (!others.some((r) => r.roles.includes('admin'))) throw new AppError('last_admin');
}

function notSelf(actor: AuditActor, staffId: string): void {
  if (actor === staffId) throw new AppError('own_account');
}

/**
 * Runs `act` and revokes the member's sessions in one transaction. If the disk refuses it, the
 * sessions are still refused from now on (kept in memory until a delete lands) before the 503.
 */
function revoking<T>(db: Db, staffId: string, act: () => T): T {
  try {
    return db.transaction(() => {
      const result = act();
      revokeAllSessions(db, { staffId });
      return result;
    });
  } catch (err) {
    if (isStorageFailure(err)) {
      try {
        revokeAllSessions(db, { staffId });
      } catch (again) {
        if (!isStorageFailure(again)) throw again;
      }
    }
    throw err;
  }
}

/** A one-time invite (service.ts createInvite), audited. */
export function createStaffInvite(db: Db, pepper: Pepper, actor: AuditActor, roles: StaffRole[], now: number): ReturnType<typeof createInvite> {
  return db.transaction(() => {
    const invite = createInvite(db, pepper, roles, now);
    recordStaffAction(db, { actor, action: 'invite_created', subject: null, detail: { roles, expiresAt: invite.expiresAt } }, now);
    return invite;
  });
}

/** Disables the account: no login, every session revoked, held threads marked, out of the next manifest. */
export function disableStaff(deps: LifecycleDeps, actor: AuditActor, staffId: string, now: number): StaffRow {
  const { db } = deps;
  notSelf(actor, staffId);
  const row = existing(db, staffId);
  if (row.disabledAt !== null) throw new AppError('already_disabled');
  keepAnAdmin(db, row);
  const disabledAt = storedTime('staff.disabled_at', now);
  const revoked = revoking(db, staffId, () => {
    db.update(staff).set({ disabledAt }).where(eq(staff.id, staffId)).run();
    const access = deps.threads.revoke(staffId, 'disabled');
    recordStaffAction(db, { actor, action: 'disabled', subject: staffId, detail: { heldThreads: access.held } }, now);
    return access;
  });
  revoked.announce();
  return { ...row, disabledAt };
}

/** Enables a disabled account: they log in again; clients trust them again once a manifest lists them. */
export function enableStaff(deps: LifecycleDeps, actor: AuditActor, staffId: string, now: number): StaffRow {
  const { db } = deps;
  const row = existing(db, staffId);
  if (row.disabledAt === null) throw new AppError('not_disabled');
  db.transaction(() => {
    db.update(staff).set({ disabledAt: null }).where(eq(staff.id, staffId)).run();
    recordStaffAction(db, { actor, action: 'enabled', subject: staffId, detail: { disabledAt: row.disabledAt } }, now);
  });
  return { ...row, disabledAt: null };
}

/**
 * Deletes the account: its sessions, the thread keys sealed to it, the case threads it opened
 * (with everything in them: the foreign key cascades, as an asker's erase does). Threads it held
 * stay with their opener, marked holderRevoked.
 */
export function removeStaff(deps: LifecycleDeps, actor: AuditActor, staffId: string, now: number): { heldThreads: number; casesErased: number } {
  const { db } = deps;
  notSelf(actor, staffId);
  const row = existing(db, staffId);
  keepAnAdmin(db, row);
  const revoked = revoking(db, staffId, () => {
    const access = deps.threads.revoke(staffId, 'removed');
    db.delete(staff).where(eq(staff.id, staffId)).run();
    // The login and the fingerprint keep the history readable once the row is gone.
    recordStaffAction(db, {
      actor, action: 'removed', subject: staffId,
      detail: { login: row.login, roles: row.roles, fingerprint: fingerprintOf(row), heldThreads: access.held, casesErased: access.opened },
    }, now);
    return access;
  });
  revoked.announce();
  return { heldThreads: revoked.held, casesErased: revoked.opened };
}

/** Replaces roles and languages; the principal's roles are read at every request, so this holds at once. */
export function updateStaff(deps: LifecycleDeps, actor: AuditActor, staffId: string, change: { roles: StaffRole[]; languages: Language[] }, now: number): StaffRow {
  const { db } = deps;
  const row = existing(db, staffId);
  const dropsAdmin = row.roles.includes('admin') && !change.roles.includes('admin');
  if (dropsAdmin) {
    notSelf(actor, staffId);
    keepAnAdmin(db, row);
  }
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
  if (same(row.roles, change.roles) && same(row.languages, change.languages)) return row;
  db.transaction(() => {
    db.update(staff).set({ roles: change.roles, languages: change.languages }).where(eq(staff.id, staffId)).run();
    recordStaffAction(db, {
      actor, action: 'updated', subject: staffId,
      detail: { roles: { before: row.roles, after: change.roles }, languages: { before: row.languages, after: change.languages } },
    }, now);
  });
  return { ...row, roles: change.roles, languages: change.languages };
}

// ---- Reset by a new invite -------------------------------------------------------------------
// A reset code names the account and carries a secret: `<staff id>.<secret>`. Only
// HMAC(pepper-subkey 'staff-reset', staff id ‖ secret) is stored, in the invites table: the id
// cannot be swapped for another's, and a reset code is no invite for a new account (another
// subkey), nor the other way round.

export const RESET_CODE_PATTERN = /^(s_[A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{32})$/;

const resetHash = (pepper: Pepper, staffId: string, secret: Uint8Array): Buffer => Buffer.from(pepper.hash('staff-reset', concatBytes(utf8(staffId), secret)));

/** A one-time code, valid 72 h, with which the member sets a new passphrase and new keys; the same staff id. */
export function createResetInvite(deps: LifecycleDeps, actor: AuditActor, staffId: string, now: number): { code: string; expiresAt: number } {
  const { db, pepper } = deps;
  notSelf(actor, staffId);
  const row = existing(db, staffId);
  const secret = randomBytes(24);
  const expiresAt = now + INVITE_TTL_MS;
  db.transaction(() => {
    db.insert(invites).values({ codeHash: resetHash(pepper, staffId, secret), roles: row.roles, createdAt: now, expiresAt }).run();
    recordStaffAction(db, { actor, action: 'reset_invite_created', subject: staffId, detail: { expiresAt } }, now);
  });
  return { code: `${staffId}.${toBase64Url(secret)}`, expiresAt };
}

export interface ResetInput extends StaffKeyMaterial {
  code: string;
}

/**
 * Replaces the member's passphrase (its auth hash and salt) and key pairs. Their sessions end;
 * keys sealed to the old box key are dropped (nothing opens them now), so threads they held show
 * holderRevoked. The new keys are trusted by no client until a signed manifest lists them.
 */
export function acceptReset(deps: LifecycleDeps, input: ResetInput, now: number): StaffRow {
  const { db, pepper } = deps;
  const parts = RESET_CODE_PATTERN.exec(input.code);
  const secret = parts ? fromBase64Url(parts[2]!) : null;
  if (!parts || !secret) throw new AppError('invite_invalid');
  const staffId = parts[1]!;
  const codeHash = resetHash(pepper, staffId, secret);
  const invite = db.select().from(invites).where(eq(invites.codeHash, codeHash)).get();
  const row = getStaff(db, staffId);
  if (!invite || invite.expiresAt <= now || !row) throw new AppError('invite_invalid');
  // The code waits (it is not used up) until an admin enables the account again.
  if (row.disabledAt !== null) throw new AppError('account_disabled');
  const updated: StaffRow = {
    ...row,
    authHash: Buffer.from(pepper.hash('staff-auth', input.authKey)),
    kdfSalt: Buffer.from(input.kdfSalt),
    kdfParams: input.kdf,
    boxPublicKey: Buffer.from(input.boxPublicKey),
    signPublicKey: Buffer.from(input.signPublicKey),
    wrappedKeys: Buffer.from(input.wrappedKeys),
    directorySignature: null,
  };
  const revoked = revoking(db, staffId, () => {
    // Used once: a second request with the same code finds nothing.
    if (db.delete(invites).where(eq(invites.codeHash, codeHash)).run().changes !== 1) throw new AppError('invite_invalid');
    const access = deps.threads.revoke(staffId, 'keys_replaced');
    const { authHash, kdfSalt, kdfParams, boxPublicKey, signPublicKey, wrappedKeys, directorySignature } = updated;
    db.update(staff).set({ authHash, kdfSalt, kdfParams, boxPublicKey, signPublicKey, wrappedKeys, directorySignature }).where(eq(staff.id, staffId)).run();
    recordStaffAction(db, {
      actor: staffId, action: 'reset_accepted', subject: staffId,
      detail: { fingerprintBefore: fingerprintOf(row), fingerprintAfter: fingerprintOf(updated), heldThreads: access.held },
    }, now);
    return access;
  });
  revoked.announce();
  return updated;
}

/** Revokes every session of the member (their own "log out everywhere", or an admin's); their open streams end at once. */
export function logOutEverywhere(deps: LifecycleDeps, actor: AuditActor, staffId: string, now: number): void {
  const { db } = deps;
  existing(db, staffId);
  revoking(db, staffId, () => recordStaffAction(db, { actor, action: 'logged_out_everywhere', subject: staffId }, now));
  deps.threads.sessionsEnded(staffId);
}
