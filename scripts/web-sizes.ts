// Prints the size of every browser file and of each public page (HTML + CSS, gzipped):
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
close();
rmSync(dir, { recursive: true, force: true });
