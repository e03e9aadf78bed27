import { LANGUAGES, type Language } from '../../protocol/api/common.js';
import type { ImpactReport, ImpactTable, PublishedCount, ReportMetric } from '../../protocol/api/impact.js';
import { CATALOGS, translator, type Lang, type MessageKey, type Translate } from '../i18n/index.js';
import { BarChart } from './impact-chart.js';

// The impact report as HTML, rendered on the server for the admin's console (a fragment the
// console places as it is) and for the optional public page: key figures, then each metric as a
// chart by language beside its table by topic and language. Every value shown is already
// suppressed (impact/report.ts); nothing here sees a true small count.

/** The report's metrics, grouped as funders read them. */
const GROUPS: { key: MessageKey; metrics: ReportMetric[] }[] = [
  { key: 'impact.group.reach', metrics: ['visits', 'visitors'] },
  { key: 'impact.group.consultations', metrics: ['consultations_opened', 'consultations_taken', 'consultations_answered'] },
  { key: 'impact.group.knowledge', metrics: ['questions_submitted', 'answers_published'] },
  { key: 'impact.group.supervision', metrics: ['cases_opened', 'cases_answered'] },
  { key: 'impact.group.webinars', metrics: ['webinars_held', 'webinar_registrations', 'webinar_attendance'] },
];
const HINTS: Partial<Record<ReportMetric, MessageKey>> = { visits: 'impact.hint.visits', visitors: 'impact.hint.visitors', cases_opened: 'impact.hint.cases_opened' };

const languageName = (l: Language): string => CATALOGS[l]['lang.name'];

