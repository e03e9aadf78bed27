import { isNull } from 'drizzle-orm';
import { staff } from '../db/schema.js';
import type { Db } from './db/connection.js';
import type { Sodium } from './protocol/sodium.js';
import { judgeLatestManifest, type ManifestState } from './staff/directory.js';
import { newestManifestVersion } from './staff/manifest-store.js';

// What `npm start` prints: where the service runs, and what is still missing before a
// consultation can reach a psychologist (the organisation key, an admin, a signed staff
// manifest that is not about to expire), each with the command that mends it. A newcomer reads
// this, not the logs.

const DAY = 86_400_000;
/** A manifest this close to its expiry is announced at every start. */
export const EXPIRY_WARNING_MS = 7 * DAY;

export interface StartState {
  /** An account with the admin role that is not disabled. */
  hasAdmin: boolean;
  /** Whether any manifest is stored (told apart even when no key is pinned to judge it). */
  hasManifest: boolean;
  manifest: ManifestState;
}

export function startState(db: Db, sodium: Sodium, orgPublicKey: Uint8Array | null): StartState {
  const active = db.select({ roles: staff.roles }).from(staff).where(isNull(staff.disabledAt)).all();
  return { hasAdmin: active.some((r) => r.roles.includes('admin')), hasManifest: newestManifestVersion(db) > 0, manifest: judgeLatestManifest(db, sodium, orgPublicKey) };
}

const date = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The lines printed at start: the URL and data file, whether consultations are on, then each missing piece with its remedy. */
export function startBanner(where: { url: string; dataFile: string }, state: StartState, now: number): string {
  // `off`: a consultation cannot reach anyone until it is mended. `todo`: worth doing, not blocking.
  const off: string[] = [];
  const todo: string[] = [];
  const m = state.manifest;
  if (m.state === 'no_key') {
    off.push('ORG_PUBLIC_KEY is not set: create the organisation key on an offline machine (npm run admin -- org-key init) and start with ORG_PUBLIC_KEY=<its public key>.');
  }
  if (!state.hasAdmin) todo.push(`No admin yet: npm run admin -- invite --role admin, then accept the code at ${where.url}staff.`);
  if (m.state === 'none' || (m.state === 'no_key' && !state.hasManifest)) {
    off.push('No signed staff manifest: npm run admin -- directory export --out proposal.json, then sign it offline and import it (README, "Signing the staff directory").');
  } else if (m.state === 'refused') {
    off.push(`The installed staff manifest (version ${m.version}) does not verify against ORG_PUBLIC_KEY (${m.reason}): export, sign with the organisation key and import a new one.`);
  } else if (m.state === 'valid' && m.manifest.expiresAt <= now) {
    off.push(`The staff manifest (version ${m.version}) expired on ${date(m.manifest.expiresAt)}: export, sign and import the next one.`);
  } else if (m.state === 'valid') {
    if (!m.manifest.entries.some((e) => e.roles.includes('psychologist') || e.roles.includes('school-psychologist'))) {
      off.push(`The staff manifest (version ${m.version}) lists no psychologist: invite one, and sign them into the next manifest.`);
    }
    const left = m.manifest.expiresAt - now;
    if (left > 0 && left <= EXPIRY_WARNING_MS) {
      const days = Math.ceil(left / DAY);
      todo.push(`The staff manifest expires in ${days} ${days === 1 ? 'day' : 'days'} (${date(m.manifest.expiresAt)}): export, sign and import the next one before then.`);
    }
  }
  const status = off.length > 0 ? 'Consultations are off until this is done:'
    : m.state === 'valid' ? `Consultations are on: staff manifest version ${m.version}, ${m.manifest.entries.length} staff, valid until ${date(m.manifest.expiresAt)}.` : '';
  return [`Tynys is running at ${where.url}`, `Data: ${where.dataFile}`, status, ...[...off, ...todo].map((l) => `  - ${l}`)].filter(Boolean).join('\n') + '\n';
}
