// The service benchmark (issue 9): the production build (dist/, built first if missing or older
// than the sources) runs as its own process on a fresh data directory with generated content;
// this process drives it with autocannon, and measures in the same run a bare node:http server
// answering the same bytes, and raw better-sqlite3 inserts of the same message rows.
//
//   npm run bench [-- --entries 100000 --duration 5 --out BENCHMARKS.md]
import autocannon, { type Result } from 'autocannon';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareFixture, type Fixture } from './fixture.js';
import { rawInserts } from './raw-inserts.js';
import { cpuSeconds, peakRss, startChild, type Child } from './server-process.js';
import { liveStreams } from './streams.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    streams: { type: 'string', default: '1000' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
    only: { type: 'string' },
    profile: { type: 'string' },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const POW_BITS = 8;
const POSTERS = 32;
const POSTS_PER_POSTER = 150;
const WARM_UP_POSTS = 50;
// Every limit raised far past the load: the figures are the service's, not the limiter's 429s.
const RATE_LIMITS = ['network', 'principal', 'mint', 'pow', 'search', 'login'].map((n) => `${n}=999999999/1m`).join(',');
const BENCH_LOG_LEVEL = 'info';
const log = (line: string): void => { process.stderr.write(`bench: ${line}\n`); };

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function ensureBuild(): void {
  const server = join(ROOT, 'dist/src/server.js');
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'db')));
  if (existsSync(server) && statSync(server).mtimeMs >= sources) return;
  log('building dist/ (npm run build)');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

interface Recorded { status: number; headers: Record<string, string | string[]>; body: string }

