import { and, eq, lt, or, sql } from 'drizzle-orm';
import { identities, sessions, staff } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { preparedFor } from '../db/prepared.js';
import { HOUR_MS, storedTime } from '../db/time-granularity.js';
import { bestEffortWrite, isStorageFailure } from '../db/storage.js';
import type { Pepper } from '../pepper.js';
import { fromBase64Url, randomBytes, toBase64Url } from '../protocol/encoding.js';
import type { StaffRole } from '../protocol/api/staff.js';

// Session tokens, after lucia's auth_session: 256 random bits handed out once; the database
// keeps only HMAC(pepper, token), so a stolen copy of it cannot be replayed as a session, and
// the lookup by keyed hash needs no constant-time compare. An expected failure (unknown,
// idle, expired) is `null`, not a throw.
//
// Times are kept to the hour (DESIGN.md §2.9, db/time-granularity.ts): a session's creation and
// last use must not single it out as the one behind a public act. Both windows are counted from
// the end of the recorded hour, the latest the act could have been, so a session lives at least
// as long as configured and at most an hour more: idle expiry comes between SESSION_IDLE_MINUTES
// and SESSION_IDLE_MINUTES + 60 after the last use, the absolute one between
// SESSION_ABSOLUTE_HOURS and SESSION_ABSOLUTE_HOURS + 1 after the login. Never sooner, so a
// short window (a one-minute idle, a one-hour lifetime) still works.

export type Principal =
  | { kind: 'asker'; identityId: string }
  | { kind: 'staff'; staffId: string; roles: StaffRole[] };

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export type SessionSubject = { identityId: string } | { staffId: string };

/** The one expiry rule: past the absolute lifetime, or idle too long (from the end of the last hour of use). */
function hasExpired(row: { expiresAt: number; lastUsedAt: number }, policy: SessionPolicy, now: number): boolean {
  return row.expiresAt <= now || row.lastUsedAt + HOUR_MS + policy.idleMs <= now;
}

function tokenHash(pepper: Pepper, token: string): Uint8Array | null {
  const bytes = fromBase64Url(token);
  return bytes && bytes.length === 32 ? pepper.hash('session', bytes) : null;
}

export function createSession(db: Db, pepper: Pepper, policy: SessionPolicy, subject: SessionSubject, now: number): { token: string; expiresAt: number } {
  const secret = randomBytes(32);
  const token = toBase64Url(secret);
  const createdAt = storedTime('sessions.created_at', now);
  const expiresAt = storedTime('sessions.expires_at', createdAt + HOUR_MS + policy.absoluteMs);
  db.insert(sessions).values({
    tokenHash: Buffer.from(pepper.hash('session', secret)),
    identityId: 'identityId' in subject ? subject.identityId : null,
    staffId: 'staffId' in subject ? subject.staffId : null,
    createdAt,
    lastUsedAt: storedTime('sessions.last_used_at', now),
    expiresAt,
  }).run();
  secret.fill(0);
  return { token, expiresAt };
}

// Read on every authenticated request: prepared once per connection. Drizzle would build each of
// these anew per request (the identity's day update alone was 5 % of a message post's time).
const sessionByHash = preparedFor((db) => db.select().from(sessions).where(eq(sessions.tokenHash, sql.placeholder('key'))).prepare());
/** The session with its identity's last day seen, so the day's update runs only when the day changed. */
const sessionWithDayByHash = preparedFor((db) => db.select({ session: sessions, lastSeenDay: identities.lastSeenDay }).from(sessions)
  .leftJoin(identities, eq(identities.id, sessions.identityId)).where(eq(sessions.tokenHash, sql.placeholder('key'))).prepare());
const deleteByHash = preparedFor((db) => db.delete(sessions).where(eq(sessions.tokenHash, sql.placeholder('key'))).prepare());
const touchSession = preparedFor((db) => db.update(sessions).set({ lastUsedAt: sql`${sql.placeholder('hour')}` })
  .where(eq(sessions.tokenHash, sql.placeholder('key'))).prepare());
const touchIdentityDay = preparedFor((db) => db.update(identities).set({ lastSeenDay: sql`${sql.placeholder('today')}` })
  .where(and(eq(identities.id, sql.placeholder('id')), lt(identities.lastSeenDay, sql.placeholder('today')))).prepare());
const staffRoles = preparedFor((db) => db.select({ roles: staff.roles, disabledAt: staff.disabledAt }).from(staff).where(eq(staff.id, sql.placeholder('id'))).prepare());

// A revocation must hold at once (DESIGN §4: "revokes their sessions at once"), even when the
// disk cannot take the delete: reads go on while the disk is full, so a token whose delete failed
// would otherwise keep reading. Such revocations are kept in memory until a later delete
// succeeds (each check retries it) and are answered 503 meanwhile, so the client retries too.
// They are token hashes: "log out everywhere" reads the subject's sessions when its delete fails
// (creation times are hours, so "created before the revocation" would also refuse a session
// opened later in the same hour).
const pendingRevocations = new WeakMap<Db, Set<string>>();

