import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Production as deploy/ runs it: `npm run build`, then plain `node dist/src/server.js` with no
// TypeScript loader. The browser apps are still bundled at start, with the organisation key
// of this environment pinned into them.

let child: ChildProcess;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'tynys-start-prod-'));
const orgKey = randomBytes(32).toString('base64url');

beforeAll(async () => {
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
  child = spawn(process.execPath, ['dist/src/server.js'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'warn', ORG_PUBLIC_KEY: orgKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`node dist/src/server.js printed no URL within 20 s:\n${out}`)), 20_000);
    const read = (chunk: Buffer) => {
      out += String(chunk);
      const m = out.match(/running at (http:\/\/\S+?)\/?\n/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`node dist/src/server.js exited with ${code}:\n${out}`)));
  });
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run build, then node dist/src/server.js', () => {
  it('runs without a TypeScript loader', async () => {
    expect(child.spawnargs).toEqual([process.execPath, 'dist/src/server.js']);
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
    const src = html.match(/<script src="(\/static\/asker\.[0-9a-f]{12}\.js)"/)?.[1];
    expect(src).toBeDefined();
    const bundle = await (await fetch(`${url}${src!}`)).text();
    expect(bundle).toContain(JSON.stringify(orgKey));
  });
});
