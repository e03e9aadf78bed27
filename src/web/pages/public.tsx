import type { z } from 'zod';
import type { PublicEntry, searchResponse, Tag } from '../../protocol/api/knowledge.js';
import type { Lang, Translate } from '../i18n/index.js';
import { AskerFirstScreen } from './asker-first-screen.js';

// The public pages' content, server-rendered and complete without JavaScript: plain links and
// GET forms, so a search or a page of topics is a URL that can be shared.

type SearchResult = z.output<typeof searchResponse>;

const label = (tag: Tag, lang: Lang): string => tag.labels[lang];

function TagLinks({ tags, lang, base }: { tags: Tag[]; lang: Lang; base: string }) {
  return (
    <ul class="tags">
      {tags.map((tag) => <li><a href={`/${lang}/${base}?${tag.kind}=${tag.slug}`}>{label(tag, lang)}</a></li>)}
    </ul>
  );
}

function SearchForm({ t, lang, tags, q = '', population = '', topic = '' }: { t: Translate; lang: Lang; tags: Tag[]; q?: string; population?: string; topic?: string }) {
  const select = (kind: 'population' | 'topic', value: string) => (
    <p>
      <label for={`f-${kind}`}>{t(kind === 'population' ? 'search.population' : 'search.topic')}</label>
      <select id={`f-${kind}`} name={kind}>
        <option value="">{t('search.any')}</option>
        {tags.filter((x) => x.kind === kind).map((x) => <option value={x.slug} selected={x.slug === value}>{label(x, lang)}</option>)}
      </select>
    </p>
  );
  return (
    <form class="search" method="get" action={`/${lang}/search`} role="search">
      <p>
        <label for="q">{t('search.label')}</label>
        <input id="q" name="q" type="search" value={q} maxlength={200} placeholder={t('search.placeholder')} autocomplete="off" />
        <button type="submit">{t('search.submit')}</button>
      </p>
      <details open={population !== '' || topic !== ''}>
        <summary>{t('search.population')} · {t('search.topic')}</summary>
        {select('population', population)}
        {select('topic', topic)}
      </details>
    </form>
  );
}

export function HomePage({ t, lang, tags }: { t: Translate; lang: Lang; tags: Tag[] }) {
  return (
    <>
      <h1>Tynys</h1>
      <p class="lead">{t('home.lead')}</p>
      <section aria-labelledby="h-search">
        <h2 id="h-search">{t('home.search.title')}</h2>
        <SearchForm t={t} lang={lang} tags={tags} />
      </section>
      <section aria-labelledby="h-what">
        <h2 id="h-what">{t('home.what.title')}</h2>
        <ul>
          <li>{t('home.what.read')}</li>
          <li>{t('home.what.ask')}</li>
          <li>{t('home.what.talk')}</li>
        </ul>
        <p><a class="button" href={`/${lang}/app`}>{t('home.start')}</a></p>
      </section>
      <section aria-labelledby="h-privacy">
        <h2 id="h-privacy">{t('home.privacy.title')}</h2>
        <ul>
          <li>{t('home.privacy.code')}</li>
          <li>{t('home.privacy.nothing')}</li>
          <li>{t('home.privacy.erase')}</li>
          <li>{t('home.privacy.exit')}</li>
        </ul>
      </section>
      <section aria-labelledby="h-topics">
        <h2 id="h-topics">{t('browse.topics')}</h2>
        <TagLinks tags={tags.filter((x) => x.kind === 'topic')} lang={lang} base="browse" />
      </section>
    </>
  );
}

function Pager({ t, page, hasNext, href }: { t: Translate; page: number; hasNext: boolean; href: (page: number) => string }) {
  if (page === 1 && !hasNext) return null;
  return (
    <nav class="pager" aria-label={t('page.of', { page })}>
      {page > 1 ? <a href={href(page - 1)} rel="prev">{t('page.prev')}</a> : null}
      <span>{t('page.of', { page })}</span>
      {hasNext ? <a href={href(page + 1)} rel="next">{t('page.next')}</a> : null}
    </nav>
  );
}

function Marked({ segments }: { segments: { text: string; mark: boolean }[] }) {
  return <>{segments.map((s) => (s.mark ? <mark>{s.text}</mark> : s.text))}</>;
}

export interface SearchPageProps {
  t: Translate;
  lang: Lang;
  tags: Tag[];
  q: string;
  population: string;
  topic: string;
  page: number;
  result: SearchResult | null;
}

