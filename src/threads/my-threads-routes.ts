import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { Context } from 'hono';
import { BEARER_SECURITY, newRouter, type AppEnv } from '../http/context.js';
import { errorResponse } from '../http/openapi.js';
import type { ThreadSummary } from '../protocol/api/threads.js';
import type { ThreadEvents } from './events.js';
import { myThreadsEventStream } from './my-threads-stream.js';
import type { Caller, ThreadRow } from './service.js';

// The caller's own threads, live (issue 14, "Case supervision"): the psychologist who opened cases
// sees each one waiting, taken, answered or closed without asking again. Askers may follow theirs
// the same way.

export interface MyThreadsRouteDeps {
  events: ThreadEvents;
  summaryOf: (row: ThreadRow) => ThreadSummary;
  /** The caller of a request (routes.ts), and the threads they opened or hold (GET /api/threads). */
  callerOf: (c: Context<AppEnv>) => Caller;
  list: (caller: Caller) => ThreadRow[];
  /** The thread if `caller` still takes part in it as its opener or its holder, else null. */
  own: (caller: Caller, threadId: string) => ThreadRow | null;
  sessionIsLive: (token: string) => boolean;
  onStreamError: (err: unknown) => void;
  heartbeatMs: number;
}

const eventsRoute = createRoute({
  method: 'get', path: '/my-threads/events', operationId: 'streamMyThreads', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'The threads the caller opened or holds, live, as Server-Sent Events (askers and staff)',
  description: 'Every event\'s data is one `MyThreadsEvent`, its `type` also the event name. First `snapshot`: the list as GET /threads answers it. '
    + 'Then `thread` with a thread\'s summary whenever it changes (opened, claimed, handed over, returned, closed, a new item, its holder revoked), '
    + 'and `gone` with its id when it is erased or the caller no longer takes part in it. Summaries only, never content; no event id: a client '
    + 'that reconnects takes the new snapshot. The stream ends when the session ends.',
  responses: {
    200: { content: { 'text/event-stream': { schema: z.string() } }, description: 'Event stream of `MyThreadsEvent` data' },
    401: errorResponse('`unauthorized`'),
  },
});

export function myThreadsRoutes(deps: MyThreadsRouteDeps) {
  return newRouter().openapi(eventsRoute, (c) => {
    const caller = deps.callerOf(c);
    const token = c.get('token');
    const body = myThreadsEventStream({
      owner: caller.id,
      events: deps.events,
      snapshot: () => deps.list(caller).map(deps.summaryOf),
      current: (id) => {
        const row = deps.own(caller, id);
        return row ? deps.summaryOf(row) : null;
      },
      stillAllowed: () => token !== null && deps.sessionIsLive(token),
      heartbeatMs: deps.heartbeatMs,
      onError: deps.onStreamError,
    });
    c.header('Transfer-Encoding', 'chunked');
    c.header('Content-Type', 'text/event-stream');
    c.header('Cache-Control', 'no-cache');
    c.header('Connection', 'keep-alive');
    return c.newResponse(body, 200);
  });
}
