import type { StaffRole } from '../protocol/api/staff.js';
import type { EntryKind, EntryStatus } from '../protocol/api/knowledge.js';

// The knowledge base's state machine (DESIGN.md §6), as data: which action moves which kind of
// entry from which states to which, and who may take it. Pure, so every transition and every
// role's permission is tested without a database.
//
//   question: submitted → accepted (redacted, tagged) | rejected (reason; duplicate)
//             accepted → answered (a psychologist's draft) → published (a moderator) → retired
//             answered → accepted (returned with a reason)
//   article:  draft → in_review → published (a second staff member) → retired; in_review → draft

export type Action =
  | 'accept' | 'reject' | 'merge' | 'answer' | 'return' | 'publish' | 'retire' | 'withdraw'
  | 'submit_article' | 'edit_article';

export type Actor =
  | { kind: 'staff'; staffId: string; roles: readonly StaffRole[] }
  | { kind: 'asker' }
  | { kind: 'system' };

interface Rule {
  kinds: readonly EntryKind[];
  from: readonly EntryStatus[];
  /** null: the entry is deleted. */
  to: EntryStatus | null;
  /** Staff roles allowed, or 'asker'. */
  by: readonly StaffRole[] | 'asker';
  /** The entry's author may not take this action (the second-person review). */
  notAuthor?: true;
  /** Only the entry's author may take it. */
  authorOnly?: true;
}

const WRITERS: readonly StaffRole[] = ['psychologist', 'supervisor', 'moderator', 'admin'];
const REVIEWERS: readonly StaffRole[] = ['moderator', 'admin'];
const ANSWERERS: readonly StaffRole[] = ['psychologist'];

const RULES: Record<Action, readonly Rule[]> = {
  accept: [{ kinds: ['question'], from: ['submitted'], to: 'accepted', by: ['moderator'] }],
  reject: [{ kinds: ['question'], from: ['submitted', 'accepted', 'answered'], to: 'rejected', by: ['moderator'] }],
  merge: [{ kinds: ['question'], from: ['submitted', 'accepted', 'answered'], to: 'rejected', by: ['moderator'] }],
  answer: [{ kinds: ['question'], from: ['accepted', 'answered'], to: 'answered', by: ANSWERERS }],
  return: [
    { kinds: ['question'], from: ['answered'], to: 'accepted', by: ['moderator'] },
    { kinds: ['article'], from: ['in_review'], to: 'draft', by: REVIEWERS, notAuthor: true },
  ],
  publish: [
    { kinds: ['question'], from: ['answered'], to: 'published', by: ['moderator'], notAuthor: true },
    { kinds: ['article'], from: ['in_review'], to: 'published', by: REVIEWERS, notAuthor: true },
  ],
  retire: [{ kinds: ['question', 'article'], from: ['published'], to: 'retired', by: ['moderator'] }],
  withdraw: [{ kinds: ['question'], from: ['submitted', 'accepted', 'answered', 'rejected'], to: null, by: 'asker' }],
  submit_article: [{ kinds: ['article'], from: ['draft'], to: 'in_review', by: WRITERS, authorOnly: true }],
  edit_article: [{ kinds: ['article'], from: ['draft'], to: 'draft', by: WRITERS, authorOnly: true }],
};

export type TransitionResult =
  | { ok: true; to: EntryStatus | null }
  | { ok: false; code: 'forbidden' | 'invalid_transition' | 'review_by_author' };

/** May `actor` take `action` on an entry of this kind, state and author? And to which state? */
export function transition(action: Action, entry: { kind: EntryKind; status: EntryStatus; authorStaffId: string | null }, actor: Actor): TransitionResult {
  const rules = RULES[action].filter((r) => r.kinds.includes(entry.kind));
  const allowed = rules.filter((r) => r.by === 'asker'
    ? actor.kind === 'asker'
    : actor.kind === 'staff' && actor.roles.some((role) => (r.by as readonly StaffRole[]).includes(role)));
  if (allowed.length === 0) return { ok: false, code: 'forbidden' };
  const rule = allowed.find((r) => r.from.includes(entry.status));
  if (!rule) return { ok: false, code: 'invalid_transition' };
  const isAuthor = actor.kind === 'staff' && entry.authorStaffId === actor.staffId;
  if (rule.notAuthor && isAuthor) return { ok: false, code: 'review_by_author' };
  if (rule.authorOnly && !isAuthor) return { ok: false, code: 'forbidden' };
  return { ok: true, to: rule.to };
}

/** Roles that may write articles and propose edits. */
export const ARTICLE_WRITERS = WRITERS;
/** Roles that may write a question's answer: drafting it, or proposing a different published one. */
export const ANSWER_WRITERS = ANSWERERS;
/** Roles that may review a proposed edit (never its own author). */
export const EDIT_REVIEWERS: readonly StaffRole[] = ['moderator'];
