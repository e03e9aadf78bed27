import { build, stop } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Encoding } from '../http/compression.js';

// The browser's files, built with esbuild when the server starts (in memory: nothing to forget
// to rebuild) and served under content-hashed names, each with a Subresource Integrity hash.
// Public pages load only the stylesheet and the small quick-exit script; libsodium is inside
// the asker and staff bundles, loaded only by the pages that need it.
//
// Each file is also served compressed (chosen by Accept-Encoding in web/routes.tsx), made once,
// never per request: gzip level 9 for every file and brotli quality 11 for the small ones while
// the files are built. Brotli 11 of the two ~790 KB bundles takes 1.1-1.5 s of CPU each
// (measured; quality 9 is 95 ms but 9 % larger), longer than esbuild's whole build, so it runs
// on the libuv thread pool the first time a bundle is asked for in brotli, and until it is ready
// that request and the next are answered with gzip. Tests that never ask pay nothing.

const HERE = dirname(fileURLToPath(import.meta.url));

export type AssetName = 'site.css' | 'quick-exit.js' | 'asker-first-screen.js' | 'asker.js' | 'staff.js' | 'webinar.js' | 'icon.svg';

export interface Asset {
  /** The URL path, with the content hash in the name. */
  path: string;
  body: Uint8Array;
  type: string;
  /** `sha384-…`, for the integrity attribute. */
  integrity: string;
  /** The content hash in the path, the base of each representation's ETag. */
  hash: string;
  /** The body in `encoding` when it is ready (see above); undefined means send another. */
  encoded(encoding: Encoding): Uint8Array | undefined;
}

export interface Assets {
  get(name: AssetName): Asset;
  byPath(path: string): Asset | undefined;
  all(): Asset[];
}

export interface BuildOptions {
  /** The organisation public key (base64url) pinned into the apps: they trust only staff keys it signed. */
  orgPublicKey: string;
  /** The least Argon2id cost the staff console accepts and uses (lowered only by tests). */
  staffKdf: { m: number; t: number; p: number };
}

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' };

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);
/** Larger files get brotli on first demand rather than while the server starts. */
const EAGER_BROTLI_MAX = 64 * 1024;

const brotli11 = (body: Uint8Array): Promise<Buffer> => brotliAsync(body, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
});

async function asset(name: string, body: Uint8Array): Promise<Asset> {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const [base, ext] = [name.slice(0, name.lastIndexOf('.')), name.slice(name.lastIndexOf('.') + 1)];
  const encoded: Partial<Record<Encoding, Uint8Array>> = {};
  let brotliStarted = false;
  const startBrotli = (): Promise<void> => {
    brotliStarted = true;
    return brotli11(body).then((b) => { encoded.br = b; });
  };
  await Promise.all([
    gzipAsync(body, { level: 9 }).then((g) => { encoded.gzip = g; }),
    body.length <= EAGER_BROTLI_MAX ? startBrotli() : undefined,
  ]);
  return {
    path: `/static/${base}.${hash}.${ext}`,
    body,
    type: TYPES[ext] ?? 'application/octet-stream',
    integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
    hash,
    encoded: (encoding) => {
      if (encoding === 'br' && !brotliStarted) {
        // Not awaited: a failure leaves gzip in use and the next request tries again.
        startBrotli().catch(() => { brotliStarted = false; });
      }
      return encoded[encoding];
    },
  };
}

// esbuild's service child (60-70 MB) outlives a build; the server builds only at start, so it is
// stopped once no build is in flight (a later build starts it again).
let building = 0;

export async function buildAssets(options: BuildOptions): Promise<Assets> {
  building++;
  const result = await build({
    entryPoints: {
      'quick-exit': join(HERE, 'client/quick-exit.ts'),
      'asker-first-screen': join(HERE, 'client/asker-first-screen.ts'),
      asker: join(HERE, 'client/asker.tsx'),
      staff: join(HERE, 'client/staff.tsx'),
      // The webinar page's registration: the proof-of-work solver alone (a few KB), not the asker bundle.
      webinar: join(HERE, 'client/webinar-register.ts'),
      site: join(HERE, 'static/site.css'),
    },
    outdir: '/virtual',
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx/dom',
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [{
      name: 'zod-one-locale',
      setup(b) {
        b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
          (args.importer.includes('/zod/') ? { path: join(HERE, 'client/zod-locales.ts') } : undefined));
      },
    }],
    define: {
      __ORG_PUBLIC_KEY__: JSON.stringify(options.orgPublicKey),
      __STAFF_KDF__: JSON.stringify(options.staffKdf),
    },
  }).finally(() => {
    if (--building === 0) void stop();
  });
  const files: [AssetName, Uint8Array][] = result.outputFiles.map((file) => [file.path.slice(file.path.lastIndexOf('/') + 1) as AssetName, file.contents]);
  files.push(['icon.svg', readFileSync(join(HERE, 'static/icon.svg'))]);
  const map = new Map<AssetName, Asset>(await Promise.all(files.map(async ([name, body]) => [name, await asset(name, body)] as const)));
  const byPath = new Map([...map.values()].map((a) => [a.path, a]));
  return {
    get: (name) => {
      const a = map.get(name);
      if (!a) throw new Error(`asset ${name} was not built`);
      return a;
    },
    byPath: (path) => byPath.get(path),
    all: () => [...map.values()],
  };
}
