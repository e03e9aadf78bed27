// Prints the size of every browser file and of each public page (HTML + CSS, gzipped):
//   npm run web:sizes
import { gzipSync } from 'node:zlib';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { seedDemoContent } from '../src/knowledge/seed.js';
import { createLogger } from '../src/logger.js';
import { pepperFromBytes } from '../src/pepper.js';
import { randomBytes } from '../src/protocol/encoding.js';
import { loadSodium } from '../src/protocol/sodium.js';
import { buildAssets } from '../src/web/assets.js';

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
const assets = await buildAssets({ orgPublicKey: '', staffKdf: { m: 65536, t: 3, p: 1 } });
console.log('| file | raw | gzipped |\n|---|---|---|');
for (const a of assets.all()) console.log(`| \`${a.path.replace(/\.[0-9a-f]{12}\./, '.')}\` | ${kb(a.body.length)} | ${kb(gzipSync(a.body).length)} |`);
const db = openDatabase(':memory:');
seedDemoContent(db, Date.now());
const app = buildApp({ config: testConfig(), db, pepper: pepperFromBytes(randomBytes(32)), logger: createLogger({ level: 'silent' }), sodium: await loadSodium(), assets });
const css = gzipSync(assets.get('site.css').body).length;
console.log('\n| public page | HTML gzipped | with CSS |\n|---|---|---|');
for (const path of ['/ru/', '/kk/', '/en/', '/ru/browse', '/ru/search?q=тревога', '/en/search?q=sleep']) {
  const html = gzipSync(Buffer.from(await (await app.request(path)).text())).length;
  console.log(`| \`${path}\` | ${kb(html)} | ${kb(html + css)} |`);
}
