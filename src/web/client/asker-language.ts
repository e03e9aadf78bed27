import { isLang, type Lang } from '../i18n/index.js';

// Switching language inside the asker's space without leaving it (issue 12 point 3). The layout's
// language links are plain links, which load the page again: the asker's keys live only in this
// page's memory, so that would log them out. On the asker page a click on one is taken here
// instead: the app re-renders with the new language at once, the address becomes the new
// language's (replaceState: Back does not step through languages), and the frame around the app
// (navigation, headings, crisis contacts, which differ per language) is taken from the same page
// in the new language, fetched without credentials. Nothing is written to storage for this.

/** The language links of the layout (layout.tsx): one per language, marked with hreflang. */
const LINKS = 'a[hreflang]';

/** Follows the layout's language links in place; returns the function that stops it. */
export function keepSpaceOnLanguageSwitch(onSwitch: (lang: Lang) => void): () => void {
  let latest = 0;
  const onClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest<HTMLAnchorElement>(LINKS) : null;
    const lang = link?.getAttribute('hreflang') ?? undefined;
    if (!link || !isLang(lang)) return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    event.preventDefault();
    const mine = ++latest;
    document.documentElement.lang = lang;
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    onSwitch(lang);
    void frameIn(url).then((next) => {
      // A newer switch won meanwhile, or the page could not be fetched: the app has switched anyway.
      if (!next || mine !== latest) return;
      swapFrame(document.body, next.body);
      // The link that was clicked was replaced: focus its counterpart, not <body>.
      document.querySelector<HTMLAnchorElement>(`${LINKS}[hreflang="${lang}"]`)?.focus();
    });
  };
  document.addEventListener('click', onClick);
  return () => document.removeEventListener('click', onClick);
}

async function frameIn(url: URL): Promise<Document | null> {
  try {
    const res = await fetch(url, { credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', headers: { accept: 'text/html' } });
    if (!res.ok) return null;
    return new DOMParser().parseFromString(await res.text(), 'text/html');
  } catch {
    return null;
  }
}

/**
 * Replaces each element of `current` with its counterpart in `next`, but for the app's own element
 * (#app, left to the app) and scripts (never run again); an element holding the app is walked
 * into. Counterparts are matched by position and tag; where the two pages differ in shape, the
 * rest is left as it was.
 */
function swapFrame(current: Element, next: Element): void {
  const mine = [...current.children];
  const theirs = [...next.children];
  for (let i = 0; i < Math.min(mine.length, theirs.length); i++) {
    const a = mine[i]!;
    const b = theirs[i]!;
    if (a.tagName !== b.tagName) return;
    if (a.id === 'app' || a.tagName === 'SCRIPT') continue;
    if (a.querySelector('#app')) {
      swapFrame(a, b);
      continue;
    }
    a.replaceWith(document.importNode(b, true));
  }
}
