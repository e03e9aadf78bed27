import { AUDIENCES, CRISIS_CONTACTS, crisisContacts, type LocalContact } from './crisis-contacts.js';
import type { Lang, Translate } from './i18n/index.js';

// Crisis help on every page (issue 12 point 5): a compact line at the very top, one tap per
// number, so that on a phone it is on the first screen; the full list, by audience, in the
// footer. Both from the one list (crisis-contacts.ts). An unverified number says so where it is
// shown.

/** A number's accessible name starts with what it shows (number, then the short words): WCAG 2.5.3. */
const callName = (c: LocalContact): string => `${c.phone} ${c.short} — ${c.label}`;

export interface CrisisProps {
  lang: Lang;
  t: Translate;
  /** The list to show, in this language: the admins' (app.ts) or, unless given, the shipped file's. */
  contacts?: readonly LocalContact[] | undefined;
}

export function CrisisLine({ lang, t, contacts: list }: CrisisProps) {
  const contacts = (list ?? crisisContacts(lang, CRISIS_CONTACTS)).filter((c) => c.compact && c.href !== null);
  return (
    <aside class="crisis-line" aria-labelledby="crisis-line-title">
      <p>
        <strong id="crisis-line-title">{t('crisis.line')}</strong>
        {contacts.some((c) => !c.verified) ? <> · <span class="unverified">{t('crisis.unverified')}</span></> : null}
      </p>
      <ul>
        {contacts.map((c) => (
          <li><a class="call" href={c.href!} aria-label={callName(c)} data-verified={String(c.verified)}>{c.phone}<small>{c.short}</small></a></li>
        ))}
        <li><a class="call more" href="#crisis" aria-label={t('crisis.all')}>{t('crisis.more')}</a></li>
      </ul>
    </aside>
  );
}

export function CrisisList({ lang, t, contacts: list }: CrisisProps) {
  const contacts = list ?? crisisContacts(lang, CRISIS_CONTACTS);
  return (
    <section class="crisis" id="crisis" aria-labelledby="crisis-title">
      <h2 id="crisis-title">{t('crisis.title')}</h2>
      <p>{t('crisis.lead')}</p>
      {contacts.some((c) => !c.verified) ? <p class="small unverified">{t('crisis.unverifiedNote')}</p> : null}
      {AUDIENCES.map((audience) => {
        const group = contacts.filter((c) => c.audiences.includes(audience));
        return group.length === 0 ? null : (
          <>
            <h3>{t(`crisis.audience.${audience}`)}</h3>
            <ul>
              {group.map((c) => (
                <li data-contact={c.id}>
                  {c.href ? <a class="call" href={c.href} aria-label={`${c.phone ?? c.short} — ${c.label}`}>{c.phone ?? c.short}</a> : <span class="no-number" aria-hidden="true">—</span>}
                  <span>
                    {c.label}
                    {c.hours ? <> <span class="hours">({c.hours})</span></> : null}
                    {c.href ? null : <> <span class="placeholder">({t('crisis.placeholder')})</span></>}
                    {c.verified ? null : <> <span class="unverified">({t('crisis.unverifiedMark')})</span></>}
                  </span>
                </li>
              ))}
            </ul>
          </>
        );
      })}
    </section>
  );
}
