import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Db } from '../db/connection.js';
import { AppError } from '../errors.js';
import { BEARER_SECURITY, newRouter, requirePrincipal, requireStaff, type AppEnv } from '../http/context.js';
import { errorResponse, jsonBody, jsonResponse } from '../http/openapi.js';
import { okSchema, threadIdParam } from '../protocol/api/common.js';
import {
  claimRequest, handoverRequest, itemSchema, returnRequest, itemsQuery, itemsResponse, openThreadRequest, postMessageRequest, queueQuery,
  threadDetail, threadListResponse, threadSummary,
} from '../protocol/api/threads.js';
import type { StaffDirectory } from '../protocol/directory.js';
import { toBase64Url } from '../protocol/encoding.js';
import { ciphertextLengthValid } from '../protocol/envelope.js';
import type { Sodium } from '../protocol/sodium.js';
import type { TranscriptItem } from '../protocol/transcript.js';
import { itemActivity, openedActivity, type ThreadActivityListener } from './activity.js';
import { ownThreadsChannel, type ThreadEvents } from './events.js';
import { postItem, type PostResult } from './items.js';
import type { SignaturePool } from './signature-pool.js';
import { openThread } from './open.js';
import { queueNotices } from './queue-notices.js';
import { queueRoutes } from './queue-routes.js';
import { myThreadsRoutes } from './my-threads-routes.js';
import { threadEventStream } from './stream.js';
import {
  closeThread, eraseThread, getThread, holderRevoked, knownStaff, listItems, listThreads, openerOf, queue, sealedKeyFor, standingOf, summarizer,
  type Caller, type IdentityKeys, type StaffActive, type Standing, type ThreadRow,
} from './service.js';

export interface ThreadDeps {
  /** Logs a failure inside a live stream (app.ts: class and SQLite code only, never the message). */
  onStreamError: (err: unknown) => void;
  db: Db;
  sodium: Sodium;
  /** Checks posted items' signatures off the event loop. */
  signatures: SignaturePool;
  clock: () => number;
  directory: StaffDirectory;
  identities: IdentityKeys;
  events: ThreadEvents;
  maxOpenThreads: number;
  /** Runs after an erase (app.ts checkpoints the WAL). */
  afterErase: () => void;
  /** Whether a session token is still valid (app.ts asks the sessions): open streams re-check it. */
  sessionIsLive: (token: string) => boolean;
  /**
   * Whether a staff member is neither disabled nor removed (app.ts asks the staff domain). One who
   * is not can claim, hand over, post and receive a hand-over no more, whatever the directory says.
   */
  staffActive: StaffActive;
  /** A staff member's roles now, none when disabled or removed: the live queue re-checks them. */
  staffRoles: (staffId: string) => readonly string[];
  /** Told when a thread is opened, first taken and first answered (app.ts counts these for the impact report). */
  onActivity?: ThreadActivityListener;
}

const HEARTBEAT_MS = 15_000;
const params = { params: threadIdParam };
const notFound = { 404: errorResponse('No such thread, or not yours: the same answer either way') };

