import { buildAssets, type Assets } from '../../src/web/assets.js';

// The browser files are built once per test file (esbuild, about a second), with the cheap
// test Argon2id cost so that staff log-ins in browser tests take milliseconds.
let built: Promise<Assets> | null = null;

export function testAssets(orgPublicKey = ''): Promise<Assets> {
  if (orgPublicKey) return buildAssets({ orgPublicKey, staffKdf: { m: 256, t: 1, p: 1 } });
  built ??= buildAssets({ orgPublicKey: '', staffKdf: { m: 256, t: 1, p: 1 } });
  return built;
}
