import { describe, expect, it } from 'vitest';
import type { EntryStatus } from '../../src/protocol/api/knowledge.js';
import { transition, type Action, type Actor } from '../../src/knowledge/workflow.js';

// The state machine alone: every allowed move, and the moves each role must not make.

const staff = (...roles: ('moderator' | 'psychologist' | 'admin' | 'supervisor' | 'school-psychologist')[]): Actor => ({ kind: 'staff', staffId: 's_me', roles });
const question = (status: EntryStatus, authorStaffId: string | null = null) => ({ kind: 'question' as const, status, authorStaffId });
const article = (status: EntryStatus, authorStaffId = 's_author') => ({ kind: 'article' as const, status, authorStaffId });

describe('question workflow', () => {
  const path: [Action, EntryStatus, Actor, EntryStatus | null][] = [
    ['accept', 'submitted', staff('moderator'), 'accepted'],
    ['reject', 'submitted', staff('moderator'), 'rejected'],
    ['merge', 'accepted', staff('moderator'), 'rejected'],
    ['answer', 'accepted', staff('psychologist'), 'answered'],
    ['answer', 'answered', staff('psychologist'), 'answered'],
    ['return', 'answered', staff('moderator'), 'accepted'],
    ['publish', 'answered', staff('moderator'), 'published'],
    ['retire', 'published', staff('moderator'), 'retired'],
    ['withdraw', 'submitted', { kind: 'asker' }, null],
    ['withdraw', 'answered', { kind: 'asker' }, null],
  ];
  it.each(path)('%s from %s', (action, from, actor, to) => {
    expect(transition(action, question(from), actor)).toEqual({ ok: true, to });
  });

  it('refuses moves from the wrong state', () => {
    expect(transition('publish', question('submitted'), staff('moderator'))).toEqual({ ok: false, code: 'invalid_transition' });
    expect(transition('accept', question('published'), staff('moderator'))).toEqual({ ok: false, code: 'invalid_transition' });
    expect(transition('withdraw', question('published'), { kind: 'asker' })).toEqual({ ok: false, code: 'invalid_transition' });
    expect(transition('answer', question('submitted'), staff('psychologist'))).toEqual({ ok: false, code: 'invalid_transition' });
  });

  it('refuses each role what it may not do', () => {
    for (const action of ['accept', 'reject', 'merge', 'publish', 'retire'] as const) {
      expect(transition(action, question('submitted'), { kind: 'asker' })).toMatchObject({ ok: false, code: 'forbidden' });
      expect(transition(action, question('answered'), staff('psychologist'))).toMatchObject({ ok: false, code: 'forbidden' });
      expect(transition(action, question('answered'), staff('admin', 'supervisor', 'school-psychologist'))).toMatchObject({ ok: false, code: 'forbidden' });
    }
    expect(transition('answer', question('accepted'), staff('moderator'))).toMatchObject({ ok: false, code: 'forbidden' });
    expect(transition('withdraw', question('submitted'), staff('moderator'))).toMatchObject({ ok: false, code: 'forbidden' });
    expect(transition('accept', question('submitted'), { kind: 'system' })).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('does not let the author of an answer publish it', () => {
    expect(transition('publish', question('answered', 's_me'), staff('moderator', 'psychologist'))).toEqual({ ok: false, code: 'review_by_author' });
  });
});

describe('article workflow', () => {
  it('goes draft → in_review → published by a second staff member', () => {
    const author: Actor = { kind: 'staff', staffId: 's_author', roles: ['psychologist'] };
    expect(transition('submit_article', article('draft'), author)).toEqual({ ok: true, to: 'in_review' });
    expect(transition('publish', article('in_review'), staff('moderator'))).toEqual({ ok: true, to: 'published' });
    expect(transition('publish', article('in_review'), staff('admin'))).toEqual({ ok: true, to: 'published' });
    expect(transition('return', article('in_review'), staff('moderator'))).toEqual({ ok: true, to: 'draft' });
  });

  it('a moderator cannot publish their own article, nor anyone a draft', () => {
    const authorModerator: Actor = { kind: 'staff', staffId: 's_author', roles: ['moderator'] };
    expect(transition('publish', article('in_review'), authorModerator)).toEqual({ ok: false, code: 'review_by_author' });
    expect(transition('publish', article('draft'), staff('moderator'))).toEqual({ ok: false, code: 'invalid_transition' });
    expect(transition('publish', article('in_review'), staff('psychologist'))).toEqual({ ok: false, code: 'forbidden' });
  });

  it('only the author edits or submits a draft', () => {
    expect(transition('edit_article', article('draft'), staff('moderator'))).toEqual({ ok: false, code: 'forbidden' });
    expect(transition('submit_article', article('draft'), staff('psychologist'))).toEqual({ ok: false, code: 'forbidden' });
    expect(transition('edit_article', article('in_review'), { kind: 'staff', staffId: 's_author', roles: ['psychologist'] })).toEqual({ ok: false, code: 'invalid_transition' });
  });
});
