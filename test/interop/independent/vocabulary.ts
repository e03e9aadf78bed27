// The fixed lists the protocol's bytes draw from (PROTOCOL.md §7.2, §7.6). The draft specification
// names the topics only by pointing at src/protocol/thread-metadata.ts; they are copied here so
// that this implementation depends on no file of src/.

export const THREAD_KINDS = ['consultation', 'case'] as const;
export const LANGUAGES = ['ru', 'kk', 'en'] as const;
export const TOPICS = [
  'anxiety', 'depression', 'sleep', 'stigma', 'disclosure', 'treatment-adherence', 'substance-use',
  'relationships', 'violence', 'grief', 'work-money', 'isolation', 'other',
] as const;
export const URGENCIES = ['routine', 'soon', 'urgent'] as const;
export const ITEM_TYPES = ['message', 'claim', 'handover', 'return'] as const;
export const POPULATIONS = [
  'plhiv', 'msm', 'sex-workers', 'people-who-use-drugs', 'trans', 'prisoners', 'migrants', 'young-people', 'partners-families',
] as const;
export const AGE_GROUPS = ['under-18', '18-24', '25-34', '35-44', '45-plus'] as const;

export type ThreadKind = (typeof THREAD_KINDS)[number];
export type ItemType = (typeof ITEM_TYPES)[number];

/** The role whose members form a thread's intake pool. */
export const poolRole = (kind: ThreadKind): string => (kind === 'case' ? 'supervisor' : 'psychologist');

export const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

/** Thread, staff and identity ids (PROTOCOL.md §1.3): a kind letter, `_`, 22 base64url characters. */
export const ID_PATTERN = /^[ast]_[A-Za-z0-9_-]{22}$/;
export const THREAD_ID_PATTERN = /^t_[A-Za-z0-9_-]{22}$/;
/** Recipients are directory entries (§6), so staff ids; §7.2 implies it without saying it. */
export const STAFF_ID_PATTERN = /^s_[A-Za-z0-9_-]{22}$/;
