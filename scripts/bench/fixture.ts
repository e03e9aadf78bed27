import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { checkpoint, databaseFile, openDatabase } from '../../src/db/connection.js';
import { seedDemoContent } from '../../src/knowledge/seed.js';
import { ensureDefaultTags } from '../../src/knowledge/tags.js';
import { loadPepper } from '../../src/pepper.js';
import { ProofOfWork } from '../../src/pow/service.js';
import { fromBase64Url, randomBytes, toBase64Url } from '../../src/protocol/encoding.js';
import { deriveAskerKeys } from '../../src/protocol/kdf.js';
import { solveProofOfWork } from '../../src/protocol/pow.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';
import { startServer } from '../../test/support/server.js';
import { draftThread, TranscriptWriter, type Recipient, type Signer } from '../../test/support/transcript.js';
import { indexCorpus, insertCorpus } from './corpus.js';

// Everything the benchmark sends, made before the measured server starts, so that only the
// server's work is timed: a data directory with the generated knowledge base, a verified
// psychologist, askers with open threads (a genesis each, signed with the protocol's functions),
// messages already padded, encrypted, signed and chained by hash, and proofs of work already solved.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Poster {
  token: string;
  threadId: string;
  senderId: string;
  /** JSON bodies of POST /api/threads/{id}/messages, sequence 1, 2, 3, …, each naming the hash of the one before. */
  bodies: string[];
}

export interface Fixture {
  orgPublicKey: string;
  entryId: string;
  searchQueries: string[];
  /** JSON bodies of POST /api/identities, each with its own solved challenge. */
  mints: string[];
  /** One thread per autocannon connection for the durable posts. */
  posters: Poster[];
  /** Threads followed by the live streams, one message (sequence 1) each. */
  streamed: Poster[];
}

export interface FixtureOptions {
  dir: string;
  entries: number;
  powBits: number;
  mints: number;
  posters: number;
  postsPerPoster: number;
  streamedThreads: number;
}

/** The corpus is slow to index (about a minute at 100k); it is built once per code version and copied. */
function corpusDatabase(entries: number, log: (line: string) => void): string {
  const hash = createHash('sha256');
  for (const f of readdirSync(join(ROOT, 'db/migrations')).filter((f) => f.endsWith('.sql')).sort()) hash.update(readFileSync(join(ROOT, 'db/migrations', f)));
  for (const f of ['scripts/bench/corpus.ts', 'src/knowledge/search-index.ts', 'src/knowledge/text.ts', 'src/knowledge/kazakh-stem.ts', 'src/knowledge/tags.ts']) hash.update(readFileSync(join(ROOT, f)));
  const file = join(tmpdir(), `tynys-bench-corpus-${entries}-${hash.digest('hex').slice(0, 12)}.db`);
  if (existsSync(file)) return file;
  log(`generating ${entries.toLocaleString('en')} entries and their search index (once; cached in ${file})`);
  const building = `${file}.building`;
  rmSync(building, { force: true });
  const db = openDatabase(building);
  ensureDefaultTags(db);
  indexCorpus(db, insertCorpus(db, entries));
  checkpoint(db);
  db.$client.pragma('journal_mode = DELETE');
  db.$client.close();
  renameSync(building, file);
  return file;
}

/** An asker minted over HTTP as a client would: proof of work solved, keys from a fresh recovery secret. */
async function mintAsker(url: string, sodium: Sodium): Promise<{ token: string; signer: Signer }> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const keys = deriveAskerKeys(sodium, randomBytes(16));
  const ch = await post('/api/pow/challenges', { purpose: 'identity' }) as { challenge: string; bits: number };
  const minted = await post('/api/identities', {
    authKey: toBase64Url(keys.authKey), boxPublicKey: toBase64Url(keys.box.publicKey), signPublicKey: toBase64Url(keys.sign.publicKey),
    pow: { challenge: ch.challenge, counter: solveProofOfWork(fromBase64Url(ch.challenge)!, ch.bits)! },
  }) as { identityId: string; token: string };
  return { token: minted.token, signer: { id: minted.identityId, box: keys.box, sign: keys.sign } };
}

const TEXTS = ['Здравствуйте. Мне трудно спать уже вторую неделю, и тревога не отпускает.', 'Спасибо, что написали. Расскажите, что обычно происходит перед сном?'];

