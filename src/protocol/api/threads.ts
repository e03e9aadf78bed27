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
  populations: z.array(populationSchema).max(POPULATIONS.length).refine((p) => new Set(p).size === p.length, 'duplicate population').default([]),
  urgency: urgencySchema,
  sealedKeys: z.array(z.object({ recipientId: idSchema, sealedKey: sealedKeyIn })).min(2).max(500),
});

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
});
export type ThreadSummary = z.infer<typeof threadSummary>;

export const threadDetail = threadSummary.extend({
  /** The thread key sealed to the caller. */
  sealedKey: bytesOut,
  opener: z.object({ id: idSchema, signPublicKey: bytesOut, boxPublicKey: bytesOut }),
});

export const threadListResponse = z.object({ threads: z.array(threadSummary) });

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
});

export const messageSchema = z.object({
  seq: z.number().int(),
  senderId: idSchema,
  nonce: bytesOut,
  ciphertext: bytesOut,
  signature: bytesOut,
  createdAt: z.number().int(),
});
export type WireMessage = z.infer<typeof messageSchema>;

export const messagesQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const messagesResponse = z.object({ messages: z.array(messageSchema), hasMore: z.boolean() });

export const handoverRequest = z.object({ toStaffId: idSchema, sealedKey: sealedKeyIn });
