import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import type { Db } from '../db/connection.js';
import { AppError } from '../errors.js';
import { BEARER_SECURITY, newRouter, PUBLIC_SECURITY, requireAsker, type AppEnv } from '../http/context.js';
import { errorResponse, jsonBody, jsonResponse } from '../http/openapi.js';
import type { Pepper } from '../pepper.js';
import type { ProofOfWork } from '../pow/service.js';
import { okSchema } from '../protocol/api/common.js';
import {
  browseQuery, browseResponse, entryIdParam, flagRequest, helpfulResponse, myQuestionsResponse, publicEntrySchema,
  searchQuery, searchResponse, submitQuestionRequest, tagListResponse, type PublicEntry, type ReasonCode,
} from '../protocol/api/knowledge.js';
import type { Language } from '../protocol/api/common.js';
import { publicSearch } from './public-search.js';
import {
  browse, flagEntry, markHelpful, myQuestions, publicEntryJson, submitQuestion, withdrawQuestion, type KnowledgePolicy,
} from './service.js';
import { listTags } from './tags.js';
import type { KnowledgeActivityListener } from './activity.js';

// The public side of the knowledge base: reading needs no token, and all but search may be cached (the answer
// is the same for everyone); asking, voting and flagging need an asker's session.

export interface KnowledgeDeps {
  db: Db;
  pepper: Pepper;
  pow: ProofOfWork;
  clock: () => number;
  policy: KnowledgePolicy;
  /** Runs after a withdrawal (app.ts checkpoints the WAL so the text leaves the -wal file). */
  afterErase: () => void;
  /** Told when a question is submitted (app.ts counts it for the impact report). */
  onActivity?: KnowledgeActivityListener;
}

const PUBLIC_CACHE = 'public, max-age=60';
const tagsOfQuery = (tag: string | string[] | undefined): string[] => (tag === undefined ? [] : Array.isArray(tag) ? tag : [tag]);
const notFound = { 404: errorResponse('No such published entry') };

const tagsRoute = createRoute({
  method: 'get', path: '/kb/tags', operationId: 'listTags', tags: ['knowledge'], security: PUBLIC_SECURITY, summary: 'Population and topic tags with labels in ru, kk and en',
  responses: { 200: jsonResponse(tagListResponse, 'Tags') },
});
const browseRoute = createRoute({
  method: 'get', path: '/kb/entries', operationId: 'browseEntries', tags: ['knowledge'], security: PUBLIC_SECURITY, summary: 'Published entries, newest first, by language, tags and kind',
  request: { query: browseQuery },
  responses: { 200: jsonResponse(browseResponse, 'A page of entries') },
});
const entryRoute = createRoute({
  method: 'get', path: '/kb/entries/{id}', operationId: 'getEntry', tags: ['knowledge'], security: PUBLIC_SECURITY, summary: 'A published question with its answer, or an article',
  request: { params: entryIdParam },
  responses: { 200: jsonResponse(publicEntrySchema, 'The entry'), ...notFound },
});
const searchRoute = createRoute({
  method: 'get', path: '/kb/search', operationId: 'searchEntries', tags: ['knowledge'], security: PUBLIC_SECURITY,
  summary: 'Full-text search (stems for ru and en, substrings for kk and part-words, typo correction) with marked snippets',
  request: { query: searchQuery },
  responses: { 200: jsonResponse(searchResponse, 'Results') },
});
const helpfulRoute = createRoute({
  method: 'put', path: '/kb/entries/{id}/helpful', operationId: 'markHelpful', tags: ['knowledge'], security: BEARER_SECURITY,
  summary: 'Mark an entry helpful: once per identity, stored unlinkably', request: { params: entryIdParam },
  responses: { 200: jsonResponse(helpfulResponse, 'The count'), ...notFound },
});
const flagRoute = createRoute({
  method: 'post', path: '/kb/entries/{id}/flags', operationId: 'flagEntry', tags: ['knowledge'], security: BEARER_SECURITY,
  summary: 'Flag an entry with a reason; enough flags take it out of the index until a moderator decides',
  request: { params: entryIdParam, ...jsonBody(flagRequest) },
  responses: { 200: jsonResponse(okSchema, 'Flag recorded'), ...notFound },
});
const submitRoute = createRoute({
  method: 'post', path: '/kb/questions', operationId: 'submitQuestion', tags: ['knowledge'], security: BEARER_SECURITY,
  summary: 'Submit a question for moderation (with a proof of work)', request: jsonBody(submitQuestionRequest),
  responses: { 201: jsonResponse(myQuestionsResponse.shape.questions.element, 'Submitted') },
});
const mineRoute = createRoute({
  method: 'get', path: '/kb/questions/mine', operationId: 'listMyQuestions', tags: ['knowledge'], security: BEARER_SECURITY,
  summary: 'The caller\'s questions and their status',
  responses: { 200: jsonResponse(myQuestionsResponse, 'Questions') },
});
const withdrawRoute = createRoute({
  method: 'delete', path: '/kb/questions/{id}', operationId: 'withdrawQuestion', tags: ['knowledge'], security: BEARER_SECURITY,
  summary: 'Withdraw (delete) one of the caller\'s questions while it is unpublished', request: { params: entryIdParam },
  responses: { 200: jsonResponse(okSchema, 'Withdrawn'), 409: errorResponse('Published already'), ...notFound },
});

