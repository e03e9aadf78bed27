import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Db } from '../db/connection.js';
import { AppError } from '../errors.js';
import { BEARER_SECURITY, newRouter, PUBLIC_SECURITY, requireStaff, type AppEnv } from '../http/context.js';
import { errorResponse, jsonBody, jsonResponse } from '../http/openapi.js';
import type { ProofOfWork } from '../pow/service.js';
import { okSchema } from '../protocol/api/common.js';
import type { StaffRole } from '../protocol/api/staff.js';
import {
  publicWebinarList, publicWebinarQuery, publicWebinarSchema, registrationRequest, staffWebinarList, staffWebinarSchema, webinarFiguresRequest,
  webinarIdParam, webinarRequest,
} from '../protocol/api/webinars.js';
import {
  cancelWebinar, countRegistration, createWebinar, deleteWebinar, getPublic, getWebinar, listAll, listPublic, openForRegistration, publicView,
  publishWebinar, setFigures, staffView, updateWebinar, type StaffAct, type WebinarAudit,
} from './service.js';

// The webinars API: the public's listing, event and anonymous registration (a proof of work,
// nothing else), and the staff's events under /admin/webinars (admins and supervisors).

export interface WebinarDeps {
  db: Db;
  pow: ProofOfWork;
  clock: () => number;
  /** The staff audit log's writer (app.ts): every staff act on a webinar is a row there. */
  audit: WebinarAudit;
}

/** Who runs the programme (DESIGN.md §1): the centre and its senior trainers. */
export const WEBINAR_STAFF: readonly StaffRole[] = ['admin', 'supervisor'];
const STAFF_LIST_LIMIT = 500;

const publicRoute = (operationId: string, method: 'get' | 'post', path: string, summary: string) =>
  ({ operationId, method, path, summary, tags: ['webinars'], security: PUBLIC_SECURITY });
const staffRoute = (operationId: string, method: 'get' | 'post' | 'put' | 'delete', path: string, summary: string) =>
  ({ operationId, method, path, summary, tags: ['webinars'], security: BEARER_SECURITY });
const params = { params: webinarIdParam };
const staffAnswer = {
  200: jsonResponse(staffWebinarSchema, 'The webinar as it now stands'),
  404: errorResponse('No such webinar (`webinar_not_found`)'),
  409: errorResponse('Not possible in the webinar\'s state (`webinar_state`)'),
};

const listPublicRoute = createRoute({ ...publicRoute('listWebinars', 'get', '/webinars', 'Published and cancelled webinars: upcoming (soonest first) or past (latest first)'),
  request: { query: publicWebinarQuery }, responses: { 200: jsonResponse(publicWebinarList, 'Webinars') } });
const getPublicRoute = createRoute({ ...publicRoute('getWebinar', 'get', '/webinars/{id}', 'A published or cancelled webinar'),
  request: params, responses: { 200: jsonResponse(publicWebinarSchema, 'The webinar'), 404: errorResponse('No such webinar') } });
const registerRoute = createRoute({ ...publicRoute('registerForWebinar', 'post', '/webinars/{id}/registrations', 'Register anonymously: one proof of work (purpose `webinar`) adds one to the count; nothing else is stored'),
  request: { ...params, ...jsonBody(registrationRequest) },
  responses: {
    201: jsonResponse(okSchema, 'Counted'),
    400: errorResponse('`invalid_proof_of_work` (missing, used, expired or wrong) or `invalid_input`'),
    404: errorResponse('No such webinar'),
    409: errorResponse('Cancelled or ended (`registration_closed`)'),
  } });

const listStaffRoute = createRoute({ ...staffRoute('listStaffWebinars', 'get', '/admin/webinars', 'Every webinar with its figures, latest start first (admins, supervisors)'),
  responses: { 200: jsonResponse(staffWebinarList, 'Webinars') } });
const createRouteDef = createRoute({ ...staffRoute('createWebinar', 'post', '/admin/webinars', 'Create a webinar as a draft (admins, supervisors)'),
  request: jsonBody(webinarRequest), responses: { 201: jsonResponse(staffWebinarSchema, 'Created') } });
const getStaffRoute = createRoute({ ...staffRoute('getStaffWebinar', 'get', '/admin/webinars/{id}', 'A webinar in any state, with its figures'),
  request: params, responses: { 200: staffAnswer[200], 404: staffAnswer[404] } });
