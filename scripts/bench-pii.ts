// Personal-data detector benchmark (issue 13): times detectPersonalData on a 2,000-character
// question against two baselines in the same run — a plain regex scan of the same text (one pass
// over its words and numbers, the least any detector reads) and the detector as it was before
// issue 13 (taken from git) — and measures what the detector adds to the browser bundle.
// Writes the figures into BENCHMARKS.md.
//
//   npm run bench:pii [-- --rounds 5000 --old 29d477f --out BENCHMARKS.md]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { detectPersonalData } from '../src/protocol/pii.js';
import { NEGATIVES } from '../test/protocol/pii-labelled.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5000' },
    // The commit this work started from: its src/protocol/pii.ts is the detector before issue 13.
    old: { type: 'string', default: '29d477f' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
  },
});
const ROUNDS = Number(values.rounds);
const ROOT = join(import.meta.dirname, '..');

type Detector = (text: string) => unknown;

/** A question of exactly 2,000 characters: ordinary questions from the labelled set, with or without personal data in it. */
function question(withPersonalData: boolean): string {
  const extra = withPersonalData ? ['Меня зовут Айгерим Серикова, живу в Шымкенте.', 'Мой номер 8 701 234 56 78, пишите в тг: aigerim_kz.'] : [];
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < 2000; i++) {
    const next = i % 9 === 4 && extra.length > 0 ? extra.shift()! : NEGATIVES[(i * 37) % NEGATIVES.length]!;
    parts.push(next);
    length += next.length + 1;
  }
  return parts.join(' ').slice(0, 2000);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const us = (ms: number): string => (ms * 1000).toFixed(0);

/** The detector before issue 13, from git; null when git cannot give it. */
async function oldDetector(dir: string): Promise<Detector | null> {
  try {
    const source = execFileSync('git', ['show', `${values.old}:src/protocol/pii.ts`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const file = join(dir, 'old-pii.ts');
    writeFileSync(file, source);
    const mod = (await import(pathToFileURL(file).href)) as { detectPersonalData: Detector };
    return mod.detectPersonalData;
  } catch {
    return null;
  }
}

/** Minified and gzipped size of a module bundled for the browser, in bytes. */
async function bundledSize(entry: string): Promise<{ raw: number; gzip: number }> {
  const result = await build({ entryPoints: [entry], bundle: true, write: false, minify: true, format: 'esm', platform: 'browser', target: ['es2022'], logLevel: 'silent' });
  const code = result.outputFiles[0]!.contents;
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

// One regex pass over the words, numbers and @ signs: the least a detector has to read.
const scan: Detector = (text) => text.match(/[\p{L}\p{N}]+|@/gu)?.length ?? 0;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tynys-bench-pii-'));
  const clean = question(false);
  const dirty = question(true);
  if (clean.length !== 2000 || dirty.length !== 2000) throw new Error('the questions must be 2,000 characters');

  const firstStart = performance.now();
  detectPersonalData(clean);
  const firstMs = performance.now() - firstStart;

  const old = await oldDetector(dir);
  const detectors: [string, Detector][] = [['detector (issue 13)', detectPersonalData], ['plain regex scan (baseline)', scan]];
  if (old) detectors.push(['detector before issue 13 (baseline)', old]);

  const rows: string[] = [];
  const aim = new Map<string, { p50: number; p99: number }>();
  for (const [label, text] of [['no personal data', clean], ['a name, a town, a phone and a handle', dirty]] as const) {
    for (const [, detect] of detectors) for (let i = 0; i < 500; i++) detect(text);
    const times = detectors.map(() => [] as number[]);
    // Interleaved, so that the machine's other load falls on all of them alike.
    for (let r = 0; r < ROUNDS; r++) {
      detectors.forEach(([, detect], k) => {
        const start = performance.now();
        detect(text);
        times[k]!.push(performance.now() - start);
      });
    }
    detectors.forEach(([name], k) => {
      const sorted = times[k]!.sort((a, b) => a - b);
      const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
      if (k === 0) aim.set(label, { p50: percentile(sorted, 50), p99: percentile(sorted, 99) });
      rows.push(`| ${label} | ${name} | ${us(percentile(sorted, 50))} | ${us(percentile(sorted, 99))} | ${us(mean)} |`);
    });
  }
  const found = detectPersonalData(dirty).map((s) => s.kind).join(', ');

  const newSize = await bundledSize(join(ROOT, 'src/protocol/pii.ts'));
  let oldSize: { raw: number; gzip: number } | null = null;
  if (old) oldSize = await bundledSize(join(dir, 'old-pii.ts'));
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const section = `## PII detector (issue 13)

Command: \`npm run bench:pii -- --rounds ${ROUNDS}\` (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpu}).
Input: a question of 2,000 characters made of ordinary questions from the labelled set (\`test/protocol/pii-labelled.ts\`),
once as it is and once with personal data in it (found: ${found}). ${ROUNDS} calls of each, interleaved with the
baselines after 500 warm-up calls, in microseconds. The baselines: one regex pass over the same text's words and numbers
(\`/[\\p{L}\\p{N}]+|@/gu\`, the least any detector reads) and the detector before issue 13 (\`${values.old}:src/protocol/pii.ts\`${old ? '' : ', not available in this run'}).

| question | detector | p50 | p99 | mean |
|---|---|---|---|---|
${rows.join('\n')}

Aim: under 1 ms for a 2,000-character question. ${[...aim].map(([label, a]) => `${label}: p50 ${us(a.p50)} µs (${a.p50 < 1 ? 'under' : 'over'}), p99 ${us(a.p99)} µs (${a.p99 < 1 ? 'under' : 'over'})`).join('; ')}. The first call
also builds the word lists (place and given names in all their generated case forms): ${firstMs.toFixed(0)} ms, once per process
or page.

The detector bundled alone for the browser (esbuild, minified): ${kb(newSize.raw)} raw, ${kb(newSize.gzip)} gzipped${oldSize ? `; before issue 13 ${kb(oldSize.raw)} raw, ${kb(oldSize.gzip)} gzipped (+${kb(newSize.gzip - oldSize.gzip)} gzipped)` : ''}.
`;
  const file = values.out!;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nFigures from scripts in `scripts/`, each run on one machine against a baseline in the same run.\n\n';
  const next = current.includes('## PII detector (issue 13)')
    ? current.replace(/## PII detector \(issue 13\)[\s\S]*?(?=\n## |$)/, section)
    : `${current.trimEnd()}\n\n${section}`;
  writeFileSync(file, next);
  process.stdout.write(section);
  rmSync(dir, { recursive: true, force: true });
}

await main();
