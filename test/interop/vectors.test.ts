import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKS } from './vector-checks.js';

// The independent implementation against the published vectors (PROTOCOL.md §1.4): every
// construction in the file is recomputed from its inputs; a construction without a checker fails
// here, so a new kind of vector cannot go unchecked.

const FILE = fileURLToPath(new URL('../vectors/protocol-v2.json', import.meta.url));
const file = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as { version: number; vectors: Record<string, unknown> }) : null;

describe('protocol v2 vectors, independent implementation', () => {
  it('the vector file exists and is version 2', () => {
    expect(file, `${FILE} is missing: it comes from scripts/protocol-vectors.ts (npm run vectors)`).not.toBeNull();
    expect(file!.version).toBe(2);
  });

  it('every construction in the file has a checker', () => {
    expect(Object.keys(file?.vectors ?? {}).filter((name) => !(name in CHECKS))).toEqual([]);
  });

  for (const [name, vectors] of Object.entries(file?.vectors ?? {})) {
    const check = CHECKS[name];
    if (check) it(`${name}: recomputed byte for byte`, async () => { await check(vectors, file!.vectors); });
  }
});
