// Every label and size of the protocol in one place (PROTOCOL.md names the same values). A
// construction asserts the size of each input it takes (protocol/bytes.ts), so a wrong-sized key
// or nonce is an error at once, not a weaker key later.

/** The thread protocol's version: in every genesis and item header. No v1 client exists. */
export const PROTOCOL_VERSION = 2;

// Sizes, in bytes.
export const SIZES = {
  /** X25519 and Ed25519 public keys. */
  publicKey: 32,
  /** Ed25519 detached signature. */
  signature: 64,
  /** The thread key K (XChaCha20-Poly1305). */
  threadKey: 32,
  /** XChaCha20-Poly1305 nonce. */
  nonce: 24,
  /** Poly1305 tag. */
  tag: 16,
  /** crypto_box_seal overhead: ephemeral public key 32 + tag 16. */
  sealOverhead: 48,
  /** SHA-256: transcript hashes, key commitments, key fingerprints. */
  hash: 32,
  /** Thread ids: "t_" + 22 base64url characters (16 random bytes). */
  threadId: 24,
  /** Plaintext is padded to a multiple of this (ISO/IEC 7816-4, as sodium_pad). */
  padBlock: 256,
  /** The largest padded plaintext: 80 blocks. */
  maxPadded: 80 * 256,
} as const;

/** A sealed thread key: crypto_box_seal(K ‖ threadId). */
export const SEALED_KEY_BYTES = SIZES.sealOverhead + SIZES.threadKey + SIZES.threadId;
/** The largest message ciphertext: the largest padded plaintext plus the tag. */
export const MAX_CIPHERTEXT_BYTES = SIZES.maxPadded + SIZES.tag;

// Domain-separation labels: each hash and signature input starts with its own, so no signed or
// hashed value of one kind can be passed off as another.
export const THREAD_LABELS = {
  genesis: 'tynys.genesis.v2',
  item: 'tynys.item.v2',
  keyCommitment: 'tynys.thread-key.v2',
  fingerprint: 'tynys.fingerprint.v2',
  manifest: 'tynys.manifest.v2',
  orgKeyEndorsement: 'tynys.org-key.v2',
} as const;

// ---- Identity and staff keys: recovery code, key derivation, proof of work, key bundle ----
// (PROTOCOL.md §2–§5.) The "v1" inside these strings is part of the bytes, not a protocol
// version: changing a label would give every asker and staff member other keys, so they stay.

/** Sizes of the identity and staff constructions, in bytes. */
export const KEY_SIZES = {
  /** The asker's recovery secret: all an asker holds (128 bits). */
  recoverySecret: 16,
  /** Every HKDF output (auth keys, key-pair seeds, the wrap key) and the Argon2id master key. */
  derivedKey: 32,
  /** The shortest and longest HKDF input key material accepted (recovery secret, master key, pepper). */
  minIkm: 16,
  maxIkm: 64,
  /** libsodium's X25519 secret key. */
  boxSecretKey: 32,
  /** libsodium's Ed25519 secret key: the 32-byte seed followed by the 32-byte public key. */
  signSecretKey: 64,
} as const;

/** HKDF-SHA256 salt (UTF-8) for every key derived from a recovery secret or a staff master key. */
export const KDF_SALT = 'tynys/kdf/v1';

/** HKDF-SHA256 info labels (UTF-8): one per use, so that no key can stand in for another. */
export const KDF_LABELS = {
  askerAuth: 'tynys/v1/asker/auth',
  askerBoxSeed: 'tynys/v1/asker/box-seed',
  askerSignSeed: 'tynys/v1/asker/sign-seed',
  staffAuth: 'tynys/v1/staff/auth',
  staffWrap: 'tynys/v1/staff/wrap',
} as const;

/**
 * Argon2id bounds for the staff passphrase. A client derives only with parameters inside them,
 * whatever a server offers: `min` is built in (a server that lowered it could brute-force the
 * passphrase from the auth key it receives), `max` keeps a hostile server from making a client
 * hang or run out of memory. `m` is in KiB; `p` is fixed.
 */
export const STAFF_KDF_BOUNDS = {
  saltBytes: 16,
  min: { m: 64 * 1024, t: 3, p: 1 },
  max: { m: 1024 * 1024, t: 10, p: 1 },
} as const;

/** The staff key bundle: XChaCha20-Poly1305 under the wrap key; nonce ‖ ciphertext ‖ tag. */
export const KEY_BUNDLE = {
  /** Associated data (UTF-8): names the format, so no other ciphertext can pass for a bundle. */
  ad: 'tynys/v1/staff-key-bundle',
  /** Box secret key ‖ sign secret key. */
  plaintextBytes: KEY_SIZES.boxSecretKey + KEY_SIZES.signSecretKey,
  bytes: SIZES.nonce + KEY_SIZES.boxSecretKey + KEY_SIZES.signSecretKey + SIZES.tag,
} as const;

/** The recovery code: Crockford base32 of the secret, two check characters, groups of four. */
export const RECOVERY_CODE = {
  alphabet: '0123456789ABCDEFGHJKMNPQRSTVWXYZ',
  /** ceil(128 / 5): the last data character carries 3 bits and two zero bits. */
  dataChars: 26,
  checkChars: 2,
  group: 4,
  /** The first check character: Luhn mod N over the data characters. */
  luhnModulus: 32,
  /** The second: position-weighted sum mod N over the data characters and the first check. */
  weightedModulus: 29,
} as const;

/** Hashcash: SHA-256(challenge ‖ counter) must start with `bits` zero bits. */
export const POW = {
  /** The server's challenge, opaque to a client (PROTOCOL.md §4 gives its layout). */
  challengeBytes: 27 + 16,
  /** The counter: unsigned 64-bit big-endian (values up to 2^53 - 1). */
  counterBytes: 8,
  /** A difficulty is a count of leading zero bits of a SHA-256 digest. */
  maxBits: SIZES.hash * 8,
  /** A client gives up after this many counters, so a hostile difficulty cannot hang it. */
  maxTries: 2 ** 28,
} as const;

/**
 * "Remember me on this device" (src/client/pin-vault.ts): the recovery secret in the browser's
 * storage, XChaCha20-Poly1305 under Argon2id(PIN). Local to one device, never sent anywhere.
 */
export const PIN_VAULT = {
  /** Associated data (UTF-8), followed by m, t, p (u32 big-endian) and the salt: no other ciphertext, and no other cost, passes for this one. */
  ad: 'tynys/v1/pin-vault',
  saltBytes: 16,
  /**
   * OWASP's Argon2id baseline (19 MiB, 2 passes, 1 lane; m in KiB): 0.3 s in desktop Chromium
   * and 0.8 s with the CPU slowed 4×, the stand-in for a cheap phone (npm run bench:pin,
   * BENCHMARKS.md). Costlier would keep people waiting on old phones for little gain: a PIN has
   * too few values to survive offline guessing at any cost a phone can pay (SECURITY.md).
   */
  kdf: { m: 19 * 1024, t: 2, p: 1 },
  /** The bounds a stored vault's cost must keep (a tampered record must not hang the tab). */
  bounds: { min: { m: 8, t: 1 }, max: { m: 64 * 1024, t: 10 } },
  /** Wrong PINs before the device forgets the code. */
  attempts: 5,
  /** A PIN: this many digits. */
  pinDigits: { min: 4, max: 12 },
} as const;
