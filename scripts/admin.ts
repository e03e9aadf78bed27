// The admin CLI: `npm run admin -- <command>`. It works on the same DATA_DIR as the server, except
// `org-key` and `directory sign`, which run on the offline machine holding the organisation key
// and open no database.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve, isAbsolute } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../src/config.js';
import { backupDatabase, restoreDatabase } from '../src/db/backup.js';
import { databaseFile, openDatabase, type Db } from '../src/db/connection.js';
import { loadPepper } from '../src/pepper.js';
import { staffRoleSchema, STAFF_ROLES, type StaffRole } from '../src/protocol/api/staff.js';
import { fromBase64Url, toBase64Url } from '../src/protocol/encoding.js';
import { manifestToWire, MANIFEST_DEFAULT_VALIDITY_MS, parseManifest } from '../src/protocol/manifest.js';
import { loadSodium } from '../src/protocol/sodium.js';
import { purgeExpired } from '../src/purge.js';
import { seedDemoContent } from '../src/knowledge/seed.js';
import {
  CeremonyError, importManifest, parseOrgKeyFile, previousForReview, proposalFile, proposeManifest, readProposal, readSignedManifest, reviewTable, signProposal,
} from '../src/staff/ceremony.js';
import { CLI_ACTOR } from '../src/staff/audit-log.js';
import { createStaffInvite } from '../src/staff/lifecycle.js';
import { STAFF_USAGE, staffCommand } from './staff-commands.js';

const USAGE = `Usage: npm run admin -- <command>

  invite --role ROLE [--role ROLE ...] [--json]   one-time staff invite, valid 72 hours
                                                  roles: ${STAFF_ROLES.join(', ')}
  org-key init [--out FILE]                       create the organisation signing key (keep it offline,
                                                  outside DATA_DIR; default ./tynys-org-key.json)
  org-key public --key FILE                       print the organisation public key
  directory export --out FILE [--days N]         write the unsigned staff manifest proposal (valid N days,
                                                  default 30) and print each entry's key fingerprint and change
  directory sign --in FILE --out FILE --key FILE  on the offline machine (no database): show the proposal,
      [--previous FILE] [--endorse-with FILE]     ask, sign it; --previous: your copy of the last signed
      [--yes]                                     manifest; --endorse-with: the old key, during a rotation
  directory import FILE                           verify a signed manifest against ORG_PUBLIC_KEY and install it
  purge                                           expire sessions, invites, closed threads, idle identities now
  seed                                            load the sample knowledge base (entries already there are kept)
  backup --out FILE                               online backup of the database (the server may run), verified
  restore --from FILE                             verify a backup and put it in place (stop the server first)
${STAFF_USAGE}  help                                            this text
`;

class UsageError extends Error {}

// Read on first use: `directory sign` and `org-key` need neither the environment's DATA_DIR nor a database.
let loaded: Config | undefined;
const config = (): Config => (loaded ??= loadConfig());
const openDb = (): Db => openDatabase(databaseFile(config().DATA_DIR));

interface OrgKeyFile {
  publicKey: string;
  privateKey: string;
}

function readFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CeremonyError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

const readOrgKey = (file: string) => parseOrgKeyFile(readFile(file), file);

/** Writes a file readable by its owner only, never over an existing one (a signed manifest or a key is not silently replaced). */
function writeNew(file: string, text: string): void {
  try {
    writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new CeremonyError(`${file} exists; choose another name or move it away`);
    throw err;
  }
}

