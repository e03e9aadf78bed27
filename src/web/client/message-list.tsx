import type { Child } from 'hono/jsx';
import type { PlainMessage } from '../../client/index.js';

// A thread's messages as both apps show them: who wrote, the author's own time (signed inside the
// message; the server stores its own only to the minute), the text or the intake card, and the
// warning that the author had not seen some of the reader's messages when writing, and whether the
// author has since left the signed staff directory.

type IntakeCard = NonNullable<PlainMessage['intake']>;

export function MessageList(props: {
  messages: PlainMessage[];
  lang: string;
  you: string;
  other: string;
  /** Shown after the author's name when they are no longer in the signed staff directory. */
  former?: string;
  intake: (card: IntakeCard) => Child;
  /** The warning on a message whose author had not seen some of the reader's; left out, the caller says it its own way (`note`). */
  unseen?: (seqs: string) => string;
  /** How a message's signed time is shown (message-time.ts); by default the date and time in full. */
  time?: (at: number) => { text: string; datetime: string };
  /** More to say under one message (the asker's thread: not seen by the other side, arrived late). */
  note?: (m: PlainMessage) => Child;
}) {
  const format = new Intl.DateTimeFormat(props.lang, { dateStyle: 'short', timeStyle: 'short' });
  const timeOf = props.time ?? ((at: number) => ({ text: format.format(new Date(at)), datetime: new Date(at).toISOString() }));
  return (
    <ol class="messages" id="messages" aria-live="polite">
      {props.messages.map((m) => {
        const when = timeOf(m.at);
        return (
          <li class={m.mine ? 'mine' : ''}>
            <span class="who">{m.mine ? props.you : props.other}</span>{' '}
            {m.senderRevoked && props.former ? <><span class="small warning former">{props.former}</span>{' '}</> : null}
            <time class="small" datetime={when.datetime}>{when.text}</time>{' '}
            {m.intake ? props.intake(m.intake) : m.text}
            {m.unseenByAuthor.length > 0 && props.unseen ? <p class="small warning unseen">{props.unseen(m.unseenByAuthor.join(', '))}</p> : null}
            {props.note?.(m)}
          </li>
        );
      })}
    </ol>
  );
}