function formatter(t: Translate, lang: Lang) {
  const numbers = new Intl.NumberFormat(lang);
  return {
    /** As the table and the chart show it. */
    shown: (v: PublishedCount): string => (typeof v === 'number' ? numbers.format(v) : v === '<5' ? t('impact.small') : t('impact.hidden')),
    /** As a screen reader should say it. */
    spoken: (v: PublishedCount): string => (typeof v === 'number' ? numbers.format(v) : v === '<5' ? t('impact.smallSpoken') : t('impact.hiddenSpoken')),
    day: (iso: string): string => new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`)),
  };
}

function Heading({ level, id, children }: { level: number; id: string; children: string }) {
  if (level <= 2) return <h2 id={id}>{children}</h2>;
  if (level === 3) return <h3 id={id}>{children}</h3>;
  return <h4 id={id}>{children}</h4>;
}

/** A language's column heading: its code to the eye (the tables must fit a phone), its name to a screen reader. */
function LanguageHeading({ l }: { l: Language }) {
  return <th scope="col" lang={l}><span aria-hidden="true">{l.toUpperCase()}</span><span class="sr">{languageName(l)}</span></th>;
}

function MetricTable({ t, table, metric, captionId, format }: { t: Translate; table: ImpactTable; metric: string; captionId: string; format: (v: PublishedCount) => string }) {
  // A metric without topics is one row under its caption: languages and the total, no row heading.
  const topical = !(table.rows.length === 1 && table.rows[0]!.topic === 'none');
  const topicName = (topic: string): string => (topic === 'none' ? t('impact.topic.none') : t(`topic.${topic}` as MessageKey));
  return (
    <div class="table-wrap" role="region" aria-labelledby={captionId} tabindex={0}>
      <table class="figures-table">
        <caption id={captionId}>{topical ? t('impact.tableCaption', { metric }) : metric}</caption>
        <thead>
          <tr>
            {topical ? <th scope="col" class="topic">{t('impact.topic')}</th> : null}
            {LANGUAGES.map((l) => <LanguageHeading l={l} />)}
            <th scope="col">{t('impact.total')}</th>
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr>
              {topical ? <th scope="row">{topicName(row.topic)}</th> : null}
              {LANGUAGES.map((l) => <td>{format(row.counts[l])}</td>)}
              <td>{format(row.total)}</td>
            </tr>
          ))}
        </tbody>
        {topical && table.rows.length !== 1 ? (
          <tfoot>
            <tr>
              <th scope="row">{t('impact.total')}</th>
              {LANGUAGES.map((l) => <td>{format(table.totals[l])}</td>)}
              <td>{format(table.total)}</td>
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}

/** The whole report; headings start at `level` (3 in the console under its h2, 2 on the public page under its h1). */
export function ImpactReportView({ lang, report, level = 2 }: { lang: Lang; report: ImpactReport; level?: number }) {
  const t = translator(lang);
  const f = formatter(t, lang);
  const period = t('impact.period', { from: f.day(report.from), to: f.day(report.to) });
  const tableOf = (metric: ReportMetric): ImpactTable => report.metrics.find((m) => m.metric === metric)!.table;
  const name = (metric: ReportMetric): string => t(`impact.metric.${metric}`);
  const median = report.medianReply;
  const bucket = (b: (typeof median)['all']): string => (b === null ? t('impact.medianNone') : t(`impact.bucket.${b}`));
  return (
    <div class="impact" data-from={report.from} data-to={report.to}>
      <p class="impact-period">{t('impact.periodLabel')}: <strong>{period}</strong></p>
      <section aria-labelledby="impact-summary">
        <Heading level={level} id="impact-summary">{t('impact.summary')}</Heading>
        <dl class="key-figures">
          {GROUPS.flatMap((g) => g.metrics).map((m) => (
            <div data-metric={m}><dt>{name(m)}</dt><dd>{f.shown(tableOf(m).total)}</dd></div>
          ))}
          <div data-metric="median"><dt>{t('impact.median')}</dt><dd class={median.all === null ? 'none' : undefined}>{bucket(median.all)}</dd></div>
        </dl>
        <p class="small">{t('impact.legend')}</p>
        <p class="small">{t('impact.privacy')}</p>
      </section>
      {GROUPS.map((g, gi) => (
        <section aria-labelledby={`impact-g${gi}`}>
          <Heading level={level} id={`impact-g${gi}`}>{t(g.key)}</Heading>
          {g.metrics.map((m) => {
            const table = tableOf(m);
            const hint = HINTS[m];
            const values = LANGUAGES.map((l) => `${languageName(l)} ${f.spoken(table.totals[l])}`).join('; ');
            return (
              <div class="metric" data-metric={m}>
                <Heading level={level + 1} id={`impact-${m}`}>{name(m)}</Heading>
                {hint ? <p class="small">{t(hint)}</p> : null}
                <div class="chart-and-table">
                  <BarChart id={`impact-chart-${m}`} title={t('impact.chartTitle', { metric: name(m) })}
                    desc={`${t('impact.chartDesc', { metric: name(m), period, values })} ${t('impact.total')}: ${f.spoken(table.total)}.`}
                    bars={LANGUAGES.map((l) => ({ label: languageName(l), value: table.totals[l] }))} format={f.shown} />
                  <MetricTable t={t} table={table} metric={name(m)} captionId={`impact-caption-${m}`} format={f.shown} />
                </div>
                {m === 'consultations_answered' ? (
                  <div class="table-wrap" role="region" aria-labelledby="impact-caption-median" tabindex={0}>
                    <table class="figures-table">
                      <caption id="impact-caption-median">{t('impact.median')}</caption>
                      <tbody>
                        {LANGUAGES.map((l) => <tr><th scope="row" lang={l}>{languageName(l)}</th><td>{bucket(median[l])}</td></tr>)}
                        <tr><th scope="row">{t('impact.medianAll')}</th><td>{bucket(median.all)}</td></tr>
                      </tbody>
                    </table>
                    <p class="small">{t('impact.medianHint')}</p>
                  </div>
                ) : null}
              </div>
            );
          })}
        </section>
      ))}
    </div>
  );
}

/** The report fragment as HTML text, for the console under its h2 (impact/routes.ts, through app.ts). */
export function renderImpactView(report: ImpactReport, lang: Language): string {
  return String(<ImpactReportView lang={lang} report={report} level={3} />);
}

/** What the public page shows: the months on offer and the chosen month's report. */
export interface PublicImpact {
  months: string[];
  shown: { month: string; report: ImpactReport } | null;
}

/** The optional public page (the admin switches it on): one whole past month, links to the others; no JavaScript. */
export function ImpactPublicPage({ t, lang, data }: { t: Translate; lang: Lang; data: PublicImpact }) {
  const monthName = (m: string): string => new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${m}-01T00:00:00Z`));
  return (
    <>
      <h1>{t('impact.publicTitle')}{data.shown ? ` · ${monthName(data.shown.month)}` : ''}</h1>
      <p class="lead">{t('impact.publicLead')}</p>
      {data.shown ? <ImpactReportView lang={lang} report={data.shown.report} /> : <p>{t('impact.noMonths')}</p>}
      {data.months.length > 1 ? (
        <nav aria-labelledby="impact-months">
          <h2 id="impact-months">{t('impact.months')}</h2>
          <ul class="tags">
            {data.months.map((m) => (
              <li><a href={`/${lang}/impact?month=${m}`} aria-current={m === data.shown?.month ? 'page' : undefined}>{monthName(m)}</a></li>
            ))}
          </ul>
        </nav>
      ) : null}
    </>
  );
}
