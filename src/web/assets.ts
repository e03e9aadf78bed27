import { build, stop } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The browser's files, built with esbuild when the server starts (in memory: nothing to forget
// to rebuild) and served under content-hashed names, each with a Subresource Integrity hash.
// Public pages load only the stylesheet and the small quick-exit script; libsodium is inside
// the asker and staff bundles, loaded only by the pages that need it.

const HERE = dirname(fileURLToPath(import.meta.url));

export type AssetName = 'site.css' | 'quick-exit.js' | 'asker.js' | 'staff.js' | 'icon.svg';

export interface Asset {
  /** The URL path, with the content hash in the name. */
  path: string;
  body: Uint8Array;
  type: string;
  /** `sha384-…`, for the integrity attribute. */
  integrity: string;
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

function asset(name: string, body: Uint8Array): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const [base, ext] = [name.slice(0, name.lastIndexOf('.')), name.slice(name.lastIndexOf('.') + 1)];
  return {
    path: `/static/${base}.${hash}.${ext}`,
    body,
    type: TYPES[ext] ?? 'application/octet-stream',
    integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
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
      asker: join(HERE, 'client/asker.tsx'),
      staff: join(HERE, 'client/staff.tsx'),
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
  const map = new Map<AssetName, Asset>();
  for (const file of result.outputFiles) {
    const name = file.path.slice(file.path.lastIndexOf('/') + 1) as AssetName;
    map.set(name, asset(name, file.contents));
  }
  map.set('icon.svg', asset('icon.svg', readFileSync(join(HERE, 'static/icon.svg'))));
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
