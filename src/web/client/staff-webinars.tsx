import { useLive } from './use-live.js';
import { useEffect, useRef, useState } from 'hono/jsx';
import type { StaffClient } from '../../client/index.js';
import { okSchema } from '../../protocol/api/common.js';
import {
  staffWebinarList, staffWebinarSchema, WEBINAR_AUDIENCES, WEBINAR_LIMITS, webinarRequest, type StaffWebinar, type WebinarAudience,
} from '../../protocol/api/webinars.js';
import { instantOf } from '../../protocol/time-zone.js';
import { CATALOGS, LANGS, type Lang, type Translate } from '../i18n/index.js';

// The webinars tab of the staff console (admins and supervisors, DESIGN.md §7): create a draft,
// edit, publish, cancel or delete it, and after the event enter attendance and recording views.
// The form is checked here with the API's own schema before anything is sent, so a mistake is
// named by field; the server checks it all again.

// Kazakhstan's zones first (the service's home), then the neighbours people join from.
const ZONES = ['Asia/Almaty', 'Asia/Qostanay', 'Asia/Qyzylorda', 'Asia/Aqtobe', 'Asia/Aqtau', 'Asia/Atyrau', 'Asia/Oral', 'Asia/Tashkent', 'Asia/Bishkek', 'Europe/Moscow', 'UTC'];

interface Form {
  title: string; speaker: string; localStart: string; timeZone: string; durationMinutes: string; language: Lang;
  audience: WebinarAudience[]; description: string; joinUrl: string; recordingUrl: string;
}
const FIELDS = ['title', 'speaker', 'localStart', 'timeZone', 'durationMinutes', 'language', 'audience', 'description', 'joinUrl', 'recordingUrl'] as const;
type Field = (typeof FIELDS)[number];

const blank = (lang: Lang): Form => ({
  title: '', speaker: '', localStart: '', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Almaty', durationMinutes: '90',
  language: lang, audience: ['psychologists'], description: '', joinUrl: '', recordingUrl: '',
});
const formOf = (w: StaffWebinar): Form => ({
  title: w.title, speaker: w.speaker, localStart: w.localStart, timeZone: w.timeZone, durationMinutes: String(w.durationMinutes), language: w.language,
  audience: w.audience, description: w.description, joinUrl: w.joinUrl ?? '', recordingUrl: w.recordingUrl ?? '',
});
const value = (e: Event): string => (e.target as HTMLInputElement).value;

/** The request the form makes, or the fields that are wrong (by the API's schema, and a local time the zone skips). */
function requestOf(form: Form): { body: unknown; bad: Field[] } {
  const body = {
    ...form, durationMinutes: Number(form.durationMinutes), joinUrl: form.joinUrl.trim() || null, recordingUrl: form.recordingUrl.trim() || null,
  };
  const parsed = webinarRequest.safeParse(body);
  const bad = new Set<Field>(parsed.success ? [] : parsed.error.issues.map((i) => i.path[0] as Field));
  if (!bad.has('timeZone') && !bad.has('localStart') && parsed.success && instantOf(parsed.data.localStart, parsed.data.timeZone) === null) bad.add('localStart');
  return { body, bad: FIELDS.filter((f) => bad.has(f)) };
}

