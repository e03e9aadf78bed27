import { sql } from 'drizzle-orm';
import { blob, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { LANGUAGES } from '../src/protocol/api/common.js';
import { THREAD_KINDS, TOPICS } from '../src/protocol/thread-metadata.js';
import { WEBINAR_STATUSES, type WebinarAudience } from '../src/protocol/api/webinars.js';
import { IMPACT_TOPICS, STORED_METRICS } from '../src/protocol/api/impact.js';
import type { CrisisAudience } from '../src/protocol/api/crisis.js';

// Every table here is named in SECURITY.md ("what the server keeps"); keep the two in step.
// Times are unix milliseconds, rounded where the exact moment would only help correlation.
// Each time column's granularity is declared in src/db/time-granularity.ts (a test holds them to it).
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
  /** Set when an admin disables the account: no login, no session, left out of the next manifest. */
  disabledAt: integer('disabled_at'),
}, (t) => [uniqueIndex('staff_login').on(t.login)]);

/**
 * Signed staff manifests as imported (`admin directory import`), newest version served. Stored and
 * served as signed, never re-encoded: clients verify the exact bytes (protocol/manifest.ts).
 */
export const directoryManifests = sqliteTable('directory_manifests', {
  version: integer('version').primaryKey(),
  manifest: bytes('manifest').notNull(),
  signature: bytes('signature').notNull(),
  signer: bytes('signer').notNull(),
  endorsement: bytes('endorsement'),
  importedAt: integer('imported_at').notNull(),
});

/**
 * What admins did to staff accounts (invite, disable, remove, roles, languages, log out everywhere,
 * manifest import): who, what, when, never any content. Append-only: triggers in the migration
 * refuse updates and deletes.
 */
export const staffAuditLog = sqliteTable('staff_audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: integer('at').notNull(),
  /** The admin's staff id, or `cli` for the admin command line. */
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  /** The staff id acted on, when there is one. */
  subject: text('subject'),
  /** Structured facts of the act (roles before and after, a manifest version); no free text. */
  detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
});

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

/**
 * Consultation and case threads. The genesis is kept as its opener signed it (protocol/genesis.ts);
 * kind, topic, language and urgency are read from it for routing, from fixed lists, nothing else readable.
 */
export const threads = sqliteTable('threads', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: THREAD_KINDS }).notNull(),
  /** The opener: an asker for consultations, a staff member for case threads. */
  askerId: text('asker_id').references(() => identities.id, { onDelete: 'cascade' }),
  openerStaffId: text('opener_staff_id').references(() => staff.id, { onDelete: 'cascade' }),
  topic: text('topic', { enum: TOPICS }).notNull(),
  language: text('language', { enum: LANGUAGES }).notNull(),
  urgency: integer('urgency').notNull(),
  status: text('status', { enum: ['open', 'assigned', 'closed'] }).notNull(),
  assignedStaffId: text('assigned_staff_id').references(() => staff.id, { onDelete: 'set null' }),
  lastSeq: integer('last_seq').notNull().default(0),
  /** The canonical genesis bytes and the opener's signature: served to every participant, who checks them. */
  genesis: bytes('genesis').notNull(),
  genesisSignature: bytes('genesis_signature').notNull(),
  /** Hash of the last transcript item (the genesis hash before the first): the next item must name it. */
  headHash: bytes('head_hash').notNull(),
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

/**
 * The transcript (protocol/transcript.ts): messages, claims and hand-overs, each signed by its
 * author over its position and the hash of the item before it. The server checks every item with
 * the same applyItem the clients run, and never holds the key that opens a message.
 */
