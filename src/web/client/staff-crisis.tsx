import { useLive } from './use-live.js';
import { useEffect, useRef, useState } from 'hono/jsx';
import type { StaffClient } from '../../client/index.js';
import { okSchema } from '../../protocol/api/common.js';
import {
  CRISIS_AUDIENCES, crisisContactList, crisisContactRequest, crisisContactSchema, type CrisisAudience, type CrisisContactView,
} from '../../protocol/api/crisis.js';
import { CATALOGS, LANGS, type Lang, type Translate } from '../i18n/index.js';

// The crisis-contacts tab of the staff console (admins): the numbers every page shows, per
// language, in order. An entry never confirmed, or confirmed more than 90 days ago, says "to
// verify" until an admin checks the service and confirms it. The form is checked with the API's
// own schema first, so a mistake is named by field; the server checks it all again.

interface Form { language: Lang; region: string; name: string; short: string; phone: string; link: string; hours: string; audiences: CrisisAudience[]; compact: boolean }
const FIELDS = ['language', 'region', 'name', 'short', 'phone', 'link', 'hours', 'audiences', 'compact'] as const;
type Field = (typeof FIELDS)[number];

const blank = (lang: Lang): Form => ({ language: lang, region: 'kz', name: '', short: '', phone: '', link: '', hours: '', audiences: ['everyone'], compact: false });
const formOf = (c: CrisisContactView): Form => ({
  language: c.language, region: c.region, name: c.name, short: c.short, phone: c.phone ?? '', link: c.link ?? '', hours: c.hours, audiences: c.audiences, compact: c.compact,
});
const value = (e: Event): string => (e.target as HTMLInputElement).value;

function requestOf(form: Form): { body: unknown; bad: Field[] } {
  const body = { ...form, phone: form.phone.trim() || null, link: form.link.trim() || null };
  const parsed = crisisContactRequest.safeParse(body);
  const bad = new Set<Field>(parsed.success ? [] : parsed.error.issues.map((i) => i.path[0] as Field));
  return { body, bad: FIELDS.filter((f) => bad.has(f)) };
}

function ContactForm({ client, t, lang, editing, done }: { client: StaffClient; t: Translate; lang: Lang; editing: CrisisContactView | null; done: (notice: string) => void }) {
  const [form, setForm] = useState<Form>(editing ? formOf(editing) : blank(lang));
  const [bad, setBad] = useState<Field[]>([]);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { heading.current?.focus(); }, []);
  const input = (k: 'region' | 'name' | 'short' | 'phone' | 'link' | 'hours', props: Record<string, unknown> = {}) => (
    <>
      <label for={`cc-${k}`}>{t(`staff.crisis.f.${k}`)}</label>
      <input id={`cc-${k}`} value={form[k]} onInput={(e: Event) => setForm({ ...form, [k]: value(e) })} aria-invalid={bad.includes(k) ? 'true' : undefined} {...props} />
    </>
  );
  const submit = (e: Event) => {
    e.preventDefault();
    const { body, bad: wrong } = requestOf(form);
    setBad(wrong);
    if (wrong.length > 0) { setError(t('staff.crisis.err.fields', { fields: wrong.map((f) => t(`staff.crisis.f.${f}`)).join(', ') })); return; }
    setError(null);
    const request = editing
      ? client.api(crisisContactSchema, 'PUT', `/api/admin/crisis-contacts/${editing.id}`, body)
      : client.api(crisisContactSchema, 'POST', '/api/admin/crisis-contacts', body);
    request.then(() => done(t('staff.crisis.saved'))).catch(() => setError(t('app.error')));
  };
  return (
    <form id="crisis-form" onSubmit={submit} noValidate>
      <h3 id="crisis-form-title" tabIndex={-1} ref={heading}>{editing ? t('staff.crisis.edit') : t('staff.crisis.new')}</h3>
      <label for="cc-language">{t('staff.crisis.f.language')}</label>
      <select id="cc-language" value={form.language} onChange={(e: Event) => setForm({ ...form, language: value(e) as Lang })}>
        {LANGS.map((l) => <option value={l} selected={l === form.language}>{CATALOGS[l]['lang.name']}</option>)}
      </select>
      {input('region')}
      {input('name', { maxLength: 200 })}
      {input('short', { maxLength: 20 })}
      {input('phone', { type: 'tel', inputMode: 'tel', 'aria-describedby': 'cc-phone-hint' })}
      <p class="small" id="cc-phone-hint">{t('staff.crisis.phoneHint')}</p>
      {input('link', { type: 'url', placeholder: 'https://' })}
      {input('hours', { maxLength: 100 })}
      <fieldset aria-invalid={bad.includes('audiences') ? 'true' : undefined}>
        <legend>{t('staff.crisis.f.audiences')}</legend>
        {CRISIS_AUDIENCES.map((a) => (
          <label class="check"><input type="checkbox" name="cc-audience" value={a} checked={form.audiences.includes(a)}
            onChange={(e: Event) => setForm({ ...form, audiences: (e.target as HTMLInputElement).checked ? [...form.audiences, a] : form.audiences.filter((x) => x !== a) })} />
            {t(`crisis.audience.${a}`)}</label>
        ))}
      </fieldset>
      <label class="check"><input type="checkbox" id="cc-compact" checked={form.compact} onChange={(e: Event) => setForm({ ...form, compact: (e.target as HTMLInputElement).checked })} />
        {t('staff.crisis.f.compact')}</label>
      {error ? <p class="error" role="alert">{error}</p> : null}
      <p class="row">
        <button type="submit" id="crisis-save">{t('staff.crisis.save')}</button>
        <button type="button" class="secondary" onClick={() => done('')}>{t('staff.crisis.cancel')}</button>
      </p>
    </form>
  );
}

