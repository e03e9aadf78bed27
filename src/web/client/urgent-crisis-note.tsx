import type { Urgency } from '../../protocol/thread-metadata.js';
import { crisisContacts } from '../crisis-contacts.js';
import type { Lang, Translate } from '../i18n/index.js';

// Choosing "urgent" in the consultation form shows the crisis numbers again before anything is
// sent (issue 12 point 5): a reply takes time, and someone in danger now should call now. The
// region is always there and polite, so a screen reader announces the numbers when they appear.

interface CallLink { href: string; phone: string; short: string; name: string; verified: boolean }

/**
 * The numbers of the call line at the top of this page: the server rendered them from the admins'
 * current list (src/crisis/), so the note needs no request of its own; the shipped file's when the
 * page has none (a test rendering the app alone).
 */
function callLinks(lang: Lang): CallLink[] {
  const links = typeof document === 'undefined' ? [] : [...document.querySelectorAll<HTMLAnchorElement>('.crisis-line a.call[href^="tel:"]')];
  if (links.length > 0) {
    return links.map((a) => ({
      href: a.getAttribute('href')!, phone: a.firstChild?.textContent ?? '', short: a.querySelector('small')?.textContent ?? '',
      name: a.getAttribute('aria-label') ?? '', verified: a.dataset['verified'] === 'true',
    }));
  }
  return crisisContacts(lang).filter((c) => c.compact && c.href !== null)
    .map((c) => ({ href: c.href!, phone: c.phone ?? '', short: c.short, name: `${c.phone} ${c.short} — ${c.label}`, verified: c.verified }));
}

export function UrgentCrisisNote({ urgency, lang, t }: { urgency: Urgency; lang: Lang; t: Translate }) {
  const contacts = urgency === 'urgent' ? callLinks(lang) : [];
  return (
    <div aria-live="polite">
      {urgency === 'urgent' ? (
        <div class="notice urgent-crisis" id="urgent-crisis">
          <p><strong>{t('crisis.urgent.title')}</strong></p>
          <p>{t('crisis.urgent.lead')}</p>
          <ul class="calls">
            {contacts.map((c) => (
              <li><a class="call" href={c.href} aria-label={c.name}>{c.phone}<small>{c.short}</small></a></li>
            ))}
          </ul>
          {contacts.some((c) => !c.verified) ? <p class="small unverified">{t('crisis.unverifiedNote')}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
