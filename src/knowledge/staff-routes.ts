import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Db } from '../db/connection.js';
import type { Pepper } from '../pepper.js';
import { AppError } from '../errors.js';
import { BEARER_SECURITY, newRouter, requireStaff, type AppEnv } from '../http/context.js';
import { errorResponse, jsonBody, jsonResponse } from '../http/openapi.js';
import type { StaffRole } from '../protocol/api/staff.js';
import {
  acceptRequest, answerRequest, articleRequest, bulkRequest, bulkResponse, createTagRequest, entryIdParam, flagDecisionRequest,
  logQuery, logResponse, mergeRequest, mergeTagRequest, moderationQueueQuery, moderationQueueResponse, piiWordsRequest, piiWordsResponse,
  publishRequest, reasonRequest, rejectRequest, renameTagRequest, revisionDecisionRequest, reviseRequest, staffEntrySchema, tagEntryRequest,
  tagSchema, tagSlugParam,
} from '../protocol/api/knowledge.js';
import {
  acceptQuestion, addPlaceWords, answerQuestion, createArticle, decideFlags, decideRevision, getEntry, moderationHistory, moderationQueue,
  mergeTags, placeWords, proposeRevision, publishEntry, rejectQuestion, retireEntry, returnEntry, staffView, submitArticle, tagEntry, updateArticle,
  type Decision, type EntryRow,
} from './service.js';
import { synonymRoutes } from './synonym-routes.js';
import { createTag, renameTag } from './tags.js';
import { ARTICLE_WRITERS, EDIT_REVIEWERS } from './workflow.js';
import type { KnowledgeActivityListener } from './activity.js';

// The staff side of the knowledge base: moderators' queues and decisions, psychologists'
// answers, articles and edits with a second reviewer, and the admin's tags and detector words.
// Role checks here only admit staff at all; which role may take which step is decided by the
// state machine in workflow.ts, in one place.

export interface KnowledgeStaffDeps {
  db: Db;
  /** Publishing replaces a question's asker by HMAC(pepper, asker). */
  pepper: Pepper;
  clock: () => number;
  /** Runs after a decision that deleted text (reject, retire): app.ts checkpoints the WAL. */
  afterErase: () => void;
  /** Told when a question's answer is published (app.ts counts it for the impact report). */
  onActivity?: KnowledgeActivityListener;
}

const ANY_STAFF: readonly StaffRole[] = ['admin', 'moderator', 'psychologist', 'supervisor'];
const entryResponse = { 200: jsonResponse(staffEntrySchema, 'The entry as it now stands'), 404: errorResponse('No such entry'), 409: errorResponse('Not possible in this state') };
const params = { params: entryIdParam };
const route = (operationId: string, method: 'get' | 'post' | 'put', path: string, summary: string) =>
  ({ operationId, method, path, summary, tags: ['moderation'], security: BEARER_SECURITY });

const queueRoute = createRoute({ ...route('getModerationQueue', 'get', '/moderation/queue', 'A moderation queue, oldest first, with the size of each queue'),
  request: { query: moderationQueueQuery }, responses: { 200: jsonResponse(moderationQueueResponse, 'Queue') } });
const entryRoute = createRoute({ ...route('getModerationEntry', 'get', '/moderation/entries/{id}', 'An entry in any state, with detected personal data'), request: params, responses: entryResponse });
const acceptRoute = createRoute({ ...route('acceptQuestion', 'post', '/moderation/entries/{id}/accept', 'Accept a question with the redacted text and tags; the original is overwritten'),
  request: { ...params, ...jsonBody(acceptRequest) }, responses: entryResponse });
const rejectRoute = createRoute({ ...route('rejectQuestion', 'post', '/moderation/entries/{id}/reject', 'Reject a question with a reason code; its text is deleted'),
  request: { ...params, ...jsonBody(rejectRequest) }, responses: entryResponse });
const mergeRoute = createRoute({ ...route('mergeQuestion', 'post', '/moderation/entries/{id}/merge', 'Close a question as a duplicate of a published entry'),
  request: { ...params, ...jsonBody(mergeRequest) }, responses: entryResponse });
