import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarFile, duration, escapeText, foldLine, type CalendarEvent } from '../../src/webinars/ics.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { createStaff } from '../support/staff.js';

// The calendar file against RFC 5545, read back by an independent reader written here from the
// RFC (§3.1 unfolding, §3.1 content lines, §3.3.11 TEXT unescaping), not from ics.ts.

const encoder = new TextEncoder();

interface Property { name: string; params: string; value: string }

/** Unfolds (CRLF followed by one space or tab is removed) and splits each content line into name, parameters and value. */
function parse(file: string): Property[] {
  expect(file.endsWith('\r\n')).toBe(true);
  // Every line break is CRLF: no bare LF, no bare CR.
  expect(file.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const physical of file.slice(0, -2).split('\r\n')) expect(encoder.encode(physical).length).toBeLessThanOrEqual(75);
  const unfolded = file.replace(/\r\n[ \t]/g, '');
  return unfolded.slice(0, -2).split('\r\n').map((line) => {
    // The first colon outside a quoted parameter value ends the name and parameters.
    const m = /^([A-Za-z0-9-]+)((?:;[^:;"]+=(?:"[^"]*"|[^:;"]*))*):([\s\S]*)$/.exec(line); // a value may hold U+2028/2029, which `.` does not match
    if (!m) throw new Error(`not a content line: ${line}`);
    return { name: m[1]!.toUpperCase(), params: m[2]!, value: m[3]! };
  });
}

/** TEXT value (§3.3.11) back to the string it stands for. */
function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

function event(file: string): Record<string, string> {
  const props = parse(file);
  const begin = props.findIndex((p) => p.name === 'BEGIN' && p.value === 'VEVENT');
  const end = props.findIndex((p) => p.name === 'END' && p.value === 'VEVENT');
  expect(props[0]).toMatchObject({ name: 'BEGIN', value: 'VCALENDAR' });
  expect(props.at(-1)).toMatchObject({ name: 'END', value: 'VCALENDAR' });
  expect(props.find((p) => p.name === 'VERSION')?.value).toBe('2.0');
  expect(props.find((p) => p.name === 'PRODID')?.value).toBeTruthy();
  return Object.fromEntries(props.slice(begin + 1, end).map((p) => [p.name, p.value]));
}

const sample: CalendarEvent = {
  uid: 'w_AAAAAAAAAAAAAAAAAAAAAA@tynys',
  summary: 'Тревога у подростков; разбор случаев, часть 2',
  description: 'Спикер: Айгерим Сапарова\n\nРазбор случаев, вопросы в конце. Путь: C:\\записи\\2026',
  start: Date.UTC(2026, 11, 3, 10, 0),
  durationMinutes: 90,
  url: 'https://meet.example.org/tynys-42?pwd=abc',
  cancelled: false,
};

describe('calendar file (RFC 5545)', () => {
  it('has the required properties, UTC times and a duration', () => {
    const props = event(calendarFile(sample, Date.UTC(2026, 11, 1, 9, 30, 15, 999)));
    expect(props).toMatchObject({
      UID: 'w_AAAAAAAAAAAAAAAAAAAAAA@tynys', DTSTAMP: '20261201T093015Z', DTSTART: '20261203T100000Z', DURATION: 'PT1H30M',
      URL: 'https://meet.example.org/tynys-42?pwd=abc', STATUS: 'CONFIRMED',
    });
    expect(unescapeText(props.SUMMARY!)).toBe(sample.summary);
    expect(unescapeText(props.DESCRIPTION!)).toBe(sample.description);
    expect(event(calendarFile({ ...sample, cancelled: true }, 0)).STATUS).toBe('CANCELLED');
  });

  it('writes durations in hours and minutes', () => {
    expect([15, 60, 90, 120, 600].map(duration)).toEqual(['PT15M', 'PT1H', 'PT1H30M', 'PT2H', 'PT10H']);
  });

  it('escapes backslash, semicolon, comma and newlines in TEXT, and drops other control characters', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg\u0007h\ti')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng' + 'h\ti');
  });

  it('folds at 75 octets without splitting a character', () => {
    const line = `SUMMARY:${'ж'.repeat(100)}😀${'a'.repeat(80)}`;
    const folded = foldLine(line);
    const physical = folded.split('\r\n');
    expect(physical.length).toBeGreaterThan(3);
    for (const [i, p] of physical.entries()) {
      expect(encoder.encode(p).length).toBeLessThanOrEqual(75);
      if (i > 0) expect(p.startsWith(' ')).toBe(true);
      expect(p).not.toContain('\uFFFD');
    }
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });

  it('reads back any title and description it was given', () => {
    // Control characters other than tab and newline are not allowed in TEXT: they are dropped.
    const clean = (s: string) => s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ''); // eslint-disable-line no-control-regex
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 600 }), fc.integer({ min: 15, max: 600 }), (summary, description, minutes) => {
      const props = event(calendarFile({ ...sample, summary, description, durationMinutes: minutes }, 0));
      expect(unescapeText(props.SUMMARY!)).toBe(clean(summary));
      expect(unescapeText(props.DESCRIPTION!)).toBe(clean(description));
      const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(props.DURATION!)!;
      expect(Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)).toBe(minutes);
    }), { numRuns: 300, examples: [['\u2028', '\u2029', 15]] }); // line separators, once found by the property
  });
});

describe('calendar file download', () => {
  let t: TestContext;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(() => t.close());

  it('is served per event page, in the page language, with the join link and a neutral file name', async () => {
    const admin = await createStaff(t, { roles: ['admin'] });
    const created = await t.call('POST', '/api/admin/webinars', { token: admin.token, json: {
      title: 'Вебинар, часть 1; введение', speaker: 'Сапарова А.', localStart: '2030-05-14T18:30', timeZone: 'Asia/Almaty', durationMinutes: 75,
      language: 'ru', audience: ['peers'], description: 'Для равных консультантов.', joinUrl: 'https://meet.example.org/a', recordingUrl: null,
    } });
    const id = created.body.id as string;
    expect((await t.app.request(`/ru/webinars/${id}/calendar.ics`)).status).toBe(404); // a draft is not public
    await t.call('POST', `/api/admin/webinars/${id}/publish`, { token: admin.token });
    const res = await t.app.request(`/kk/webinars/${id}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="tynys-webinar.ics"');
    const props = event(await res.text());
    // 18:30 in Almaty (UTC+5) is 13:30 UTC.
    expect(props).toMatchObject({ UID: `${id}@tynys`, DTSTART: '20300514T133000Z', DURATION: 'PT1H15M', URL: 'https://meet.example.org/a' });
    expect(unescapeText(props.SUMMARY!)).toBe('Вебинар, часть 1; введение');
    expect(unescapeText(props.DESCRIPTION!)).toBe(`Спикер: Сапарова А.\n\nДля равных консультантов.\n\nhttp://localhost/kk/webinars/${id}`);
    // Without a join link the event's page is the URL.
    await t.call('PUT', `/api/admin/webinars/${id}`, { token: admin.token, json: { ...created.body, joinUrl: null, recordingUrl: null, audience: ['peers'] } });
    expect(event(await (await t.app.request(`/en/webinars/${id}/calendar.ics`)).text()).URL).toBe(`http://localhost/en/webinars/${id}`);
    expect((await t.app.request(`/ru/webinars/w_${'A'.repeat(22)}/calendar.ics`)).status).toBe(404);
    expect((await t.app.request('/ru/webinars/nope/calendar.ics')).status).toBe(404);
  });
});
