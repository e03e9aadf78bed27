import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../http/context.js';
import { webinarIdSchema, type PublicWebinar, type PublicWebinarQuery } from '../protocol/api/webinars.js';
import { calendarFile } from '../webinars/ics.js';
import { isLang, translator, type Lang } from './i18n/index.js';
import type { PageProps } from './layout.js';
import { WebinarListPage, WebinarPage, type WebinarFilter } from './pages/webinars.js';

// The public webinar pages under /:lang/webinars, mounted by web/routes.tsx before its catch-all.
// The calendar file is a page route, not an API one: it is what a browser downloads, in the
// page's language, and its links point at the pages.

/** What the pages read of the webinars; app.ts passes it in (domains meet there). */
export interface WebinarReader {
  list(q: PublicWebinarQuery): PublicWebinar[];
  get(id: string): PublicWebinar | null;
  clock(): number;
}

export type PageRender = (c: Context<AppEnv>, lang: Lang, body: Child, options?: { status?: 200 | 404; private?: boolean; script?: PageProps['script'] }) => Response | Promise<Response>;

const UPCOMING_LIMIT = 100;
const PAST_LIMIT = 50;

export function webinarPages(deps: { webinars: WebinarReader; render: PageRender }): Hono<AppEnv> {
  const { webinars, render } = deps;
  const lookup = (c: Context<AppEnv>): { lang: Lang; w: PublicWebinar | null } | null => {
    const lang = c.req.param('lang');
    if (!isLang(lang)) return null;
    const id = webinarIdSchema.safeParse(c.req.param('id'));
    return { lang, w: id.success ? webinars.get(id.data) : null };
  };
  const notFound = (c: Context<AppEnv>, lang: Lang) => {
    const t = translator(lang);
    return render(c, lang, <><h1>{t('notFound.title')}</h1><p>{t('webinars.notFound')}</p><p><a href={`/${lang}/webinars`}>{t('webinars.back')}</a></p></>, { status: 404 });
  };

  return new Hono<AppEnv>()
    .get('/:lang/webinars', (c, next) => {
      const lang = c.req.param('lang');
      if (!isLang(lang)) return next();
      const asked = c.req.query('language');
      const filter: WebinarFilter = asked === 'all' || isLang(asked) ? asked : lang;
      const language = filter === 'all' ? undefined : filter;
      const upcoming = webinars.list({ language, when: 'upcoming', limit: UPCOMING_LIMIT });
      const past = webinars.list({ language, when: 'past', limit: PAST_LIMIT });
      return render(c, lang, <WebinarListPage t={translator(lang)} lang={lang} filter={filter} upcoming={upcoming} past={past} />);
    })
    .get('/:lang/webinars/:id', (c, next) => {
      const found = lookup(c);
      if (!found) return next();
      if (!found.w) return notFound(c, found.lang);
      return render(c, found.lang, <WebinarPage t={translator(found.lang)} lang={found.lang} w={found.w} />, found.w.registrationOpen ? { script: 'webinar.js' } : {});
    })
    .get('/:lang/webinars/:id/calendar.ics', (c, next) => {
      const found = lookup(c);
      if (!found) return next();
      if (!found.w) return notFound(c, found.lang);
      const { lang, w } = found;
      const t = translator(lang);
      const page = `${new URL(c.req.url).origin}/${lang}/webinars/${w.id}`;
      const body = calendarFile({
        uid: `${w.id}@tynys`,
        summary: w.title,
        description: [t('webinars.speaker', { name: w.speaker }), w.description, page].filter((s) => s !== '').join('\n\n'),
        start: w.startsAt,
        durationMinutes: w.durationMinutes,
        url: w.joinUrl ?? page,
        cancelled: w.status === 'cancelled',
      }, webinars.clock());
      c.header('Content-Type', 'text/calendar; charset=utf-8');
      // A neutral file name: a download list on a shared phone should not say what it was.
      c.header('Content-Disposition', 'attachment; filename="tynys-webinar.ics"');
      c.header('Cache-Control', 'public, max-age=60');
      return c.body(body);
    });
}
