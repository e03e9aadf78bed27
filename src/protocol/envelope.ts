import { concatBytes, utf8 } from './encoding.js';
import type { Sodium } from './sodium.js';

// The consultation message envelope (DESIGN.md §5). The associated data binds the protocol
// version, thread, sequence number and sender, so a ciphertext cannot be moved to another
// thread, replayed at another position, or claimed by another participant. The sender signs
// the associated data, the nonce and the ciphertext: the server verifies the signature before
// storing, and every client verifies it again, because the server is not trusted.

export const PROTOCOL_VERSION = 1;
export const THREAD_KEY_BYTES = 32;
export const NONCE_BYTES = 24;
export const MAX_PLAINTEXT_BYTES = 16 * 1024;

export interface MessageHeader {
  threadId: string;
  seq: number;
  senderId: string;
}

export interface Envelope {
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  signature: Uint8Array;
}

/** The associated data, spelled out in one place; ids never contain a newline (protocol/ids.ts). */
export function messageAssociatedData(h: MessageHeader): Uint8Array {
  if (!Number.isSafeInteger(h.seq) || h.seq < 1) throw new RangeError('seq: expected a positive integer');
  return utf8(`tynys.msg.v${PROTOCOL_VERSION}\n${h.threadId}\n${h.seq}\n${h.senderId}`);
}

/** What the sender signs. The associated data holds no NUL byte, so the 0x00 separator makes the split unambiguous. */
export function signedBytes(h: MessageHeader, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return concatBytes(messageAssociatedData(h), new Uint8Array([0]), nonce, ciphertext);
}

export function newThreadKey(sodium: Sodium): Uint8Array {
  return sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
}

/** Seals the thread key to one participant's X25519 public key (anonymous sender: crypto_box_seal). */
export function sealThreadKey(sodium: Sodium, threadKey: Uint8Array, recipientBoxPublicKey: Uint8Array): Uint8Array {
  return sodium.crypto_box_seal(threadKey, recipientBoxPublicKey);
}

/** Opens a sealed thread key; null when it was not sealed to this key pair or was altered. */
export function openThreadKey(sodium: Sodium, sealed: Uint8Array, box: { publicKey: Uint8Array; privateKey: Uint8Array }): Uint8Array | null {
  try {
    const key = sodium.crypto_box_seal_open(sealed, box.publicKey, box.privateKey);
    return key.length === THREAD_KEY_BYTES ? key : null;
  } catch {
    return null;
  }
}

/** Encrypts and signs one message under the thread key with a fresh random nonce. */
export function sealMessage(sodium: Sodium, args: { threadKey: Uint8Array; header: MessageHeader; plaintext: Uint8Array; signPrivateKey: Uint8Array }): Envelope {
  if (args.plaintext.length > MAX_PLAINTEXT_BYTES) throw new RangeError('plaintext: too long');
  const nonce = sodium.randombytes_buf(NONCE_BYTES);
  const ad = messageAssociatedData(args.header);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(args.plaintext, ad, null, nonce, args.threadKey);
  const signature = sodium.crypto_sign_detached(signedBytes(args.header, nonce, ciphertext), args.signPrivateKey);
  return { nonce, ciphertext, signature };
}

/** Checks the sender's signature over header, nonce and ciphertext (what the server can check). */
export function verifyEnvelope(sodium: Sodium, header: MessageHeader, envelope: Envelope, senderSignPublicKey: Uint8Array): boolean {
  if (envelope.nonce.length !== NONCE_BYTES || envelope.signature.length !== sodium.crypto_sign_BYTES) return false;
  try {
    return sodium.crypto_sign_verify_detached(envelope.signature, signedBytes(header, envelope.nonce, envelope.ciphertext), senderSignPublicKey);
  } catch {
    return false;
  }
}

/** Verifies the signature, then decrypts; null if either fails (tampering, wrong thread, seq or sender). */
export function openMessage(sodium: Sodium, args: { threadKey: Uint8Array; header: MessageHeader; envelope: Envelope; senderSignPublicKey: Uint8Array }): Uint8Array | null {
  if (!verifyEnvelope(sodium, args.header, args.envelope, args.senderSignPublicKey)) return null;
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, args.envelope.ciphertext, messageAssociatedData(args.header), args.envelope.nonce, args.threadKey);
  } catch {
    return null;
  }
}
