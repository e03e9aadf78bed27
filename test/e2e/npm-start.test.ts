import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerChild } from '../support/child-server.js';

// What a newcomer gets from the README's `npm start`: the real command, its own process, the
// printed URL. The API, the pages and the browser files all answer from that one server.

let server: ServerChild;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'tynys-npm-start-'));

beforeAll(async () => {
  const env = { ...process.env, PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'warn' };
  server = await spawnServer(env, { command: ['npm', 'start'], detached: true }).ready;
  url = server.url;
}, 60_000);

afterAll(async () => {
  // npm and the server it started share a process group: signal both.
  if (server.process.exitCode === null) {
    process.kill(-server.process.pid!, 'SIGTERM');
    await server.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('serves the OpenAPI document under /api, not a page', async () => {
    const res = await fetch(`${url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = await res.json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/threads');
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it('serves the Russian home page with the sample content, and the bundle it names with a matching integrity hash', async () => {
    const res = await fetch(`${url}/ru/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="ru"');
    const m = html.match(/<script src="(\/static\/quick-exit\.[0-9a-f]{12}\.js)" integrity="(sha384-[^"]+)"/);
    expect(m).not.toBeNull();
    const bundle = await fetch(`${url}${m![1]}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    const body = new Uint8Array(await bundle.arrayBuffer());
    expect(`sha384-${createHash('sha384').update(body).digest('base64')}`).toBe(m![2]);
  });

  it('answers an unknown API path with a JSON not_found, not a page', async () => {
    const res = await fetch(`${url}/api/no-such-thing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('drops a connection whose headers never finish (slowloris) after about 10 s', async () => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    const started = Date.now();
    let answer = '';
    socket.on('data', (d) => { answer += String(d); });
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    socket.write('GET /ru/ HTTP/1.1\r\nHost: tynys\r\nX-Slow: ');
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(9_000);
    expect(waited).toBeLessThan(15_000);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  }, 20_000);
});
