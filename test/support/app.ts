import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { App } from '../../src/app.js';
import { composeService, type Service } from '../../src/compose.js';
import { testConfig, type Config } from '../../src/config.js';
import { databaseFile, type Db } from '../../src/db/connection.js';
import type { Pepper } from '../../src/pepper.js';
import type { Sodium } from '../../src/protocol/sodium.js';

export interface TestContext {
  app: App;
  db: Db;
  dir: string;
  dbFile: string;
  config: Config;
  pepper: Pepper;
  sodium: Sodium;
  /** Every log line the app wrote, as text. */
  logs: string[];
  clock: { now: number };
  /** The impact report's counts in memory: `flushIfDue()` writes ended hours as the hourly timer would. */
  impact: Service['impact'];
  /** JSON request through app.request(); returns status and parsed body. */
  call: (method: string, path: string, options?: { token?: string; json?: unknown; headers?: Record<string, string> }) => Promise<{ status: number; body: any; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close: () => void;
}

/**
 * A fresh app on its own database file in a temp directory, with captured logs and a settable
 * clock: built by the same composeService() as `npm start`, web pages and browser files included.
 */
export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestContext> {
  const dir = mkdtempSync(join(tmpdir(), 'tynys-test-'));
  const config = testConfig({ DATA_DIR: dir, LOG_LEVEL: 'debug', ...overrides });
  const dbFile = databaseFile(dir);
  const logs: string[] = [];
  const logDestination = new Writable({ write(chunk, _enc, cb) { logs.push(String(chunk)); cb(); } });
  const clock = { now: Date.now() };
  const { app, db, pepper, sodium, impact, close } = await composeService(config, { logDestination, clock: () => clock.now });
  const call: TestContext['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON: keep the text */ }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    app, db, dir, dbFile, config, pepper, sodium, logs, clock, call, impact,
    close: () => { close(); rmSync(dir, { recursive: true, force: true }); },
  };
}