/** Asks before signing: a yes typed at a terminal, or --yes. A pipe cannot answer, so it is refused rather than taken as consent. */
async function confirm(question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new CeremonyError('standard input is not a terminal, so nobody can confirm: read the table above, then run again with --yes');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} Type "yes" to sign: `);
    if (answer.trim().toLowerCase() !== 'yes') throw new CeremonyError('not signed');
  } finally {
    rl.close();
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'staff' || argv[0] === 'audit') {
    await staffCommand(argv, { openDb, pepper: () => loadPepper({ dataDir: config().DATA_DIR, fromEnv: config().PEPPER }), UsageError });
    return;
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string', multiple: true }, json: { type: 'boolean' }, out: { type: 'string' }, key: { type: 'string' }, from: { type: 'string' },
      in: { type: 'string' }, days: { type: 'string' }, previous: { type: 'string' }, 'endorse-with': { type: 'string' }, yes: { type: 'boolean' },
    },
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
    const invite = createStaffInvite(db, loadPepper({ dataDir: config().DATA_DIR, fromEnv: config().PEPPER }), CLI_ACTOR, unique, Date.now());
    db.$client.close();
    if (values.json) console.log(JSON.stringify(invite));
    else console.log(`Invite code for ${unique.join(', ')} (one use, until ${new Date(invite.expiresAt).toISOString()}):\n\n  ${invite.code}\n\nGive it to the person in private; they accept it in the staff console.`);
    return;
  }
  if (command === 'org-key' && sub === 'init') {
    const out = resolve(values.out ?? 'tynys-org-key.json');
    if (isInside(out, config().DATA_DIR)) throw new UsageError('the organisation key must be kept outside DATA_DIR (a copy of the data must not carry it)');
    if (existsSync(out)) throw new UsageError(`${out} exists; refusing to overwrite an organisation key`);
    const sodium = await loadSodium();
    const pair = sodium.crypto_sign_keypair();
    const file: OrgKeyFile = { publicKey: toBase64Url(pair.publicKey), privateKey: toBase64Url(pair.privateKey) };
    writeFileSync(out, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    console.log(`Organisation key written to ${out} (mode 0600). Keep it offline.\nPublic key (set it as ORG_PUBLIC_KEY: clients trust only staff manifests it signed):\n\n  ${file.publicKey}`);
    return;
  }
  if (command === 'org-key' && sub === 'public') {
    if (!values.key) throw new UsageError('org-key public needs --key FILE');
    console.log(toBase64Url(readOrgKey(values.key).publicKey));
    return;
  }
  if (command === 'directory' && sub === 'export') {
    if (!values.out) throw new UsageError('directory export needs --out FILE');
    const days = values.days === undefined ? MANIFEST_DEFAULT_VALIDITY_MS / 86_400_000 : Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 366) throw new UsageError('--days: a whole number of days, 1 to 366');
    const db = openDb();
    try {
      const { manifest, previous } = proposeManifest(db, Date.now(), days * 86_400_000);
      writeNew(resolve(values.out), JSON.stringify(proposalFile(manifest, previous), null, 2) + '\n');
      // The stored manifest was verified when it was imported.
      const none = manifest.entries.length === 0 ? '\nNo staff account exists yet: each person first accepts an invite in the staff console (/staff).' : '';
      console.log(`${reviewTable(manifest, previous ? parseManifest(previous.manifest) : null)}\n${none}\nProposal written to ${values.out} (unsigned).` +
        '\nCompare each fingerprint with its person (their staff console shows it), then sign on the offline machine:' +
        `\n  npm run admin -- directory sign --in ${values.out} --out signed.json --key org-key.json`);
    } finally {
      db.$client.close();
    }
    return;
  }
  if (command === 'directory' && sub === 'sign') {
    if (!values.in || !values.out || !values.key) throw new UsageError('directory sign needs --in PROPOSAL --out SIGNED --key ORG-KEY');
    const key = readOrgKey(values.key);
    const old = values['endorse-with'] ? readOrgKey(values['endorse-with']) : undefined;
    const sodium = await loadSodium();
    const proposal = readProposal(readFile(values.in), values.in);
    const previous = values.previous ? readSignedManifest(readFile(values.previous), values.previous) : proposal.previous;
    const review = previousForReview(sodium, previous, old ? [key.publicKey, old.publicKey] : [key.publicKey], proposal.manifest);
    // The table is computed here from the proposal's own bytes: what is shown is what gets signed.
    console.log(`${review.note}\n\n${reviewTable(proposal.manifest, review.before)}\n`);
    const signed = signProposal(sodium, proposal.manifest, key, Date.now(), old);
    await confirm(`Sign version ${proposal.manifest.version} with organisation key ${toBase64Url(key.publicKey)}${old ? ', endorsed by the old key' : ''}?`, values.yes);
    writeNew(resolve(values.out), JSON.stringify(manifestToWire(signed), null, 2) + '\n');
    console.log(`Signed manifest written to ${values.out}. Carry it to the server and run: npm run admin -- directory import ${values.out}`);
    return;
  }
  if (command === 'directory' && sub === 'import') {
    const file = positionals[2];
    if (!file) throw new UsageError('directory import needs the signed manifest FILE');
    if (!config().ORG_PUBLIC_KEY) throw new CeremonyError('ORG_PUBLIC_KEY is not set: the manifest is verified against it (npm run admin -- org-key public --key FILE)');
    const signed = readSignedManifest(readFile(file), file);
    const db = openDb();
    try {
      const manifest = importManifest(db, await loadSodium(), signed, { pinned: fromBase64Url(config().ORG_PUBLIC_KEY!)!, now: Date.now() });
      console.log(`Installed staff manifest version ${manifest.version} (${manifest.entries.length} ${manifest.entries.length === 1 ? 'entry' : 'entries'}, expires ${new Date(manifest.expiresAt).toISOString()}). The server serves it from now on.`);
    } finally {
      db.$client.close();
    }
    return;
  }
  if (command === 'purge') {
    const db = openDb();
    console.log(JSON.stringify(purgeExpired(db, config(), Date.now())));
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
    const verdict = restoreDatabase(resolve(values.from), databaseFile(config().DATA_DIR));
    if (!verdict.ok) throw new UsageError(`not restored: ${verdict.reason}`);
    console.log(`Restored ${databaseFile(config().DATA_DIR)} from ${values.from}. Start the server; the pepper in DATA_DIR must be the one the backup was made with.`);
    return;
  }
  throw new UsageError(`unknown command "${positionals.join(' ')}"`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof CeremonyError) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
  if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
    console.error(`error: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
});
