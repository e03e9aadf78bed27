import { z } from 'zod';
import { MAX_PLAINTEXT_BYTES, NONCE_BYTES } from '../envelope.js';
import { bytesIn, bytesOut, idSchema, languageSchema } from './common.js';

// Routing metadata comes from fixed lists (DESIGN.md §5): free text here would be plaintext
// the server could read.
export const TOPICS = [
  'anxiety', 'depression', 'sleep', 'stigma', 'disclosure', 'treatment-adherence', 'substance-use',
  'relationships', 'violence', 'grief', 'work-money', 'isolation', 'other',
] as const;
export const POPULATIONS = [
  'plhiv', 'msm', 'sex-workers', 'people-who-use-drugs', 'trans', 'prisoners', 'migrants', 'young-people', 'partners-families',
] as const;
export const URGENCIES = ['routine', 'soon', 'urgent'] as const;

export const topicSchema = z.enum(TOPICS);
export const populationSchema = z.enum(POPULATIONS);
export const urgencySchema = z.enum(URGENCIES);
export const threadKindSchema = z.enum(['consultation', 'case']);
export const threadStatusSchema = z.enum(['open', 'assigned', 'closed']);

/** crypto_box_seal of a 32-byte key: 32 + 48 bytes of overhead. */
export const SEALED_KEY_BYTES = 80;
const sealedKeyIn = bytesIn(SEALED_KEY_BYTES);

export const openThreadRequest = z.object({
  kind: threadKindSchema.default('consultation'),
  topic: topicSchema,
  language: languageSchema,
  populations: z.array(populationSchema).max(POPULATIONS.length).refine((p) => new Set(p).size === p.length, 'duplicate population').meta({ uniqueItems: true }).default([]),
  urgency: urgencySchema,
  sealedKeys: z.array(z.object({ recipientId: idSchema, sealedKey: sealedKeyIn })).min(2).max(500),
}).meta({ id: 'OpenThreadRequest' });

export const threadSummary = z.object({
  id: idSchema,
  kind: threadKindSchema,
  topic: topicSchema,
  language: languageSchema,
  populations: z.array(populationSchema),
  urgency: urgencySchema,
  status: threadStatusSchema,
  assignedStaffId: idSchema.nullable(),
  lastSeq: z.number().int(),
  createdAt: z.number().int(),
}).meta({ id: 'ThreadSummary' });
export type ThreadSummary = z.infer<typeof threadSummary>;

export const threadDetail = threadSummary.extend({
  /** The thread key sealed to the caller. */
  sealedKey: bytesOut(SEALED_KEY_BYTES),
  opener: z.object({ id: idSchema, signPublicKey: bytesOut(32), boxPublicKey: bytesOut(32) }),
}).meta({ id: 'ThreadDetail' });

export const threadListResponse = z.object({ threads: z.array(threadSummary) }).meta({ id: 'ThreadList' });

export const queueQuery = z.object({
  language: languageSchema.optional(),
  topic: topicSchema.optional(),
  urgency: urgencySchema.optional(),
  kind: threadKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const postMessageRequest = z.object({
  seq: z.number().int().min(1),
  nonce: bytesIn(NONCE_BYTES),
  ciphertext: bytesIn({ min: 16, max: MAX_PLAINTEXT_BYTES + 16 }),
  signature: bytesIn(64),
}).meta({ id: 'PostMessageRequest' });

export const messageSchema = z.object({
  seq: z.number().int(),
  senderId: idSchema,
  nonce: bytesOut(NONCE_BYTES),
  ciphertext: bytesOut({ min: 16, max: MAX_PLAINTEXT_BYTES + 16 }),
  signature: bytesOut(64),
  createdAt: z.number().int(),
}).meta({ id: 'Message' });
export type WireMessage = z.infer<typeof messageSchema>;

export const messagesQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const messagesResponse = z.object({ messages: z.array(messageSchema), hasMore: z.boolean() }).meta({ id: 'MessagePage' });

export const handoverRequest = z.object({ toStaffId: idSchema, sealedKey: sealedKeyIn }).meta({ id: 'HandoverRequest' });