export function SearchPage({ t, lang, tags, q, population, topic, page, result }: SearchPageProps) {
  const href = (p: number): string => `/${lang}/search?${new URLSearchParams({ q, population, topic, page: String(p) })}`;
  return (
    <>
      <h1>{t('nav.search')}</h1>
      <SearchForm t={t} lang={lang} tags={tags} q={q} population={population} topic={topic} />
      {result === null ? null : result.tooShort ? <p role="status">{t('search.tooShort')}</p> : (
        <section aria-live="polite">
          {result.corrected ? <p>{t('search.corrected', { query: result.corrected })}</p> : null}
          <p role="status">{result.results.length === 0 ? t('search.none') : t('search.results', { count: result.total })}</p>
          <ol class="results">
            {result.results.map((r) => (
              <li lang={r.language === lang ? undefined : r.language}>
                <h2><a href={`/${lang}/entries/${r.id}`}><Marked segments={r.titleMarked} /></a></h2>
                {r.language === lang ? null : <p class="small" lang={lang}>{t(`search.inLanguage.${r.language}`)}</p>}
                <p><Marked segments={r.snippet} /></p>
                {r.sample ? <p class="small">{t('entry.sample')}</p> : null}
              </li>
            ))}
          </ol>
          <Pager t={t} page={page} hasNext={page * result.pageSize < result.total} href={href} />
          <p><a href={`/${lang}/app`}>{t('entry.askOwn')}</a></p>
        </section>
      )}
    </>
  );
}

export interface BrowsePageProps {
  t: Translate;
  lang: Lang;
  tags: Tag[];
  selected: Tag | null;
  entries: PublicEntry[];
  total: number;
  page: number;
  pageSize: number;
}

export function BrowsePage({ t, lang, tags, selected, entries, total, page, pageSize }: BrowsePageProps) {
  const query = selected ? `${selected.kind}=${selected.slug}&` : '';
  return (
    <>
      <h1>{selected ? label(selected, lang) : t('browse.title')}</h1>
      <div class="columns">
        <section aria-labelledby="h-pop">
          <h2 id="h-pop">{t('browse.populations')}</h2>
          <TagLinks tags={tags.filter((x) => x.kind === 'population')} lang={lang} base="browse" />
        </section>
        <section aria-labelledby="h-top">
          <h2 id="h-top">{t('browse.topics')}</h2>
          <TagLinks tags={tags.filter((x) => x.kind === 'topic')} lang={lang} base="browse" />
        </section>
      </div>
      <section aria-labelledby="h-entries">
        <h2 id="h-entries">{selected ? label(selected, lang) : t('browse.all')}</h2>
        {entries.length === 0 ? <p>{t('browse.empty')}</p> : (
          <ul class="results">
            {entries.map((e) => <li><a href={`/${lang}/entries/${e.id}`}>{e.title}</a>{e.sample ? <span class="small"> · {t('entry.sample')}</span> : null}</li>)}
          </ul>
        )}
        <Pager t={t} page={page} hasNext={page * pageSize < total} href={(p) => `/${lang}/browse?${query}page=${p}`} />
      </section>
    </>
  );
}

export function EntryPage({ t, lang, entry, tags }: { t: Translate; lang: Lang; entry: PublicEntry; tags: Tag[] }) {
  const paragraphs = (text: string) => text.split(/\n{2,}/).map((p) => <p>{p}</p>);
  const tagObjects = tags.filter((x) => entry.tags.includes(x.slug));
  return (
    <article lang={entry.language}>
      <p class="small">{entry.kind === 'article' ? t('entry.article') : t('entry.question')}{entry.sample ? ` · ${t('entry.sample')}` : ''}</p>
      <h1>{entry.title}</h1>
      {paragraphs(entry.body)}
      {entry.answer ? (
        <section class="answer" aria-labelledby="h-answer">
          <h2 id="h-answer">{t('entry.answer')}</h2>
          {paragraphs(entry.answer)}
        </section>
      ) : null}
      <TagLinks tags={tagObjects} lang={lang} base="browse" />
      <p class="small">{t('entry.helpful', { count: entry.helpfulCount })}</p>
      <p><a href={`/${lang}/search`}>{t('entry.back')}</a> · <a href={`/${lang}/app`}>{t('entry.askOwn')}</a></p>
    </article>
  );
}

export function AppShell({ t, lang, kind }: { t: Translate; lang: Lang; kind: 'asker' | 'staff' }) {
  return (
    <>
      <h1>{kind === 'asker' ? t('app.title') : t('staff.title')}</h1>
      {kind === 'asker' ? <p class="lead">{t('app.lead')}</p> : null}
      <div id="app" data-lang={lang} data-kind={kind}>{kind === 'asker' ? <AskerFirstScreen t={t} /> : null}</div>
      <noscript><p class="notice">{t('noscript.app')}</p></noscript>
    </>
  );
}

export function NotFoundPage({ t, lang }: { t: Translate; lang: Lang }) {
  return (
    <>
      <h1>{t('notFound.title')}</h1>
      <p><a class="standalone" href={`/${lang}/`}>{t('nav.home')}</a></p>
    </>
  );
}
