import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Db } from '../db/connection.js';
import { AppError } from '../errors.js';
import { BEARER_SECURITY, newRouter, requirePrincipal, requireStaff, type AppEnv } from '../http/context.js';
import { errorResponse, jsonBody, jsonResponse } from '../http/openapi.js';
import { okSchema, threadIdParam } from '../protocol/api/common.js';
import {
  handoverRequest, messageSchema, messagesQuery, messagesResponse, openThreadRequest, postMessageRequest, queueQuery,
  threadDetail, threadListResponse, threadSummary,
} from '../protocol/api/threads.js';
import type { StaffDirectory } from '../protocol/directory.js';
import { toBase64Url } from '../protocol/encoding.js';
import type { Sodium } from '../protocol/sodium.js';
import type { ThreadEvents } from './events.js';
import { threadEventStream } from './stream.js';
import {
  claimThread, closeThread, eraseThread, getThread, handOver, listMessages, listThreads, openerOf, openThread, poolRole, postMessage,
  queue, sealedKeyFor, standingOf, summaryOf, type Caller, type IdentityKeys, type Standing, type ThreadRow,
} from './service.js';

export interface ThreadDeps {
  /** Logs a failure inside a live stream (app.ts: class and SQLite code only, never the message). */
  onStreamError: (err: unknown) => void;
  db: Db;
  sodium: Sodium;
  clock: () => number;
  directory: StaffDirectory;
  identities: IdentityKeys;
  events: ThreadEvents;
  maxOpenThreads: number;
  /** Runs after an erase (app.ts checkpoints the WAL). */
  afterErase: () => void;
  /** Whether a session token is still valid (app.ts asks the sessions): open streams re-check it. */
  sessionIsLive: (token: string) => boolean;
}

const HEARTBEAT_MS = 15_000;
const params = { params: threadIdParam };
const notFound = { 404: errorResponse('No such thread, or not yours: the same answer either way') };

const openRoute = createRoute({
  method: 'post', path: '/threads', operationId: 'openThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Open a consultation (asker) or case thread (psychologist); the thread key comes sealed to each participant',
  request: jsonBody(openThreadRequest),
  responses: { 201: jsonResponse(threadSummary, 'Opened') },
});
const listRoute = createRoute({
  method: 'get', path: '/threads', operationId: 'listThreads', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Threads the caller opened or is assigned to',
  responses: { 200: jsonResponse(threadListResponse, 'Threads') },
});
const queueRoute = createRoute({
  method: 'get', path: '/queue', operationId: 'getQueue', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Open threads in the caller\'s intake pool, urgent first, then oldest (psychologists, supervisors)',
  request: { query: queueQuery },
  responses: { 200: jsonResponse(threadListResponse, 'Queue') },
});
const detailRoute = createRoute({
  method: 'get', path: '/threads/{id}', operationId: 'getThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'A thread with the key sealed to the caller', request: params,
  responses: { 200: jsonResponse(threadDetail, 'Thread'), ...notFound },
});
const claimRoute = createRoute({
  method: 'post', path: '/threads/{id}/claim', operationId: 'claimThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Claim an open thread from the pool; the other pool members\' keys are dropped', request: params,
  responses: { 200: jsonResponse(threadSummary, 'Claimed'), 409: errorResponse('Already claimed or closed'), ...notFound },
});
const messagesRoute = createRoute({
  method: 'get', path: '/threads/{id}/messages', operationId: 'listMessages', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Messages after a sequence number, oldest first', request: { ...params, query: messagesQuery },
  responses: { 200: jsonResponse(messagesResponse, 'A page of messages'), ...notFound },
});
const postRoute = createRoute({
  method: 'post', path: '/threads/{id}/messages', operationId: 'postMessage', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Post an encrypted, signed message with the next sequence number', request: { ...params, ...jsonBody(postMessageRequest) },
  responses: { 201: jsonResponse(messageSchema, 'Stored'), 409: errorResponse('Sequence taken or thread closed'), ...notFound },
});
const eventsRoute = createRoute({
  method: 'get', path: '/threads/{id}/events', operationId: 'streamThreadEvents', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Server-Sent Events: `message` (id = seq) and `status`; resumes after Last-Event-ID', request: params,
  responses: { 200: { content: { 'text/event-stream': { schema: z.string() } }, description: 'Event stream' }, ...notFound },
});
const handoverRoute = createRoute({
  method: 'post', path: '/threads/{id}/handover', operationId: 'handOverThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Hand the thread to a colleague, with the thread key sealed to them', request: { ...params, ...jsonBody(handoverRequest) },
  responses: { 200: jsonResponse(threadSummary, 'Handed over'), ...notFound },
});
const closeRoute = createRoute({
  method: 'post', path: '/threads/{id}/close', operationId: 'closeThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Close the thread (opener or assigned staff)', request: params,
  responses: { 200: jsonResponse(threadSummary, 'Closed'), ...notFound },
});
const eraseRoute = createRoute({
  method: 'delete', path: '/threads/{id}', operationId: 'eraseThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Erase the thread with every message (its opener)', request: params,
  responses: { 200: jsonResponse(okSchema, 'Erased'), ...notFound },
});

function callerOf(c: Context<AppEnv>): Caller {
  const p = requirePrincipal(c);
  return p.kind === 'asker' ? { kind: 'asker', id: p.identityId } : { kind: 'staff', id: p.staffId, roles: p.roles };
}

