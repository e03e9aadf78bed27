import type { Db } from '../db/connection.js';
import type { ThreadEvents } from './events.js';
import { dropSealedKeys, getThread, summarizer, threadsOfStaff, type StaffActive } from './service.js';

// What the threads domain does when a staff member loses access (staff/lifecycle.ts calls it
// through app.ts). The server cannot give a held thread to someone else: K is sealed to the
// holder and the opener only, and the server never has it. So it marks the thread (holderRevoked
// in every summary), tells the thread's streams at once, and refuses what the member could still
// try. Returning the thread to the pool needs the opener's client to seal K anew: see SECURITY.md.

export type AccessLoss = 'disabled' | 'removed' | 'keys_replaced';

export interface ThreadAccess {
  /**
   * Runs inside the transaction that takes the member's access away. Keys sealed to a removed
   * member, or to keys a reset replaced, are dropped (nothing may open them any more; a disabled
   * member keeps theirs, for an enable). Returns the announcement to make once it committed, and
   * how many threads the member held and opened.
   */
  revoke(staffId: string, loss: AccessLoss): { announce: () => void; held: number; opened: number };
  /** After a "log out everywhere": the member's open streams check their sessions now. */
  sessionsEnded(principalId: string): void;
}

export function threadAccess(db: Db, events: ThreadEvents, staffActive: StaffActive): ThreadAccess {
  const summarize = summarizer(db, staffActive);
  return {
    revoke(staffId, loss) {
      const { held, opened } = threadsOfStaff(db, staffId);
      if (loss !== 'disabled') dropSealedKeys(db, staffId);
      const announce = (): void => {
        // Their own streams first: they end before the status below could reach them.
        events.recheck(staffId);
        for (const id of held) {
          const row = getThread(db, id);
          if (row) events.publish(id, { type: 'status', thread: summarize(row) });
        }
        // A removed member's case threads go with the account (the foreign key cascades).
        for (const id of opened) if (!getThread(db, id)) events.publish(id, { type: 'erased' });
      };
      return { announce, held: held.length, opened: opened.length };
    },
    sessionsEnded(principalId) {
      events.recheck(principalId);
    },
  };
}
