// The admin CLI: `npm run admin -- <command>`. It works on the same DATA_DIR as the server.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve, isAbsolute } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { backupDatabase, restoreDatabase } from '../src/db/backup.js';
import { databaseFile, openDatabase, type Db } from '../src/db/connection.js';
import { loadPepper } from '../src/pepper.js';
import { staffRoleSchema, STAFF_ROLES, type StaffRole } from '../src/protocol/api/staff.js';
import { fromBase64Url, toBase64Url } from '../src/protocol/encoding.js';
import { loadSodium } from '../src/protocol/sodium.js';
import { purgeExpired } from '../src/purge.js';
import { seedDemoContent } from '../src/knowledge/seed.js';
import { signDirectory } from '../src/staff/service.js';
import { CLI_ACTOR } from '../src/staff/audit-log.js';
import { createStaffInvite } from '../src/staff/lifecycle.js';
import { STAFF_USAGE, staffCommand } from './staff-commands.js';

const USAGE = `Usage: npm run admin -- <command>

  invite --role ROLE [--role ROLE ...] [--json]   one-time staff invite, valid 72 hours
                                                  roles: ${STAFF_ROLES.join(', ')}
  org-key init [--out FILE]                       create the organisation signing key (keep it offline,
                                                  outside DATA_DIR; default ./tynys-org-key.json)
  org-key public --key FILE                       print the organisation public key
  directory sign --key FILE                       sign every staff entry into the directory
  purge                                           expire sessions, invites, closed threads, idle identities now
  seed                                            load the sample knowledge base (entries already there are kept)
  backup --out FILE                               online backup of the database (the server may run), verified
  restore --from FILE                             verify a backup and put it in place (stop the server first)
${STAFF_USAGE}  help                                            this text
`;

class UsageError extends Error {}

const config = loadConfig();
const openDb = (): Db => openDatabase(databaseFile(config.DATA_DIR));

interface OrgKeyFile {
  publicKey: string;
  privateKey: string;
}

function readOrgKey(file: string): { publicKey: Uint8Array; privateKey: Uint8Array } {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<OrgKeyFile>;
  const publicKey = fromBase64Url(parsed.publicKey ?? '');
  const privateKey = fromBase64Url(parsed.privateKey ?? '');
  if (!publicKey || publicKey.length !== 32 || !privateKey || privateKey.length !== 64) throw new UsageError(`${file} is not an organisation key file`);
  return { publicKey, privateKey };
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'staff' || argv[0] === 'audit') {
    await staffCommand(argv, { openDb, pepper: () => loadPepper({ dataDir: config.DATA_DIR, fromEnv: config.PEPPER }), UsageError });
    return;
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string', multiple: true }, json: { type: 'boolean' }, out: { type: 'string' }, key: { type: 'string' }, from: { type: 'string' } },
  });
  const [command, sub] = positionals;

  if (!command || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command === 'invite') {
    const roles = (values.role ?? []).map((r) => {
      const parsed = staffRoleSchema.safeParse(r);
      if (!parsed.success) throw new UsageError(`unknown role "${r}"; roles: ${STAFF_ROLES.join(', ')}`);
      return parsed.data;
    });
    if (roles.length === 0) throw new UsageError(`invite needs at least one --role (${STAFF_ROLES.join(', ')})`);
    const unique = [...new Set(roles)] as StaffRole[];
    const db = openDb();
    const invite = createStaffInvite(db, loadPepper({ dataDir: config.DATA_DIR, fromEnv: config.PEPPER }), CLI_ACTOR, unique, Date.now());
    db.$client.close();
    if (values.json) console.log(JSON.stringify(invite));
    else console.log(`Invite code for ${unique.join(', ')} (one use, until ${new Date(invite.expiresAt).toISOString()}):\n\n  ${invite.code}\n\nGive it to the person in private; they accept it in the staff console.`);
    return;
  }
  if (command === 'org-key' && sub === 'init') {
    const out = resolve(values.out ?? 'tynys-org-key.json');
    if (isInside(out, config.DATA_DIR)) throw new UsageError('the organisation key must be kept outside DATA_DIR (a copy of the data must not carry it)');
    if (existsSync(out)) throw new UsageError(`${out} exists; refusing to overwrite an organisation key`);
    const sodium = await loadSodium();
    const pair = sodium.crypto_sign_keypair();
    const file: OrgKeyFile = { publicKey: toBase64Url(pair.publicKey), privateKey: toBase64Url(pair.privateKey) };
    writeFileSync(out, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    console.log(`Organisation key written to ${out} (mode 0600). Keep it offline.\nPublic key (pin it in the client build: clients trust only directory entries it signed):\n\n  ${file.publicKey}`);
    return;
  }
  if (command === 'org-key' && sub === 'public') {
    if (!values.key) throw new UsageError('org-key public needs --key FILE');
    console.log(toBase64Url(readOrgKey(values.key).publicKey));
    return;
  }
  if (command === 'directory' && sub === 'sign') {
    if (!values.key) throw new UsageError('directory sign needs --key FILE');
    const key = readOrgKey(values.key);
    const db = openDb();
    const n = signDirectory(db, await loadSodium(), key.privateKey);
    db.$client.close();
    console.log(`Signed ${n} directory ${n === 1 ? 'entry' : 'entries'}.`);
    return;
  }
  if (command === 'purge') {
    const db = openDb();
    console.log(JSON.stringify(purgeExpired(db, config, Date.now())));
    db.$client.close();
    return;
  }
  if (command === 'seed') {
    const db = openDb();
    console.log(JSON.stringify(seedDemoContent(db, Date.now())));
    db.$client.close();
    return;
  }
  if (command === 'backup') {
    if (!values.out) throw new UsageError('backup needs --out FILE');
    const db = openDb();
    try {
      const info = await backupDatabase(db, resolve(values.out));
      console.log(JSON.stringify(info));
    } finally {
      db.$client.close();
    }
    return;
  }
  if (command === 'restore') {
    if (!values.from) throw new UsageError('restore needs --from FILE');
    const verdict = restoreDatabase(resolve(values.from), databaseFile(config.DATA_DIR));
    if (!verdict.ok) throw new UsageError(`not restored: ${verdict.reason}`);
    console.log(`Restored ${databaseFile(config.DATA_DIR)} from ${values.from}. Start the server; the pepper in DATA_DIR must be the one the backup was made with.`);
    return;
  }
  throw new UsageError(`unknown command "${positionals.join(' ')}"`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
    console.error(`error: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
});