const updateRoute = createRoute({ ...staffRoute('updateWebinar', 'put', '/admin/webinars/{id}', 'Edit a draft or published webinar (a null link removes it; figures stay)'),
  request: { ...params, ...jsonBody(webinarRequest) }, responses: staffAnswer });
const deleteRoute = createRoute({ ...staffRoute('deleteWebinar', 'delete', '/admin/webinars/{id}', 'Delete a draft (published ones are cancelled instead)'),
  request: params, responses: { 200: jsonResponse(okSchema, 'Deleted'), 404: staffAnswer[404], 409: staffAnswer[409] } });
const publishRoute = createRoute({ ...staffRoute('publishWebinar', 'post', '/admin/webinars/{id}/publish', 'Publish a draft: it shows on the public pages and takes registrations'),
  request: params, responses: staffAnswer });
const cancelRoute = createRoute({ ...staffRoute('cancelWebinar', 'post', '/admin/webinars/{id}/cancel', 'Cancel a published webinar: it stays listed as cancelled and takes no registrations'),
  request: params, responses: staffAnswer });
const figuresRoute = createRoute({ ...staffRoute('setWebinarFigures', 'put', '/admin/webinars/{id}/figures', 'Enter attendance and recording views of a published webinar that has started'),
  request: { ...params, ...jsonBody(webinarFiguresRequest) }, responses: staffAnswer });

function publicWebinarRoutes(deps: WebinarDeps): OpenAPIHono<AppEnv> {
  const { db, clock } = deps;
  return newRouter()
    .openapi(listPublicRoute, (c) => {
      const now = clock();
      return c.json({ webinars: listPublic(db, c.req.valid('query'), now).map((row) => publicView(row, now)) }, 200);
    })
    .openapi(getPublicRoute, (c) => {
      const row = getPublic(db, c.req.valid('param').id);
      if (!row) throw new AppError('webinar_not_found');
      return c.json(publicView(row, clock()), 200);
    })
    .openapi(registerRoute, (c) => {
      const now = clock();
      const { id } = c.req.valid('param');
      // The event first: a proof of work is not spent on a registration that cannot count.
      openForRegistration(db, id, now);
      if (!deps.pow.redeem('webinar', c.req.valid('json').pow, now)) throw new AppError('invalid_proof_of_work');
      countRegistration(db, id);
      return c.json({ ok: true as const }, 201);
    });
}

function staffWebinarRoutes(deps: WebinarDeps): OpenAPIHono<AppEnv> {
  const { db, clock } = deps;
  const act = (c: Context<AppEnv>): StaffAct => ({ actor: requireStaff(c, WEBINAR_STAFF).staffId, now: clock(), audit: deps.audit });
  return newRouter()
    .openapi(listStaffRoute, (c) => {
      requireStaff(c, WEBINAR_STAFF);
      return c.json({ webinars: listAll(db, STAFF_LIST_LIMIT).map(staffView) }, 200);
    })
    .openapi(createRouteDef, (c) => c.json(staffView(createWebinar(db, c.req.valid('json'), act(c))), 201))
    .openapi(getStaffRoute, (c) => {
      requireStaff(c, WEBINAR_STAFF);
      const row = getWebinar(db, c.req.valid('param').id);
      if (!row) throw new AppError('webinar_not_found');
      return c.json(staffView(row), 200);
    })
    .openapi(updateRoute, (c) => c.json(staffView(updateWebinar(db, c.req.valid('param').id, c.req.valid('json'), act(c))), 200))
    .openapi(deleteRoute, (c) => {
      deleteWebinar(db, c.req.valid('param').id, act(c));
      return c.json({ ok: true as const }, 200);
    })
    .openapi(publishRoute, (c) => c.json(staffView(publishWebinar(db, c.req.valid('param').id, act(c))), 200))
    .openapi(cancelRoute, (c) => c.json(staffView(cancelWebinar(db, c.req.valid('param').id, act(c))), 200))
    .openapi(figuresRoute, (c) => c.json(staffView(setFigures(db, c.req.valid('param').id, c.req.valid('json'), act(c))), 200));
}

/** Typed as a plain router, like the knowledge staff routes: nothing needs the chained route types. */
export function webinarRoutes(deps: WebinarDeps): OpenAPIHono<AppEnv> {
  return newRouter().route('/', publicWebinarRoutes(deps)).route('/', staffWebinarRoutes(deps));
}
