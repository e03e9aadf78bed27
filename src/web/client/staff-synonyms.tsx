import { useLive } from './use-live.js';
import { useEffect, useRef, useState } from 'hono/jsx';
import type { StaffClient } from '../../client/index.js';
import { okSchema } from '../../protocol/api/common.js';
import {
  synonymGroupSchema, synonymListResponse, synonymTermsSchema, type SynonymGroup,
} from '../../protocol/api/knowledge.js';
import { LANGS, translator, type Lang, type Translate } from '../i18n/index.js';

// Moderators' and admins' search synonyms (src/knowledge/synonyms.ts): each group lists, per
// language, the words and phrases people use for one thing; search finds an entry by any of
// them as soon as the group is saved. Terms are typed comma-separated, as a moderator writes a
// list; the first of a group count most (search reads a limited number of each group's terms).

type Terms = SynonymGroup['terms'];
const EMPTY: Terms = { ru: [], kk: [], en: [] };
const asText = (terms: readonly string[]): string => terms.join(', ');
const asTerms = (text: string): string[] => text.split(',').map((x) => x.trim()).filter(Boolean);

/** One group's terms in the three languages, with Save (and Delete for a stored group). */
function GroupForm({ t, idPrefix, terms, submitLabel, onSubmit, onDelete }: {
  t: Translate; idPrefix: string; terms: Terms; submitLabel: string;
  onSubmit: (terms: Terms) => Promise<void>; onDelete?: () => Promise<void>;
}) {
  const [text, setText] = useState<Record<Lang, string>>({ ru: asText(terms.ru), kk: asText(terms.kk), en: asText(terms.en) });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    // Checked here with the server's own schema, so a moderator learns what is wrong before sending.
    const parsed = synonymTermsSchema.safeParse({ ru: asTerms(text.ru), kk: asTerms(text.kk), en: asTerms(text.en) });
    if (!parsed.success) return setError(t('search.synonyms.invalid'));
    setError(null);
    setBusy(true);
    onSubmit(parsed.data).catch(() => setError(t('search.synonyms.invalid'))).finally(() => setBusy(false));
  };
  return (
    <form class="synonym-group" onSubmit={submit}>
      {LANGS.map((l) => (
        <>
          <label for={`${idPrefix}-${l}`}>{translator(l)('lang.name')}</label>
          <input id={`${idPrefix}-${l}`} class={`terms-${l}`} lang={l} value={text[l]} autocomplete="off"
            onInput={(e: Event) => setText({ ...text, [l]: (e.target as HTMLInputElement).value })} />
        </>
      ))}
      {error ? <p class="error" role="alert">{error}</p> : null}
      <p class="row">
        <button type="submit" class="save-group" disabled={busy}>{submitLabel}</button>
        {onDelete ? <button type="button" class="danger delete-group" disabled={busy} onClick={() => {
          if (window.confirm(t('search.synonyms.deleteConfirm'))) void onDelete().catch(() => setError(t('app.error')));
        }}>{t('search.synonyms.delete')}</button> : null}
      </p>
    </form>
  );
}

/** The synonym groups, filtered by language, each editable, and a form for a new one. */
export function SearchSynonyms({ client, t }: { client: StaffClient; t: Translate }) {
  const [groups, setGroups] = useState<SynonymGroup[] | null>(null);
  const [language, setLanguage] = useState<Lang | ''>('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A fresh form after each addition (its inputs hold their own text).
  const added = useRef(0);
  const live = useLive();
  const load = () => {
    client.api(synonymListResponse, 'GET', `/api/moderation/synonyms${language ? `?language=${language}` : ''}`)
      .then(live((r: { groups: SynonymGroup[] }) => setGroups(r.groups))).catch(live(() => setError(t('app.error'))));
  };
  useEffect(load, [language]);
  const done = (message: string) => () => { setNotice(message); setError(null); load(); };
  return (
    <section id="search-synonyms" aria-labelledby="h-synonyms">
      <h2 id="h-synonyms">{t('search.synonyms.title')}</h2>
      <p class="small">{t('search.synonyms.hint')}</p>
      <h3>{t('search.synonyms.new')}</h3>
      <GroupForm key={`new-${added.current}`} t={t} idPrefix="syn-new" terms={EMPTY} submitLabel={t('search.synonyms.add')}
        onSubmit={(terms) => client.api(synonymGroupSchema, 'POST', '/api/moderation/synonyms', { terms }).then(() => { added.current++; done(t('search.synonyms.saved'))(); })} />
      {notice ? <p class="notice" role="status" id="synonyms-notice">{notice}</p> : null}
      {error ? <p class="error" role="alert">{error}</p> : null}
      <label for="syn-filter">{t('search.synonyms.filter')}</label>
      <select id="syn-filter" onChange={(e: Event) => setLanguage((e.target as HTMLSelectElement).value as Lang | '')}>
        <option value="">{t('search.synonyms.all')}</option>
        {LANGS.map((l) => <option value={l} selected={l === language}>{translator(l)('lang.name')}</option>)}
      </select>
      {groups === null ? <p>{t('app.loading')}</p> : (
        <>
          <p class="small">{t('search.synonyms.count', { count: groups.length })}</p>
          <ul class="synonym-groups">
            {groups.map((g) => (
              <li class="card" data-group={g.id} key={`${g.id}:${JSON.stringify(g.terms)}`}>
                <GroupForm t={t} idPrefix={`syn-${g.id}`} terms={g.terms} submitLabel={t('search.synonyms.save')}
                  onSubmit={(terms) => client.api(synonymGroupSchema, 'PUT', `/api/moderation/synonyms/${g.id}`, { terms }).then(done(t('search.synonyms.saved')))}
                  onDelete={() => client.api(okSchema, 'DELETE', `/api/moderation/synonyms/${g.id}`).then(done(t('search.synonyms.deleted')))} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
