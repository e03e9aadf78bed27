// Writes test/vectors/protocol-v2.json: every construction of PROTOCOL.md, computed by the src/
// functions from fixed inputs (no randomness), so another implementation can check itself
// byte for byte. test/protocol/vectors.test.ts fails when the file is stale.
//   npm run vectors
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSodium } from '../src/protocol/sodium.js';
import { identityVectors } from './vectors/identity.js';
import { threadVectors } from './vectors/threads.js';

export const VECTORS_FILE = fileURLToPath(new URL('../test/vectors/protocol-v2.json', import.meta.url));

export interface VectorFile {
  version: 2;
  /** How bytes are written in the vectors. */
  bytes: string;
  /** Construction name → its vectors (PROTOCOL.md names the section of each). */
  vectors: Record<string, unknown>;
}

export async function buildVectors(): Promise<VectorFile> {
  const sodium = await loadSodium();
  return {
    version: 2,
    bytes: 'lower-case hex, unless the field name ends in Base64url; text fields are UTF-8 strings',
    vectors: {
      ...(await identityVectors(sodium)),
      ...threadVectors(sodium),
    },
  };
}

export function serialise(file: VectorFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(VECTORS_FILE, serialise(await buildVectors()));
  console.log(`wrote ${VECTORS_FILE}`);
}