const openRoute = createRoute({
  method: 'post', path: '/threads', operationId: 'openThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Open a consultation (asker) or case thread (psychologist) from a genesis its opener signed; the thread key comes sealed to the opener and to each recipient the genesis names',
  request: jsonBody(openThreadRequest),
  responses: {
    201: jsonResponse(threadSummary, 'Opened; kind, topic, language and urgency are read from the genesis'),
    400: errorResponse('`invalid_genesis` (not canonical, or not naming the caller and the caller\'s keys as opener), `invalid_signature` (the genesis signature), `invalid_recipients` (keys not sealed to exactly the opener and the recipients, or a recipient outside the signed intake pool or named with other keys), or `invalid_input`'),
    403: errorResponse('`forbidden`: consultations are opened by askers, case threads by psychologists and school psychologists'),
    409: errorResponse('`thread_exists`: the thread id is taken; draw a new one and sign a new genesis'),
  },
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
  summary: 'A thread with its signed genesis and the key sealed to the caller (the client checks both against each other)', request: params,
  responses: { 200: jsonResponse(threadDetail, 'Thread'), ...notFound },
});
/** The answers every transcript post shares: a taken position, a bad signature, a closed thread. */
const postErrors = (extra: { 400?: string; 403?: string; 409?: string }) => ({
  400: errorResponse(`\`invalid_signature\`, or \`invalid_input\`${extra[400] ? `; ${extra[400]}` : ''}`),
  403: errorResponse(extra[403] ?? '`forbidden`'),
  409: errorResponse(`\`sequence_conflict\` (seq is not the next one, or prevHash not the hash of the last item: read the new items, re-sign, retry) or \`thread_closed\`${extra[409] ? `; ${extra[409]}` : ''}`),
  ...notFound,
});
const claimRoute = createRoute({
  method: 'post', path: '/threads/{id}/claim', operationId: 'claimThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Claim an open thread from the pool with a signed claim item; the other pool members\' keys are dropped', request: { ...params, ...jsonBody(claimRequest) },
  responses: {
    200: jsonResponse(threadSummary, 'Claimed'),
    ...postErrors({ 403: '`forbidden`: the caller\'s signed entry no longer fits the pool or the keys the genesis named', 409: '`thread_not_open`: claimed already' }),
  },
});
const itemsRoute = createRoute({
  method: 'get', path: '/threads/{id}/items', operationId: 'listThreadItems', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Transcript items (messages, claims, hand-overs) after a sequence number, oldest first', request: { ...params, query: itemsQuery },
  responses: { 200: jsonResponse(itemsResponse, 'A page of the transcript'), ...notFound },
});
const postRoute = createRoute({
  method: 'post', path: '/threads/{id}/messages', operationId: 'postMessage', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Post an encrypted, padded, signed message as the next item of the transcript (the opener, or the staff member holding the thread)',
  request: { ...params, ...jsonBody(postMessageRequest) },
  responses: {
    201: jsonResponse(itemSchema, 'Stored'),
    ...postErrors({
      400: 'a ciphertext that is not the tag plus whole 256-byte blocks is `invalid_input`', 403: '`not_holder`: only the opener and the holder post; a pool member claims first',
      409: '`holder_revoked`: the staff member holding the thread was disabled, removed or reset (holderRevoked in the summary)',
    }),
  },
});
const eventsRoute = createRoute({
  method: 'get', path: '/threads/{id}/events', operationId: 'streamThreadEvents', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Server-Sent Events: `item` (one transcript item, id = seq) and `status`; resumes after Last-Event-ID', request: params,
  responses: { 200: { content: { 'text/event-stream': { schema: z.string() } }, description: 'Event stream' }, ...notFound },
});
const handoverRoute = createRoute({
  method: 'post', path: '/threads/{id}/handover', operationId: 'handOverThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Hand the thread to a colleague with a signed hand-over item and the thread key sealed to them (the holder)', request: { ...params, ...jsonBody(handoverRequest) },
  responses: {
    200: jsonResponse(threadSummary, 'Handed over'),
    ...postErrors({ 400: '`invalid_recipients`: the colleague\'s signed entry lacks the pool\'s role or language, or has other keys than toFingerprint names', 403: '`forbidden`: only the holder hands over' }),
  },
});
const returnRoute = createRoute({
  method: 'post', path: '/threads/{id}/return', operationId: 'returnThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Return a held thread to the intake pool with a signed return item naming the new pool and the thread key sealed to each (the opener; the server never has the key)',
  request: { ...params, ...jsonBody(returnRequest) },
  responses: {
    200: jsonResponse(threadSummary, 'Back in the pool'),
    ...postErrors({
      400: '`invalid_recipients`: a pool member\'s signed entry lacks the pool\'s role or language or has other keys, or the sealed keys are not one per pool member',
      403: '`forbidden`: only the opener returns a thread',
      409: '`thread_not_assigned`: nobody holds the thread',
    }),
  },
});
const closeRoute = createRoute({
  method: 'post', path: '/threads/{id}/close', operationId: 'closeThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Close the thread (opener or assigned staff)', request: params,
  responses: { 200: jsonResponse(threadSummary, 'Closed'), ...notFound },
});
const eraseRoute = createRoute({
  method: 'delete', path: '/threads/{id}', operationId: 'eraseThread', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'Erase the thread with every item (its opener)', request: params,
  responses: { 200: jsonResponse(okSchema, 'Erased'), ...notFound },
});

function callerOf(c: Context<AppEnv>): Caller {
  const p = requirePrincipal(c);
  return p.kind === 'asker' ? { kind: 'asker', id: p.identityId } : { kind: 'staff', id: p.staffId, roles: p.roles };
}

