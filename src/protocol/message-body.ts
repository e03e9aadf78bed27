import { z } from 'zod';
import { utf8 } from './encoding.js';

// What a message says, inside the encryption (PROTOCOL.md §7.6): the author's own time (the
// server's minute is only when it stored the item), the last sequence the author had read (so the
// other side sees which of its messages were not yet seen, or were withheld), and either text or
// the asker's intake card: the personal context they chose to share, which only the psychologist
// reads (DESIGN.md §5).
export const POPULATIONS = [
  'plhiv', 'msm', 'sex-workers', 'people-who-use-drugs', 'trans', 'prisoners', 'migrants', 'young-people', 'partners-families',
] as const;
export const AGE_GROUPS = ['under-18', '18-24', '25-34', '35-44', '45-plus'] as const;
export const populationSchema = z.enum(POPULATIONS);

export const intakeCardSchema = z.strictObject({
  populations: z.array(populationSchema).max(POPULATIONS.length).refine((p) => new Set(p).size === p.length, 'duplicate population'),
  ageGroup: z.enum(AGE_GROUPS).optional(),
  region: z.string().max(80).optional(),
  note: z.string().max(2000).optional(),
});
export type IntakeCard = z.infer<typeof intakeCardSchema>;

const common = { at: z.number().int().nonnegative(), read: z.number().int().nonnegative() };
export const messageBodySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), ...common, text: z.string().min(1).max(16_000) }),
  z.strictObject({ type: z.literal('intake'), ...common, intake: intakeCardSchema }),
]);
export type MessageBody = z.infer<typeof messageBodySchema>;

export function encodeBody(body: MessageBody): Uint8Array {
  return utf8(JSON.stringify(messageBodySchema.parse(body)));
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Null when the bytes are not UTF-8 JSON of a valid body. */
export function decodeBody(bytes: Uint8Array): MessageBody | null {
  try {
    const parsed = messageBodySchema.safeParse(JSON.parse(decoder.decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
