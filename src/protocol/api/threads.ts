import { z } from 'zod';
import { MAX_CIPHERTEXT_BYTES, SEALED_KEY_BYTES, SIZES } from '../constants.js';
import { MAX_GENESIS_RECIPIENTS } from '../genesis.js';
import { threadKindSchema, topicSchema, urgencySchema } from '../thread-metadata.js';
import { bytesIn, bytesOut, idSchema, languageSchema } from './common.js';

// The wire shapes of protocol v2 (PROTOCOL.md §7). The metadata lists live in thread-metadata.ts
// (signed in the genesis); the intake card's lists in message-body.ts (encrypted).
export { TOPICS, URGENCIES, THREAD_KINDS, topicSchema, urgencySchema, threadKindSchema } from '../thread-metadata.js';
export { POPULATIONS, AGE_GROUPS, populationSchema } from '../message-body.js';
export { SEALED_KEY_BYTES } from '../constants.js';

export const threadStatusSchema = z.enum(['open', 'assigned', 'closed']);

/** At most this many pool members receive a new thread's key (the request stays under the body limit). */
export const MAX_RECIPIENTS = MAX_GENESIS_RECIPIENTS;
/** A genesis: ~330 bytes of header, ~70 per recipient. */
export const GENESIS_BYTES = { min: 200, max: 400 + MAX_RECIPIENTS * 70 };
const sealedKeyIn = bytesIn(SEALED_KEY_BYTES);
const hashIn = bytesIn(SIZES.hash);
const signatureIn = bytesIn(SIZES.signature);
const ciphertextBytes = { min: SIZES.tag + SIZES.padBlock, max: MAX_CIPHERTEXT_BYTES };

/** The opener's client chose the thread id and K and signed the genesis; the server reads the metadata from it. */
export const openThreadRequest = z.object({
  genesis: bytesIn(GENESIS_BYTES),
  genesisSignature: signatureIn,
  /** K sealed to the opener and to each recipient the genesis names, bound to the thread id. */
  sealedKeys: z.array(z.object({ recipientId: idSchema, sealedKey: sealedKeyIn })).min(2).max(MAX_RECIPIENTS + 1),
}).meta({ id: 'OpenThreadRequest' });

export const threadSummary = z.object({
  id: idSchema,
  kind: threadKindSchema,
  topic: topicSchema,
  language: languageSchema,
  urgency: urgencySchema,
  status: threadStatusSchema,
  assignedStaffId: idSchema.nullable(),
  /**
   * The staff member holding the thread was disabled or removed, or their keys were replaced by a
   * reset: nobody can answer here any more, and the server refuses new messages (`holder_revoked`).
   */
  holderRevoked: z.boolean(),
  lastSeq: z.number().int(),
  createdAt: z.number().int(),
}).meta({ id: 'ThreadSummary' });
export type ThreadSummary = z.infer<typeof threadSummary>;

export const threadDetail = threadSummary.extend({
  /** The genesis as its opener signed it: the client checks it, and that the fields above match it. */
  genesis: bytesOut(GENESIS_BYTES),
  genesisSignature: bytesOut(SIZES.signature),
  /** K ‖ thread id, sealed to the caller. */
  sealedKey: bytesOut(SEALED_KEY_BYTES),
}).meta({ id: 'ThreadDetail' });

export const threadListResponse = z.object({ threads: z.array(threadSummary) }).meta({ id: 'ThreadList' });

export const queueQuery = z.object({
  language: languageSchema.optional(),
  topic: topicSchema.optional(),
  urgency: urgencySchema.optional(),
  kind: threadKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// Every posted item names the sequence it takes and the hash of the item before it, and is
// signed over both: the server stores it only as the next link of the chain.
const itemPosition = { seq: z.number().int().min(1), prevHash: hashIn, signature: signatureIn };

export const postMessageRequest = z.object({
  ...itemPosition,
  nonce: bytesIn(SIZES.nonce),
  /** A padded plaintext's ciphertext: the 16-byte tag plus whole 256-byte blocks. */
  ciphertext: bytesIn(ciphertextBytes),
}).meta({ id: 'PostMessageRequest' });

export const claimRequest = z.object(itemPosition).meta({ id: 'ClaimRequest' });

export const handoverRequest = z.object({
  ...itemPosition,
  toStaffId: idSchema,
  toFingerprint: hashIn,
  sealedKey: sealedKeyIn,
}).meta({ id: 'HandoverRequest' });

/** A member of the pool a return names: a staff id and the fingerprint of their keys. */
const poolMemberIn = z.object({ staffId: idSchema, fingerprint: hashIn });

/**
 * The opener takes the thread back from a holder who can no longer answer: a signed return item
 * naming the new pool (ascending staff ids), and K sealed to each member of it, bound to the thread id.
 */
export const returnRequest = z.object({
  ...itemPosition,
  pool: z.array(poolMemberIn).min(1).max(MAX_RECIPIENTS),
  sealedKeys: z.array(z.object({ recipientId: idSchema, sealedKey: sealedKeyIn })).min(1).max(MAX_RECIPIENTS),
}).meta({ id: 'ReturnRequest' });

export const itemTypeSchema = z.enum(['message', 'claim', 'handover', 'return']);

/** One transcript item as served; the fields a type does not use are absent. */
export const itemSchema = z.object({
  seq: z.number().int(),
  type: itemTypeSchema,
  senderId: idSchema,
  prevHash: bytesOut(SIZES.hash),
  signature: bytesOut(SIZES.signature),
  nonce: bytesOut(SIZES.nonce).optional(),
  ciphertext: bytesOut(ciphertextBytes).optional(),
  toStaffId: idSchema.optional(),
  toFingerprint: bytesOut(SIZES.hash).optional(),
  /** A return's new pool, in the order signed. */
  pool: z.array(z.object({ staffId: idSchema, fingerprint: bytesOut(SIZES.hash) })).optional(),
  /** When the server stored it, to the minute (the author's own time is inside the ciphertext). */
  createdAt: z.number().int(),
}).meta({ id: 'TranscriptItem' });
export type WireItem = z.infer<typeof itemSchema>;

export const itemsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const itemsResponse = z.object({ items: z.array(itemSchema), hasMore: z.boolean() }).meta({ id: 'TranscriptPage' });
