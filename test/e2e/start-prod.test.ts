import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerChild } from '../support/child-server.js';

// Production as deploy/ runs it: `npm run build`, then plain `node dist/src/server.js` with no
// TypeScript loader. The browser apps are still bundled at start, with the organisation key
// of this environment pinned into them.

let server: ServerChild;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'tynys-start-prod-'));
const orgKey = randomBytes(32).toString('base64url');

beforeAll(async () => {
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
  const env = { ...process.env, PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'warn', ORG_PUBLIC_KEY: orgKey };
  server = await spawnServer(env, { command: [process.execPath, 'dist/src/server.js'] }).ready;
  url = server.url;
}, 90_000);

afterAll(async () => {
  if (server.process.exitCode === null) {
    server.process.kill('SIGTERM');
    await server.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run build, then node dist/src/server.js', () => {
  it('runs without a TypeScript loader', async () => {
    expect(server.process.spawnargs).toEqual([process.execPath, 'dist/src/server.js']);
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it('serves the OpenAPI document', async () => {
    const res = await fetch(`${url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect((await res.json() as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('serves the Russian home page with the sample content (migrations applied, demo content loaded)', async () => {
    const res = await fetch(`${url}/ru/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<html lang="ru"');
  });

  it('pins the organisation key of this environment into the asker app', async () => {
    const html = await (await fetch(`${url}/ru/app`)).text();
    const src = html.match(/<link rel="preload" as="script" id="asker-app" href="(\/static\/asker\.[0-9a-f]{12}\.js)"/)?.[1];
    expect(src).toBeDefined();
    const bundle = await (await fetch(`${url}${src!}`)).text();
    expect(bundle).toContain(JSON.stringify(orgKey));
  });
});
