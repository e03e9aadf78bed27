import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGS, LANGS } from '../../src/web/i18n/index.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { createStaff } from '../support/staff.js';

// The public webinar pages as a browser without JavaScript gets them: in three languages,
// complete, with the strict CSP's rules kept (no inline script or style), and only the small
// registration script, never the asker's bundle.

let t: TestContext;
const ids: Record<'ru' | 'kk' | 'past' | 'cancelled' | 'draft', string> = { ru: '', kk: '', past: '', cancelled: '', draft: '' };

beforeAll(async () => {
  t = await createTestApp();
  t.clock.now = Date.UTC(2026, 11, 1, 9, 0);
  const admin = await createStaff(t, { roles: ['admin'] });
  const make = async (key: keyof typeof ids, overrides: Record<string, unknown>, publish = true) => {
    const res = await t.call('POST', '/api/admin/webinars', { token: admin.token, json: {
      title: 'Тревога у подростков', speaker: 'Айгерим Сапарова', localStart: '2026-12-03T15:00', timeZone: 'Asia/Almaty', durationMinutes: 90,
      language: 'ru', audience: ['school-psychologists'], description: 'Первый абзац.\n\nВторой абзац <b>без разметки</b>.', joinUrl: 'https://meet.example.org/a', ...overrides,
    } });
    ids[key] = res.body.id;
    if (publish) await t.call('POST', `/api/admin/webinars/${res.body.id}/publish`, { token: admin.token });
  };
  await make('ru', {});
  await make('kk', { language: 'kk', title: 'Жасөспірімдердегі мазасыздық', audience: ['peers', 'public'] });
  await make('past', { localStart: '2026-11-20T10:00', recordingUrl: 'https://video.example.org/r/1' });
  await make('cancelled', { localStart: '2026-12-04T10:00', title: 'Отменённый вебинар' });
  await t.call('POST', `/api/admin/webinars/${ids.cancelled}/cancel`, { token: admin.token });
  await make('draft', { title: 'Секретный черновик' }, false);
});
afterAll(() => t.close());

async function page(path: string) {
  const res = await t.app.request(path);
  return { status: res.status, html: await res.text(), headers: res.headers };
}

function selfContained(html: string): void {
  expect(html).toContain('<title>Tynys</title>');
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
  expect(html).not.toMatch(/\sstyle=|<style/);
  for (const tag of html.match(/<script [^>]*src="[^"]+"[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/static\/[^"]+" integrity="sha384-/);
  expect(html).not.toMatch(/\/static\/asker\.|\/static\/staff\./);
}