type MyQuestion = ReturnType<typeof myQuestions>[number];
const myQuestion = (r: MyQuestion) => ({
  id: r.id, status: r.status, language: r.language as Language, title: r.title, reasonCode: r.reasonCode as ReasonCode | null,
  duplicateOf: r.duplicateOf, createdAt: r.createdAt, publishedAt: r.publishedAt,
});

const cacheable = (c: Context<AppEnv>): void => { c.header('Cache-Control', PUBLIC_CACHE); };

export function knowledgeRoutes(deps: KnowledgeDeps): OpenAPIHono<AppEnv> {
  const { db, pepper, clock } = deps;
  return newRouter()
    .openapi(tagsRoute, (c) => {
      cacheable(c);
      return c.json({ tags: listTags(db) }, 200);
    })
    .openapi(browseRoute, (c) => {
      const q = c.req.valid('query');
      cacheable(c);
      const { entries, total } = browse(db, { language: q.language, tags: tagsOfQuery(q.tag), kind: q.kind, page: q.page, pageSize: q.pageSize });
      return c.json({ entries: entries.map(({ body: _b, answer: _a, ...summary }) => summary), total, page: q.page, pageSize: q.pageSize }, 200);
    })
    .openapi(entryRoute, (c) => {
      const json = publicEntryJson(db, c.req.valid('param').id);
      cacheable(c);
      // The same bytes c.json would send, serialized once (service.ts publicEntryJson); the type says what they hold.
      return c.body(json, 200, { 'Content-Type': 'application/json' }) as unknown as TypedResponse<PublicEntry, 200, 'json'>;
    })
    .openapi(searchRoute, (c) => {
      const q = c.req.valid('query');
      // Not cacheable, unlike the other public reads: a search holds what someone looked for,
      // which no browser cache or proxy should keep (the default no-store applies).
      return c.json(publicSearch(db, q, tagsOfQuery(q.tag)), 200);
    })
    .openapi(helpfulRoute, (c) => {
      const identityId = requireAsker(c);
      return c.json(markHelpful(db, pepper, identityId, c.req.valid('param').id), 200);
    })
    .openapi(flagRoute, (c) => {
      const identityId = requireAsker(c);
      flagEntry(db, pepper, identityId, c.req.valid('param').id, c.req.valid('json').reason, deps.policy, clock());
      return c.json({ ok: true as const }, 200);
    })
    .openapi(submitRoute, (c) => {
      const identityId = requireAsker(c);
      const input = c.req.valid('json');
      if (!deps.pow.redeem('question', input.pow, clock())) throw new AppError('invalid_proof_of_work');
      const submitted = myQuestion(submitQuestion(db, identityId, input, clock()));
      deps.onActivity?.({ type: 'question_submitted', language: input.language, tags: input.suggestedTags });
      return c.json(submitted, 201);
    })
    .openapi(mineRoute, (c) => c.json({ questions: myQuestions(db, pepper, requireAsker(c)).map(myQuestion) }, 200))
    .openapi(withdrawRoute, (c) => {
      withdrawQuestion(db, pepper, requireAsker(c), c.req.valid('param').id, clock());
      deps.afterErase();
      return c.json({ ok: true as const }, 200);
    });
}
