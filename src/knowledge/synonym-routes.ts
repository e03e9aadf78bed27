import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Db } from '../db/connection.js';
import { BEARER_SECURITY, newRouter, requireStaff, type AppEnv } from '../http/context.js';
import { errorResponse, jsonBody, jsonResponse } from '../http/openapi.js';
import { okSchema } from '../protocol/api/common.js';
import {
  synonymGroupIdParam, synonymGroupRequest, synonymGroupSchema, synonymListQuery, synonymListResponse,
} from '../protocol/api/knowledge.js';
import type { StaffRole } from '../protocol/api/staff.js';
import { createSynonymGroup, deleteSynonymGroup, listSynonymGroups, updateSynonymGroup } from './synonyms.js';

// Moderators keep the search synonyms (synonyms.ts): groups of words and phrases, in ru, kk and
// en, that people use for one thing. A change is searched with at once, without a restart.
// Admins may too: they keep the tags, which are the other vocabulary of the knowledge base.

const KEEPERS: readonly StaffRole[] = ['moderator', 'admin'];
const route = (operationId: string, method: 'get' | 'post' | 'put' | 'delete', path: string, summary: string) =>
  ({ operationId, method, path, summary, tags: ['moderation'], security: BEARER_SECURITY });
const notFound = { 404: errorResponse('No such synonym group (`synonym_group_not_found`)') };

const listRoute = createRoute({ ...route('listSynonymGroups', 'get', '/moderation/synonyms', 'Search synonym groups, oldest first; with `language`, those with terms in it'),
  request: { query: synonymListQuery }, responses: { 200: jsonResponse(synonymListResponse, 'Groups') } });
const createGroupRoute = createRoute({ ...route('createSynonymGroup', 'post', '/moderation/synonyms', 'Add a synonym group (moderators, admins); search uses it at once'),
  request: jsonBody(synonymGroupRequest), responses: { 201: jsonResponse(synonymGroupSchema, 'Created') } });
const updateGroupRoute = createRoute({ ...route('updateSynonymGroup', 'put', '/moderation/synonyms/{id}', 'Replace a synonym group\'s terms (moderators, admins)'),
  request: { params: synonymGroupIdParam, ...jsonBody(synonymGroupRequest) }, responses: { 200: jsonResponse(synonymGroupSchema, 'The group as it now stands'), ...notFound } });
const deleteGroupRoute = createRoute({ ...route('deleteSynonymGroup', 'delete', '/moderation/synonyms/{id}', 'Remove a synonym group (moderators, admins)'),
  request: { params: synonymGroupIdParam }, responses: { 200: jsonResponse(okSchema, 'Removed'), ...notFound } });

/** Typed as a plain router, like the rest of the staff routes. */
export function synonymRoutes(deps: { db: Db }): OpenAPIHono<AppEnv> {
  const { db } = deps;
  return newRouter()
    .openapi(listRoute, (c) => {
      requireStaff(c, KEEPERS);
      return c.json({ groups: listSynonymGroups(db, c.req.valid('query').language) }, 200);
    })
    .openapi(createGroupRoute, (c) => {
      requireStaff(c, KEEPERS);
      return c.json(createSynonymGroup(db, c.req.valid('json').terms), 201);
    })
    .openapi(updateGroupRoute, (c) => {
      requireStaff(c, KEEPERS);
      return c.json(updateSynonymGroup(db, c.req.valid('param').id, c.req.valid('json').terms), 200);
    })
    .openapi(deleteGroupRoute, (c) => {
      requireStaff(c, KEEPERS);
      deleteSynonymGroup(db, c.req.valid('param').id);
      return c.json({ ok: true as const }, 200);
    });
}
