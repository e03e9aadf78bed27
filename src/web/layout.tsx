import type { Child } from 'hono/jsx';
import type { Assets } from './assets.js';
import { CRISIS_CONTACTS } from './crisis-contacts.js';
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
  script?: 'asker.js' | 'staff.js';
  children: Child;
}

export function Page({ lang, path, assets, script, children }: PageProps) {
  const t = translator(lang);
  const css = assets.get('site.css');
  const exit = assets.get('quick-exit.js');
  const icon = assets.get('icon.svg');
  const app = script ? assets.get(script) : null;
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>Tynys</title>
        <link rel="icon" href={icon.path} type="image/svg+xml" />
        <link rel="stylesheet" href={css.path} integrity={css.integrity} />
        <script src={exit.path} integrity={exit.integrity} defer></script>
        {app ? <script src={app.path} integrity={app.integrity} defer></script> : null}
      </head>
      <body>
        <a class="skip" href="#main">{t('nav.skip')}</a>
        <header class="site">
          <a class="brand" href={`/${lang}/`}>Tynys</a>
          <a id="quick-exit" class="quick-exit" href={QUICK_EXIT_URL} rel="noreferrer" title={t('exit.hint')}>{t('exit.button')}</a>
          <nav aria-label="Tynys">
            <ul>
              <li><a href={`/${lang}/`}>{t('nav.home')}</a></li>
              <li><a href={`/${lang}/browse`}>{t('nav.browse')}</a></li>
              <li><a href={`/${lang}/search`}>{t('nav.search')}</a></li>
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
          <section class="crisis" aria-labelledby="crisis-title">
            <h2 id="crisis-title">{t('crisis.title')}</h2>
            <p>{t('crisis.lead')}</p>
            <ul>
              {CRISIS_CONTACTS[lang].map((c) => <li><a href={`tel:${c.phone}`}>{c.phone}</a> — {c.label}</li>)}
            </ul>
          </section>
          <p class="small">{t('footer.privacy')}</p>
          <p class="small"><a href={`/${lang}/staff`}>{t('nav.staff')}</a></p>
        </footer>
      </body>
    </html>
  );
}
