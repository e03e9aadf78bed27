import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { chooseEncoding } from '../http/compression.js';
import type { AppEnv } from '../http/context.js';
import type { PublicEntry, searchQuery, searchResponse, Tag } from '../protocol/api/knowledge.js';
import type { Assets } from './assets.js';
import { DEFAULT_LANG, isLang, translator, type Lang } from './i18n/index.js';
import { Page, type PageProps } from './layout.js';
import type { CrisisSource } from './crisis-contacts.js';
import { AppShell, BrowsePage, EntryPage, HomePage, NotFoundPage, SearchPage } from './pages/public.js';
import { webinarPages, type PageRender, type WebinarReader } from './webinar-pages.js';
import { ImpactPublicPage, type PublicImpact } from './pages/impact.js';

// Server-rendered pages under /ru/, /kk/ and /en/ (Russian is the default). Public pages may be
// cached briefly; search results and the private spaces' pages are never stored (a search holds
// what someone looked for; the private pages hold nothing, but are where secrets get typed).

/** What the pages read from the knowledge base; app.ts passes it in (domains meet there). */
export interface KnowledgeReader {
  tags(): Tag[];
  search(q: z.output<typeof searchQuery>, tags: string[]): z.output<typeof searchResponse>;
  browse(q: { language: Lang; tags: string[]; page: number; pageSize: number }): { entries: PublicEntry[]; total: number };
  entry(id: string): PublicEntry | null;
}

export interface WebDeps {
  assets: Assets;
  /** A demo organisation is pinned: every page carries the demo banner. */
  demo?: boolean;
  knowledge: KnowledgeReader;
  webinars: WebinarReader;
  /** The public impact page's month (app.ts asks the impact domain): null when the admin has it off or the month is not on offer. */
  impact?: (month: string | undefined) => PublicImpact | null;
  /** The admins' crisis contacts, in every page's frame (the shipped file's when absent). */
  crisis?: CrisisSource;
}

const PAGE_SIZE = 20;
const SEARCH_PAGE_SIZE = 10;
const slugParam = (v: string | undefined): string => (v && /^[a-z0-9-]{1,40}$/.test(v) ? v : '');
const pageParam = (v: string | undefined): number => Math.min(50, Math.max(1, Number.parseInt(v ?? '1', 10) || 1));

