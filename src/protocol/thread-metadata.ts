import { z } from 'zod';

// A thread's plain routing metadata, from fixed lists (DESIGN.md §5): free text here would be
// plaintext the server could read. These values are signed in the genesis (protocol/genesis.ts).
// Anything personal the asker chooses to share (population, age, region) travels inside the
// encrypted thread as the intake card (protocol/message-body.ts), never here.
export const TOPICS = [
  'anxiety', 'depression', 'sleep', 'stigma', 'disclosure', 'treatment-adherence', 'substance-use',
  'relationships', 'violence', 'grief', 'work-money', 'isolation', 'other',
] as const;
export const URGENCIES = ['routine', 'soon', 'urgent'] as const;
export const THREAD_KINDS = ['consultation', 'case'] as const;

export const topicSchema = z.enum(TOPICS);
export const urgencySchema = z.enum(URGENCIES);
export const threadKindSchema = z.enum(THREAD_KINDS);

export type Topic = z.infer<typeof topicSchema>;
export type Urgency = z.infer<typeof urgencySchema>;
export type ThreadKind = z.infer<typeof threadKindSchema>;

/** The role whose members form the intake pool of a thread of this kind. */
export const poolRole = (kind: ThreadKind): 'psychologist' | 'supervisor' => (kind === 'case' ? 'supervisor' : 'psychologist');
