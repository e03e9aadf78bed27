import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeService } from '../src/compose.js';
import { testConfig } from '../src/config.js';

// Lints the OpenAPI document as it is served (not a copy kept by hand): builds the app with the
// one composition on a throwaway data directory, asks it for /api/openapi.json, and runs
// @redocly/cli on that file with redocly.yaml. No server listens and nothing goes to the network.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'tynys-lint-api-'));
let status: number;
try {
  const service = await composeService(testConfig({ DATA_DIR: dir }));
  try {
    const res = await service.app.request('/api/openapi.json');
    if (res.status !== 200) throw new Error(`GET /api/openapi.json answered ${res.status}`);
    const text = await res.text();
    const file = join(dir, 'openapi.json');
    writeFileSync(file, text);
    console.log(`openapi.json: ${text.length} bytes`);
    // An environment of its own: no telemetry, no update check, a throwaway HOME (nothing to the network or the user's files).
    const cli = join(root, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
    const run = spawnSync(process.execPath, [cli, 'lint', file, '--config', join(root, 'redocly.yaml'), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', HOME: dir },
    });
    status = run.status ?? 1;
  } finally {
    service.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