const bulkRoute = createRoute({ ...route('bulkModerate', 'post', '/moderation/bulk', 'Accept (unchanged) or reject many submitted questions: for spam waves'),
  request: jsonBody(bulkRequest), responses: { 200: jsonResponse(bulkResponse, 'One result per id') } });
const answerRoute = createRoute({ ...route('answerQuestion', 'post', '/moderation/entries/{id}/answer', 'Draft (or redraft) the answer to an accepted question (psychologists)'),
  request: { ...params, ...jsonBody(answerRequest) }, responses: entryResponse });
const publishRoute = createRoute({ ...route('publishEntry', 'post', '/moderation/entries/{id}/publish', 'Publish a reviewed answer or article (never one\'s own)'),
  request: { ...params, ...jsonBody(publishRequest) }, responses: entryResponse });
const returnRoute = createRoute({ ...route('returnEntry', 'post', '/moderation/entries/{id}/return', 'Send an answer or article back to its author with a reason'),
  request: { ...params, ...jsonBody(reasonRequest) }, responses: entryResponse });
const retireRoute = createRoute({ ...route('retireEntry', 'post', '/moderation/entries/{id}/retire', 'Take a published entry down'),
  request: { ...params, ...jsonBody(reasonRequest) }, responses: entryResponse });
const tagRoute = createRoute({ ...route('setEntryTags', 'put', '/moderation/entries/{id}/tags', 'Set an entry\'s tags'),
  request: { ...params, ...jsonBody(tagEntryRequest) }, responses: entryResponse });
const flagsRoute = createRoute({ ...route('decideFlags', 'post', '/moderation/entries/{id}/flags', 'Decide on a flagged entry: keep it (flags cleared) or retire it'),
  request: { ...params, ...jsonBody(flagDecisionRequest) }, responses: entryResponse });
const reviseRoute = createRoute({ ...route('proposeRevision', 'post', '/moderation/entries/{id}/revision', 'Propose an edit of a published entry; it is reviewed again before it shows'),
  request: { ...params, ...jsonBody(reviseRequest) }, responses: entryResponse });
const revisionDecisionRoute = createRoute({ ...route('decideRevision', 'post', '/moderation/entries/{id}/revision/decision', 'Approve or reject a proposed edit (not its author)'),
  request: { ...params, ...jsonBody(revisionDecisionRequest) }, responses: entryResponse });
const logRoute = createRoute({ ...route('getModerationLog', 'get', '/moderation/log', 'The append-only moderation log, newest first'),
  request: { query: logQuery }, responses: { 200: jsonResponse(logResponse, 'Log') } });
const createArticleRoute = createRoute({ ...route('createArticle', 'post', '/articles', 'Write an article (a draft)'),
  request: jsonBody(articleRequest), responses: { ...entryResponse, 201: jsonResponse(staffEntrySchema, 'Draft created') } });
const updateArticleRoute = createRoute({ ...route('updateArticle', 'put', '/articles/{id}', 'Edit one\'s own draft'),
  request: { ...params, ...jsonBody(articleRequest) }, responses: entryResponse });
const submitArticleRoute = createRoute({ ...route('submitArticle', 'post', '/articles/{id}/submit', 'Send one\'s own draft for review by a second staff member'),
  request: params, responses: entryResponse });
const createTagRoute = createRoute({ ...route('createTag', 'post', '/admin/tags', 'Add a tag (admins)'),
  request: jsonBody(createTagRequest), responses: { 201: jsonResponse(tagSchema, 'Created'), 409: errorResponse('Slug taken') } });
const renameTagRoute = createRoute({ ...route('renameTag', 'put', '/admin/tags/{slug}', 'Rename a tag in every language (admins)'),
  request: { params: tagSlugParam, ...jsonBody(renameTagRequest) }, responses: { 200: jsonResponse(tagSchema, 'Renamed'), 404: errorResponse('No such tag') } });
const mergeTagRoute = createRoute({ ...route('mergeTag', 'post', '/admin/tags/{slug}/merge', 'Merge a tag into another of the same kind (admins)'),
  request: { params: tagSlugParam, ...jsonBody(mergeTagRequest) }, responses: { 200: jsonResponse(tagSchema, 'The surviving tag'), 404: errorResponse('No such tag') } });
