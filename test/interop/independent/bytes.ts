// Byte helpers for the independent implementation (PROTOCOL.md §1). Written from the
// specification, not imported from src/: a mistake shared by the SDK and this code would make
// the interop tests pass over a wrong protocol.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Map([...ALPHABET].map((ch, i) => [ch, i]));

/** base64url (RFC 4648 §5) without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += ALPHABET[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

/**
 * Strict decoding: only the 64 characters, no padding, and unused trailing bits zero, so one
 * byte string has exactly one text (a lenient decoder would let two texts name one key).
 */
export function fromBase64Url(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const ch of text) {
    const v = VALUE.get(ch);
    if (v === undefined) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  return acc === 0 ? out : null;
}

/** Decodes a base64url value that must be there, with its length: for server answers in tests. */
export function mustDecode(text: string, length?: number, name = 'value'): Uint8Array {
  const bytes = fromBase64Url(text);
  if (!bytes) throw new TypeError(`${name}: not canonical base64url`);
  if (length !== undefined && bytes.length !== length) throw new RangeError(`${name}: expected ${length} bytes, got ${bytes.length}`);
  return bytes;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** UTF-8 decoding that refuses invalid sequences instead of replacing them. */
export function fromUtf8(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Constant-time over equal lengths (the values compared here are hashes and keys). */
export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** noble-style assert that names the argument. */
export function assertLength(value: Uint8Array, length: number, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name}: expected bytes`);
  if (value.length !== length) throw new RangeError(`${name}: expected ${length} bytes, got ${value.length}`);
  return value;
}