export function webRoutes(deps: WebDeps): Hono<AppEnv> {
  const { assets, knowledge } = deps;
  const demo = deps.demo ?? false;

  const render: PageRender = (c: Context<AppEnv>, lang: Lang, body: Child, options: { status?: 200 | 404; private?: boolean; script?: PageProps['script'] } = {}) => {
    const url = new URL(c.req.url);
    const path = url.pathname.slice(3) + url.search;
    c.header('Cache-Control', options.private ? 'no-store' : 'public, max-age=60');
    const page = <Page lang={lang} path={path || '/'} assets={assets} demo={demo} crisis={deps.crisis} {...(options.script ? { script: options.script } : {})}>{body}</Page>;
    return c.html(`<!doctype html>${page.toString()}`, options.status ?? 200);
  };
  const langOf = (c: Context<AppEnv>): Lang | null => {
    const l = c.req.param('lang');
    return isLang(l) ? l : null;
  };

  return new Hono<AppEnv>()
    .get('/', (c) => c.redirect(`/${DEFAULT_LANG}/`, 302))
    .get('/static/:file', (c) => {
      const a = assets.byPath(c.req.path);
      if (!a) throw new AppError('not_found');
      // Precompressed once (web/assets.ts); the same bytes for everyone, so no BREACH concern.
      const wanted = chooseEncoding(c.req.header('accept-encoding'));
      const fallback = wanted === 'br' ? 'gzip' : null;
      const encoding = wanted && a.encoded(wanted) ? wanted : fallback && a.encoded(fallback) ? fallback : null;
      const etag = `"${a.hash}${encoding ? `-${encoding}` : ''}"`;
      c.header('Content-Type', a.type);
      c.header('Cache-Control', 'public, max-age=31536000, immutable');
      c.header('Vary', 'Accept-Encoding');
      c.header('ETag', etag);
      if (c.req.header('if-none-match')?.split(',').some((t) => t.trim() === etag)) return c.body(null, 304);
      if (!encoding) return c.body(a.body as Uint8Array<ArrayBuffer>);
      c.header('Content-Encoding', encoding);
      return c.body(a.encoded(encoding) as Uint8Array<ArrayBuffer>);
    })
    .get('/:lang', (c) => {
      if (!langOf(c)) throw new AppError('not_found');
      return c.redirect(`/${c.req.param('lang')}/`, 301);
    })
    .get('/:lang/', (c) => {
      const lang = langOf(c);
      if (!lang) throw new AppError('not_found');
      return render(c, lang, <HomePage t={translator(lang)} lang={lang} tags={knowledge.tags()} />);
    })
    .get('/:lang/search', (c) => {
      const lang = langOf(c);
      if (!lang) throw new AppError('not_found');
      const q = (c.req.query('q') ?? '').slice(0, 200);
      const population = slugParam(c.req.query('population'));
      const topic = slugParam(c.req.query('topic'));
      const page = pageParam(c.req.query('page'));
      const filters = [population, topic].filter(Boolean);
      const result = q === '' && filters.length === 0 ? null
        : knowledge.search({ q, language: lang, page, pageSize: SEARCH_PAGE_SIZE }, filters);
      // What someone searched for is theirs: never kept by a browser's disk cache or a proxy.
      return render(c, lang, <SearchPage t={translator(lang)} lang={lang} tags={knowledge.tags()} q={q} population={population} topic={topic} page={page} result={result} />, { private: q !== '' });
    })
    .get('/:lang/browse', (c) => {
      const lang = langOf(c);
      if (!lang) throw new AppError('not_found');
      const tags = knowledge.tags();
      const slug = slugParam(c.req.query('population')) || slugParam(c.req.query('topic'));
      const selected = tags.find((x) => x.slug === slug) ?? null;
      const page = pageParam(c.req.query('page'));
      const { entries, total } = knowledge.browse({ language: lang, tags: selected ? [selected.slug] : [], page, pageSize: PAGE_SIZE });
      return render(c, lang, <BrowsePage t={translator(lang)} lang={lang} tags={tags} selected={selected} entries={entries} total={total} page={page} pageSize={PAGE_SIZE} />);
    })
    .get('/:lang/entries/:id', (c) => {
      const lang = langOf(c);
      if (!lang) throw new AppError('not_found');
      const t = translator(lang);
      const entry = knowledge.entry(c.req.param('id'));
      if (!entry) return render(c, lang, <><h1>{t('notFound.title')}</h1><p>{t('entry.notFound')}</p></>, { status: 404 });
      return render(c, lang, <EntryPage t={t} lang={lang} entry={entry} tags={knowledge.tags()} />);
    })
    .get('/:lang/app', (c) => {
      const lang = langOf(c);
      if (!lang) throw new AppError('not_found');
      return render(c, lang, <AppShell t={translator(lang)} lang={lang} kind="asker" />, { private: true, script: 'asker.js' });
    })
    .get('/:lang/staff', (c) => {
      const lang = langOf(c);
      if (!lang) throw new AppError('not_found');
      return render(c, lang, <AppShell t={translator(lang)} lang={lang} kind="staff" />, { private: true, script: 'staff.js' });
    })
    .route('/', webinarPages({ webinars: deps.webinars, render }))
    .get('/:lang/impact', (c) => {
      const lang = langOf(c);
      if (!lang) throw new AppError('not_found');
      const month = c.req.query('month');
      const data = month === undefined || /^\d{4}-\d{2}$/.test(month) ? deps.impact?.(month) ?? null : null;
      if (!data) return render(c, lang, <NotFoundPage t={translator(lang)} lang={lang} />, { status: 404 });
      return render(c, lang, <ImpactPublicPage t={translator(lang)} lang={lang} data={data} />);
    })
    .get('/:lang/*', (c) => {
      const lang = langOf(c);
      if (!lang) throw new AppError('not_found');
      return render(c, lang, <NotFoundPage t={translator(lang)} lang={lang} />, { status: 404 });
    });
}