/** The result of a post, or its failure as the one AppError. */
function stored(result: PostResult): Extract<PostResult, { ok: true }> {
  if (!result.ok) throw new AppError(result.reason);
  return result;
}

export function threadRoutes(deps: ThreadDeps) {
  const { db, clock, directory, events, sodium } = deps;
  const verified = knownStaff(directory);
  // A disabled or removed member's entry may still be in the signed manifest until the next one:
  // the server refuses them anyway (a claim is `forbidden`, a holder's post `not_holder`, a
  // hand-over to them `invalid_recipients`).
  const staff = (id: string) => (deps.staffActive(id) ? verified(id) : null);
  const summaryOf = summarizer(db, deps.staffActive);
  // Changes to the intake queue, told to the members whose queue they change (queue-notices.ts).
  const notices = queueNotices(db, events, summaryOf);

  /** The thread if the caller takes part in it with one of `standings`; otherwise "no such thread". */
  const participate = (c: Context<AppEnv>, id: string, standings: readonly Standing[] = ['opener', 'assigned', 'pool']) => {
    const caller = callerOf(c);
    const row = getThread(db, id);
    const standing = row && standingOf(db, row, caller.id);
    if (!row || !standing) throw new AppError('thread_not_found');
    if (!standings.includes(standing)) throw new AppError('forbidden');
    return { caller, row, standing };
  };

  /** Checks and stores one item, then tells the thread's streams: the item to all, the new status after a claim or hand-over. */
  const post = async (row: ThreadRow, item: TranscriptItem, sealedKey?: Uint8Array) => {
    const result = stored(await postItem(db, { sodium, signatures: deps.signatures, staff }, { row, item, now: clock(), ...(sealedKey ? { sealedKey } : {}) }));
    events.publish(row.id, { type: 'item', item: result.item });
    if (result.thread) events.publish(row.id, { type: 'status', thread: summaryOf(result.thread) });
    const activity = deps.onActivity ? itemActivity(db, row, result.item) : null;
    if (activity) deps.onActivity!(activity);
    return result;
  };

  return newRouter()
    .openapi(openRoute, (c) => {
      const result = openThread(db, { sodium, directory, identities: deps.identities, staffActive: deps.staffActive }, callerOf(c), c.req.valid('json'), { now: clock(), maxOpenThreads: deps.maxOpenThreads });
      if (!result.ok) throw new AppError(result.reason);
      notices.entered(result.thread, 'new');
      deps.onActivity?.(openedActivity(result.thread));
      events.publish(ownThreadsChannel(openerOf(result.thread)), { type: 'status', thread: summaryOf(result.thread) });
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
      if (!sealed) throw new AppError('thread_not_found');
      return c.json({
        ...summaryOf(row),
        genesis: toBase64Url(row.genesis),
        genesisSignature: toBase64Url(row.genesisSignature),
        sealedKey: toBase64Url(sealed),
      }, 200);
    })
    .openapi(claimRoute, async (c) => {
      const { caller, row } = participate(c, c.req.valid('param').id, ['pool']);
      const { seq, prevHash, signature } = c.req.valid('json');
      const waitingFor = notices.audience(row);
      const { thread } = await post(row, { seq, type: 'claim', senderId: caller.id, prevHash, signature });
      notices.left(waitingFor, thread!, 'claimed');
      events.publish(ownThreadsChannel(caller.id), { type: 'status', thread: summaryOf(thread!) });
      return c.json(summaryOf(thread!), 200);
    })
    .openapi(itemsRoute, (c) => {
      const { row } = participate(c, c.req.valid('param').id);
      const { after, limit } = c.req.valid('query');
      return c.json(listItems(db, row.id, after, limit), 200);
    })
    .openapi(postRoute, async (c) => {
      const { caller, row } = participate(c, c.req.valid('param').id);
      const { seq, prevHash, signature, nonce, ciphertext } = c.req.valid('json');
      // Nobody would read it but a holder who was revoked (their copy of K stays theirs).
      if (row.assignedStaffId !== caller.id && holderRevoked(db, row, deps.staffActive)) throw new AppError('holder_revoked');
      // Length hiding (PROTOCOL.md §7.6): a ciphertext that is not of a padded plaintext is refused, so no client can leak a length by skipping the padding.
      if (!ciphertextLengthValid(ciphertext.length)) throw new AppError('invalid_input', { issues: [{ path: 'ciphertext', code: 'not_padded' }] });
      const { item } = await post(row, { seq, type: 'message', senderId: caller.id, prevHash, signature, nonce, ciphertext });
      return c.json(item, 201);
    })
    .openapi(eventsRoute, (c) => {
      const { caller, row } = participate(c, c.req.valid('param').id);
      const token = c.get('token');
      const lastEventId = Number.parseInt(c.req.header('last-event-id') ?? '0', 10);
      const body = threadEventStream({
        threadId: row.id,
        after: Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0,
        events,
        page: (after) => listItems(db, row.id, after, 200),
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
        owner: caller.id,
        heartbeatMs: HEARTBEAT_MS,
      });
      // The headers hono's streamSSE sends; chunked, so the adapter sends them at once.
      c.header('Transfer-Encoding', 'chunked');
      c.header('Content-Type', 'text/event-stream');
      c.header('Cache-Control', 'no-cache');
      c.header('Connection', 'keep-alive');
      return c.newResponse(body, 200);
    })
    .openapi(handoverRoute, async (c) => {
      const { caller, row } = participate(c, c.req.valid('param').id, ['assigned']);
      const { seq, prevHash, signature, toStaffId, toFingerprint, sealedKey } = c.req.valid('json');
      const { thread } = await post(row, { seq, type: 'handover', senderId: caller.id, prevHash, signature, to: { staffId: toStaffId, fingerprint: toFingerprint } }, sealedKey);
      events.publish(ownThreadsChannel(toStaffId), { type: 'status', thread: summaryOf(thread!) });
      return c.json(summaryOf(thread!), 200);
    })
    .openapi(returnRoute, async (c) => {
      const { caller, row } = participate(c, c.req.valid('param').id, ['opener']);
      const { seq, prevHash, signature, pool, sealedKeys } = c.req.valid('json');
      if (row.status === 'closed') throw new AppError('thread_closed');
      if (row.status !== 'assigned') throw new AppError('thread_not_assigned');
      // One sealed key per pool member, no other (applyItem checks the pool itself); one for a
      // member disabled since the manifest was signed is not stored, as at opening.
      const keys = new Map(sealedKeys.map((k) => [k.recipientId, k.sealedKey]));
      if (keys.size !== sealedKeys.length || keys.size !== pool.length || !pool.every((m) => keys.has(m.staffId))) throw new AppError('invalid_recipients');
      for (const id of [...keys.keys()]) if (!deps.staffActive(id)) keys.delete(id);
      const result = stored(await postItem(db, { sodium, signatures: deps.signatures, staff, signed: verified }, {
        row, item: { seq, type: 'return', senderId: caller.id, prevHash, signature, pool }, sealedKeys: keys, now: clock(),
      }));
      events.publish(row.id, { type: 'item', item: result.item });
      events.publish(row.id, { type: 'status', thread: summaryOf(result.thread!) });
      notices.entered(result.thread!, 'returned');
      return c.json(summaryOf(result.thread!), 200);
    })
    .openapi(closeRoute, (c) => {
      const { row } = participate(c, c.req.valid('param').id, ['opener', 'assigned']);
      const waitingFor = notices.audience(row);
      const closed = closeThread(db, row.id, clock());
      events.publish(row.id, { type: 'status', thread: summaryOf(closed) });
      notices.left(waitingFor, closed, 'closed');
      return c.json(summaryOf(closed), 200);
    })
    .openapi(eraseRoute, (c) => {
      const { row } = participate(c, c.req.valid('param').id, ['opener']);
      const waitingFor = notices.audience(row);
      eraseThread(db, row.id);
      events.publish(row.id, { type: 'erased' });
      notices.left(waitingFor, row, 'closed');
      deps.afterErase();
      return c.json({ ok: true as const }, 200);
    })
    .route('/', queueRoutes({
      db, events, summaryOf, sessionIsLive: deps.sessionIsLive, staffRoles: deps.staffRoles, onStreamError: deps.onStreamError, heartbeatMs: HEARTBEAT_MS,
    }))
    .route('/', myThreadsRoutes({
      events, summaryOf, callerOf, list: (caller) => listThreads(db, caller), sessionIsLive: deps.sessionIsLive, onStreamError: deps.onStreamError, heartbeatMs: HEARTBEAT_MS,
      own: (caller, id) => {
        const row = getThread(db, id);
        const standing = row && standingOf(db, row, caller.id);
        return standing === 'opener' || standing === 'assigned' ? row : null;
      },
    }));
}