/** The crisis-contacts tab: one language's list in order, and the form to add or edit an entry. */
export function StaffCrisis({ client, t, lang }: { client: StaffClient; t: Translate; lang: Lang }) {
  const [shown, setShown] = useState<Lang>(lang);
  const [list, setList] = useState<CrisisContactView[] | null>(null);
  const [editing, setEditing] = useState<CrisisContactView | 'new' | null>(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const live = useLive();
  const load = (l: Lang = shown) => {
    client.api(crisisContactList, 'GET', `/api/admin/crisis-contacts?language=${l}`).then(live((r: { contacts: CrisisContactView[] }) => setList(r.contacts))).catch(live(() => setError(t('app.error'))));
  };
  useEffect(() => load(), []);
  const reload = (text: string, err?: string) => { setNotice(text); setError(err ?? null); load(); };
  const act = (request: Promise<unknown>) => { request.then(() => reload(t('staff.crisis.saved'))).catch(() => reload('', t('app.error'))); };
  const move = (i: number, by: -1 | 1) => {
    if (!list) return;
    const ids = list.map((c) => c.id);
    [ids[i], ids[i + by]] = [ids[i + by]!, ids[i]!];
    act(client.api(crisisContactList, 'PUT', '/api/admin/crisis-contacts/order', { language: shown, ids }));
  };
  const date = (ms: number) => new Date(ms).toLocaleDateString(lang);
  return (
    <section id="staff-crisis" aria-labelledby="h-crisis">
      <h2 id="h-crisis">{t('staff.tab.crisis')}</h2>
      <p class="small">{t('staff.crisis.lead')}</p>
      {editing === null ? (
        <p class="row">
          <label for="crisis-lang">{t('staff.crisis.f.language')}</label>
          <select id="crisis-lang" onChange={(e: Event) => { const l = value(e) as Lang; setShown(l); load(l); }}>
            {LANGS.map((l) => <option value={l} selected={l === shown}>{CATALOGS[l]['lang.name']}</option>)}
          </select>
          <button type="button" id="new-crisis" onClick={() => { setNotice(''); setEditing('new'); }}>{t('staff.crisis.new')}</button>
        </p>
      ) : (
        <ContactForm key={editing === 'new' ? 'new' : editing.id} client={client} t={t} lang={shown} editing={editing === 'new' ? null : editing}
          done={(text) => { setEditing(null); reload(text); }} />
      )}
      {notice ? <p role="status" id="crisis-notice">{notice}</p> : null}
      {error ? <p class="error" role="alert">{error}</p> : null}
      {list === null ? <p>{t('app.loading')}</p> : (
        <ol class="staff-list" id="crisis-list">
          {list.map((c, i) => (
            <li data-contact={c.id} key={`${c.id}:${c.verifiedAt ?? ''}:${c.position}`}>
              <p><strong>{c.phone ?? c.link}</strong> — {c.name} <span class="small">({c.short}; {c.region}{c.hours ? `; ${c.hours}` : ''})</span></p>
              <p class="small">{c.audiences.map((a) => t(`crisis.audience.${a}`)).join(' · ')}{c.compact ? ` · ${t('staff.crisis.f.compact')}` : ''}</p>
              <p class={c.toVerify ? 'unverified' : 'small'}>
                {c.toVerify ? <strong class="to-verify">{t('staff.crisis.toVerify')}</strong> : null}
                {c.verifiedAt !== null ? ` ${t('staff.crisis.verifiedOn', { date: date(c.verifiedAt) })}` : ` ${t('staff.crisis.neverVerified')}`}
              </p>
              <p class="row">
                <button type="button" class="verify" onClick={() => act(client.api(crisisContactSchema, 'POST', `/api/admin/crisis-contacts/${c.id}/verify`))}>{t('staff.crisis.verify')}</button>
                <button type="button" class="secondary edit" onClick={() => { setNotice(''); setEditing(c); }}>{t('staff.crisis.edit')}</button>
                <button type="button" class="secondary" disabled={i === 0} aria-label={`${t('staff.crisis.up')}: ${c.name}`} onClick={() => move(i, -1)}>↑</button>
                <button type="button" class="secondary" disabled={i === list.length - 1} aria-label={`${t('staff.crisis.down')}: ${c.name}`} onClick={() => move(i, 1)}>↓</button>
                <button type="button" class="secondary delete" onClick={() => { if (confirm(t('staff.crisis.confirmDelete'))) act(client.api(okSchema, 'DELETE', `/api/admin/crisis-contacts/${c.id}`)); }}>{t('staff.crisis.delete')}</button>
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
