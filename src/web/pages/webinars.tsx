import type { PublicWebinar, WebinarAudience } from '../../protocol/api/webinars.js';
import { CATALOGS, LANGS, type Lang, type Translate } from '../i18n/index.js';

// The public webinar pages, server-rendered and complete without JavaScript: the listing per
// language (upcoming, then past), and an event page with its calendar file. Registering needs a
// small script (a proof of work); the page says so in a <noscript> and keeps everything else.

/** The start as people there read it: in the event's own zone, with its UTC offset and name. */
export function eventTime(lang: Lang, w: Pick<PublicWebinar, 'startsAt' | 'timeZone'>): string {
  const date = new Intl.DateTimeFormat(lang, {
    weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: w.timeZone, timeZoneName: 'shortOffset',
  }).format(new Date(w.startsAt));
  return `${date} (${w.timeZone})`;
}

const audienceList = (t: Translate, audience: WebinarAudience[]): string => audience.map((a) => t(`webinars.audience.${a}`)).join(', ');

export const calendarPath = (lang: Lang, id: string): string => `/${lang}/webinars/${id}/calendar.ics`;

/** The listing's language filter: the page's language by default, any one, or all. */
export type WebinarFilter = Lang | 'all';

function Facts({ t, lang, w }: { t: Translate; lang: Lang; w: PublicWebinar }) {
  return (
    <ul class="facts">
      <li><time datetime={new Date(w.startsAt).toISOString()}>{eventTime(lang, w)}</time> · {t('webinars.duration', { minutes: w.durationMinutes })}</li>
      <li>{t('webinars.speaker', { name: w.speaker })}</li>
      <li>{t('webinars.language', { language: CATALOGS[w.language]['lang.name'] })} · {t('webinars.for', { list: audienceList(t, w.audience) })}</li>
    </ul>
  );
}

function EventList({ t, lang, list, empty, headingId }: { t: Translate; lang: Lang; list: PublicWebinar[]; empty: string; headingId: string }) {
  if (list.length === 0) return <p>{empty}</p>;
  return (
    <ul class="results webinars" aria-labelledby={headingId}>
      {list.map((w) => (
        <li lang={w.language}>
          <h3><a href={`/${lang}/webinars/${w.id}`}>{w.title}</a>{w.status === 'cancelled' ? <span class="tag-cancelled" lang={lang}> · {t('webinars.cancelled')}</span> : null}</h3>
          <Facts t={t} lang={lang} w={w} />
        </li>
      ))}
    </ul>
  );
}

export function WebinarListPage({ t, lang, filter, upcoming, past }: { t: Translate; lang: Lang; filter: WebinarFilter; upcoming: PublicWebinar[]; past: PublicWebinar[] }) {
  const options: WebinarFilter[] = [...LANGS, 'all'];
  return (
    <>
      <h1>{t('webinars.title')}</h1>
      <p class="lead">{t('webinars.lead')}</p>
      <nav aria-label={t('webinars.filter')}>
        <ul class="tags filters">
          {options.map((o) => (
            <li><a href={`/${lang}/webinars?language=${o}`} aria-current={o === filter ? 'true' : undefined}>{o === 'all' ? t('webinars.filter.all') : CATALOGS[o]['lang.name']}</a></li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="h-upcoming">
        <h2 id="h-upcoming">{t('webinars.upcoming')}</h2>
        <EventList t={t} lang={lang} list={upcoming} empty={t('webinars.noneUpcoming')} headingId="h-upcoming" />
      </section>
      <section aria-labelledby="h-past">
        <h2 id="h-past">{t('webinars.past')}</h2>
        <EventList t={t} lang={lang} list={past} empty={t('webinars.nonePast')} headingId="h-past" />
      </section>
    </>
  );
}

function Registration({ t, lang, w }: { t: Translate; lang: Lang; w: PublicWebinar }) {
  return (
    <section aria-labelledby="h-register" class="card">
      <h2 id="h-register">{t('webinars.register.title')}</h2>
      <p>{t('webinars.register.lead')}</p>
      {/* The strings the script shows travel with the page: the script stays a few KB, without catalogs. */}
      <form id="webinar-register" data-webinar={w.id} data-working={t('webinars.register.working')} data-done={t('webinars.register.done')}
        data-closed={t('webinars.register.closed')} data-error={t('webinars.register.error')}>
        <button type="submit" id="register" disabled>{t('webinars.register.submit')}</button>
      </form>
      <noscript><p class="notice">{t('webinars.register.noscript')}</p></noscript>
      <p id="register-status" role="status" tabindex={-1}></p>
      <p><a class="button" id="calendar-link" href={calendarPath(lang, w.id)} download="tynys-webinar.ics">{t('webinars.calendar')}</a></p>
    </section>
  );
}

export function WebinarPage({ t, lang, w }: { t: Translate; lang: Lang; w: PublicWebinar }) {
  const paragraphs = w.description.split(/\n{2,}/).filter((p) => p.trim() !== '').map((p) => <p>{p}</p>);
  return (
    <article>
      <p class="small"><a href={`/${lang}/webinars`}>{t('webinars.back')}</a></p>
      <h1 lang={w.language}>{w.title}</h1>
      {w.status === 'cancelled' ? <p class="notice" role="note" id="webinar-cancelled">{t('webinars.cancelledNote')}</p> : null}
      <Facts t={t} lang={lang} w={w} />
      <div lang={w.language}>{paragraphs}</div>
      {w.joinUrl ? <p><a href={w.joinUrl} id="join-link" rel="noreferrer noopener">{t('webinars.join')}</a> <span class="small">{t('webinars.joinNote')}</span></p> : null}
      {w.recordingUrl ? <p><a href={w.recordingUrl} id="recording-link" rel="noreferrer noopener">{t('webinars.recording')}</a></p> : null}
      {w.registrationOpen ? <Registration t={t} lang={lang} w={w} /> : null}
      {w.status === 'published' && w.past ? <p class="small">{t('webinars.ended')}</p> : null}
    </article>
  );
}
