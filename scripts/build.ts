import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run build`: the server compiled to plain JavaScript in dist/, so that production runs it
// with `node dist/src/server.js` and no TypeScript loader. Besides tsc's output, the server reads
// at run time the migrations (applied at start) and the browser apps' sources: esbuild bundles
// those when the server starts, because the organisation key is compiled into them then.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');

rmSync(DIST, { recursive: true, force: true });
execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
cpSync(join(ROOT, 'db/migrations'), join(DIST, 'db/migrations'), { recursive: true });
// The browser sources go beside their compiled server-side neighbours: the .tsx entry points
// and the stylesheet as they are; what they import from ../../client and ../../protocol
// resolves to tsc's JavaScript of the same modules.
for (const dir of ['src/web/client', 'src/web/static']) {
  cpSync(join(ROOT, dir), join(DIST, dir), { recursive: true });
}
