import { sql } from 'drizzle-orm';
import { blob, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Every table here is named in SECURITY.md ("what the server keeps"); keep the two in step.
// Times are unix milliseconds, rounded where the exact moment would only help correlation.
// Secrets appear only as HMAC(pepper, secret) (DESIGN.md §2.3).

const bytes = (name: string) => blob(name, { mode: 'buffer' });

/** Anonymous askers: keys and a pseudonym, nothing that names a person. */
export const identities = sqliteTable('identities', {
  id: text('id').primaryKey(),
  authHash: bytes('auth_hash').notNull(),
  boxPublicKey: bytes('box_public_key').notNull(),
  signPublicKey: bytes('sign_public_key').notNull(),
  pseudonym: text('pseudonym').notNull(),
  /** Day granularity: enough for idle expiry, too coarse to match against network logs. */
  createdDay: integer('created_day').notNull(),
  lastSeenDay: integer('last_seen_day').notNull(),
}, (t) => [uniqueIndex('identities_auth_hash').on(t.authHash)]);

/** Staff accounts, created from an invite. The key bundle is sealed under a key only the passphrase gives. */
export const staff = sqliteTable('staff', {
  id: text('id').primaryKey(),
  login: text('login').notNull(),
  displayName: text('display_name').notNull(),
  authHash: bytes('auth_hash').notNull(),
  kdfSalt: bytes('kdf_salt').notNull(),
  kdfParams: text('kdf_params', { mode: 'json' }).$type<{ m: number; t: number; p: number }>().notNull(),
  boxPublicKey: bytes('box_public_key').notNull(),
  signPublicKey: bytes('sign_public_key').notNull(),
  wrappedKeys: bytes('wrapped_keys').notNull(),
  roles: text('roles', { mode: 'json' }).$type<string[]>().notNull(),
  languages: text('languages', { mode: 'json' }).$type<string[]>().notNull(),
  /** Ed25519 signature by the organisation key over the directory entry; null until an admin signs it offline. */
  directorySignature: bytes('directory_signature'),
  createdAt: integer('created_at').notNull(),
}, (t) => [uniqueIndex('staff_login').on(t.login)]);

/** One-time staff invites. */
export const invites = sqliteTable('invites', {
  codeHash: bytes('code_hash').primaryKey(),
  roles: text('roles', { mode: 'json' }).$type<string[]>().notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** Session tokens for askers and staff; looked up by HMAC(pepper, token), never stored as issued. */
export const sessions = sqliteTable('sessions', {
  tokenHash: bytes('token_hash').primaryKey(),
  identityId: text('identity_id').references(() => identities.id, { onDelete: 'cascade' }),
  staffId: text('staff_id').references(() => staff.id, { onDelete: 'cascade' }),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
}, (t) => [
  index('sessions_identity').on(t.identityId),
  index('sessions_staff').on(t.staffId),
  check('sessions_one_subject', sql`(${t.identityId} IS NULL) <> (${t.staffId} IS NULL)`),
]);

/** Consultation and case threads: routing metadata from fixed lists, nothing else readable. */
export const threads = sqliteTable('threads', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['consultation', 'case'] }).notNull(),
  /** The opener: an asker for consultations, a staff member for case threads. */
  askerId: text('asker_id').references(() => identities.id, { onDelete: 'cascade' }),
  openerStaffId: text('opener_staff_id').references(() => staff.id, { onDelete: 'cascade' }),
  topic: text('topic').notNull(),
  language: text('language').notNull(),
  populations: text('populations', { mode: 'json' }).$type<string[]>().notNull(),
  urgency: integer('urgency').notNull(),
  status: text('status', { enum: ['open', 'assigned', 'closed'] }).notNull(),
  assignedStaffId: text('assigned_staff_id').references(() => staff.id, { onDelete: 'set null' }),
  lastSeq: integer('last_seq').notNull().default(0),
  createdAt: integer('created_at').notNull(),
  closedAt: integer('closed_at'),
}, (t) => [
  index('threads_queue').on(t.status, t.language, t.urgency, t.createdAt),
  index('threads_asker').on(t.askerId),
  index('threads_assigned').on(t.assignedStaffId),
  check('threads_one_opener', sql`(${t.askerId} IS NULL) <> (${t.openerStaffId} IS NULL)`),
]);

/** The thread key sealed to one participant's box key. Rows of the intake pool are dropped at claim. */
export const threadKeys = sqliteTable('thread_keys', {
  threadId: text('thread_id').notNull().references(() => threads.id, { onDelete: 'cascade' }),
  /** An identity id or a staff id (they never collide: see protocol/ids.ts). */
  principalId: text('principal_id').notNull(),
  sealedKey: bytes('sealed_key').notNull(),
}, (t) => [primaryKey({ columns: [t.threadId, t.principalId] }), index('thread_keys_principal').on(t.principalId)]);

/** Encrypted, signed messages; the server checks the signature and the gap-free sequence. */
export const messages = sqliteTable('messages', {
  threadId: text('thread_id').notNull().references(() => threads.id, { onDelete: 'cascade' }),
  seq: integer('seq').notNull(),
  senderId: text('sender_id').notNull(),
  nonce: bytes('nonce').notNull(),
  ciphertext: bytes('ciphertext').notNull(),
  signature: bytes('signature').notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.threadId, t.seq] })]);
