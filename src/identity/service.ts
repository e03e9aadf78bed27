import { eq, lt, sql } from 'drizzle-orm';
import { identities } from '../../db/schema.js';
import type { Db } from '../db/connection.js';
import { preparedFor } from '../db/prepared.js';
import { dayNumber, storedTime } from '../db/time-granularity.js';
import type { Pepper } from '../pepper.js';
import { newId } from '../protocol/ids.js';
import { randomBytes } from '../protocol/encoding.js';

// Anonymous identities (DESIGN.md §3): the server keeps HMAC(pepper, authKey), two public keys,
// a random pseudonym and day-granular timestamps. Nothing here can name a person.

export interface NewIdentity {
  authKey: Uint8Array;
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

export interface IdentityRecord {
  identityId: string;
  pseudonym: string;
  boxPublicKey: Uint8Array;
  signPublicKey: Uint8Array;
}

const ADJECTIVES = ['Calm', 'Quiet', 'Gentle', 'Steady', 'Bright', 'Warm', 'Clear', 'Kind', 'Brave', 'Soft', 'Still', 'Open'];
const NOUNS = ['River', 'Steppe', 'Cedar', 'Falcon', 'Lake', 'Maple', 'Harbor', 'Meadow', 'Comet', 'Willow', 'Stone', 'Breeze'];

/** A display name with no link to the person: two words and a number, drawn at random. */
export function randomPseudonym(): string {
  const [a, b, n1, n2] = randomBytes(4);
  return `${ADJECTIVES[a! % ADJECTIVES.length]} ${NOUNS[b! % NOUNS.length]} ${((n1! << 8) | n2!) % 1000}`;
}

/** Creates an identity; null when one with this auth key exists already (the same recovery code). */
export function mintIdentity(db: Db, pepper: Pepper, input: NewIdentity, now: number): IdentityRecord | null {
  const authHash = Buffer.from(pepper.hash('identity-auth', input.authKey));
  if (db.select({ id: identities.id }).from(identities).where(eq(identities.authHash, authHash)).get()) return null;
  const record = { identityId: newId('identity'), pseudonym: randomPseudonym(), boxPublicKey: input.boxPublicKey, signPublicKey: input.signPublicKey };
  const today = storedTime('identities.created_day', now);
  db.insert(identities).values({
    id: record.identityId,
    authHash,
    boxPublicKey: Buffer.from(input.boxPublicKey),
    signPublicKey: Buffer.from(input.signPublicKey),
    pseudonym: record.pseudonym,
    createdDay: today,
    lastSeenDay: today,
  }).run();
  return record;
}

/** The identity whose auth key this is, or null. The keyed hash makes the lookup safe to index. */
export function findIdentityByAuthKey(db: Db, pepper: Pepper, authKey: Uint8Array): IdentityRecord | null {
  const row = db.select().from(identities).where(eq(identities.authHash, Buffer.from(pepper.hash('identity-auth', authKey)))).get();
  return row ? toRecord(row) : null;
}

/** Records that the identity was used today (day granularity), which keeps it from idle expiry. */
export function touchIdentity(db: Db, identityId: string, now: number): void {
  db.update(identities).set({ lastSeenDay: storedTime('identities.last_seen_day', now) }).where(eq(identities.id, identityId)).run();
}

// Read per message post (the sender's signing key) and per thread view: prepared once per connection.
const identityById = preparedFor((db) => db.select().from(identities).where(eq(identities.id, sql.placeholder('id'))).prepare());

export function getIdentity(db: Db, identityId: string): IdentityRecord | null {
  const row = identityById(db).get({ id: identityId });
  return row ? toRecord(row) : null;
}

/**
 * Erases the identity and everything it owns in one transaction: sessions, threads with their
 * messages and sealed keys (foreign keys cascade). With secure_delete on, the rows are
 * overwritten, not flagged (DESIGN.md §2.4).
 */
export function eraseIdentity(db: Db, identityId: string): boolean {
  return db.delete(identities).where(eq(identities.id, identityId)).run().changes > 0;
}

/** Removes identities not seen for `retentionDays`, with all they own. */
export function purgeIdleIdentities(db: Db, retentionDays: number, now: number): number {
  return db.delete(identities).where(lt(identities.lastSeenDay, dayNumber(now) - retentionDays)).run().changes;
}

function toRecord(row: typeof identities.$inferSelect): IdentityRecord {
  return {
    identityId: row.id,
    pseudonym: row.pseudonym,
    boxPublicKey: new Uint8Array(row.boxPublicKey),
    signPublicKey: new Uint8Array(row.signPublicKey),
  };
}
