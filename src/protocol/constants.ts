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
  directoryEntry: 'tynys.directory.v2',
} as const;