function WebinarForm({ client, t, lang, editing, done }: { client: StaffClient; t: Translate; lang: Lang; editing: StaffWebinar | null; done: (notice: string) => void }) {
  const [form, setForm] = useState<Form>(editing ? formOf(editing) : blank(lang));
  const [bad, setBad] = useState<Field[]>([]);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { heading.current?.focus(); }, []);
  const set = (k: Field) => (e: Event) => setForm({ ...form, [k]: value(e) });
  const input = (k: Field, label: string, props: Record<string, unknown> = {}) => (
    <>
      <label for={`w-${k}`}>{label}</label>
      <input id={`w-${k}`} value={form[k] as string} onInput={set(k)} aria-invalid={bad.includes(k) ? 'true' : undefined} {...props} />
    </>
  );
  const submit = (e: Event) => {
    e.preventDefault();
    const { body, bad: wrong } = requestOf(form);
    setBad(wrong);
    if (wrong.length > 0) return setError(t('staff.web.err.fields', { fields: wrong.map((f) => t(`staff.web.f.${f}`)).join(', ') }));
    setError(null);
    const request = editing
      ? client.api(staffWebinarSchema, 'PUT', `/api/admin/webinars/${editing.id}`, body)
      : client.api(staffWebinarSchema, 'POST', '/api/admin/webinars', body);
    request.then(() => done(t('staff.web.saved'))).catch((err: { code?: string }) => setError(err.code === 'webinar_state' ? t('staff.web.err.state') : t('app.error')));
  };
  return (
    <form onSubmit={submit} id="webinar-form" class="card" novalidate>
      <h3 ref={heading} tabindex={-1} id="webinar-form-title">{editing ? t('staff.web.edit') : t('staff.web.new')}</h3>
      {input('title', t('staff.web.f.title'), { maxlength: WEBINAR_LIMITS.title.max, required: true })}
      {input('speaker', t('staff.web.f.speaker'), { maxlength: WEBINAR_LIMITS.speaker.max, required: true })}
      {input('localStart', t('staff.web.f.localStart'), { type: 'datetime-local', required: true })}
      {input('timeZone', t('staff.web.f.timeZone'), { list: 'w-zones', autocomplete: 'off', spellcheck: false, 'aria-describedby': 'w-zone-hint', required: true })}
      <datalist id="w-zones">{ZONES.map((z) => <option value={z} />)}</datalist>
      <p class="small" id="w-zone-hint">{t('staff.web.zoneHint')}</p>
      {input('durationMinutes', t('staff.web.f.durationMinutes'), { type: 'number', min: WEBINAR_LIMITS.duration.min, max: WEBINAR_LIMITS.duration.max, step: 5, required: true })}
      <label for="w-language">{t('staff.web.f.language')}</label>
      <select id="w-language" onChange={set('language')}>{LANGS.map((l) => <option value={l} selected={l === form.language}>{CATALOGS[l]['lang.name']}</option>)}</select>
      <fieldset aria-invalid={bad.includes('audience') ? 'true' : undefined}>
        <legend>{t('staff.web.f.audience')}</legend>
        {WEBINAR_AUDIENCES.map((a) => <label><input type="checkbox" value={a} checked={form.audience.includes(a)} onChange={(e: Event) => {
          const on = (e.target as HTMLInputElement).checked;
          setForm({ ...form, audience: on ? [...form.audience, a] : form.audience.filter((x) => x !== a) });
        }} />{t(`webinars.audience.${a}`)}</label>)}
      </fieldset>
      <label for="w-description">{t('staff.web.f.description')}</label>
      <textarea id="w-description" value={form.description} onInput={set('description')} maxlength={WEBINAR_LIMITS.description}></textarea>
      {input('joinUrl', t('staff.web.f.joinUrl'), { type: 'url', inputmode: 'url', placeholder: 'https://', 'aria-describedby': 'w-link-hint' })}
      {input('recordingUrl', t('staff.web.f.recordingUrl'), { type: 'url', inputmode: 'url', placeholder: 'https://', 'aria-describedby': 'w-link-hint' })}
      <p class="small" id="w-link-hint">{t('staff.web.linkHint')}</p>
      {error ? <p class="error" role="alert">{error}</p> : null}
      <p class="row">
        <button type="submit" id="webinar-save">{editing ? t('staff.web.save') : t('staff.web.create')}</button>
        <button type="button" class="secondary" onClick={() => done('')}>{t('staff.web.close')}</button>
      </p>
    </form>
  );
}

function Figures({ client, t, w, reload }: { client: StaffClient; t: Translate; w: StaffWebinar; reload: (notice: string, error?: string) => void }) {
  const [attendance, setAttendance] = useState(w.attendance === null ? '' : String(w.attendance));
  const [views, setViews] = useState(w.recordingViews === null ? '' : String(w.recordingViews));
  const figure = (s: string): number | null => (s.trim() === '' ? null : Number(s));
  return (
    <form class="row figures" onSubmit={(e: Event) => {
      e.preventDefault();
      client.api(staffWebinarSchema, 'PUT', `/api/admin/webinars/${w.id}/figures`, { attendance: figure(attendance), recordingViews: figure(views) })
        .then(() => reload(t('staff.web.saved'))).catch(() => reload('', t('staff.web.err.figures')));
    }}>
      <span>
        <label for={`att-${w.id}`}>{t('staff.web.attendance')}</label>
        <input id={`att-${w.id}`} class="attendance" type="number" min={0} max={WEBINAR_LIMITS.figure} inputmode="numeric" value={attendance} onInput={(e: Event) => setAttendance(value(e))} />
      </span>
      <span>
        <label for={`views-${w.id}`}>{t('staff.web.views')}</label>
        <input id={`views-${w.id}`} class="views" type="number" min={0} max={WEBINAR_LIMITS.figure} inputmode="numeric" value={views} onInput={(e: Event) => setViews(value(e))} />
      </span>
      <button type="submit" class="secondary save-figures">{t('staff.web.saveFigures')}</button>
    </form>
  );
}