export async function prepareFixture(options: FixtureOptions, log: (line: string) => void): Promise<Fixture> {
  copyFileSync(corpusDatabase(options.entries, log), databaseFile(options.dir));
  const generous = loadConfig({ RATE_LIMITS: 'network=999999999/1m,principal=999999999/1m,mint=999999999/1m,pow=999999999/1m' }).RATE_LIMITS;
  const server = await startServer({ DATA_DIR: options.dir, LOG_LEVEL: 'silent', RATE_LIMITS: generous, MAX_OPEN_THREADS: 5 });
  try {
    seedDemoContent(server.db, Date.now());
    const entryId = (server.db.$client.prepare("SELECT id FROM kb_entries WHERE sample_key IS NOT NULL AND language = 'ru' AND answer IS NOT NULL ORDER BY num LIMIT 1").get() as { id: string }).id;
    const words = new Set<string>();
    for (const r of server.db.$client.prepare("SELECT title FROM kb_entries WHERE sample_key IS NOT NULL AND language = 'ru'").all() as { title: string }[]) {
      for (const w of r.title.toLowerCase().split(/[^\p{L}]+/u)) if (w.length >= 6) words.add(w);
    }
    const searchQueries = [...words].slice(0, 40);

    await server.addStaff(['psychologist'], ['ru'], 'bench-psychologist');
    const sodium = await loadSodium();
    const psychologist = server.db.$client.prepare("SELECT id, box_public_key AS box, sign_public_key AS sign FROM staff WHERE login = 'bench-psychologist'").get() as { id: string; box: Buffer; sign: Buffer };
    const pool: Recipient[] = [{ id: psychologist.id, boxPublicKey: new Uint8Array(psychologist.box), signPublicKey: new Uint8Array(psychologist.sign) }];
    const makeThreads = async (count: number, perThread: number): Promise<Poster[]> => {
      const out: Poster[] = [];
      for (let i = 0; i < count; i++) {
        const asker = await mintAsker(server.url, sodium);
        const draft = draftThread(sodium, asker.signer, pool, { topic: 'sleep' });
        const opened = await fetch(`${server.url}/api/threads`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${asker.token}` }, body: JSON.stringify(draft.body) });
        if (opened.status !== 201) throw new Error(`open thread: HTTP ${opened.status}`);
        // One poster's bodies chain: each is signed over the hash of the one before, so they are
        // all signed here, in order, as if each had been stored.
        const w = new TranscriptWriter(sodium, draft);
        const bodies: string[] = [];
        for (let seq = 1; seq <= perThread; seq++) {
          const item = w.message(asker.signer, TEXTS[seq % 2]);
          w.advance(item);
          bodies.push(JSON.stringify(item.body));
        }
        out.push({ token: asker.token, threadId: draft.threadId, senderId: asker.signer.id, bodies });
      }
      return out;
    };
    // Spare messages per thread: autocannon's connections do not all finish at the same count.
    const posters = await makeThreads(options.posters, Math.ceil(options.postsPerPoster * 1.5));
    const streamed = await makeThreads(options.streamedThreads, 1);

    // Challenges are MACed with the pepper and written nowhere, so they can be issued here for the
    // server that starts next on the same pepper; a fresh issuer every 20 keeps the quiet difficulty.
    const pepper = loadPepper({ dataDir: options.dir });
    const mints: string[] = [];
    let pow = new ProofOfWork(pepper, options.powBits);
    for (let i = 0; i < options.mints; i++) {
      if (i % 20 === 0) pow = new ProofOfWork(pepper, options.powBits);
      const ch = pow.issue('identity', Date.now());
      const counter = solveProofOfWork(fromBase64Url(ch.challenge)!, ch.bits)!;
      const box = sodium.crypto_box_keypair();
      const sign = sodium.crypto_sign_keypair();
      mints.push(JSON.stringify({
        authKey: toBase64Url(sodium.randombytes_buf(32)), boxPublicKey: toBase64Url(box.publicKey), signPublicKey: toBase64Url(sign.publicKey),
        pow: { challenge: ch.challenge, counter },
      }));
    }
    return { orgPublicKey: toBase64Url(server.org.publicKey), entryId, searchQueries, mints, posters, streamed };
  } finally {
    await server.stop();
  }
}
