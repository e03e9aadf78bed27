// Prints the size of every browser file, of each public page (HTML + CSS, gzipped), and the
// JavaScript the asker's first screen needs as the server serves it (budget 50 KB compressed,
// issue 12; test/web/first-screen.test.ts holds it):
//   npm run web:sizes
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { composeService } from '../src/compose.js';
import { loadConfig } from '../src/config.js';

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
const dir = mkdtempSync(join(tmpdir(), 'tynys-sizes-'));
// The production configuration (Argon2id cost included), on a throwaway data directory with the sample content.
const { app, assets, close } = await composeService(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }));
console.log('| file | raw | gzipped |\n|---|---|---|');
for (const a of assets.all()) console.log(`| \`${a.path.replace(/\.[0-9a-f]{12}\./, '.')}\` | ${kb(a.body.length)} | ${kb(gzipSync(a.body).length)} |`);
const css = gzipSync(assets.get('site.css').body).length;
console.log('\n| public page | HTML gzipped | with CSS |\n|---|---|---|');
for (const path of ['/ru/', '/kk/', '/en/', '/ru/browse', '/ru/search?q=тревога', '/en/search?q=sleep']) {
  const html = gzipSync(Buffer.from(await (await app.request(path)).text())).length;
  console.log(`| \`${path}\` | ${kb(html)} | ${kb(html + css)} |`);
}
// The scripts a page runs before anything else: its <script src> tags (the app is a preload).
console.log('\n| asker\'s first screen | scripts | gzip as served | brotli as served | the app, preloaded (brotli) |\n|---|---|---|---|---|');
for (const lang of ['ru', 'kk', 'en']) {
  const html = await (await app.request(`/${lang}/app`)).text();
  const srcs = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
  const preload = /<link rel="preload" as="script"[^>]* href="([^"]+)"/.exec(html)?.[1];
  const served = async (path: string, encoding: string): Promise<number> => (await (await app.request(path, { headers: { 'accept-encoding': encoding } })).arrayBuffer()).byteLength;
  let gzip = 0;
  let br = 0;
  for (const src of srcs) {
    gzip += await served(src, 'gzip');
    br += await served(src, 'br');
  }
  // The app's brotli is made on first demand (web/assets.ts): ask until it is ready.
  let appBr = 0;
  for (let i = 0; preload && i < 100; i++) {
    const res = await app.request(preload, { headers: { 'accept-encoding': 'br' } });
    appBr = (await res.arrayBuffer()).byteLength;
    if (res.headers.get('content-encoding') === 'br') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(`| \`/${lang}/app\` | ${srcs.map((src) => `\`${src.replace(/^\/static\//, '').replace(/\.[0-9a-f]{12}\./, '.')}\``).join(' + ')} | ${kb(gzip)} | ${kb(br)} | ${kb(appBr)} |`);
}
close();
rmSync(dir, { recursive: true, force: true });