function WebinarCard({ client, t, lang, w, edit, reload }: {
  client: StaffClient; t: Translate; lang: Lang; w: StaffWebinar; edit: () => void; reload: (notice: string, error?: string) => void;
}) {
  const act = (method: 'POST' | 'DELETE', path: string, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    const request = method === 'DELETE' ? client.api(okSchema, 'DELETE', `/api/admin/webinars/${w.id}`) : client.api(staffWebinarSchema, 'POST', `/api/admin/webinars/${w.id}/${path}`);
    request.then(() => reload(t('staff.web.saved'))).catch((err: { code?: string }) => reload('', err.code === 'webinar_state' ? t('staff.web.err.state') : t('app.error')));
  };
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: w.timeZone }).format(new Date(w.startsAt));
  const started = w.startsAt <= Date.now();
  return (
    <li class="card" data-webinar={w.id}>
      <h3 lang={w.language}>{w.title}</h3>
      <p class="small">{t(`staff.web.status.${w.status}`)} · {when} ({w.timeZone}) · {CATALOGS[w.language]['lang.name']} · {w.speaker}</p>
      <p>{t('staff.web.registrations', { count: w.registrations })}{w.attendance === null ? '' : ` · ${t('staff.web.attendance')}: ${w.attendance}`}{w.recordingViews === null ? '' : ` · ${t('staff.web.views')}: ${w.recordingViews}`}</p>
      <p class="row">
        {w.status !== 'cancelled' ? <button type="button" class="secondary edit-webinar" onClick={edit}>{t('staff.web.edit')}</button> : null}
        {w.status === 'draft' ? <button type="button" class="publish-webinar" onClick={() => act('POST', 'publish')}>{t('staff.web.publish')}</button> : null}
        {w.status === 'draft' ? <button type="button" class="danger delete-webinar" onClick={() => act('DELETE', '', t('staff.web.deleteConfirm'))}>{t('staff.web.delete')}</button> : null}
        {w.status === 'published' ? <button type="button" class="danger cancel-webinar" onClick={() => act('POST', 'cancel', t('staff.web.cancelConfirm'))}>{t('staff.web.cancel')}</button> : null}
        {w.status !== 'draft' ? <a href={`/${lang}/webinars/${w.id}`} target="_blank" rel="noopener">{t('staff.web.open')}</a> : null}
      </p>
      {w.status === 'published' && started ? <Figures client={client} t={t} w={w} reload={reload} /> : null}
    </li>
  );
}

/** The webinars tab: every event with its figures, and the form to add or edit one. */
export function StaffWebinars({ client, t, lang }: { client: StaffClient; t: Translate; lang: Lang }) {
  const [list, setList] = useState<StaffWebinar[] | null>(null);
  const [editing, setEditing] = useState<StaffWebinar | 'new' | null>(null);
  const [notice, setNotice] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  const live = useLive();
  const load = () => { client.api(staffWebinarList, 'GET', '/api/admin/webinars').then(live((r: { webinars: StaffWebinar[] }) => setList(r.webinars))).catch(live(() => setError(t('app.error')))); };
  useEffect(load, []);
  const reload = (text: string, err?: string) => { setNotice(text); setError(err ?? null); load(); };
  return (
    <section id="staff-webinars" aria-labelledby="h-webinars">
      <h2 id="h-webinars">{t('staff.tab.webinars')}</h2>
      {editing === null ? (
        <p class="row">
          <button type="button" id="new-webinar" onClick={() => { setNotice(''); setEditing('new'); }}>{t('staff.web.new')}</button>
          <button type="button" class="secondary" id="webinars-refresh" onClick={() => reload('')}>{t('staff.admin.refresh')}</button>
        </p>
      ) : (
        <WebinarForm key={editing === 'new' ? 'new' : editing.id} client={client} t={t} lang={lang} editing={editing === 'new' ? null : editing}
          done={(text) => { setEditing(null); reload(text); }} />
      )}
      {notice ? <p role="status" id="webinar-notice">{notice}</p> : null}
      {error ? <p class="error" role="alert">{error}</p> : null}
      {list === null ? <p>{t('app.loading')}</p> : list.length === 0 ? <p>{t('staff.web.empty')}</p> : (
        <ul class="staff-list" id="webinar-list">
          {list.map((w) => <WebinarCard key={`${w.id}:${w.status}:${w.attendance ?? ''}:${w.recordingViews ?? ''}`} client={client} t={t} lang={lang} w={w} edit={() => { setNotice(''); setEditing(w); }} reload={reload} />)}
        </ul>
      )}
    </section>
  );
}
