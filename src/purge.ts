import { purgeExpiredSessions, sessionPolicyFrom } from './auth/sessions.js';
import type { Config } from './config.js';
import { checkpoint, type Db } from './db/connection.js';
import { purgeIdleIdentities } from './identity/service.js';
import { errorForLog, type Logger } from './logger.js';
import { purgeExpiredInvites } from './staff/service.js';
import { purgeClosedThreads } from './threads/service.js';
import { purgeDecidedQuestions } from './knowledge/service.js';

// Everything expires (DESIGN.md §2.5). One pass over every domain's retention rule; run on a
// timer in the server process and by `npm run admin -- purge`.

export interface PurgeCounts {
  sessions: number;
  identities: number;
  invites: number;
  threads: number;
  questions: number;
}

export function purgeExpired(db: Db, config: Config, now: number): PurgeCounts {
  const counts = db.transaction(() => ({
    sessions: purgeExpiredSessions(db, sessionPolicyFrom(config), now),
    identities: purgeIdleIdentities(db, config.RETENTION_DAYS, now),
    invites: purgeExpiredInvites(db, now),
    threads: purgeClosedThreads(db, config.RETENTION_DAYS, now),
    questions: purgeDecidedQuestions(db, config.RETENTION_DAYS, now),
  }));
  checkpoint(db);
  return counts;
}

/** Runs a purge now and then every PURGE_INTERVAL_MINUTES; returns a stop function. */
export function startPurgeSchedule(deps: { db: Db; config: Config; logger: Logger; clock?: () => number }): () => void {
  const clock = deps.clock ?? Date.now;
  const run = (): void => {
    try {
      deps.logger.info({ purged: purgeExpired(deps.db, deps.config, clock()) }, 'purge');
    } catch (err) {
      deps.logger.error({ err: errorForLog(err) }, 'purge failed');
    }
  };
  run();
  const timer = setInterval(run, deps.config.PURGE_INTERVAL_MINUTES * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