export function threadRoutes(deps: ThreadDeps) {
  const { db, clock, directory, events } = deps;

  /** The thread if the caller takes part in it with one of `standings`; otherwise "no such thread". */
  const participate = (c: Context<AppEnv>, id: string, standings: readonly Standing[] = ['opener', 'assigned', 'pool']) => {
    const caller = callerOf(c);
    const row = getThread(db, id);
    const standing = row && standingOf(db, row, caller.id);
    if (!row || !standing) throw new AppError('thread_not_found');
    if (!standings.includes(standing)) throw new AppError('forbidden');
    return { caller, row, standing };
  };

  const signKeyOf = (id: string): Uint8Array | null => id.startsWith('a_') ? deps.identities(id)?.signPublicKey ?? null : directory.get(id)?.signPublicKey ?? null;
  const announce = (row: ThreadRow) => events.publish(row.id, { type: 'status', thread: summaryOf(row) });

  return newRouter()
    .openapi(openRoute, (c) => {
      const result = openThread(db, directory, callerOf(c), c.req.valid('json'), { now: clock(), maxOpenThreads: deps.maxOpenThreads });
      if (!result.ok) throw new AppError(result.reason);
      return c.json(summaryOf(result.thread), 201);
    })
    .openapi(listRoute, (c) => c.json({ threads: listThreads(db, callerOf(c)).map(summaryOf) }, 200))
    .openapi(queueRoute, (c) => {
      const { staffId } = requireStaff(c, ['psychologist', 'supervisor']);
      return c.json({ threads: queue(db, staffId, c.req.valid('query')).map(summaryOf) }, 200);
    })
    .openapi(detailRoute, (c) => {
      const { caller, row } = participate(c, c.req.valid('param').id);
      const sealed = sealedKeyFor(db, row.id, caller.id);
      const openerId = openerOf(row);
      const opener = openerId.startsWith('a_') ? deps.identities(openerId) : directory.get(openerId);
      if (!sealed || !opener) throw new AppError('thread_not_found');
      return c.json({
        ...summaryOf(row),
        sealedKey: toBase64Url(sealed),
        opener: { id: openerId, signPublicKey: toBase64Url(opener.signPublicKey), boxPublicKey: toBase64Url(opener.boxPublicKey) },
      }, 200);
    })
    .openapi(claimRoute, (c) => {
      const { caller, row } = participate(c, c.req.valid('param').id, ['pool']);
      const claimed = claimThread(db, row.id, caller.id);
      if (!claimed) throw new AppError('thread_not_open');
      announce(claimed);
      return c.json(summaryOf(claimed), 200);
    })
    .openapi(messagesRoute, (c) => {
      const { row } = participate(c, c.req.valid('param').id);
      const { after, limit } = c.req.valid('query');
      return c.json(listMessages(db, row.id, after, limit), 200);
    })
    .openapi(postRoute, async (c) => {
      const { caller, row } = participate(c, c.req.valid('param').id, ['opener', 'assigned']);
      const body = c.req.valid('json');
      const key = signKeyOf(caller.id);
      if (!key) throw new AppError('thread_not_found');
      const result = await postMessage(db, deps.sodium, {
        threadId: row.id, senderId: caller.id, senderSignPublicKey: key, seq: body.seq,
        envelope: { nonce: body.nonce, ciphertext: body.ciphertext, signature: body.signature }, now: clock(),
      });
      if (!result.ok) throw new AppError(result.reason);
      events.publish(row.id, { type: 'message', message: result.message });
      return c.json(result.message, 201);
    })
    .openapi(eventsRoute, (c) => {
      const { row } = participate(c, c.req.valid('param').id);
      const token = c.get('token');
      const lastEventId = Number.parseInt(c.req.header('last-event-id') ?? '0', 10);
      const body = threadEventStream({
        threadId: row.id,
        after: Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0,
        events,
        page: (after) => listMessages(db, row.id, after, 200),
        // The session not revoked (logout, erase) nor expired, and the caller still taking part
        // (a claim by a colleague or a hand-over ends a psychologist's access): stream.ts asks before writing.
        onError: deps.onStreamError,
        stillAllowed: () => {
          if (!token || !deps.sessionIsLive(token)) return false;
          try {
            participate(c, row.id);
            return true;
          } catch {
            return false;
          }
        },
        heartbeatMs: HEARTBEAT_MS,
      });
      // The headers hono's streamSSE sends; chunked, so the adapter sends them at once.
      c.header('Transfer-Encoding', 'chunked');
      c.header('Content-Type', 'text/event-stream');
      c.header('Cache-Control', 'no-cache');
      c.header('Connection', 'keep-alive');
      return c.newResponse(body, 200);
    })
    .openapi(handoverRoute, (c) => {
      const { caller, row } = participate(c, c.req.valid('param').id, ['assigned']);
      const { toStaffId, sealedKey } = c.req.valid('json');
      const colleague = directory.get(toStaffId);
      if (!colleague || !colleague.signed || toStaffId === caller.id || !colleague.roles.includes(poolRole(row.kind))) throw new AppError('invalid_recipients');
      const moved = handOver(db, row.id, caller.id, { staffId: toStaffId, sealedKey });
      announce(moved);
      return c.json(summaryOf(moved), 200);
    })
    .openapi(closeRoute, (c) => {
      const { row } = participate(c, c.req.valid('param').id, ['opener', 'assigned']);
      const closed = closeThread(db, row.id, clock());
      announce(closed);
      return c.json(summaryOf(closed), 200);
    })
    .openapi(eraseRoute, (c) => {
      const { row } = participate(c, c.req.valid('param').id, ['opener']);
      eraseThread(db, row.id);
      events.publish(row.id, { type: 'erased' });
      deps.afterErase();
      return c.json({ ok: true as const }, 200);
    });
}
