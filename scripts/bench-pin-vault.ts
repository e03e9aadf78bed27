// How long the PIN vault's Argon2id takes (src/client/pin-vault.ts, PIN_VAULT.kdf in
// src/protocol/constants.ts): in Node, and in Debian's Chromium with the CPU slowed 1×, 4× and 6×
// (DevTools' throttling, the usual stand-in for a cheap phone). Each figure is the median of 5 runs.
//   npm run bench:pin [-- --chromium /path/to/chromium]
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { pinKey } from '../src/client/pin-vault.js';
import { PIN_VAULT } from '../src/protocol/constants.js';

const RUNS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const salt = new Uint8Array(PIN_VAULT.saltBytes);

const node: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  await pinKey('2580', salt, PIN_VAULT.kdf);
  node.push(performance.now() - start);
}
console.log(`Argon2id m=${PIN_VAULT.kdf.m} KiB t=${PIN_VAULT.kdf.t} p=${PIN_VAULT.kdf.p}`);
console.log(`| where | median of ${RUNS} |\n|---|---|`);
console.log(`| Node ${process.version} | ${median(node).toFixed(0)} ms |`);

// The same function, bundled for the browser as the asker app bundles it.
const bundle = await build({
  stdin: { contents: "import { pinKey } from './src/client/pin-vault.ts'; (globalThis as any).pinKey = pinKey;", resolveDir: process.cwd(), loader: 'ts' },
  bundle: true, write: false, format: 'iife', platform: 'browser', minify: true,
});
const at = process.argv.indexOf('--chromium');
const browser = await chromium.launch({ executablePath: at > 0 ? process.argv[at + 1] : '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
const cdp = await page.context().newCDPSession(page);
for (const rate of [1, 4, 6]) {
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  const times = await page.evaluate(async ({ runs, kdf, saltBytes }) => {
    const out: number[] = [];
    const derive = (globalThis as unknown as { pinKey: (pin: string, salt: Uint8Array, k: typeof kdf) => Promise<Uint8Array> }).pinKey;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await derive('2580', new Uint8Array(saltBytes), kdf);
      out.push(performance.now() - start);
    }
    return out;
  }, { runs: RUNS, kdf: PIN_VAULT.kdf, saltBytes: PIN_VAULT.saltBytes });
  console.log(`| Chromium ${browser.version()}, CPU ${rate}× slower | ${median(times).toFixed(0)} ms |`);
}
await browser.close();