const piiWordsRoute = createRoute({ ...route('listPlaceWords', 'get', '/admin/pii-words', 'Place and clinic words the personal-data detector also flags'),
  responses: { 200: jsonResponse(piiWordsResponse, 'Words') } });
const addPiiWordsRoute = createRoute({ ...route('addPlaceWords', 'post', '/admin/pii-words', 'Add words to the personal-data detector (admins)'),
  request: jsonBody(piiWordsRequest), responses: { 200: jsonResponse(piiWordsResponse, 'Words') } });

/** Typed as a plain router: the chained route types are too large to merge into the app's type, and nothing needs them. */
export function knowledgeStaffRoutes(deps: KnowledgeStaffDeps): OpenAPIHono<AppEnv> {
  const { db, pepper, clock } = deps;

  const decision = (c: Context<AppEnv>, roles: readonly StaffRole[] = ANY_STAFF): Decision & { staffId: string } => {
    const { staffId, roles: held } = requireStaff(c, roles);
    return { actor: { kind: 'staff', staffId, roles: held }, staffId, now: clock(), places: placeWords(db) };
  };
  const view = (row: EntryRow, d: Decision) => staffView(db, [row], d.places)[0]!;
  /**
   * Who may see an unpublished entry: moderators every question, psychologists the questions a
   * moderator accepted, reviewers the articles sent for review, and authors their own drafts.
   */
  const visibleTo = (row: EntryRow, d: Decision & { staffId: string }): boolean => {
    const roles = d.actor.kind === 'staff' ? d.actor.roles : [];
    if (row.authorStaffId === d.staffId) return true;
    if (row.kind === 'question') {
      return roles.includes('moderator') || (roles.includes('psychologist') && ['accepted', 'answered', 'published'].includes(row.status));
    }
    return row.status !== 'draft' && roles.some((r) => r === 'admin' || r === 'moderator');
  };
  const entryFor = (c: Context<AppEnv>, d: Decision & { staffId: string }): EntryRow => {
    const row = getEntry(db, c.req.param('id') ?? '');
    if (!row || !visibleTo(row, d)) throw new AppError('entry_not_found');
    return row;
  };

  return newRouter()
    .openapi(queueRoute, (c) => {
      const d = decision(c, ['moderator', 'psychologist', 'admin']);
      const q = c.req.valid('query');
      const roles = d.actor.kind === 'staff' ? d.actor.roles : [];
      // Psychologists see the questions waiting for answers; the rest of the queues are the moderators'.
      const allowed = roles.includes('moderator') || (roles.includes('psychologist') && (q.queue === 'accepted' || q.queue === 'answered'))
        || (roles.includes('admin') && q.queue === 'in_review');
      if (!allowed) throw new AppError('forbidden');
      const { counts, rows } = moderationQueue(db, q.queue, { language: q.language, limit: q.limit });
      return c.json({ counts, entries: staffView(db, rows, d.places) }, 200);
    })
    .openapi(entryRoute, (c) => {
      const d = decision(c);
      return c.json(view(entryFor(c, d), d), 200);
    })
    .openapi(acceptRoute, (c) => {
      const d = decision(c, ['moderator']);
      const row = acceptQuestion(db, entryFor(c, d).id, c.req.valid('json'), d);
      deps.afterErase();
      return c.json(view(row, d), 200);
    })
    .openapi(rejectRoute, (c) => {
      const d = decision(c, ['moderator']);
      const row = rejectQuestion(db, entryFor(c, d).id, c.req.valid('json').reason, d);
      deps.afterErase();
      return c.json(view(row, d), 200);
    })
    .openapi(mergeRoute, (c) => {
      const d = decision(c, ['moderator']);
      const row = rejectQuestion(db, entryFor(c, d).id, 'duplicate', d, c.req.valid('json').into);
      deps.afterErase();
      return c.json(view(row, d), 200);
    })
    .openapi(bulkRoute, (c) => {
      const d = decision(c, ['moderator']);
      const body = c.req.valid('json');
      const results = body.ids.map((id) => {
        try {
          const row = getEntry(db, id);
          if (!row) throw new AppError('entry_not_found');
          if (body.action === 'reject') rejectQuestion(db, id, body.reason!, d);
          else acceptQuestion(db, id, { title: row.title, body: row.body, tags: row.suggestedTags, acknowledge: [] }, d);
          return { id, ok: true, code: null };
        } catch (err) {
          if (err instanceof AppError) return { id, ok: false, code: err.code };
          throw err;
        }
      });
      deps.afterErase();
      return c.json({ results }, 200);
    })
    .openapi(answerRoute, (c) => {
      const d = decision(c, ['psychologist']);
      return c.json(view(answerQuestion(db, entryFor(c, d).id, c.req.valid('json').answer, d), d), 200);
    })
    .openapi(publishRoute, (c) => {
      const d = decision(c);
      const entry = view(publishEntry(db, pepper, entryFor(c, d).id, c.req.valid('json').acknowledge, d), d);
      if (entry.kind === 'question') deps.onActivity?.({ type: 'answer_published', language: entry.language, tags: entry.tags });
      return c.json(entry, 200);
    })
    .openapi(returnRoute, (c) => {
      const d = decision(c);
      return c.json(view(returnEntry(db, entryFor(c, d).id, c.req.valid('json').reason, d), d), 200);
    })
    .openapi(retireRoute, (c) => {
      const d = decision(c);
      const row = retireEntry(db, entryFor(c, d).id, c.req.valid('json').reason, d);
      deps.afterErase();
      return c.json(view(row, d), 200);
    })
    .openapi(tagRoute, (c) => {
      const d = decision(c, ['moderator']);
      return c.json(view(tagEntry(db, entryFor(c, d).id, c.req.valid('json').tags, d), d), 200);
    })
    .openapi(flagsRoute, (c) => {
      const d = decision(c, ['moderator']);
      const body = c.req.valid('json');
      const row = decideFlags(db, entryFor(c, d).id, body.decision, body.reason, d);
      deps.afterErase();
      return c.json(view(row, d), 200);
    })
    .openapi(reviseRoute, (c) => {
      const d = decision(c, ARTICLE_WRITERS);
      const row = entryFor(c, d);
      proposeRevision(db, row.id, c.req.valid('json'), d);
      return c.json(view(row, d), 200);
    })
    .openapi(revisionDecisionRoute, (c) => {
      const d = decision(c, EDIT_REVIEWERS);
      const body = c.req.valid('json');
      return c.json(view(decideRevision(db, entryFor(c, d).id, body.decision, body.acknowledge, d), d), 200);
    })
    .openapi(logRoute, (c) => {
      decision(c, ['moderator', 'admin']);
      const q = c.req.valid('query');
      // Parsed, not cast: the statuses in the log are checked against the one list of states.
      return c.json(logResponse.parse({ log: moderationHistory(db, q.entry, q.limit) }), 200);
    })
    .openapi(createArticleRoute, (c) => {
      const d = decision(c, ARTICLE_WRITERS);
      return c.json(view(createArticle(db, c.req.valid('json'), d), d), 201);
    })
    .openapi(updateArticleRoute, (c) => {
      const d = decision(c, ARTICLE_WRITERS);
      return c.json(view(updateArticle(db, entryFor(c, d).id, c.req.valid('json'), d), d), 200);
    })
    .openapi(submitArticleRoute, (c) => {
      const d = decision(c, ARTICLE_WRITERS);
      return c.json(view(submitArticle(db, entryFor(c, d).id, d), d), 200);
    })
    .openapi(createTagRoute, (c) => {
      decision(c, ['admin']);
      return c.json(createTag(db, c.req.valid('json')), 201);
    })
    .openapi(renameTagRoute, (c) => {
      decision(c, ['admin']);
      return c.json(renameTag(db, c.req.valid('param').slug, c.req.valid('json').labels), 200);
    })
    .openapi(mergeTagRoute, (c) => {
      decision(c, ['admin']);
      return c.json(mergeTags(db, c.req.valid('param').slug, c.req.valid('json').into), 200);
    })
    .openapi(piiWordsRoute, (c) => {
      decision(c, ['admin', 'moderator']);
      return c.json({ words: placeWords(db) }, 200);
    })
    .openapi(addPiiWordsRoute, (c) => {
      decision(c, ['admin']);
      return c.json({ words: addPlaceWords(db, c.req.valid('json').words, clock()) }, 200);
    })
    .route('/', synonymRoutes({ db }));
}
