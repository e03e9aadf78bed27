import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The SDK must run in the browser (issue #2, §7): bundling it for the browser platform fails on
// any Node-only import (node:fs, node:crypto, Buffer-only code paths are caught by lint).
describe('client SDK', () => {
  it('bundles for the browser with no Node built-ins', async () => {
    const result = await build({
      entryPoints: ['src/client/index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.startsWith('node:') || /node_modules\/(better-sqlite3|hono|drizzle-orm)\//.test(i))).toBe(false);
    expect(result.outputFiles[0]!.text.length).toBeGreaterThan(1000);
  });
});
