import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { BEARER_SECURITY, newRouter, PUBLIC_SECURITY, requireStaff, type AppEnv } from '../http/context.js';
import { errorResponse, jsonBody, jsonResponse } from '../http/openapi.js';
import { okSchema } from '../protocol/api/common.js';
import { crisisContactIdParam, crisisContactList, crisisContactRequest, crisisContactSchema, crisisListQuery, crisisReorderRequest } from '../protocol/api/crisis.js';
import { viewOf, type CrisisAct, type CrisisAudit, type CrisisDirectory } from './service.js';

// The crisis-contacts API: the public's current list (the same the pages show), and the admins'
// list under /admin/crisis-contacts. Admins only: a number shown to someone in crisis is the
// organisation's word.

export interface CrisisDeps {
  directory: CrisisDirectory;
  clock: () => number;
  /** The staff audit log's writer (app.ts): every act on the list is a row there. */
  audit: CrisisAudit;
}

const staffRoute = (operationId: string, method: 'get' | 'post' | 'put' | 'delete', path: string, summary: string) =>
  ({ operationId, method, path, summary, tags: ['crisis'], security: BEARER_SECURITY });
const params = { params: crisisContactIdParam };
const notFound = errorResponse('No such contact (`crisis_contact_not_found`)');

const publicListRoute = createRoute({
  operationId: 'listCrisisContacts', method: 'get', path: '/crisis-contacts', tags: ['crisis'], security: PUBLIC_SECURITY,
  summary: 'The current crisis contacts, in order, optionally for one language and region; `toVerify` marks an unconfirmed number',
  request: { query: crisisListQuery }, responses: { 200: jsonResponse(crisisContactList, 'Contacts') },
});
const listRoute = createRoute({ ...staffRoute('listStaffCrisisContacts', 'get', '/admin/crisis-contacts', 'Every contact, by language and order (admins)'),
  request: { query: crisisListQuery }, responses: { 200: jsonResponse(crisisContactList, 'Contacts') } });
const createDef = createRoute({ ...staffRoute('createCrisisContact', 'post', '/admin/crisis-contacts', 'Add a contact at the end of its language\'s list, unverified'),
  request: jsonBody(crisisContactRequest), responses: { 201: jsonResponse(crisisContactSchema, 'Created') } });
const updateDef = createRoute({ ...staffRoute('updateCrisisContact', 'put', '/admin/crisis-contacts/{id}', 'Edit a contact; a changed number or link is unverified again'),
  request: { ...params, ...jsonBody(crisisContactRequest) }, responses: { 200: jsonResponse(crisisContactSchema, 'The contact'), 404: notFound } });
const deleteDef = createRoute({ ...staffRoute('deleteCrisisContact', 'delete', '/admin/crisis-contacts/{id}', 'Remove a contact'),
  request: params, responses: { 200: jsonResponse(okSchema, 'Deleted'), 404: notFound } });
const verifyDef = createRoute({ ...staffRoute('verifyCrisisContact', 'post', '/admin/crisis-contacts/{id}/verify', 'Confirm a contact as checked today'),
  request: params, responses: { 200: jsonResponse(crisisContactSchema, 'The contact'), 404: notFound } });
const reorderDef = createRoute({ ...staffRoute('reorderCrisisContacts', 'put', '/admin/crisis-contacts/order', 'Set the order of one language\'s list (every id, once)'),
  request: jsonBody(crisisReorderRequest),
  responses: { 200: jsonResponse(crisisContactList, 'The language\'s list in its new order'), 409: errorResponse('Not every contact of the language, once (`crisis_order_mismatch`)') } });

export function crisisRoutes(deps: CrisisDeps): OpenAPIHono<AppEnv> {
  const { directory, clock } = deps;
  const act = (c: Context<AppEnv>): CrisisAct => ({ actor: requireStaff(c, ['admin']).staffId, now: clock(), audit: deps.audit });
  return newRouter()
    .openapi(publicListRoute, (c) => {
      const now = clock();
      return c.json({ contacts: directory.list(c.req.valid('query')).map((r) => viewOf(r, now)) }, 200);
    })
    .openapi(listRoute, (c) => {
      requireStaff(c, ['admin']);
      const now = clock();
      return c.json({ contacts: directory.list(c.req.valid('query')).map((r) => viewOf(r, now)) }, 200);
    })
    .openapi(createDef, (c) => {
      const a = act(c);
      return c.json(viewOf(directory.create(c.req.valid('json'), a), a.now), 201);
    })
    .openapi(reorderDef, (c) => {
      const a = act(c);
      const { language, ids } = c.req.valid('json');
      return c.json({ contacts: directory.reorder(language, ids, a).map((r) => viewOf(r, a.now)) }, 200);
    })
    .openapi(updateDef, (c) => {
      const a = act(c);
      return c.json(viewOf(directory.update(c.req.valid('param').id, c.req.valid('json'), a), a.now), 200);
    })
    .openapi(deleteDef, (c) => {
      directory.delete(c.req.valid('param').id, act(c));
      return c.json({ ok: true as const }, 200);
    })
    .openapi(verifyDef, (c) => {
      const a = act(c);
      return c.json(viewOf(directory.verify(c.req.valid('param').id, a), a.now), 200);
    });
}
