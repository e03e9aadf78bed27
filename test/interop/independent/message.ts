import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { assertLength, fromUtf8, utf8 } from './bytes.js';
import { pad, unpad } from './padding.js';
import { itemHeader, signItem, type Item } from './transcript.js';
import { AGE_GROUPS, isOneOf, POPULATIONS } from './vocabulary.js';

// Messages (PROTOCOL.md §7.6): a JSON body, padded, encrypted with XChaCha20-Poly1305-IETF
// under the thread key with the item header as associated data, then signed as an item.

export interface Intake {
  populations: string[];
  ageGroup?: string;
  region?: string;
  note?: string;
}

export type MessageBody =
  | { type: 'text'; at: number; read: number; text: string }
  | { type: 'intake'; at: number; read: number; intake: Intake };

/** The body as the spec writes it: keys in its order. */
export function encodeBody(body: MessageBody): Uint8Array {
  const { type, at, read } = body;
  if (body.type === 'text') return utf8(JSON.stringify({ type, at, read, text: body.text }));
  const { populations, ageGroup, region, note } = body.intake;
  return utf8(JSON.stringify({ type, at, read, intake: { populations, ageGroup, region, note } }));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const onlyKeys = (v: Record<string, unknown>, allowed: string[]): boolean => Object.keys(v).every((k) => allowed.includes(k));
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function parseIntake(v: unknown): Intake | null {
  if (!isRecord(v) || !onlyKeys(v, ['populations', 'ageGroup', 'region', 'note'])) return null;
  const { populations, ageGroup, region, note } = v;
  if (!Array.isArray(populations) || !populations.every((p) => typeof p === 'string' && isOneOf(POPULATIONS, p))) return null;
  if (new Set(populations).size !== populations.length) return null;
  if (ageGroup !== undefined && (typeof ageGroup !== 'string' || !isOneOf(AGE_GROUPS, ageGroup))) return null;
  if (region !== undefined && (typeof region !== 'string' || [...region].length > 80)) return null;
  if (note !== undefined && (typeof note !== 'string' || [...note].length > 2000)) return null;
  return { populations: populations as string[], ...(ageGroup === undefined ? {} : { ageGroup }), ...(region === undefined ? {} : { region }), ...(note === undefined ? {} : { note }) };
}

/** Strict: one of the two shapes, no other keys, `read` below the item's own number. */
export function parseBody(bytes: Uint8Array, seq: number): MessageBody | null {
  const text = fromUtf8(bytes);
  if (text === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(v) || !isCount(v.at) || !isCount(v.read) || v.read >= seq) return null;
  if (v.type === 'text' && onlyKeys(v, ['type', 'at', 'read', 'text']) && typeof v.text === 'string') return { type: 'text', at: v.at, read: v.read, text: v.text };
  if (v.type === 'intake' && onlyKeys(v, ['type', 'at', 'read', 'intake'])) {
    const intake = parseIntake(v.intake);
    return intake && { type: 'intake', at: v.at, read: v.read, intake };
  }
  return null;
}

export interface MessagePosition {
  threadId: string;
  seq: number;
  senderId: string;
  prevHash: Uint8Array;
}

/** Pads, encrypts (ad = the item header) and signs a message item. */
export function sealMessage(pos: MessagePosition, body: MessageBody, threadKey: Uint8Array, signSeed: Uint8Array, nonce: Uint8Array = randomBytes(24)): Item {
  assertLength(threadKey, 32, 'threadKey');
  assertLength(nonce, 24, 'nonce');
  const unsigned = { seq: pos.seq, type: 'message' as const, senderId: pos.senderId, prevHash: pos.prevHash };
  const ad = utf8(itemHeader(pos.threadId, unsigned));
  const ciphertext = xchacha20poly1305(threadKey, nonce, ad).encrypt(pad(encodeBody(body)));
  return signItem(pos.threadId, { ...unsigned, nonce, ciphertext }, signSeed);
}

/** Decrypts, unpads and parses a message item that has already passed checkItem; null on any failure. */
export function openMessage(threadId: string, item: Item, threadKey: Uint8Array): MessageBody | null {
  if (item.type !== 'message' || !item.nonce || !item.ciphertext) return null;
  let padded: Uint8Array;
  try {
    padded = xchacha20poly1305(threadKey, item.nonce, utf8(itemHeader(threadId, item))).decrypt(item.ciphertext);
  } catch {
    return null;
  }
  const body = unpad(padded);
  return body && parseBody(body, item.seq);
}
