// When a message was written, as a message list shows it: the author's own time, signed inside
// the ciphertext (PlainMessage.at), never the server's minute of storage alone (the server can
// delay an item, so its time says when it arrived, not when it was written). Coarse on purpose:
// to the minute, with the day said in words when it is today or yesterday; the element's
// datetime carries no seconds either, so the page holds nothing finer than it shows.

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface TimeWords {
  today: (time: string) => string;
  yesterday: (time: string) => string;
}

/** Midnight before `t` in the browser's own time zone. */
function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The text and the machine-readable value (ISO, to the minute) of a message time. */
export function messageTime(at: number, lang: string, words: TimeWords, now: number = Date.now()): { text: string; datetime: string } {
  const minute = Math.floor(at / MINUTE) * MINUTE;
  const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(minute);
  const today = startOfDay(now);
  const text = minute >= today && minute < today + DAY ? words.today(time)
    : minute >= startOfDay(today - 1) && minute < today ? words.yesterday(time)
    : new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }).format(minute);
  return { text, datetime: new Date(minute).toISOString().replace(':00.000Z', 'Z') };
}