describe('public webinar pages', () => {
  it.each(LANGS)('the listing in %s: upcoming and past, in the page language, linked from every page', async (lang) => {
    const c = CATALOGS[lang];
    const { status, html, headers } = await page(`/${lang}/webinars?language=all`);
    expect(status).toBe(200);
    selfContained(html);
    expect(headers.get('cache-control')).toBe('public, max-age=60');
    expect(html).toContain(`<html lang="${lang}">`);
    expect(html).toContain(`<h1>${c['webinars.title']}</h1>`);
    expect(html).toContain(c['webinars.upcoming']);
    expect(html).toContain(c['webinars.past']);
    const upcoming = html.slice(html.indexOf('id="h-upcoming"'), html.indexOf('id="h-past"'));
    const past = html.slice(html.indexOf('id="h-past"'));
    expect(upcoming).toContain(`/${lang}/webinars/${ids.ru}`);
    expect(upcoming).toContain(`/${lang}/webinars/${ids.kk}`);
    expect(upcoming).toContain(c['webinars.cancelled']);
    expect(past).toContain(`/${lang}/webinars/${ids.past}`);
    expect(html).not.toContain(ids.draft);
    expect(html).not.toContain('Секретный черновик');
    expect(html).toContain(`href="/${lang}/webinars">${c['nav.webinars']}</a>`);
    expect((await page(`/${lang}/`)).html).toContain(`href="/${lang}/webinars"`);
    // Start times are read in the event's zone, with its offset.
    expect(html).toContain('(Asia/Almaty)');
    expect(html).toMatch(/15:00|3:00\s?PM/);
  });

  it('lists the page language by default, another on request', async () => {
    const kk = (await page('/kk/webinars')).html;
    expect(kk).toContain(ids.kk);
    expect(kk).not.toContain(ids.ru);
    expect(kk).toMatch(/href="\/kk\/webinars\?language=kk" aria-current="true"/);
    const ru = (await page('/kk/webinars?language=ru')).html;
    expect(ru).toContain(ids.ru);
    expect(ru).not.toContain(ids.kk);
    expect((await page('/kk/webinars?language=xx')).html).toContain(ids.kk);
    expect((await page('/en/webinars')).html).toContain(CATALOGS.en['webinars.noneUpcoming']);
  });

  it.each(LANGS)('the event page in %s: facts, escaped text, join link, registration with a noscript note and the calendar file', async (lang) => {
    const c = CATALOGS[lang];
    const { status, html } = await page(`/${lang}/webinars/${ids.ru}`);
    expect(status).toBe(200);
    selfContained(html);
    expect(html).toMatch(/<script src="\/static\/webinar\.[0-9a-f]{12}\.js" integrity="sha384-[^"]+" defer=""><\/script>/);
    expect(html).toContain('<h1 lang="ru">Тревога у подростков</h1>');
    expect(html).toContain('<p>Второй абзац &lt;b&gt;без разметки&lt;/b&gt;.</p>');
    expect(html).toContain(c['webinars.speaker'].replace('{name}', 'Айгерим Сапарова'));
    expect(html).toContain(c['webinars.audience.school-psychologists']);
    expect(html).toContain('href="https://meet.example.org/a" id="join-link" rel="noreferrer noopener"');
    expect(html).toContain(`<noscript><p class="notice">${c['webinars.register.noscript']}</p></noscript>`);
    expect(html).toMatch(/<button type="submit" id="register" disabled="">/);
    expect(html).toContain(`data-done="${c['webinars.register.done']}"`);
    expect(html).toContain(`href="/${lang}/webinars/${ids.ru}/calendar.ics" download="tynys-webinar.ics"`);
    expect(html).toMatch(/<h1[^>]*>[^<]+<\/h1>/);
  });

  it('shows a past event with its recording and no registration, a cancelled one as cancelled, and 404 for drafts and unknown ids', async () => {
    const past = (await page(`/en/webinars/${ids.past}`)).html;
    expect(past).toContain('href="https://video.example.org/r/1" id="recording-link"');
    expect(past).toContain(CATALOGS.en['webinars.ended']);
    expect(past).not.toContain('id="webinar-register"');
    expect(past).not.toContain('id="join-link"');
    expect(past).not.toContain('/static/webinar.');
    const cancelled = (await page(`/ru/webinars/${ids.cancelled}`)).html;
    expect(cancelled).toContain(CATALOGS.ru['webinars.cancelledNote']);
    expect(cancelled).not.toContain('id="webinar-register"');
    expect(cancelled).not.toContain('id="join-link"');
    for (const path of [`/ru/webinars/${ids.draft}`, `/ru/webinars/w_${'A'.repeat(22)}`, '/ru/webinars/nope']) {
      const res = await page(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.html).toContain(CATALOGS.ru['webinars.notFound']);
      expect(res.html).not.toContain('Секретный');
    }
    expect((await page('/xx/webinars')).status).toBe(404);
  });

  it('serves the registration script as a small file of its own', async () => {
    const html = (await page(`/ru/webinars/${ids.ru}`)).html;
    const src = /src="(\/static\/webinar\.[0-9a-f]{12}\.js)"/.exec(html)![1]!;
    const res = await t.app.request(src);
    expect(res.status).toBe(200);
    const body = await res.text();
    // SHA-256 and the solver: no libsodium, no zod, no message catalogs.
    expect(body.length).toBeLessThan(12_000);
    expect(body).not.toMatch(/libsodium|sodium_init|ZodError/);
    expect(body).toContain('/api/pow/challenges');
  });
});
