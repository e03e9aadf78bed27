import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { escapeToBuffer } from 'hono/utils/html';
import type { Assets } from './assets.js';
import { AppScripts } from './app-scripts.js';
import { CrisisLine, CrisisList } from './crisis-line.js';
import type { CrisisSource } from './crisis-contacts.js';
import { CATALOGS, LANGS, translator, type Lang } from './i18n/index.js';

// The frame of every page. The title is always "Tynys" and the icon a plain shape: the tab
// list and history of a shared phone must not tell what the page is about. No inline script
// or style anywhere (the CSP forbids them); the quick exit works as a plain link without JS.

import { QUICK_EXIT_TARGET as QUICK_EXIT_URL } from './client/quick-exit-target.js';

export interface PageProps {
  lang: Lang;
  /** The path after the language prefix, with its query, for the language switch. */
  path: string;
  assets: Assets;
  /** Extra script for pages that need one (the apps). */
  script?: 'asker.js' | 'staff.js' | 'webinar.js';
  /** A demo organisation is pinned (staff/demo-organisation.ts): a banner says so on every page. */
  demo?: boolean;
  /** The admins' crisis contacts (the shipped file's when absent); the cached frame follows its version. */
  crisis?: CrisisSource | undefined;
  children: Child;
}

// The frame is the same for every page of a language (and app script) but for the path in the
// language switch and the page's own content. Rendering it per request cost ~90 µs (MEASURED.md),
// so it is rendered once around two markers and cut there; each request fills in the path
// (escaped as the renderer would) and the content. Markers cannot collide with either: the path
// is escaped, and the content goes in the one gap cut for it.
const PATH_MARK = '\u0000tynys-path\u0000';
const CONTENT_MARK = '\u0000tynys-content\u0000';
// The crisis contacts are in the frame: an admin's edit bumps their version, and the frames of an
// older version are dropped, so the next page shows the edit.
const frames = new WeakMap<Assets, Map<string, { parts: string[]; content: number }>>();
const crisisFrames = new WeakMap<CrisisSource, WeakMap<Assets, { version: number; byKey: Map<string, { parts: string[]; content: number }> }>>();

function framesFor(assets: Assets, crisis: CrisisSource | undefined): Map<string, { parts: string[]; content: number }> {
  if (!crisis) {
    let byKey = frames.get(assets);
    if (!byKey) frames.set(assets, byKey = new Map());
    return byKey;
  }
  let byAssets = crisisFrames.get(crisis);
  if (!byAssets) crisisFrames.set(crisis, byAssets = new WeakMap());
  const version = crisis.version();
  let held = byAssets.get(assets);
  if (!held || held.version !== version) byAssets.set(assets, held = { version, byKey: new Map() });
  return held.byKey;
}

function frameOf(lang: Lang, assets: Assets, script: PageProps['script'], demo: boolean, crisis: CrisisSource | undefined): { parts: string[]; content: number } {
  const byKey = framesFor(assets, crisis);
  const key = `${lang} ${script ?? ''} ${demo ? 'demo' : ''}`;
  let frame = byKey.get(key);
  if (!frame) {
    const html = String(<Frame lang={lang} path={PATH_MARK} assets={assets} demo={demo} crisis={crisis} {...(script ? { script } : {})}>{raw(CONTENT_MARK)}</Frame>);
    const [before, after] = html.split(CONTENT_MARK) as [string, string];
    const head = before.split(PATH_MARK);
    frame = { parts: [...head, ...after.split(PATH_MARK)], content: head.length };
    byKey.set(key, frame);
  }
  return frame;
}

function escapeAttribute(value: string): string {
  const buffer: [string] = [''];
  escapeToBuffer(value, buffer);
  return buffer[0];
}

export function Page({ lang, path, assets, script, demo, crisis, children }: PageProps) {
  const { parts, content } = frameOf(lang, assets, script, demo ?? false, crisis);
  const body = String(<>{children}</>);
  const escapedPath = escapeAttribute(path);
  let html = parts[0]!;
  for (let i = 1; i < parts.length; i++) html += (i === content ? body : escapedPath) + parts[i]!;
  return raw(html);
}

/** The head every page shares: no referrer, the one stylesheet, the icon; scripts come as children. */
export function SiteHead({ assets, children }: { assets: Assets; children?: Child }) {
  const css = assets.get('site.css');
  const icon = assets.get('icon.svg');
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="no-referrer" />
      <title>Tynys</title>
      <link rel="icon" href={icon.path} type="image/svg+xml" />
      <link rel="stylesheet" href={css.path} integrity={css.integrity} />
      {children}
    </head>
  );
}

/** The frame rendered in full; `Page` renders it once per language and fills it in (the tests compare the two). */
export function Frame({ lang, path, assets, script, demo, crisis, children }: PageProps) {
  const t = translator(lang);
  const contacts = crisis?.contacts(lang);
  const exit = assets.get('quick-exit.js');
  return (
    <html lang={lang}>
      <SiteHead assets={assets}>
        <script src={exit.path} integrity={exit.integrity} defer></script>
        {script ? <AppScripts assets={assets} script={script} /> : null}
      </SiteHead>
      <body>
        <a class="skip" href="#main">{t('nav.skip')}</a>
        <CrisisLine lang={lang} t={t} contacts={contacts} />
        {demo ? <p class="demo-banner" role="note">{t('demo.banner')}</p> : null}
        <header class="site">
          <a class="brand" href={`/${lang}/`}>Tynys</a>
          <a id="quick-exit" class="quick-exit" href={QUICK_EXIT_URL} rel="noreferrer" title={t('exit.hint')}>{t('exit.button')}</a>
          <nav aria-label="Tynys">
            <ul>
              <li><a href={`/${lang}/`}>{t('nav.home')}</a></li>
              <li><a href={`/${lang}/browse`}>{t('nav.browse')}</a></li>
              <li><a href={`/${lang}/search`}>{t('nav.search')}</a></li>
              <li><a href={`/${lang}/webinars`}>{t('nav.webinars')}</a></li>
              <li><a href={`/${lang}/app`}>{t('nav.app')}</a></li>
            </ul>
          </nav>
          <nav aria-label={t('nav.language')} class="langs">
            <ul>
              {LANGS.map((l) => (
                <li><a href={`/${l}${path}`} lang={l} hreflang={l} aria-current={l === lang ? 'true' : undefined}>{CATALOGS[l]['lang.name']}</a></li>
              ))}
            </ul>
          </nav>
        </header>
        <main id="main">{children}</main>
        <footer class="site">
          <CrisisList lang={lang} t={t} contacts={contacts} />
          <p class="small">{t('footer.privacy')}</p>
          <p class="small"><a href={`/${lang}/staff`}>{t('nav.staff')}</a></p>
        </footer>
      </body>
    </html>
  );
}
