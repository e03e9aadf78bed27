import { createHmac } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deriveKey } from './protocol/kdf.js';
import { randomBytes } from './protocol/encoding.js';

// The pepper is the server's one long-lived secret. Secrets at rest are stored only as
// HMAC(pepper-subkey, secret) (DESIGN.md §2.3), so a stolen database alone cannot be used to
// log in or to test guesses offline. Each purpose has its own subkey.

export type HashPurpose = 'identity-auth' | 'staff-auth' | 'session' | 'invite' | 'staff-reset' | 'fake-salt' | 'pow' | 'vote' | 'flag' | 'question';

export interface Pepper {
  /** HMAC-SHA256 under the subkey for `purpose`. */
  hash(purpose: HashPurpose, data: Uint8Array): Uint8Array;
}

export function pepperFromBytes(secret: Uint8Array): Pepper {
  if (secret.length !== 32) throw new TypeError('pepper: expected 32 bytes');
  const subkeys = new Map<HashPurpose, Uint8Array>();
  return {
    hash(purpose, data) {
      let key = subkeys.get(purpose);
      if (!key) {
        key = deriveKey(secret, `tynys/v1/pepper/${purpose}`);
        subkeys.set(purpose, key);
      }
      // node:crypto's HMAC, not a pure-JavaScript one: this runs on every session check and
      // every stream delivery (a profile of the bench: 5–9 % of the server's time in @noble's).
      // Same subkey, same HMAC-SHA256: the digests are byte-identical (test/protocol/pepper.test.ts).
      const mac = createHmac('sha256', key).update(data).digest();
      return new Uint8Array(mac.buffer, mac.byteOffset, mac.length);
    },
  };
}

/** Reads DATA_DIR/pepper, creating it with mode 0600 on first start; or takes it from the environment. */
export function loadPepper(options: { dataDir: string; fromEnv?: string | undefined }): Pepper {
  if (options.fromEnv) return pepperFromBytes(Uint8Array.from(Buffer.from(options.fromEnv, 'hex')));
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = join(options.dataDir, 'pepper');
  if (!existsSync(file)) {
    // On disk before anything is hashed under it: a pepper lost in a crash after first start
    // would leave every stored keyed hash unusable (nobody could log in again).
    const fd = openSync(file, 'wx', 0o600);
    writeSync(fd, Buffer.from(randomBytes(32)).toString('hex') + '\n');
    fsyncSync(fd);
    closeSync(fd);
    const dir = openSync(options.dataDir, 'r');
    fsyncSync(dir);
    closeSync(dir);
  }
  // Tighten a file that someone loosened by hand: the pepper must not be world-readable.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`pepper file ${file} is not 64 hex characters`);
  return pepperFromBytes(Uint8Array.from(Buffer.from(hex, 'hex')));
}