function revokedTokens(db: Db): Set<string> {
  let tokens = pendingRevocations.get(db);
  if (!tokens) {
    tokens = new Set();
    pendingRevocations.set(db, tokens);
  }
  return tokens;
}

/** Whether a revocation that the disk could not record yet covers this session row (retrying its delete). */
function revokedInMemory(db: Db, row: typeof sessions.$inferSelect): boolean {
  const tokens = pendingRevocations.get(db);
  if (!tokens || tokens.size === 0) return false;
  const key = row.tokenHash.toString('base64url');
  if (!tokens.has(key)) return false;
  try {
    deleteByHash(db).run({ key: row.tokenHash });
    tokens.delete(key);
  } catch (err) {
    if (!isStorageFailure(err)) throw err;
  }
  return true;
}

/** Returns who holds the token, or null; slides the idle window and drops a session found expired. */
export function validateSession(db: Db, pepper: Pepper, policy: SessionPolicy, token: string, now: number): Principal | null {
  const hash = tokenHash(pepper, token);
  if (!hash) return null;
  const key = Buffer.from(hash);
  const found = sessionWithDayByHash(db).get({ key });
  if (!found || revokedInMemory(db, found.session)) return null;
  const row = found.session;
  // The writes below are bookkeeping, not the answer: on a full or read-only disk a session check
  // (and so every authenticated read) must still succeed. A lost update only shortens the idle
  // window or delays an expired row's removal (the purge removes it later).
  if (hasExpired(row, policy, now)) {
    bestEffortWrite(() => deleteByHash(db).run({ key }));
    return null;
  }
  // Written only when the hour changes: the hour is all that is kept, and most requests write nothing.
  const hour = storedTime('sessions.last_used_at', now);
  if (hour > row.lastUsedAt) bestEffortWrite(() => touchSession(db).run({ key, hour }));
  if (row.identityId) {
    const today = storedTime('identities.last_seen_day', now);
    const identityId = row.identityId;
    // The same condition as the update's own: it is skipped, not changed, when the day was recorded.
    if (found.lastSeenDay === null || found.lastSeenDay < today) bestEffortWrite(() => touchIdentityDay(db).run({ id: identityId, today }));
    return { kind: 'asker', identityId: row.identityId };
  }
  if (row.staffId) {
    const member = staffRoles(db).get({ id: row.staffId });
    // Disabling deletes the member's sessions; this holds even for one whose delete has not landed.
    return member && member.disabledAt === null ? { kind: 'staff', staffId: row.staffId, roles: member.roles as StaffRole[] } : null;
  }
  return null;
}

/**
 * Whether the token's session still exists and has not expired, without counting this as a use
 * (a long-lived event stream re-checks it; it must not keep an idle session alive by itself).
 */
export function sessionIsLive(db: Db, pepper: Pepper, policy: SessionPolicy, token: string, now: number): boolean {
  const hash = tokenHash(pepper, token);
  if (!hash) return false;
  const row = sessionByHash(db).get({ key: Buffer.from(hash) });
  return row !== undefined && !hasExpired(row, policy, now) && !revokedInMemory(db, row);
}

/** Runs a revoking delete; if the disk refuses it, `remember` keeps the revocation in memory before the 503. */
function revoke(remember: () => void, write: () => void): void {
  try {
    write();
  } catch (err) {
    if (isStorageFailure(err)) remember();
    throw err;
  }
}

export function revokeSession(db: Db, pepper: Pepper, token: string): void {
  const hash = tokenHash(pepper, token);
  if (!hash) return;
  const key = Buffer.from(hash);
  revoke(() => revokedTokens(db).add(key.toString('base64url')), () => db.delete(sessions).where(eq(sessions.tokenHash, key)).run());
}

/** Log out everywhere: every session the subject holds now. */
export function revokeAllSessions(db: Db, subject: SessionSubject): void {
  const held = 'identityId' in subject ? eq(sessions.identityId, subject.identityId) : eq(sessions.staffId, subject.staffId);
  revoke(
    // Reads go on when the disk refuses writes: the sessions to refuse are known exactly.
    () => {
      const tokens = revokedTokens(db);
      for (const r of db.select({ tokenHash: sessions.tokenHash }).from(sessions).where(held).all()) tokens.add(r.tokenHash.toString('base64url'));
    },
    () => db.delete(sessions).where(held).run(),
  );
}

export function purgeExpiredSessions(db: Db, policy: SessionPolicy, now: number): number {
  return db.delete(sessions).where(or(lt(sessions.expiresAt, now + 1), lt(sessions.lastUsedAt, now - HOUR_MS - policy.idleMs + 1))).run().changes;
}

export const sessionPolicyFrom = (c: { SESSION_IDLE_MINUTES: number; SESSION_ABSOLUTE_HOURS: number }): SessionPolicy => ({
  idleMs: c.SESSION_IDLE_MINUTES * 60_000,
  absoluteMs: c.SESSION_ABSOLUTE_HOURS * 3_600_000,
});