export const messages = sqliteTable('messages', {
  threadId: text('thread_id').notNull().references(() => threads.id, { onDelete: 'cascade' }),
  seq: integer('seq').notNull(),
  type: text('type', { enum: ['message', 'claim', 'handover', 'return'] }).notNull(),
  senderId: text('sender_id').notNull(),
  prevHash: bytes('prev_hash').notNull(),
  /**
   * A message's nonce and padded ciphertext; null for claims and hand-overs. A return keeps the
   * pool it names here, as its signed header lines (count, then `<staffId> <fingerprint>`), with
   * nonce null: the CHECK below holds as it is, so no migration was needed.
   */
  nonce: bytes('nonce'),
  ciphertext: bytes('ciphertext'),
  signature: bytes('signature').notNull(),
  /** A hand-over's colleague and the fingerprint of their keys; null otherwise. */
  toStaffId: text('to_staff_id'),
  toFingerprint: bytes('to_fingerprint'),
  createdAt: integer('created_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.threadId, t.seq] }),
  check('messages_item_fields', sql`(${t.type} = 'message') = (${t.nonce} IS NOT NULL AND ${t.ciphertext} IS NOT NULL) AND (${t.type} = 'handover') = (${t.toStaffId} IS NOT NULL AND ${t.toFingerprint} IS NOT NULL)`),
]);

// ---- Knowledge base (DESIGN.md §6) -------------------------------------------------------------
// Public text lives here only after a moderator's decision; before that it is visible to staff
// alone. The original of a question is overwritten (secure_delete zeroes the old cell) when a
// moderator redacts or decides, never kept beside the redacted copy.

/** Tags: a slug, a kind and labels in the three languages. */
export const kbTags = sqliteTable('kb_tags', {
  slug: text('slug').primaryKey(),
  kind: text('kind', { enum: ['population', 'topic'] }).notNull(),
  labelRu: text('label_ru').notNull(),
  labelKk: text('label_kk').notNull(),
  labelEn: text('label_en').notNull(),
});

/** Questions (with their answer) and articles: one table, because both are published, searched, voted on and flagged alike. */
export const kbEntries = sqliteTable('kb_entries', {
  /** Internal row number: the rowid of the search indexes. Never shown (it would count submissions). */
  num: integer('num').primaryKey({ autoIncrement: true }),
  id: text('id').notNull(),
  kind: text('kind', { enum: ['question', 'article'] }).notNull(),
  status: text('status', { enum: ['submitted', 'accepted', 'rejected', 'answered', 'draft', 'in_review', 'published', 'retired'] }).notNull(),
  language: text('language').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  answer: text('answer'),
  /** The asker who submitted an unpublished question; unpublished questions go with the identity (trigger). Null once published. */
  askerId: text('asker_id').references(() => identities.id, { onDelete: 'set null' }),
  /**
   * Once published, the question no longer names its asker: HMAC(pepper, identity) replaces
   * asker_id, so the asker still finds it under "my questions" but a copy of the database alone
   * cannot tie it to the identity's threads.
   */
  askerRef: bytes('asker_ref'),
  /** Article author, or the psychologist who drafted the answer. */
  authorStaffId: text('author_staff_id'),
  /** The staff member who published it. */
  reviewerStaffId: text('reviewer_staff_id'),
  reasonCode: text('reason_code'),
  /** For a question rejected as a duplicate: the published entry that answers it. */
  duplicateOf: text('duplicate_of'),
  suggestedTags: text('suggested_tags', { mode: 'json' }).$type<string[]>().notNull(),
  /** Detector matches a moderator confirmed are not personal data (a public hotline, say). */
  piiAcknowledged: text('pii_acknowledged', { mode: 'json' }).$type<string[]>().notNull(),
  /** Out of the public index while flags wait for a moderator. */
  hidden: integer('hidden', { mode: 'boolean' }).notNull().default(false),
  /** Demo content key; such entries are shown as sample content. */
  sampleKey: text('sample_key'),
  helpfulCount: integer('helpful_count').notNull().default(0),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  publishedAt: integer('published_at'),
}, (t) => [
  uniqueIndex('kb_entries_id').on(t.id),
  uniqueIndex('kb_entries_sample_key').on(t.sampleKey),
  index('kb_entries_queue').on(t.status, t.createdAt),
  index('kb_entries_public').on(t.status, t.language, t.publishedAt),
  index('kb_entries_asker').on(t.askerId),
  index('kb_entries_asker_ref').on(t.askerRef),
]);

export const kbEntryTags = sqliteTable('kb_entry_tags', {
  entryNum: integer('entry_num').notNull().references(() => kbEntries.num, { onDelete: 'cascade' }),
  tag: text('tag').notNull().references(() => kbTags.slug, { onDelete: 'cascade', onUpdate: 'cascade' }),
}, (t) => [primaryKey({ columns: [t.entryNum, t.tag] }), index('kb_entry_tags_tag').on(t.tag, t.entryNum)]);

/** A proposed edit of a published entry, waiting for a second staff member; the public text stays until then. */
export const kbRevisions = sqliteTable('kb_revisions', {
  entryNum: integer('entry_num').primaryKey().references(() => kbEntries.num, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  body: text('body').notNull(),
  answer: text('answer'),
  authorStaffId: text('author_staff_id').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Helpful votes: HMAC(pepper, identity ‖ entry), so a vote cannot be tied to an identity, or to the same voter's other votes, without the pepper. */
export const kbVotes = sqliteTable('kb_votes', {
  entryNum: integer('entry_num').notNull().references(() => kbEntries.num, { onDelete: 'cascade' }),
  voterHash: bytes('voter_hash').notNull(),
}, (t) => [primaryKey({ columns: [t.entryNum, t.voterHash] })]);

/** Reader flags, keyed the same way: one per identity per entry. */
export const kbFlags = sqliteTable('kb_flags', {
  entryNum: integer('entry_num').notNull().references(() => kbEntries.num, { onDelete: 'cascade' }),
  flaggerHash: bytes('flagger_hash').notNull(),
  reason: text('reason').notNull(),
  createdAt: integer('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.entryNum, t.flaggerHash] })]);

/** Append-only (triggers refuse UPDATE and DELETE): who did what to which entry, never the removed text. */
export const moderationLog = sqliteTable('moderation_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  entryId: text('entry_id').notNull(),
  /** A staff id, or null for the asker (never named) and the system. */
  actorStaffId: text('actor_staff_id'),
  actorKind: text('actor_kind', { enum: ['staff', 'asker', 'system'] }).notNull(),
  action: text('action').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status'),
  reasonCode: text('reason_code'),
  at: integer('at').notNull(),
}, (t) => [index('moderation_log_entry').on(t.entryId, t.id)]);

/** Place and clinic words the admin adds to the personal-data detector. */
export const piiWords = sqliteTable('pii_words', {
  word: text('word').primaryKey(),
  createdAt: integer('created_at').notNull(),
});

// ---- Webinars (DESIGN.md §7) ---------------------------------------------------------------------

/**
 * Events staff announce. A registration is anonymous and only counts: `registrations` is the one
 * thing it changes, with no row of its own and no time, so nothing stored can tie a registration
 * to a person, a session or a moment. Figures entered after the event stay when links are removed.
 */
export const webinars = sqliteTable('webinars', {
  id: text('id').primaryKey(),
  status: text('status', { enum: WEBINAR_STATUSES }).notNull(),
  title: text('title').notNull(),
  speaker: text('speaker').notNull(),
  description: text('description').notNull(),
  language: text('language', { enum: LANGUAGES }).notNull(),
  audience: text('audience', { mode: 'json' }).$type<WebinarAudience[]>().notNull(),
  /** The start as a UTC instant; `time_zone` is the IANA zone it was announced in. */
  startsAt: integer('starts_at').notNull(),
  timeZone: text('time_zone').notNull(),
  durationMinutes: integer('duration_minutes').notNull(),
  joinUrl: text('join_url'),
  recordingUrl: text('recording_url'),
  registrations: integer('registrations').notNull().default(0),
  attendance: integer('attendance'),
  recordingViews: integer('recording_views'),
}, (t) => [
  index('webinars_public').on(t.status, t.language, t.startsAt),
  check('webinars_figures', sql`${t.registrations} >= 0 AND (${t.attendance} IS NULL OR ${t.attendance} >= 0) AND (${t.recordingViews} IS NULL OR ${t.recordingViews} >= 0)`),
]);
// ---- Impact report (DESIGN.md §7) --------------------------------------------------------------
// Counts only: one row per day, metric, language and topic, added to at most once an hour from
// memory (impact/counter.ts). No row names or times a person, a thread or a question.

/** Daily aggregate counters. `day` is a day number (days since the epoch, UTC). */
export const impactCounts = sqliteTable('impact_counts', {
  day: integer('day').notNull(),
  metric: text('metric', { enum: STORED_METRICS }).notNull(),
  language: text('language', { enum: LANGUAGES }).notNull(),
  topic: text('topic', { enum: IMPACT_TOPICS }).notNull(),
  count: integer('count').notNull(),
}, (t) => [primaryKey({ columns: [t.day, t.metric, t.language, t.topic] }), check('impact_counts_positive', sql`${t.count} > 0`)]);

/** The report's one setting: whether the public page is on (one row, id 1; off when absent). */
export const impactSettings = sqliteTable('impact_settings', {
  id: integer('id').primaryKey(),
  publicPage: integer('public_page', { mode: 'boolean' }).notNull().default(false),
}, (t) => [check('impact_settings_one_row', sql`${t.id} = 1`)]);

// ---- Crisis contacts (DESIGN.md §7, issue 14 point 3) ------------------------------------------
// Public services' numbers, managed by admins and shown on every page. Seeded once from
// src/web/crisis-contacts.json (never verified). Nothing here is about a person who uses them.

export const crisisContacts = sqliteTable('crisis_contacts', {
  id: text('id').primaryKey(),
  language: text('language', { enum: LANGUAGES }).notNull(),
  region: text('region').notNull(),
  /** Order within the language's list (0 first). */
  position: integer('position').notNull(),
  name: text('name').notNull(),
  short: text('short').notNull(),
  phone: text('phone'),
  link: text('link'),
  hours: text('hours').notNull(),
  audiences: text('audiences', { mode: 'json' }).$type<CrisisAudience[]>().notNull(),
  compact: integer('compact', { mode: 'boolean' }).notNull(),
  /** When an admin last confirmed the entry; null: never. */
  verifiedAt: integer('verified_at'),
}, (t) => [
  index('crisis_contacts_order').on(t.language, t.position),
  check('crisis_contacts_reachable', sql`${t.phone} IS NOT NULL OR ${t.link} IS NOT NULL`),
]);

/**
 * Search synonyms moderators keep (src/knowledge/synonyms.ts): words and phrases, per language,
 * that people use for one thing. AUTOINCREMENT: a removed group's id is never reused, so an edit
 * sent from a stale console cannot land on another group; and that SQLite remembers the table
 * ever held a row tells the start-up seeding that the curated set was already loaded.
 */
export const kbSynonymGroups = sqliteTable('kb_synonym_groups', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  termsRu: text('terms_ru', { mode: 'json' }).$type<string[]>().notNull(),
  termsKk: text('terms_kk', { mode: 'json' }).$type<string[]>().notNull(),
  termsEn: text('terms_en', { mode: 'json' }).$type<string[]>().notNull(),
});
