import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { staff } from '../../db/schema.js';
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import type { Logger } from '../logger.js';
import type { Pepper } from '../pepper.js';
import { languageSchema, type Language } from '../protocol/api/common.js';
import { staffRoleSchema, type StaffRole } from '../protocol/api/staff.js';
import { STAFF_KDF_BOUNDS } from '../protocol/constants.js';
import { bytesEqual, fromBase64Url, randomBytes, toBase64Url } from '../protocol/encoding.js';
import { deriveStaffSecrets, type KdfParams } from '../protocol/kdf.js';
import { wrapKeyBundle } from '../protocol/key-bundle.js';
import { MANIFEST_DEFAULT_VALIDITY_MS, parseManifest, signManifest, type Manifest, type ManifestEntry } from '../protocol/manifest.js';
import type { Sodium } from '../protocol/sodium.js';
import { latestManifest, storeManifest } from './manifest-store.js';
import { acceptInvite, createInvite, type StaffRow } from './service.js';

// Consultations from the first `npm start` (issue 11, point 5). With DEMO_CONTENT=true and no
// ORG_PUBLIC_KEY, the server plays the organisation on this one computer: a demo organisation key
// in DATA_DIR, one demo psychologist per language, each made exactly as the staff
// console makes an account when it accepts an invite, and a manifest of them signed with the demo
// key, which is then pinned. A demo key protects nothing (its private half sits next to the data
// it signs for), so both files say "demo", every page shows a banner, and a start with
// DEMO_CONTENT=false refuses a data directory that holds one.

export const DEMO_KEY_FILE = 'demo-organisation-key.json';
export const DEMO_STAFF_FILE = 'demo-staff.json';
/** A demo manifest is signed anew at start once it has this little left before its expiry. */
export const DEMO_RESIGN_BEFORE_MS = 7 * 24 * 3_600_000;

const DEMO_NOTE = 'Made by `npm start` with DEMO_CONTENT=true, for trying Tynys on this computer only. Never use it for real consultations (README: the production path).';

/** The accounts the demo makes: logins are fixed so a restart finds them again. */
export const DEMO_ACCOUNTS: readonly { login: string; displayName: string; roles: StaffRole[]; languages: Language[] }[] = [
  { login: 'demo-ru', displayName: 'Демо-психолог', roles: ['psychologist'], languages: ['ru'] },
  { login: 'demo-kk', displayName: 'Демо психолог', roles: ['psychologist'], languages: ['kk'] },
  { login: 'demo-en', displayName: 'Demo psychologist', roles: ['psychologist'], languages: ['en'] },
];

const base64url = (bytes: number) => z.string().refine((s) => fromBase64Url(s)?.length === bytes, `base64url of ${bytes} bytes`);

/** The demo key file: the organisation key file's fields (scripts/admin.ts reads it too), marked demo. */
const demoKeyFileSchema = z.object({
  demo: z.literal(true),
  note: z.string(),
  publicKey: base64url(32),
  privateKey: base64url(64),
});

const demoStaffFileSchema = z.object({
  demo: z.literal(true),
  note: z.string(),
  /** The demo key these accounts were made for. */
  organisationKey: base64url(32),
  accounts: z.array(z.object({
    login: z.string(),
    passphrase: z.string().min(12),
    /** Set once the account is made: an account gone from the database was removed, and is not made again. */
    staffId: z.string().optional(),
    roles: z.array(staffRoleSchema),
    languages: z.array(languageSchema),
  })),
});

export type DemoStaffFile = z.infer<typeof demoStaffFileSchema>;

export interface DemoKey {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  file: string;
}

export interface DemoAccount {
  staffId: string;
  login: string;
  /** Null when the account exists but the staff file that held its passphrase was removed. */
  passphrase: string | null;
  displayName: string;
  roles: StaffRole[];
  languages: Language[];
}

export interface DemoOrganisation {
  /** The demo organisation public key, base64url: what is pinned. */
  publicKey: string;
  keyFile: string;
  staffFile: string;
  accounts: DemoAccount[];
  /** The version of the stored manifest the demo accounts are in. */
  manifestVersion: number;
}

