import type { PlainEvent, PlainMessage } from '../../client/index.js';
import type { ThreadSummary } from '../../protocol/api/threads.js';

// Where the asker's consultation stands, as the asker's thread screen says it (issue 12 point 3),
// and what the transcript tells about messages that did not get through. Pure: the screen feeds
// it what the SDK verified and what the server said, and re-renders on each change.
//
// Who holds the thread comes from the verified transcript (signed claims, hand-overs and returns)
// once it has any; before that, from the server's status (its word only, as SECURITY.md says of
// the status line). Closing is not a transcript item: the server's "closed" is all there is.

export type ThreadStage = 'waiting' | 'taken' | 'replied' | 'closed' | 'revoked';

export interface StageInput {
  status: ThreadSummary['status'];
  holderRevoked: boolean;
  /** Claims, hand-overs and returns verified so far, in order. */
  events: readonly Pick<PlainEvent, 'seq' | 'type'>[];
  messages: readonly Pick<PlainMessage, 'seq' | 'mine'>[];
}

export function threadStage(input: StageInput): ThreadStage {
  if (input.status === 'closed') return 'closed';
  if (input.holderRevoked) return 'revoked';
  const last = input.events.reduce<StageInput['events'][number] | null>((a, e) => (!a || e.seq > a.seq ? e : a), null);
  const held = last ? last.type !== 'return' : input.status === 'assigned';
  if (!held) return 'waiting';
  const newest = input.messages.reduce<StageInput['messages'][number] | null>((a, m) => (!a || m.seq > a.seq ? m : a), null);
  return newest && !newest.mine ? 'replied' : 'taken';
}

/**
 * The asker's own messages that had not reached the psychologist when they last wrote: the
 * newest message from the other side after each names, signed, the last item its author had
 * read (PROTOCOL.md §7.7 step 7). Crossed on the way, or withheld by the server.
 */
export function notSeenByOtherSide(messages: readonly Pick<PlainMessage, 'seq' | 'mine' | 'read'>[]): Set<number> {
  const sorted = [...messages].sort((a, b) => a.seq - b.seq);
  const out = new Set<number>();
  let latestOther: Pick<PlainMessage, 'read'> | null = null;
  // From the newest back: each own message is judged by the newest other-side message after it.
  for (let i = sorted.length - 1; i >= 0; i--) {
    const m = sorted[i]!;
    if (!m.mine) latestOther ??= m;
    else if (latestOther && latestOther.read < m.seq) out.add(m.seq);
  }
  return out;
}

/**
 * Whether a message from the other side reached this page late: after one of the asker's own with
 * a higher number was already shown. The live stream hands items over in order, so it had been
 * held back (or crossed with the asker's message in flight) until the asker's post forced the
 * history past it.
 */
export function arrivedLate(message: Pick<PlainMessage, 'seq' | 'mine'>, shown: readonly Pick<PlainMessage, 'seq' | 'mine'>[]): boolean {
  return !message.mine && shown.some((m) => m.mine && m.seq > message.seq);
}
