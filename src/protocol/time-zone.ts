// Wall-clock times in a named time zone, with nothing but Intl (no tz library in the browser
// bundle or on the server). An event is stored as a UTC instant plus the IANA zone it was
// announced in: the instant is what calendars and "upcoming/past" need, the zone is how people
// read it ("15:00 in Almaty"), and keeping both lets a zone's rule change show up as a changed
// local time instead of silently moving the event.

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
// IANA names only (`Asia/Almaty`, `UTC`, `Etc/GMT+5`): Intl would also take offsets such as
// `+05:00`, which name no place and follow no daylight-saving rule.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

/** The zone's canonical IANA name if Intl knows it, or null. */
export function canonicalTimeZone(zone: string): string | null {
  if (zone.length > 64 || !ZONE_NAME.test(zone)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(instant: number, zone: string): number[] {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) => Number(parts[k]));
}

/** Milliseconds the zone is ahead of UTC at `instant`. */
export function zoneOffset(instant: number, zone: string): number {
  const [y, mo, d, h, mi, s] = wallClock(instant, zone) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(instant / 1000) * 1000;
}

/** `YYYY-MM-DDTHH:mm`, the wall-clock time in `zone` at `instant` (seconds dropped). */
export function localTimeOf(instant: number, zone: string): string {
  const [y, mo, d, h, mi] = wallClock(instant, zone) as [number, number, number, number, number];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}`;
}

/**
 * The instant at which the clocks of `zone` show `local` (`YYYY-MM-DDTHH:mm`), or null when the
 * text is no such time or the zone skips it (the hour lost when clocks go forward). A time the
 * zone shows twice (clocks going back) gives one of the two.
 */
export function instantOf(local: string, zone: string): number | null {
  const m = LOCAL_PATTERN.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (y < 1970 || y > 2200) return null;
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // Offsets change at most once near any moment that matters here: two steps settle it.
  const first = guess - zoneOffset(guess, zone);
  const second = guess - zoneOffset(first, zone);
  for (const candidate of [second, first]) if (localTimeOf(candidate, zone) === local) return candidate;
  return null;
}