/** A start refused because of what DATA_DIR or the configuration holds: server.ts prints the message, one line, and exits non-zero. */
export class DemoKeyRefused extends Error {}

function readJson<T extends z.ZodType>(schema: T, file: string): z.output<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DemoKeyRefused(`Tynys cannot start: ${file} cannot be read as JSON (${(err as Error).message}); remove it, or start with an empty DATA_DIR.`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DemoKeyRefused(`Tynys cannot start: ${file} is not a demo file this version understands; remove it, or start with an empty DATA_DIR.`);
  return parsed.data;
}

/**
 * Writes a secret file whole or not at all (a temporary file, fsync, rename, fsync of the
 * directory), mode 0600 from its creation: a crash never leaves half a key or a key without the
 * passphrases that open the accounts made after it.
 */
function writeSecretFile(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(value, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(join(file, '..'), 'r');
  fsyncSync(dir);
  closeSync(dir);
}

/**
 * The demo key to pin, or null when there is none to use. Refuses (DemoKeyRefused) a data
 * directory with demo files when DEMO_CONTENT=false. Creates the key on the first demo start.
 * With ORG_PUBLIC_KEY set to another key, the demo is left alone (that key is what is pinned).
 */
export function pinDemoKey(config: Config, sodium: Sodium, logger: Logger): DemoKey | null {
  const keyFile = join(config.DATA_DIR, DEMO_KEY_FILE);
  const staffFile = join(config.DATA_DIR, DEMO_STAFF_FILE);
  const existing = existsSync(keyFile) ? readJson(demoKeyFileSchema, keyFile) : null;
  if (!config.DEMO_CONTENT) {
    if (existing || existsSync(staffFile)) {
      const which = existing && config.ORG_PUBLIC_KEY === existing.publicKey ? 'ORG_PUBLIC_KEY is the demo organisation key' : `DATA_DIR holds a demo organisation (${existing ? keyFile : staffFile})`;
      throw new DemoKeyRefused(`Tynys will not start with DEMO_CONTENT=false: ${which}, whose private key lives beside the data and protects nothing. Start production on an empty DATA_DIR with your own ORG_PUBLIC_KEY (README: the production path), or set DEMO_CONTENT=true.`);
    }
    return null;
  }
  if (config.ORG_PUBLIC_KEY && config.ORG_PUBLIC_KEY !== existing?.publicKey) {
    if (existing) logger.info('ORG_PUBLIC_KEY is set: the demo organisation in DATA_DIR is not used');
    return null;
  }
  if (existing) return { publicKey: fromBase64Url(existing.publicKey)!, privateKey: fromBase64Url(existing.privateKey)!, file: keyFile };
  mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const pair = sodium.crypto_sign_keypair();
  writeSecretFile(keyFile, { demo: true, note: DEMO_NOTE, publicKey: toBase64Url(pair.publicKey), privateKey: toBase64Url(pair.privateKey) } satisfies z.input<typeof demoKeyFileSchema>);
  return { publicKey: pair.publicKey, privateKey: pair.privateKey, file: keyFile };
}

// 32 letters and digits without the ones read alike (l/1, o/0): 5 bits a character, 80 bits in all.
const PASSPHRASE_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A random passphrase, four groups of four, easy to type from a terminal. */
export function demoPassphrase(): string {
  const chars = Array.from(randomBytes(16), (b) => PASSPHRASE_ALPHABET[b & 31]!).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** The demo staff file, with a new passphrase for each demo login that has none and no account yet. */
function demoStaffFile(config: Config, key: DemoKey, hasAccount: (login: string) => boolean): DemoStaffFile {
  const file = join(config.DATA_DIR, DEMO_STAFF_FILE);
  const organisationKey = toBase64Url(key.publicKey);
  const existing = existsSync(file) ? readJson(demoStaffFileSchema, file) : null;
  if (existing && existing.organisationKey !== organisationKey) {
    throw new DemoKeyRefused(`Tynys cannot start: ${file} belongs to another demo organisation key than ${key.file}; remove both, or start with an empty DATA_DIR.`);
  }
  const accounts = existing?.accounts ?? [];
  // An account whose passphrase was lost keeps it lost: a new one would not open it.
  const missing = DEMO_ACCOUNTS.filter((a) => !accounts.some((b) => b.login === a.login) && !hasAccount(a.login));
  if (missing.length === 0) return existing ?? { demo: true, note: DEMO_NOTE, organisationKey, accounts };
  // Passphrases are on disk before any account is made with them (see writeSecretFile).
  const next: DemoStaffFile = {
    demo: true, note: DEMO_NOTE, organisationKey,
    accounts: [...accounts, ...missing.map((a) => ({ login: a.login, passphrase: demoPassphrase(), roles: a.roles, languages: a.languages }))],
  };
  writeSecretFile(file, next);
  return next;
}

export interface DemoDeps {
  config: Config;
  db: Db;
  pepper: Pepper;
  sodium: Sodium;
  logger: Logger;
  now: number;
}

/**
 * Makes an account exactly as the staff console does when it accepts an invite (a fresh salt,
 * Argon2id at the server's least accepted cost, new key pairs wrapped under the wrap key), through
 * the same one-time invite and acceptInvite. Only the passphrase is chosen here, not typed.
 */
async function createDemoAccount(deps: DemoDeps, spec: (typeof DEMO_ACCOUNTS)[number], passphrase: string): Promise<StaffRow> {
  const { sodium, config } = deps;
  const kdf: KdfParams = { m: config.STAFF_KDF_MIN_MEMORY_KIB, t: config.STAFF_KDF_MIN_PASSES, p: 1 };
  const salt = randomBytes(STAFF_KDF_BOUNDS.saltBytes);
  const secrets = await deriveStaffSecrets(passphrase, salt, kdf);
  const box = sodium.crypto_box_keypair();
  const sign = sodium.crypto_sign_keypair();
  const wrappedKeys = wrapKeyBundle(sodium, secrets.wrapKey, { boxSecretKey: box.privateKey, signSecretKey: sign.privateKey });
  secrets.wrapKey.fill(0);
  box.privateKey.fill(0);
  sign.privateKey.fill(0);
  const { code } = createInvite(deps.db, deps.pepper, spec.roles, deps.now);
  const result = acceptInvite(deps.db, deps.pepper, {
    code, login: spec.login, displayName: spec.displayName, languages: spec.languages,
    kdfSalt: salt, kdf, authKey: secrets.authKey, boxPublicKey: box.publicKey, signPublicKey: sign.publicKey, wrappedKeys,
  }, deps.now);
  secrets.authKey.fill(0);
  if (!result.ok) throw new Error(`demo account ${spec.login}: ${result.reason}`);
  return result.staff;
}

const entryOf = (row: StaffRow): ManifestEntry => ({
  staffId: row.id, displayName: row.displayName, roles: row.roles as StaffRole[], languages: row.languages as Language[],
  boxPublicKey: new Uint8Array(row.boxPublicKey), signPublicKey: new Uint8Array(row.signPublicKey),
});

const sameEntry = (a: ManifestEntry, b: ManifestEntry): boolean =>
  a.staffId === b.staffId && a.displayName === b.displayName && [...a.roles].sort().join() === [...b.roles].sort().join()
  && [...a.languages].sort().join() === [...b.languages].sort().join()
  && bytesEqual(a.boxPublicKey, b.boxPublicKey) && bytesEqual(a.signPublicKey, b.signPublicKey);

function verifies(sodium: Sodium, signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

/**
 * Keeps a demo manifest current: signed anew (next version, the default validity) when there is
 * none, when it is within DEMO_RESIGN_BEFORE_MS of its expiry, when it lacks a demo account as
 * it is now, or still lists one that was disabled or removed (`retired`). Entries someone else signed in with the demo key (trying the ceremony) are kept. A
 * newest manifest signed by another key is left alone: the demo must not shadow a real one.
 */
function keepDemoManifest(deps: DemoDeps, key: DemoKey, rows: StaffRow[], retired: Set<string>): number | null {
  const { db, sodium, now } = deps;
  const latest = latestManifest(db);
  let base: Manifest | null = null;
  if (latest) {
    const ours = bytesEqual(latest.signer, key.publicKey) && verifies(sodium, latest.signature, latest.manifest, key.publicKey);
    base = ours ? parseManifest(latest.manifest) : null;
    if (!base) {
      deps.logger.warn('the newest stored staff manifest is not signed by the demo organisation key: the demo manifest is not renewed');
      return null;
    }
  }
  const demo = rows.map(entryOf);
  const current = base !== null && base.expiresAt - now > DEMO_RESIGN_BEFORE_MS && demo.every((e) => base.entries.some((b) => sameEntry(b, e)))
    && !base.entries.some((e) => retired.has(e.staffId));
  if (current) return base!.version;
  const ids = new Set([...demo.map((e) => e.staffId), ...retired]);
  const version = (base?.version ?? 0) + 1;
  const manifest: Manifest = { version, issuedAt: now, expiresAt: now + MANIFEST_DEFAULT_VALIDITY_MS, entries: [...(base?.entries ?? []).filter((e) => !ids.has(e.staffId)), ...demo] };
  storeManifest(db, signManifest(sodium, manifest, key), version, now);
  deps.logger.info({ version }, 'signed a demo staff manifest with the demo organisation key');
  return version;
}

/**
 * The demo accounts (made on the first start, found again later), their manifest, and what to
 * print. An account an admin disabled or removed stays so: it is not made again, signed into the
 * manifest again, or printed.
 */
export async function prepareDemoOrganisation(deps: DemoDeps, key: DemoKey): Promise<DemoOrganisation> {
  const rowOf = (login: string): StaffRow | undefined => deps.db.select().from(staff).where(eq(staff.login, login)).get();
  const file = demoStaffFile(deps.config, key, (login) => rowOf(login) !== undefined);
  const accounts: DemoAccount[] = [];
  const rows: StaffRow[] = [];
  let recorded = false;
  const retired = new Set<string>();
  for (const spec of DEMO_ACCOUNTS) {
    const entry = file.accounts.find((a) => a.login === spec.login);
    let row = rowOf(spec.login);
    if (!row && entry?.staffId) {
      retired.add(entry.staffId);
      continue;
    }
    // demoStaffFile gave every login without an account a passphrase.
    row ??= await createDemoAccount(deps, spec, entry!.passphrase);
    if (entry && entry.staffId !== row.id) {
      entry.staffId = row.id;
      recorded = true;
    }
    if (row.disabledAt !== null) {
      retired.add(row.id);
      continue;
    }
    rows.push(row);
    accounts.push({ staffId: row.id, login: row.login, passphrase: entry?.passphrase ?? null, displayName: row.displayName, roles: row.roles as StaffRole[], languages: row.languages as Language[] });
  }
  if (recorded) writeSecretFile(join(deps.config.DATA_DIR, DEMO_STAFF_FILE), file);
  const manifestVersion = keepDemoManifest(deps, key, rows, retired) ?? 0;
  return { publicKey: toBase64Url(key.publicKey), keyFile: key.file, staffFile: join(deps.config.DATA_DIR, DEMO_STAFF_FILE), accounts, manifestVersion };
}

/** The lines `npm start` prints under its URL (the passphrases are for this local demo only). */
export function demoBanner(demo: DemoOrganisation, url: string): string {
  const base = url.replace(/\/$/, '');
  const width = Math.max(...demo.accounts.map((a) => a.login.length));
  const lines = demo.accounts.map((a) => {
    const where = a.roles.includes('psychologist') ? `${base}/${a.languages[0]}/staff` : `${base}/ru/staff`;
    const who = a.roles.includes('psychologist') ? `psychologist (${a.languages.join(', ')})` : a.roles.join(', ');
    const passphrase = a.passphrase ?? `unknown (${demo.staffFile} was removed: start on an empty DATA_DIR for new demo accounts)`;
    return `  ${a.login.padEnd(width)}  passphrase ${passphrase}  ${who.padEnd(17)} ${where}`;
  });
  return `Demo organisation (DEMO_CONTENT=true, for this computer only; key in ${demo.keyFile}):\n` +
    `  ask at ${base}/ru/app (or /kk/app, /en/app), then answer in the staff console as the psychologist of that language:\n` +
    `${lines.join('\n')}\n`;
}
