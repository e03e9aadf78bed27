import type { Urgency } from '../../protocol/thread-metadata.js';
import { crisisContacts } from '../crisis-contacts.js';
import type { Lang, Translate } from '../i18n/index.js';

// Choosing "urgent" in the consultation form shows the crisis numbers again before anything is
// sent (issue 12 point 5): a reply takes time, and someone in danger now should call now. The
// region is always there and polite, so a screen reader announces the numbers when they appear.

export function UrgentCrisisNote({ urgency, lang, t }: { urgency: Urgency; lang: Lang; t: Translate }) {
  const contacts = crisisContacts(lang).filter((c) => c.compact && c.href !== null);
  return (
    <div aria-live="polite">
      {urgency === 'urgent' ? (
        <div class="notice urgent-crisis" id="urgent-crisis">
          <p><strong>{t('crisis.urgent.title')}</strong></p>
          <p>{t('crisis.urgent.lead')}</p>
          <ul class="calls">
            {contacts.map((c) => (
              <li><a class="call" href={c.href!} aria-label={`${c.phone} ${c.short} — ${c.label}`}>{c.phone}<small>{c.short}</small></a></li>
            ))}
          </ul>
          {contacts.some((c) => !c.verified) ? <p class="small unverified">{t('crisis.unverifiedNote')}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
