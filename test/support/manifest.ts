import type { Db } from '../../src/db/connection.js';
import { MANIFEST_DEFAULT_VALIDITY_MS, signManifest, type SignedManifest } from '../../src/protocol/manifest.js';
import type { Sodium } from '../../src/protocol/sodium.js';
import { proposeManifest } from '../../src/staff/ceremony.js';
import { storeManifest } from '../../src/staff/manifest-store.js';

/**
 * The ceremony in one step, for tests: every staff account not disabled into the next manifest
 * version, signed with `org` and stored. Import's checks are skipped on purpose, so a test can
 * also store what a server should never serve (a manifest signed by another key).
 */
export function publishManifest(db: Db, sodium: Sodium, orgPrivateKey: Uint8Array, now = Date.now(), validityMs = MANIFEST_DEFAULT_VALIDITY_MS): SignedManifest {
  const { manifest } = proposeManifest(db, now, validityMs);
  // libsodium's Ed25519 secret key ends with its public key.
  const signed = signManifest(sodium, manifest, { publicKey: orgPrivateKey.slice(32), privateKey: orgPrivateKey });
  storeManifest(db, signed, manifest.version, now);
  return signed;
}
