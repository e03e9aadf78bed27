import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { Db } from '../db/connection.js';
import { BEARER_SECURITY, newRouter, requireStaff } from '../http/context.js';
import { queueEventsQuery } from '../protocol/api/queue.js';
import type { StaffRole } from '../protocol/api/staff.js';
import type { ThreadSummary } from '../protocol/api/threads.js';
import type { ThreadEvents } from './events.js';
import { queueEventStream } from './queue-stream.js';
import { queue, type ThreadRow } from './service.js';

// The intake queue, live (issue 12, "Duty"): a psychologist or supervisor on duty sees a request
// arrive, and leave when a colleague takes it, without asking again.

export interface QueueRouteDeps {
  db: Db;
  events: ThreadEvents;
  summaryOf: (row: ThreadRow) => ThreadSummary;
  /** Whether a session token is still valid (app.ts asks the sessions): the stream re-checks it. */
  sessionIsLive: (token: string) => boolean;
  /** The member's roles now, none when disabled or removed (app.ts asks the staff domain). */
  staffRoles: (staffId: string) => readonly string[];
  onStreamError: (err: unknown) => void;
  heartbeatMs: number;
}

/** The roles whose members have an intake queue: psychologists (consultations), supervisors (cases). */
const QUEUE_ROLES = ['psychologist', 'supervisor'] as const satisfies readonly StaffRole[];
const hasQueue = (role: string): boolean => (QUEUE_ROLES as readonly string[]).includes(role);

const eventsRoute = createRoute({
  method: 'get', path: '/queue/events', operationId: 'streamQueueEvents', tags: ['threads'], security: BEARER_SECURITY,
  summary: 'The caller\'s intake queue, live, as Server-Sent Events (psychologists, supervisors)',
  description: 'Every event\'s data is one `QueueEvent`, its `type` also the event name. First `snapshot`: the queue as GET /queue answers it '
    + '(the same filters; `limit` bounds only this list). Then each change: `new` (a thread opened into the caller\'s pool) and `returned` '
    + '(given back to the pool) with the thread\'s summary; `claimed` (taken by a pool member, the caller or a colleague) and `closed` '
    + '(closed or erased by its opener while waiting) with its id alone. No content, no event id: a client that reconnects takes the new '
    + 'snapshot instead of what it showed. The stream ends when the session ends or the member is disabled or loses the role.',
  request: { query: queueEventsQuery },
  responses: { 200: { content: { 'text/event-stream': { schema: z.string() } }, description: 'Event stream of `QueueEvent` data' } },
});

export function queueRoutes(deps: QueueRouteDeps) {
  const { db } = deps;
  return newRouter().openapi(eventsRoute, (c) => {
    const { staffId } = requireStaff(c, QUEUE_ROLES);
    const filter = c.req.valid('query');
    const token = c.get('token');
    const body = queueEventStream({
      staffId,
      events: deps.events,
      snapshot: () => queue(db, staffId, filter).map(deps.summaryOf),
      matches: (t) => (!filter.language || t.language === filter.language) && (!filter.topic || t.topic === filter.topic)
        && (!filter.urgency || t.urgency === filter.urgency) && (!filter.kind || t.kind === filter.kind),
      // The session not revoked (logout, log out everywhere) nor expired, and the member still
      // active with a role that has a queue: asked before anything is written.
      stillAllowed: () => token !== null && deps.sessionIsLive(token) && deps.staffRoles(staffId).some(hasQueue),
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
