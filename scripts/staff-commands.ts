// `npm run admin -- staff …` and `… audit`: the staff lifecycle from the command line, on the
// same DATA_DIR as the server. Acts are recorded in the audit log with the actor `cli`.
import { parseArgs } from 'node:util';
import { eq, or } from 'drizzle-orm';
import { staff } from '../db/schema.js';
import type { Db } from '../src/db/connection.js';
import { AppError } from '../src/errors.js';
import type { Pepper } from '../src/pepper.js';
import { languageSchema, type Language } from '../src/protocol/api/common.js';
import { staffRoleSchema, STAFF_ROLES, type StaffRole } from '../src/protocol/api/staff.js';
import { CLI_ACTOR, listStaffAudit } from '../src/staff/audit-log.js';
import {
  createResetInvite, disableStaff, enableStaff, fingerprintOf, listStaff, logOutEverywhere, removeStaff, staffIsActive, updateStaff, type LifecycleDeps,
} from '../src/staff/lifecycle.js';
import { ThreadEvents } from '../src/threads/events.js';
import { threadAccess } from '../src/threads/revocation.js';

export const STAFF_USAGE = `  staff list [--json]                             every staff account, with key fingerprint and state
  staff disable|enable|remove LOGIN               disable (sessions revoked, login refused), enable, delete
  staff set LOGIN --role R... --language L...     replace roles and languages (ru, kk, en)
  staff reset LOGIN                               one-time code to set a new passphrase and new keys
  staff logout LOGIN                              revoke every session of the member
  audit [--limit N] [--before ID] [--json]        the staff audit log, newest first
`;

interface Context {
  openDb: () => Db;
  pepper: () => Pepper;
  UsageError: new (message: string) => Error;
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

/** Runs a `staff` or `audit` command (argv starts with it). */
export async function staffCommand(argv: string[], ctx: Context): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string', multiple: true }, language: { type: 'string', multiple: true }, json: { type: 'boolean' },
      limit: { type: 'string' }, before: { type: 'string' },
    },
  });
  const [command, sub, target] = positionals;
  const db = ctx.openDb();
  try {
    if (command === 'audit') {
      const limit = Number(values.limit ?? 50);
      const before = values.before === undefined ? undefined : Number(values.before);
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new ctx.UsageError('--limit is a number from 1 to 1000');
      if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) throw new ctx.UsageError('--before is an audit entry id');
      const page = listStaffAudit(db, { before, limit });
      if (values.json) console.log(JSON.stringify(page));
      else for (const e of page.entries) console.log(`${e.id}\t${iso(e.at)}\t${e.actor}\t${e.action}\t${e.subject ?? '-'}\t${e.detail ? JSON.stringify(e.detail) : ''}`);
      return;
    }
    if (sub === 'list') {
      const rows = listStaff(db);
      if (values.json) {
        console.log(JSON.stringify(rows.map((r) => ({
          staffId: r.id, login: r.login, displayName: r.displayName, roles: r.roles, languages: r.languages, fingerprint: fingerprintOf(r), disabledAt: r.disabledAt,
        }))));
      } else {
        for (const r of rows) console.log(`${r.login}\t${r.id}\t${r.roles.join(',')}\t${r.languages.join(',')}\t${fingerprintOf(r)}\t${r.disabledAt === null ? 'active' : `disabled ${iso(r.disabledAt)}`}`);
      }
      return;
    }
    if (!target) throw new ctx.UsageError(`staff ${sub ?? ''} needs a LOGIN (or staff id)`);
    const row = db.select().from(staff).where(or(eq(staff.login, target), eq(staff.id, target))).get();
    if (!row) throw new ctx.UsageError(`no staff member "${target}"`);
    // A running server's streams are not told from here: they end at their next heartbeat (15 s), when the session is found gone.
    const deps: LifecycleDeps = { db, pepper: ctx.pepper(), threads: threadAccess(db, new ThreadEvents(), (id) => staffIsActive(db, id)) };
    const now = Date.now();
    const who = `${row.login} (${row.id})`;
    if (sub === 'disable') {
      disableStaff(deps, CLI_ACTOR, row.id, now);
      console.log(`Disabled ${who}: sessions revoked, login refused. Their entry leaves the next signed manifest; export, sign and import one.`);
    } else if (sub === 'enable') {
      enableStaff(deps, CLI_ACTOR, row.id, now);
      console.log(`Enabled ${who}. Clients trust them again once a signed manifest lists them.`);
    } else if (sub === 'remove') {
      const result = removeStaff(deps, CLI_ACTOR, row.id, now);
      console.log(`Removed ${who}: ${result.heldThreads} held thread(s) marked for their askers, ${result.casesErased} case thread(s) erased.`);
    } else if (sub === 'set') {
      const roles = [...new Set((values.role ?? []).map((r) => parsed(staffRoleSchema, r, `unknown role "${r}"; roles: ${STAFF_ROLES.join(', ')}`, ctx)))] as StaffRole[];
      const languages = [...new Set((values.language ?? []).map((l) => parsed(languageSchema, l, `unknown language "${l}"; languages: ru, kk, en`, ctx)))] as Language[];
      if (roles.length === 0 || languages.length === 0) throw new ctx.UsageError('staff set needs at least one --role and one --language');
      const updated = updateStaff(deps, CLI_ACTOR, row.id, { roles, languages }, now);
      console.log(`${who}: roles ${updated.roles.join(', ')}; languages ${updated.languages.join(', ')}. Clients see it from the next signed manifest.`);
    } else if (sub === 'reset') {
      const invite = createResetInvite(deps, CLI_ACTOR, row.id, now);
      console.log(`Reset code for ${who} (one use, until ${iso(invite.expiresAt)}):\n\n  ${invite.code}\n\nThey enter it in the staff console ("Accept an invite") with a new passphrase. Their new keys are trusted only once a signed manifest lists them: compare the fingerprint the console shows them with the one \`directory export\` prints.`);
    } else if (sub === 'logout') {
      logOutEverywhere(deps, CLI_ACTOR, row.id, now);
      console.log(`Revoked every session of ${who}.`);
    } else {
      throw new ctx.UsageError(`unknown command "staff ${sub ?? ''}"`);
    }
  } catch (err) {
    // The lifecycle's refusals (last admin, already disabled…) are the operator's to read, not a crash.
    if (err instanceof AppError) throw new ctx.UsageError(`${err.code}: ${err.message}`);
    throw err;
  } finally {
    db.$client.close();
  }
}

function parsed<T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false } }, value: string, message: string, ctx: Context): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ctx.UsageError(message);
  return result.data;
}