/** One real answer of the service, to be replayed byte for byte by the bare server. */
function record(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Recorded> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const kept: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined && !['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k)) kept[k] = v;
        }
        resolve({ status: res.statusCode ?? 0, headers: kept, body: Buffer.concat(chunks).toString('base64') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Row {
  name: string;
  result: Result;
  rssMiB: number;
  bare?: Result;
  /** Median over the rounds of service req/s ÷ bare req/s, and the lowest and highest round. */
  ratio?: { median: number; min: number; max: number };
  /** CPU time (user + system) each process spent per answered request, µs, in the median round. */
  cpuUs?: { service: number; bare: number };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rate = (r: Result): number => r['2xx'] / r.duration;

async function load(options: Parameters<typeof autocannon>[0]): Promise<Result> {
  return autocannon({ connections: CONNECTIONS, timeout: 30, ...options });
}

async function main(): Promise<void> {
  ensureBuild();
  const dir = mkdtempSync(join(tmpdir(), 'tynys-bench-service-'));
  let server: Child | null = null;
  let bare: Child | null = null;
  try {
    log('preparing the data directory');
    const fixture: Fixture = await prepareFixture({
      dir, entries: Number(values.entries), powBits: POW_BITS, mints: 3000, posters: POSTERS, postsPerPoster: POSTS_PER_POSTER * ROUNDS + WARM_UP_POSTS, streamedThreads: 32,
    }, log);
    log('starting node dist/src/server.js');
    server = await startChild(process.execPath, [...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []), join(ROOT, 'dist/src/server.js')], {
      // The child inherits this environment (PATH, locale); the service parses its own configuration.
      // eslint-disable-next-line no-restricted-properties
      ...process.env as Record<string, string>,
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, POW_BITS: String(POW_BITS), ORG_PUBLIC_KEY: fixture.orgPublicKey,
      DEMO_CONTENT: 'false', RATE_LIMITS, MAX_OPEN_THREADS: '5',
      // The default level, stated (the systemd unit runs at warn; neither writes a line per request:
      // those are debug, see app.ts).
      LOG_LEVEL: BENCH_LOG_LEVEL,
    }, /running at (http:\/\/\S+?)\/?\n/);
    const base = server.url;
    const startRss = server.rssMiB();

    // Cases answered the same every time: recorded once, replayed by the bare server.
    const getCases = [
      { name: '/healthz', paths: ['/healthz'] },
      { name: 'entry as JSON (/api/kb/entries/{id})', paths: [`/api/kb/entries/${fixture.entryId}`] },
      { name: 'entry page (/ru/entries/{id})', paths: [`/ru/entries/${fixture.entryId}`] },
      { name: 'home page (/ru/)', paths: ['/ru/'] },
      { name: `search at ${Number(values.entries).toLocaleString('en')} entries (/api/kb/search, ${fixture.searchQueries.length} queries in turn)`, paths: fixture.searchQueries.map((q) => `/api/kb/search?q=${encodeURIComponent(q)}&language=ru`) },
    ].filter((c) => !values.only || c.name.includes(values.only));
    const recorded: Record<string, Recorded> = {};
    for (const c of getCases) for (const p of c.paths) recorded[`GET ${p}`] = await record(base, 'GET', p);
    const mintBody = fixture.mints.pop()!;
    recorded['POST /api/identities'] = await record(base, 'POST', '/api/identities', { 'content-type': 'application/json' }, mintBody);
    for (const [k, r] of Object.entries(recorded)) if (r.status >= 300) throw new Error(`${k} answered ${r.status}: ${Buffer.from(r.body, 'base64').toString()}`);
    const recordFile = join(dir, 'recorded.json');
    writeFileSync(recordFile, JSON.stringify(recorded));
    bare = await startChild(process.execPath, [join(ROOT, 'scripts/bench/bare-server.mjs'), recordFile], { PATH: '' }, /listening on (\d+)/);
    const bareBase = `http://127.0.0.1:${bare.url}`;

    const rows: Row[] = [];
    const turn = (paths: string[]) => {
      let i = 0;
      return [{ method: 'GET', setupRequest: (req: { path?: string }) => ({ ...req, path: paths[i++ % paths.length]! }) }];
    };
    // Service and bare server take turns, ROUNDS times, the order swapped each round: on a shared
    // 2-core machine throughput drifts by ±15 % over a minute, so one run of each measures the
    // drift as much as the service. The ratio reported is the median round's.
    const measured = async (child: Child, url: string, paths: string[]) => {
      const before = cpuSeconds(child.pid);
      const { result, rssMiB } = await peakRss(child, () => load({ url, duration: DURATION, requests: turn(paths) }));
      return { result, rssMiB, cpuUs: ((cpuSeconds(child.pid) - before) * 1e6) / Math.max(1, result['2xx']) };
    };
    for (const c of getCases) {
      log(c.name);
      await load({ url: base, duration: 1, requests: turn(c.paths) }); // warm-up
      await load({ url: bareBase, duration: 1, requests: turn(c.paths) });
      const rounds: Array<{ service: Awaited<ReturnType<typeof measured>>; bare: Awaited<ReturnType<typeof measured>>; ratio: number }> = [];
      for (let r = 0; r < ROUNDS; r++) {
        const first = r % 2 === 0;
        const a = await measured(first ? server : bare, first ? base : bareBase, c.paths);
        const b = await measured(first ? bare : server, first ? bareBase : base, c.paths);
        const [service, bareRun] = first ? [a, b] : [b, a];
        rounds.push({ service, bare: bareRun, ratio: rate(service.result) / rate(bareRun.result) });
      }
      const ratios = rounds.map((x) => x.ratio);
      const mid = rounds.find((x) => x.ratio === median(ratios))!;
      rows.push({
        name: c.name, result: mid.service.result, rssMiB: Math.max(...rounds.map((x) => x.service.rssMiB)), bare: mid.bare.result,
        ratio: { median: mid.ratio, min: Math.min(...ratios), max: Math.max(...ratios) },
        cpuUs: { service: mid.service.cpuUs, bare: mid.bare.cpuUs },
      });
    }

    let mintRow: Row | null = null;
    if (!values.only || 'identity mint'.includes(values.only)) {
      log('identity mint');
      let next = 0;
      const mints = fixture.mints;
      const { result, rssMiB } = await peakRss(server, () => load({
        url: base, amount: mints.length, connections: 8,
        requests: [{ method: 'POST', path: '/api/identities', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, path: '/api/identities', body: mints[next++ % mints.length]! }) }],
      }));
      const bareResult = await load({ url: bareBase, duration: DURATION, connections: 8, requests: [{ method: 'POST', path: '/api/identities', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, path: '/api/identities', body: mintBody }) }] });
      mintRow = { name: `identity mint (POST /api/identities, proofs solved beforehand, POW_BITS=${POW_BITS})`, result, rssMiB, bare: bareResult };
    }

    type PostRound = { result: Result; rssMiB: number; perSecond: number; cpuUs: number; raw: { rows: number; perSecond: number }; ratio: number };
    let posts: { mid: PostRound; rounds: PostRound[] } | null = null;
    if (!values.only || 'message post'.includes(values.only)) {
      log('durable message posts');
      const posters = fixture.posters;
      const sent = posters.map(() => 0);
      // One round: POSTS_PER_POSTER messages per thread, one request in flight per thread, each
      // thread's messages in sequence (a thread is taken from the free list as a request is built
      // and put back when its answer arrives). Timed from the first request to the last answer:
      // autocannon's own duration in `amount` mode counts whole one-second ticks, which turned
      // 2.4 s of posting into 3.01 s.
      const postRound = async (perPoster: number) => {
        const free = posters.map((_, i) => i);
        const from = [...sent];
        const cpuBefore = cpuSeconds(server!.pid);
        const started = performance.now();
        let lastAnswer = started;
        const { result, rssMiB } = await peakRss(server!, () => load({
          url: base, connections: POSTERS, amount: POSTERS * perPoster,
          requests: [{
            method: 'POST',
            setupRequest: (req, context) => {
              const t = free.shift()!;
              context.thread = t;
              const p = posters[t]!;
              const body = p.bodies[Math.min(sent[t]!++, p.bodies.length - 1)]!;
              return { ...req, path: `/api/threads/${p.threadId}/messages`, headers: { 'content-type': 'application/json', authorization: `Bearer ${p.token}` }, body };
            },
            onResponse: (_status, _body, context) => { lastAnswer = performance.now(); free.push(context.thread as number); },
          }],
        }));
        const cpuUs = ((cpuSeconds(server!.pid) - cpuBefore) * 1e6) / Math.max(1, result['2xx']);
        return { result, rssMiB, cpuUs, perSecond: result['2xx'] / ((lastAnswer - started) / 1000), bodies: posters.map((p, t) => ({ ...p, bodies: p.bodies.slice(from[t], sent[t]) })) };
      };
      // Service and raw inserts take turns, as the GET cases do: the raw inserts of a round are the
      // rows its posts stored. The disk's speed drifts more than the service's from run to run.
      await postRound(WARM_UP_POSTS); // the post path compiled by the JIT, as the GET cases' 1 s warm-up does
      const rounds: PostRound[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        let raw: { rows: number; perSecond: number } | null = null;
        if (r % 2 === 1) raw = rawInserts(tmpdir(), posters.map((p, t) => ({ ...p, bodies: p.bodies.slice(sent[t], sent[t]! + POSTS_PER_POSTER) })));
        const service = await postRound(POSTS_PER_POSTER);
        raw ??= rawInserts(tmpdir(), service.bodies);
        rounds.push({ ...service, raw, ratio: service.perSecond / raw.perSecond });
      }
      const ratios = rounds.map((x) => x.ratio);
      posts = { mid: rounds.find((x) => x.ratio === median(ratios))!, rounds };
    }

    let streams: Awaited<ReturnType<typeof liveStreams>> & { rssMiB: number } | null = null;
    if (!values.only || 'streams'.includes(values.only)) {
      log(`${values.streams} live streams`);
      const { result, rssMiB } = await peakRss(server, () => liveStreams(base, fixture.streamed, Number(values.streams)));
      streams = { ...result, rssMiB };
    }
    const endRss = server.rssMiB();
    await server.stop();
    server = null;

    const f = (n: number, digits = 0): string => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    const line = (r: Row): string => {
      const codes = Object.entries(r.result.statusCodeStats).filter(([code]) => !code.startsWith('2')).map(([code, v]) => `${v.count}×${code}`);
      const errors = [...codes, ...(r.result.errors ? [`${r.result.errors} errors`] : [])].join(', ') || '0';
      const ratio = r.ratio ? `${f(r.ratio.median, 2)} (${f(r.ratio.min, 2)}–${f(r.ratio.max, 2)})` : r.bare ? f(rate(r.result) / rate(r.bare), 2) : '–';
      const cpu = r.cpuUs ? `${f(r.cpuUs.service)} / ${f(r.cpuUs.bare)}` : '–';
      return `| ${r.name} | ${f(rate(r.result))} | ${f(r.result.latency.p50, 1)} | ${f(r.result.latency.p99, 1)} | ${r.bare ? f(rate(r.bare)) : '–'} | ${ratio} | ${cpu} | ${f(r.rssMiB)} | ${errors} |`;
    };
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const postErrors = posts ? posts.rounds.flatMap((x) => [...Object.entries(x.result.statusCodeStats).filter(([code]) => !code.startsWith('2')).map(([code, v]) => `${v.count}×${code}`), ...(x.result.errors ? [`${x.result.errors} errors`] : [])]).join(', ') || '0' : '0';
    const section = `## Service (issue 9)

Command: \`npm run bench\` (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, \`nproc\` ${availableParallelism()}, ${cpu}).
The production build (\`node dist/src/server.js\`) runs as its own process on a fresh data directory holding
${Number(values.entries).toLocaleString('en')} generated entries (the search benchmark's generator) and the demo content; autocannon
drives it from the benchmark's process, ${CONNECTIONS} connections, ${DURATION} s per measurement after a 1 s warm-up. The bare server is a
\`node:http\` process answering each case's recorded bytes and headers, measured in the same run: for each GET case the two take
turns ${ROUNDS} times (order swapped each round), and the row shows the round with the median ratio, with the lowest and highest
ratio of the rounds in brackets. CPU µs/req is each process's user + system time (from /proc) over its answered requests. Rate limits raised for the
run (\`RATE_LIMITS=${RATE_LIMITS}\`) so that no answer is a 429; logging at the default level (\`LOG_LEVEL=${BENCH_LOG_LEVEL}\`: start-up, warnings and errors; request lines are \`debug\`).
Latency in ms; RSS is the server's peak during the case (${f(startRss)} MiB after start, ${f(endRss)} MiB at the end).

| case | req/s | p50 | p99 | bare node:http req/s | ratio (range) | CPU µs/req service / bare | server RSS MiB | non-2xx/errors |
|---|---|---|---|---|---|---|---|---|
${[...rows, ...(mintRow ? [mintRow] : [])].map(line).join('\n')}
${posts ? `
Durable message posts (POST /api/threads/{id}/messages, each padded, encrypted, signed and hash-chained beforehand with the protocol's functions; the server checks each with applyItem,
one sender per thread, ${POSTERS} threads on ${POSTERS} connections, ${f(POSTERS * POSTS_PER_POSTER)} messages per round after ${f(POSTERS * WARM_UP_POSTS)} to warm up; timed from the first request to the last answer),
against raw better-sqlite3 autocommit inserts of the same rows (WAL, \`synchronous=FULL\`, same schema, same disk), taking turns ${ROUNDS} times (order swapped each round):

| round | messages/s | p50 ms | p99 ms | server CPU µs/post | raw inserts/s | ratio |
|---|---|---|---|---|---|---|
${posts.rounds.map((x, i) => `| ${i + 1} | ${f(x.perSecond)} | ${f(x.result.latency.p50, 1)} | ${f(x.result.latency.p99, 1)} | ${f(x.cpuUs)} | ${f(x.raw.perSecond)} | ${f(x.ratio, 2)} |`).join('\n')}

Ratio (median round): **${f(posts.mid.ratio, 2)}** (range ${f(Math.min(...posts.rounds.map((x) => x.ratio)), 2)}–${f(Math.max(...posts.rounds.map((x) => x.ratio)), 2)}); peak RSS ${f(Math.max(...posts.rounds.map((x) => x.rssMiB)))} MiB, ${postErrors} non-2xx/errors.
` : ''}${streams ? `
Live streams: ${f(streams.streams)} Server-Sent-Event streams on ${fixture.streamed.length} threads (opened in ${f(streams.openMs)} ms), one message posted
to each thread: ${f(streams.delivered)} of ${f(streams.streams)} delivered; from the post to receipt p50 ${f(streams.p50, 1)} ms, p99 ${f(streams.p99, 1)} ms,
max ${f(streams.max, 1)} ms; server peak RSS ${f(streams.rssMiB)} MiB.
` : ''}`;
    process.stdout.write(`${section}\n`);
    if (!values.only) {
      const file = resolve(ROOT, values.out!);
      const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
      const marker = /## Service \(issue 9\)[\s\S]*?(?=\n## |$)/;
      writeFileSync(file, marker.test(current) ? current.replace(marker, section) : `${current.trimEnd()}\n\n${section}`);
      log(`written into ${values.out!}`);
    }
  } finally {
    await server?.stop();
    await bare?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
