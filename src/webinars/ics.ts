// An iCalendar file (RFC 5545) with one event, for "add to my calendar" after a registration.
// Built by hand: three rules matter and each is easy to get wrong with string concatenation
// alone: lines end in CRLF (§3.1); a line longer than 75 octets is folded by CRLF + one space,
// counted in UTF-8 octets and never inside a character (§3.1); TEXT values escape backslash,
// semicolon, comma and newline (§3.3.11). Times are UTC ("Z" form), so no VTIMEZONE is needed:
// the calendar shows the event in the reader's own zone.

export interface CalendarEvent {
  /** Globally unique and stable, so a second download updates the same calendar entry. */
  uid: string;
  summary: string;
  description: string;
  /** ms since the epoch. */
  start: number;
  durationMinutes: number;
  url: string;
  cancelled: boolean;
}

const CRLF = '\r\n';
const MAX_OCTETS = 75;
const encoder = new TextEncoder();

/** A TEXT value (§3.3.11): backslash, semicolon, comma escaped, newlines as `\n`, other controls dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- TEXT excludes control characters but tab and newline
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n');
}

/** One content line folded to at most 75 octets per physical line (continuations start with a space). */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    if (octets + size > MAX_OCTETS) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join(CRLF);
}

/** `YYYYMMDDTHHMMSSZ` (§3.3.5, form 2: UTC). */
export function utcDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace('.000', '');
}

/** A positive duration in hours and minutes (§3.3.6), e.g. PT1H30M. */
export function duration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `PT${h > 0 ? `${h}H` : ''}${m > 0 || h === 0 ? `${m}M` : ''}`;
}

/** The whole file, CRLF-terminated. `stamp` is DTSTAMP: when this copy was made. */
export function calendarFile(event: CalendarEvent, stamp: number): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tynys//Webinars//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${utcDateTime(stamp)}`,
    `DTSTART:${utcDateTime(event.start)}`,
    `DURATION:${duration(event.durationMinutes)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    // A URI value is not TEXT: no escaping; the link was checked to be a plain https URL.
    `URL:${event.url}`,
    `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}
