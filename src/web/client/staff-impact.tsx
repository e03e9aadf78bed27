import { useLive } from './use-live.js';
import { useEffect, useState } from 'hono/jsx';
import type { StaffClient } from '../../client/index.js';
import { IMPACT_PRESETS, impactSettings, type ImpactPreset } from '../../protocol/api/impact.js';
import type { Lang, Translate } from '../i18n/index.js';

// The admin's impact report (DESIGN.md §7): a period (a preset or two dates), the report's
// charts and tables as the server renders them (SVG with titles and descriptions, each beside
// its table; the same HTML the public page shows), the CSV for funders, and the switch of the
// public page. The console only chooses and places; every figure is computed and suppressed on
// the server.

type Period = { preset: ImpactPreset } | { from: string; to: string };

const queryOf = (p: Period): string => new URLSearchParams('preset' in p ? { preset: p.preset } : { from: p.from, to: p.to }).toString();

/** Saves text as a file through a link to an object URL (the session token stays in the request header, never in a URL). */
function download(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ImpactReport({ client, t, lang }: { client: StaffClient; t: Translate; lang: Lang }) {
  const [period, setPeriod] = useState<Period>({ preset: 'last-5-weeks' });
  const [dates, setDates] = useState({ from: '', to: '' });
  const [html, setHtml] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [publicPage, setPublicPage] = useState<boolean | null>(null);
  const live = useLive();

  useEffect(() => {
    setError(null);
    client.apiText(`/api/admin/impact/report/html?${queryOf(period)}&lang=${lang}`)
      .then(live((fragment: string) => {
        setHtml(fragment);
        const range = /data-from="([\d-]+)" data-to="([\d-]+)"/.exec(fragment);
        setStatus(range ? `${t('impact.periodLabel')}: ${range[1]} – ${range[2]}` : '');
      }))
      .catch(live(() => setError(t('app.error'))));
  }, [queryOf(period)]);
  useEffect(() => {
    client.api(impactSettings, 'GET', '/api/admin/impact/settings').then(live((s: { publicPage: boolean }) => setPublicPage(s.publicPage))).catch(live(() => setError(t('app.error'))));
  }, []);

  const csv = () => client.apiText(`/api/admin/impact/report/csv?${queryOf(period)}`).then((text) => {
    const [from, to] = text.split('\r\n')[1]?.split(',') ?? [];
    download(text, `tynys-impact-${from ?? ''}-${to ?? ''}.csv`);
  }).catch(() => setError(t('app.error')));
  const toggle = (on: boolean) => client.api(impactSettings, 'PUT', '/api/admin/impact/settings', { publicPage: on })
    .then((s) => { setPublicPage(s.publicPage); setStatus(t('impact.saved')); })
    .catch(() => setError(t('app.error')));

  return (
    <section id="impact-report" aria-labelledby="impact-title">
      <h2 id="impact-title">{t('impact.title')}</h2>
      <div class="tabs" role="group" aria-label={t('impact.periodLabel')}>
        {IMPACT_PRESETS.map((p) => (
          <button type="button" id={`impact-preset-${p}`} aria-pressed={String('preset' in period && period.preset === p)} onClick={() => setPeriod({ preset: p })}>{t(`impact.preset.${p}`)}</button>
        ))}
      </div>
      <form class="impact-dates" onSubmit={(e: Event) => { e.preventDefault(); if (dates.from && dates.to) setPeriod({ from: dates.from, to: dates.to }); }}>
        <fieldset>
          <legend>{t('impact.custom')}</legend>
          <label for="impact-from">{t('impact.from')}</label>
          <input id="impact-from" type="date" value={dates.from} onInput={(e: Event) => setDates({ ...dates, from: (e.target as HTMLInputElement).value })} required />
          <label for="impact-to">{t('impact.to')}</label>
          <input id="impact-to" type="date" value={dates.to} onInput={(e: Event) => setDates({ ...dates, to: (e.target as HTMLInputElement).value })} required />
          <button type="submit" id="impact-show">{t('impact.show')}</button>
        </fieldset>
      </form>
      <p class="row"><button type="button" class="secondary" id="impact-csv" onClick={() => void csv()}>{t('impact.csv')}</button></p>
      <p role="status" class="sr" id="impact-status">{status}</p>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {html === null ? <p>{t('app.loading')}</p> : <div id="impact-view" dangerouslySetInnerHTML={{ __html: html }}></div>}
      <fieldset id="impact-public">
        <legend>{t('impact.publicPage')}</legend>
        <label class="check">
          <input type="checkbox" id="impact-public-toggle" checked={publicPage === true} disabled={publicPage === null}
            onChange={(e: Event) => void toggle((e.target as HTMLInputElement).checked)} />
          {t('impact.publicPageToggle')}
        </label>
        <p class="small">{t('impact.publicPageHint', { path: `/${lang}/impact` })}{publicPage ? <> · <a href={`/${lang}/impact`}>/{lang}/impact</a></> : null}</p>
      </fieldset>
    </section>
  );
}
