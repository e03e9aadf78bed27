import './no-eval.js';
import { MessageList } from './message-list.js';
import { useLive } from './use-live.js';
import { AuditLog, StaffAccounts } from './staff-admin.js';
import { StaffWebinars } from './staff-webinars.js';
import { StaffCrisis } from './staff-crisis.js';
import { ImpactReport } from './staff-impact.js';
import { SearchSynonyms } from './staff-synonyms.js';
import { PersonalDataReview, unresolvedCount } from './personal-data.js';
import { DutyQueue } from './duty-queue.js';
import { queueLabels, StaffCases } from './staff-cases.js';
import { forgetForTab, keepForTab, resumeFromTab } from './staff-tab-session.js';
import { tabVault } from './tab-vault.js';
import { useEffect, useRef, useState } from 'hono/jsx';
import { focusScreenHeading } from './screen-focus.js';
import { render } from 'hono/jsx/dom';
import {
  ApiError, inMemoryManifestMemory, isDirectoryRefusal, layeredManifestMemory, ProtocolError, StaffClient, storageManifestMemory,
  type PlainMessage, type VerifiedStaff,
} from '../../client/index.js';
import { createInviteResponse, STAFF_ROLES, type StaffRole } from '../../protocol/api/staff.js';
import {
  moderationQueueResponse, REASON_CODES, staffEntrySchema, tagListResponse, tagSchema, type StaffEntry, type Tag,
} from '../../protocol/api/knowledge.js';
import type { ThreadSummary } from '../../protocol/api/threads.js';
import { poolRole } from '../../protocol/thread-metadata.js';
import { fromBase64Url } from '../../protocol/encoding.js';
import type { KdfParams } from '../../protocol/kdf.js';
import { LANGS, isLang, translator, type Lang, type Translate } from '../i18n/index.js';

// The staff console: accept an invite, log in (the passphrase is stretched here, with
// Argon2id, and never sent), then the work of each role. Psychologists read and answer
// consultations end to end encrypted; moderators see detected personal data highlighted and
// redact it before anything is published; admins invite staff and manage tags.

declare const __ORG_PUBLIC_KEY__: string;
declare const __STAFF_KDF__: KdfParams;

const root = document.getElementById('app');
const lang: Lang = isLang(root?.dataset.lang) ? (root!.dataset.lang as Lang) : 'ru';
const t: Translate = translator(lang);
// The newest staff manifest this tab accepted: a server cannot roll it back while the tab lives.
const manifestMemory = layeredManifestMemory(inMemoryManifestMemory(), storageManifestMemory(() => window.sessionStorage, 'tynys.staff.manifest'));
const options = { baseUrl: window.location.origin, orgPublicKey: fromBase64Url(__ORG_PUBLIC_KEY__) ?? new Uint8Array(32), minKdf: __STAFF_KDF__, manifestMemory };
// The session and keys, sealed for this tab's life: a reload does not ask for the passphrase again.
const vault = tabVault();

/** What to tell a staff member when the directory is refused or leaves someone out (nothing was sent), or null for another error. */
function directoryMessage(err: unknown): string | null {
  if (isDirectoryRefusal(err)) return t('staff.directory.refused', { reason: t(`staff.directory.reason.${err.code}`) });
  if (err instanceof ApiError && err.code === 'not_in_directory') return t('staff.directory.notInIt');
  if (err instanceof ApiError && err.code === 'recipient_revoked') return t('staff.thread.otherLeft');
  return null;
}

/** The signed directory this console checked (version, expiry), or why it refused it, or that this member is not in it. */
function DirectoryStatus({ client }: { client: StaffClient }) {
  const [status, setStatus] = useState<{ text: string; ok: boolean } | null>(null);
  useEffect(() => {
    client.directory(true).then(async (dir) => {
      if (!(await client.isInDirectory())) return setStatus({ text: t('staff.directory.notInIt'), ok: false });
      const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(dir.expiresAt));
      setStatus({ text: t('staff.directory.status', { version: dir.version, date }), ok: true });
    }).catch((err: unknown) => setStatus({ text: directoryMessage(err) ?? t('app.error'), ok: false }));
  }, []);
  if (!status) return null;
  return <p class={status.ok ? 'small' : 'error'} role={status.ok ? 'status' : 'alert'} id="directory-status">{status.text}</p>;
}
const value = (e: Event): string => (e.target as HTMLInputElement).value;
const RESET_CODE = /^s_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{32}$/;

function ErrorNote({ message }: { message: string | null }) {
  return message ? <p class="error" role="alert">{message}</p> : null;
}

function Login({ onIn }: { onIn: (c: StaffClient) => void }) {
  const [mode, setMode] = useState<'login' | 'accept'>('login');
  const [form, setForm] = useState({ code: '', login: '', name: '', passphrase: '', repeat: '', languages: [lang] as Lang[] });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: value(e) });
  // A reset code (`<staff id>.<secret>`, from an admin) keeps the account: only a new passphrase is asked.
  const reset = mode === 'accept' && RESET_CODE.test(form.code.trim());
  const submit = (e: Event) => {
    e.preventDefault();
    setError(null);
    if (mode === 'accept' && form.passphrase !== form.repeat) return setError(t('staff.passphraseMismatch'));
    setBusy(true);
    const attempt = mode === 'login'
      ? StaffClient.login(options, form.login, form.passphrase)
      : reset ? StaffClient.acceptReset(options, { code: form.code.trim(), passphrase: form.passphrase, kdf: __STAFF_KDF__ })
      : StaffClient.acceptInvite(options, { code: form.code.trim(), login: form.login, displayName: form.name || form.login, languages: form.languages, passphrase: form.passphrase, kdf: __STAFF_KDF__ });
    attempt.then(onIn).catch(() => { setBusy(false); setError(mode === 'login' ? t('staff.badLogin') : t('app.error')); });
  };
  return (
    <form onSubmit={submit} autocomplete="off">
      <div class="tabs">
        <button type="button" aria-pressed={String(mode === 'login')} onClick={() => setMode('login')}>{t('staff.login')}</button>
        <button type="button" id="mode-accept" aria-pressed={String(mode === 'accept')} onClick={() => setMode('accept')}>{t('staff.accept')}</button>
      </div>
      {mode === 'accept' ? (
        <>
          <label for="s-code">{t('staff.inviteCode')}</label>
          <input id="s-code" value={form.code} onInput={set('code')} autocomplete="off" spellcheck={false} required />
        </>
      ) : null}
      {reset ? <p class="notice" id="reset-hint">{t('staff.resetHint')}</p> : null}
      {reset ? null : (
        <>
          <label for="s-login">{t('staff.loginLabel')}</label>
          <input id="s-login" value={form.login} onInput={set('login')} autocomplete="off" autocapitalize="none" spellcheck={false} required />
        </>
      )}
      {mode === 'accept' && !reset ? (
        <>
          <label for="s-name">{t('staff.displayName')}</label>
          <input id="s-name" value={form.name} onInput={set('name')} />
          <fieldset>
            <legend>{t('staff.languages')}</legend>
            {LANGS.map((l) => <label><input type="checkbox" checked={form.languages.includes(l)} onChange={(e: Event) => {
              const on = (e.target as HTMLInputElement).checked;
              setForm({ ...form, languages: on ? [...form.languages, l] : form.languages.filter((x) => x !== l) });
            }} />{translator(l)('lang.name')}</label>)}
          </fieldset>
        </>
      ) : null}
      <label for="s-pass">{mode === 'accept' ? t('staff.passphraseNew') : t('staff.passphrase')}</label>
      <input id="s-pass" type="password" value={form.passphrase} onInput={set('passphrase')} autocomplete="off" minlength={mode === 'accept' ? 12 : 1} required />
      {mode === 'accept' ? (
        <>
          <label for="s-repeat">{t('staff.passphraseRepeat')}</label>
          <input id="s-repeat" type="password" value={form.repeat} onInput={set('repeat')} autocomplete="off" required />
        </>
      ) : null}
      <ErrorNote message={error} />
      {busy ? <p role="status">{t('staff.loggingIn')}</p> : null}
      <button type="submit" id="s-submit" disabled={busy}>{mode === 'login' ? t('staff.login') : t('staff.acceptSubmit')}</button>
    </form>
  );
}

/** The asker's intake card: what they chose to share, encrypted to the psychologist alone. */
function IntakeCardView({ intake }: { intake: NonNullable<PlainMessage['intake']> }) {
  return (
    <div class="intake" id="intake-card">
      <strong>{t('staff.thread.intake')}</strong>
      {intake.populations.length > 0 ? <ul>{intake.populations.map((p) => <li>{t(`population.${p}`)}</li>)}</ul> : null}
      {intake.ageGroup ? <p>{t('staff.thread.intakeAge', { age: t(`age.${intake.ageGroup}`) })}</p> : null}
      {intake.region ? <p>{t('staff.thread.intakeRegion', { region: intake.region })}</p> : null}
      {intake.note ? <p>{intake.note}</p> : null}
    </div>
  );
}

function Conversation({ client, thread, back }: { client: StaffClient; thread: ThreadSummary; back: () => void }) {
  const [messages, setMessages] = useState<PlainMessage[]>([]);
  const [text, setText] = useState('');
  const [colleagues, setColleagues] = useState<VerifiedStaff[]>([]);
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const [verified, setVerified] = useState<ThreadSummary>(thread);
  const seen = useRef<Set<number>>(new Set());
  const screen = useRef<HTMLDivElement>(null);
  // A conversation is a screen of its own: focus to its heading when it opens (issue 12 point 6).
  useEffect(() => focusScreenHeading(screen.current), []);
  const append = (m: PlainMessage) => {
    if (seen.current!.has(m.seq)) return;
    seen.current!.add(m.seq);
    setMessages((list) => [...list, m].sort((a, b) => a.seq - b.seq));
  };
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      // The metadata shown is the signed genesis's (thread() checks it), not the queue's list.
      const checked = await client.thread(thread.id);
      setVerified(checked);
      const history = await client.read(thread.id);
      history.forEach(append);
      const dir = await client.directory();
      // Colleagues for a hand-over from the verified kind and language, not the server's list
      // (the SDK checks the hand-over again before K leaves: PROTOCOL.md §7.5).
      setColleagues(dir.pool(poolRole(checked.kind), checked.language).filter((s) => s.staffId !== client.id));
      await client.subscribe(thread.id, { after: history.at(-1)?.seq ?? 0, onMessage: append, signal: abort.signal });
    })().catch((err: unknown) => {
      if (abort.signal.aborted) return;
      // A thread that fails verification is not shown at all: no message of it can be trusted.
      if (err instanceof ProtocolError) { setMessages([]); setRefused(err.code); } else setError(directoryMessage(err) ?? t('app.error'));
    });
    return () => abort.abort();
  }, [thread.id]);
  if (refused) {
    return (
      <div>
        <p class="error" role="alert" id="thread-refused">{t('staff.thread.refused', { code: refused })}</p>
        <p class="row"><button type="button" class="secondary" onClick={back}>{t('app.thread.back')}</button></p>
      </div>
    );
  }
  return (
    <div ref={screen}>
      <h2>{t(`topic.${verified.topic}`)}</h2>
      <p class="small">{verified.kind === 'case' ? <><span class="kind-case">{t('staff.kind.case')}</span> · </> : null}{t(`urgency.${verified.urgency}`)} · {verified.language}</p>
      <MessageList messages={messages} lang={lang} you={t('app.thread.you')} other={t(verified.kind === 'case' ? 'staff.case.colleague' : 'staff.thread.other')} former={t('staff.thread.former')}
        intake={(card) => <IntakeCardView intake={card} />} unseen={(seqs) => t('staff.thread.unseen', { seqs })} />
      <form onSubmit={(e: Event) => {
        e.preventDefault();
        const body = text.trim();
        if (!body) return;
        client.send(thread.id, body).then((seq) => { const m = client.message(thread.id, seq); if (m) append(m); setText(''); }).catch((err: unknown) => setError(directoryMessage(err) ?? t('app.error')));
      }}>
        <label for="reply">{t('staff.thread.reply')}</label>
        <textarea id="reply" value={text} onInput={(e: Event) => setText(value(e))} autocomplete="off"></textarea>
        <ErrorNote message={error} />
        <p class="row">
          <button type="submit" id="send-reply">{t('app.thread.send')}</button>
          <button type="button" class="secondary" onClick={back}>{t('app.thread.back')}</button>
          <button type="button" class="secondary" onClick={() => client.close(thread.id).then(back).catch(() => setError(t('app.error')))}>{t('staff.thread.close')}</button>
        </p>
      </form>
      {colleagues.length > 0 ? (
        <form class="row" onSubmit={(e: Event) => { e.preventDefault(); if (to) client.handover(thread.id, to).then(back).catch((err: unknown) => setError(directoryMessage(err) ?? t('app.error'))); }}>
          <label for="handover-to">{t('staff.thread.handover')}</label>
          <select id="handover-to" onChange={(e: Event) => setTo(value(e))}>
            <option value="">—</option>
            {colleagues.map((s) => <option value={s.staffId}>{s.displayName}</option>)}
          </select>
          <button type="submit" class="secondary">{t('staff.thread.handoverSubmit')}</button>
        </form>
      ) : null}
    </div>
  );
}

function Consultations({ client, onSessionEnded }: { client: StaffClient; onSessionEnded: () => void }) {
  const [mine, setMine] = useState<ThreadSummary[]>([]);
  const [open, setOpen] = useState<ThreadSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = useLive();
  const labels = queueLabels(client.roles);
  const load = () => {
    client.listThreads().then(live((list: ThreadSummary[]) => setMine(list.filter((th) => th.assignedStaffId === client.id && th.status !== 'closed')))).catch(live(() => setError(t('app.error'))));
  };
  useEffect(load, []);
  // The queue stays mounted (hidden) during a conversation: urgent requests still count in the
  // title and sound, and coming back shows it as it is, not after a reconnect.
  return (
    <div>
      {open ? <Conversation client={client} thread={open} back={() => { setOpen(null); load(); }} /> : null}
      <div hidden={open !== null}>
        <DirectoryStatus client={client} />
        <ErrorNote message={error} />
        <DutyQueue client={client} t={t} title={t(labels.tab)} empty={t(labels.empty)} onSessionEnded={onSessionEnded} onClaim={(th) => client.claim(th.id).then(setOpen).catch((err: unknown) => {
          // A thread that fails verification opens on the refusal screen (the SDK refuses it from now on).
          if (err instanceof ProtocolError) setOpen(th);
          else { setError(directoryMessage(err) ?? t('app.error')); load(); }
        })} />
        <h2>{t(labels.mine)}</h2>
        <ul id="mine">
          {mine.map((th) => <li><a href="#" onClick={(e: Event) => { e.preventDefault(); setOpen(th); }}>{th.kind === 'case' ? `${t('staff.kind.case')} · ` : ''}{t(`topic.${th.topic}`)} · {t(`app.thread.status.${th.status}`)}</a></li>)}
        </ul>
      </div>
    </div>
  );
}

function EntryCard({ client, entry, tags, reload, canAnswer }: { client: StaffClient; entry: StaffEntry; tags: Tag[]; reload: () => void; canAnswer: boolean }) {
  const [title, setTitle] = useState(entry.title);
  const [body, setBody] = useState(entry.body);
  const [answer, setAnswer] = useState(entry.answer ?? '');
  const [chosen, setChosen] = useState<string[]>(entry.tags.length > 0 ? entry.tags : entry.suggestedTags);
  const [ack, setAck] = useState<string[]>([]);
  const [reason, setReason] = useState<string>('spam');
  const [error, setError] = useState<string | null>(null);
  const act = (path: string, payload: unknown) => client.api(staffEntrySchema, 'POST', `/api/moderation/entries/${entry.id}/${path}`, payload)
    .then(reload).catch((err: { code?: string }) => setError(err.code === 'personal_data_unresolved' ? t('staff.mod.personalData') : t('app.error')));
  // The texts as they read now: the moderator's redactions are checked again as they type.
  const review = {
    title: { text: entry.status === 'submitted' ? title : entry.title, checked: entry.title, findings: entry.personalData.title },
    body: { text: entry.status === 'submitted' ? body : entry.body, checked: entry.body, findings: entry.personalData.body },
    answer: entry.answer ? { text: entry.answer, checked: entry.answer, findings: entry.personalData.answer } : null,
  };
  const blocked = unresolvedCount(review, ack) > 0;
  const isModerator = client.roles.includes('moderator');
  return (
    <article class="card" data-entry={entry.id}>
      <p class="small">{t(`kind.${entry.kind}`)} · {t(`status.${entry.status}`)} · {entry.language}{entry.flags.length > 0 ? ` · ${t('staff.mod.flags')}: ${entry.flags.map((f) => `${t(`reason.${f.reason}`)} ×${f.count}`).join(', ')}` : ''}</p>
      <PersonalDataReview texts={review} confirmed={ack} t={t}
        onConfirm={(text) => setAck([...ack, text])} onUndo={(text) => setAck(ack.filter((a) => a !== text))} />
      {isModerator && entry.status === 'submitted' ? (
        <>
          <label for={`t-${entry.id}`}>{t('app.ask.titleLabel')}</label>
          <input id={`t-${entry.id}`} class="redact-title" value={title} onInput={(e: Event) => setTitle(value(e))} />
          <label for={`b-${entry.id}`}>{t('app.ask.bodyLabel')}</label>
          <textarea id={`b-${entry.id}`} class="redact-body" value={body} onInput={(e: Event) => setBody(value(e))}></textarea>
          <fieldset>
            <legend>{t('staff.mod.tags')}</legend>
            {tags.map((tag) => <label><input type="checkbox" value={tag.slug} checked={chosen.includes(tag.slug)} onChange={(e: Event) => {
              const on = (e.target as HTMLInputElement).checked;
              setChosen(on ? [...chosen, tag.slug] : chosen.filter((x) => x !== tag.slug));
            }} />{tag.labels[lang]}</label>)}
          </fieldset>
        </>
      ) : null}
      {canAnswer && (entry.status === 'accepted' || entry.status === 'answered') ? (
        <>
          <label for={`a-${entry.id}`}>{t('staff.answer.label')}</label>
          <textarea id={`a-${entry.id}`} class="answer-text" value={answer} onInput={(e: Event) => setAnswer(value(e))}></textarea>
          <button type="button" class="submit-answer" onClick={() => act('answer', { answer })}>{t('staff.answer.submit')}</button>
        </>
      ) : null}
      <ErrorNote message={error} />
      {isModerator ? (
        <p class="row">
          {entry.status === 'submitted' ? <button type="button" class="accept" disabled={blocked} onClick={() => act('accept', { title, body, tags: chosen, acknowledge: ack })}>{t('staff.mod.accept')}</button> : null}
          {entry.status === 'answered' || entry.status === 'in_review' ? <button type="button" class="publish" disabled={blocked} onClick={() => act('publish', { acknowledge: ack })}>{t('staff.mod.publish')}</button> : null}
          {entry.status === 'answered' || entry.status === 'in_review' ? <button type="button" class="secondary" onClick={() => act('return', { reason: 'needs_changes' })}>{t('staff.mod.return')}</button> : null}
          {entry.status === 'published' && entry.flags.length > 0 ? <button type="button" class="secondary" onClick={() => act('flags', { decision: 'keep' })}>{t('staff.mod.keep')}</button> : null}
          {entry.status === 'published' ? <button type="button" class="danger" onClick={() => act('retire', { reason })}>{t('staff.mod.retire')}</button> : null}
          {['submitted', 'accepted', 'answered'].includes(entry.status) ? (
            <>
              <label class="sr" for={`r-${entry.id}`}>{t('staff.mod.reason')}</label>
              <select id={`r-${entry.id}`} onChange={(e: Event) => setReason(value(e))}>{REASON_CODES.map((r) => <option value={r}>{t(`reason.${r}`)}</option>)}</select>
              <button type="button" class="danger reject" onClick={() => act('reject', { reason })}>{t('staff.mod.reject')}</button>
            </>
          ) : null}
        </p>
      ) : null}
    </article>
  );
}

const MOD_QUEUES = ['submitted', 'answered', 'flagged', 'in_review', 'accepted'] as const;

function Moderation({ client, answers }: { client: StaffClient; answers: boolean }) {
  const [queue, setQueue] = useState<(typeof MOD_QUEUES)[number]>(answers ? 'accepted' : 'submitted');
  const [data, setData] = useState<{ counts: Record<string, number>; entries: StaffEntry[] } | null>(null);
  const [tags, setTags] = useState<Tag[]>([]);
  const [error, setError] = useState<string | null>(null);
  const live = useLive();
  const load = () => {
    client.api(moderationQueueResponse, 'GET', `/api/moderation/queue?queue=${queue}`).then(live(setData)).catch(live(() => setError(t('app.error'))));
  };
  useEffect(() => { client.api(tagListResponse, 'GET', '/api/kb/tags').then(live((r: { tags: Tag[] }) => setTags(r.tags))).catch(live(() => setError(t('app.error')))); }, []);
  useEffect(load, [queue]);
  return (
    <div>
      <ErrorNote message={error} />
      {answers ? null : (
        <div class="tabs">
          {MOD_QUEUES.map((q) => <button type="button" id={`queue-${q}`} aria-pressed={String(q === queue)} onClick={() => setQueue(q)}>{t(`queue.${q}`)} ({data?.counts[q] ?? 0})</button>)}
        </div>
      )}
      {data === null ? <p>{t('app.loading')}</p> : data.entries.length === 0 ? <p>{t('staff.mod.empty')}</p>
        : data.entries.map((e) => <EntryCard client={client} entry={e} tags={tags} reload={load} canAnswer={answers} />)}
    </div>
  );
}

function Admin({ client }: { client: StaffClient }) {
  const [roles, setRoles] = useState<StaffRole[]>(['psychologist']);
  const [code, setCode] = useState<string | null>(null);
  const [tags, setTags] = useState<Tag[]>([]);
  const [tag, setTag] = useState({ slug: '', kind: 'topic' as Tag['kind'], ru: '', kk: '', en: '' });
  const [error, setError] = useState<string | null>(null);
  const live = useLive();
  const loadTags = () => client.api(tagListResponse, 'GET', '/api/kb/tags').then(live((r: { tags: Tag[] }) => setTags(r.tags))).catch(live(() => setError(t('app.error'))));
  useEffect(() => { loadTags(); }, []);
  return (
    <div>
      <ErrorNote message={error} />
      <h2>{t('staff.admin.invite')}</h2>
      <fieldset>
        <legend>{t('staff.admin.roles')}</legend>
        {STAFF_ROLES.map((r) => <label><input type="checkbox" checked={roles.includes(r)} onChange={(e: Event) => {
          const on = (e.target as HTMLInputElement).checked;
          setRoles(on ? [...roles, r] : roles.filter((x) => x !== r));
        }} />{t(`role.${r}`)}</label>)}
      </fieldset>
      <button type="button" id="create-invite" onClick={() => client.api(createInviteResponse, 'POST', '/api/staff/invites', { roles }).then((r) => setCode(r.code)).catch(() => setError(t('app.error')))}>{t('staff.admin.invite')}</button>
      {code ? <><p>{t('staff.admin.inviteCreated')}</p><p class="code" id="invite-code">{code}</p></> : null}
      <StaffAccounts client={client} t={t} />
      <AuditLog client={client} t={t} />
      <ImpactReport client={client} t={t} lang={lang} />
      <h2>{t('staff.admin.tags')}</h2>
      <ul>
        {tags.map((x) => (
          <li class="row">
            {x.labels[lang]} <span class="small">({x.slug})</span>
            <label class="sr" for={`merge-${x.slug}`}>{t('staff.admin.mergeInto')}</label>
            <select id={`merge-${x.slug}`} onChange={(e: Event) => {
              const into = value(e);
              if (into) client.api(tagSchema, 'POST', `/api/admin/tags/${x.slug}/merge`, { into }).then(loadTags).catch(() => setError(t('app.error')));
            }}>
              <option value="">{t('staff.admin.mergeInto')}</option>
              {tags.filter((y) => y.kind === x.kind && y.slug !== x.slug).map((y) => <option value={y.slug}>{y.labels[lang]}</option>)}
            </select>
          </li>
        ))}
      </ul>
      <p class="small">{t('staff.admin.tagHint')}</p>
      <form onSubmit={(e: Event) => {
        e.preventDefault();
        const labels = { ru: tag.ru, kk: tag.kk, en: tag.en };
        // An existing slug renames the tag; a new one adds it.
        const request = tags.some((x) => x.slug === tag.slug)
          ? client.api(tagSchema, 'PUT', `/api/admin/tags/${tag.slug}`, { labels })
          : client.api(tagSchema, 'POST', '/api/admin/tags', { slug: tag.slug, kind: tag.kind, labels });
        request.then(loadTags).catch(() => setError(t('app.error')));
      }}>
        <label for="tag-slug">{t('staff.admin.slug')}</label>
        <input id="tag-slug" value={tag.slug} onInput={(e: Event) => setTag({ ...tag, slug: value(e) })} required pattern="[a-z0-9-]+" />
        <label for="tag-kind">{t('staff.admin.kind')}</label>
        <select id="tag-kind" onChange={(e: Event) => setTag({ ...tag, kind: value(e) as Tag['kind'] })}><option value="topic">{t('kind.topic')}</option><option value="population">{t('kind.population')}</option></select>
        {LANGS.map((l) => <><label for={`tag-${l}`}>{translator(l)('lang.name')}</label><input id={`tag-${l}`} value={tag[l]} onInput={(e: Event) => setTag({ ...tag, [l]: value(e) })} required /></>)}
        <button type="submit">{t('staff.admin.addTag')}</button>
      </form>
    </div>
  );
}

type KeyState = 'checking' | 'listed' | 'notListed' | 'noOrgKey' | 'noDirectory' | 'expired' | 'refused';

/**
 * The member's own key fingerprint, to read to the admin out of band when the staff directory is
 * compared before signing, and whether the directory this console verified lists these keys; if
 * not, why no consultation can reach them yet.
 */
function KeyStatus({ client }: { client: StaffClient }) {
  const [state, setState] = useState<{ key: KeyState; code?: string }>({ key: __ORG_PUBLIC_KEY__ ? 'checking' : 'noOrgKey' });
  useEffect(() => {
    if (!__ORG_PUBLIC_KEY__) return;
    client.listedInDirectory().then((listed) => setState({ key: listed ? 'listed' : 'notListed' })).catch((err: unknown) => {
      const code = err instanceof ApiError ? err.code : 'error';
      setState(code === 'directory_unavailable' ? { key: 'noDirectory' } : code === 'manifest_expired' ? { key: 'expired' } : { key: 'refused', code });
    });
  }, []);
  return (
    <section class={state.key === 'listed' || state.key === 'checking' ? 'small' : 'notice'} id="key-status" data-state={state.key}>
      <p>{t('staff.key.fingerprint')}</p>
      <p class="code" id="my-fingerprint">{client.ownFingerprint()}</p>
      <p class="small">{t('staff.key.compare')}</p>
      <p id="key-status-text" role="status">{t(`staff.key.${state.key}`, { code: state.code ?? '' })}</p>
    </section>
  );
}

type Tab = 'queue' | 'cases' | 'moderation' | 'answers' | 'admin' | 'webinars' | 'crisis';

function Console({ client, onOut }: { client: StaffClient; onOut: () => void }) {
  const has = (...r: StaffRole[]) => r.some((x) => client.roles.includes(x));
  const tabs: Tab[] = [
    ...(has('psychologist', 'supervisor') ? ['queue' as const] : []),
    ...(has('psychologist', 'school-psychologist') ? ['cases' as const] : []),
    ...(has('moderator') ? ['moderation' as const] : []),
    ...(has('psychologist') ? ['answers' as const] : []),
    ...(has('admin') ? ['admin' as const] : []),
    ...(has('admin', 'supervisor') ? ['webinars' as const] : []),
    ...(has('admin') ? ['crisis' as const] : []),
  ];
  const [tab, setTab] = useState<Tab>(tabs[0] ?? 'queue');
  // In after login (or a reload), and on each tab: focus the tab's heading (screen-focus.ts).
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => focusScreenHeading(panel.current), [tab]);
  return (
    <div>
      <div class="tabs" role="toolbar">
        {tabs.map((x) => <button type="button" id={`tab-${x}`} aria-pressed={String(x === tab)} onClick={() => setTab(x)}>{t(x === 'queue' ? queueLabels(client.roles).tab : `staff.tab.${x}`)}</button>)}
        <button type="button" id="logout" class="secondary" onClick={() => client.logout().finally(onOut)}>{t('staff.logout')}</button>
        <button type="button" id="logout-everywhere" class="secondary" onClick={() => client.logoutEverywhere().finally(onOut)}>{t('staff.logoutEverywhere')}</button>
      </div>
      <p class="small" id="tab-session">{t('staff.tabSession')}</p>
      <KeyStatus client={client} />
      <div ref={panel}>
      {tab === 'queue' ? <Consultations client={client} onSessionEnded={onOut} /> : null}
      {tab === 'cases' ? <StaffCases client={client} t={t} lang={lang} onSessionEnded={onOut} /> : null}
      {tab === 'moderation' ? <Moderation client={client} answers={false} /> : null}
      {tab === 'answers' ? <Moderation client={client} answers={true} /> : null}
      {tab === 'admin' ? <Admin client={client} /> : null}
      {tab === 'webinars' ? <StaffWebinars client={client} t={t} lang={lang} /> : null}
      {tab === 'crisis' ? <StaffCrisis client={client} t={t} lang={lang} /> : null}
      {tab === 'moderation' || tab === 'admin' ? <SearchSynonyms client={client} t={t} /> : null}
      </div>
    </div>
  );
}

function App() {
  const [client, setClient] = useState<StaffClient | null>(null);
  const [resuming, setResuming] = useState(true);
  useEffect(() => {
    resumeFromTab(vault, options).then((resumed) => { if (resumed) setClient(resumed); }).catch(() => undefined).finally(() => setResuming(false));
  }, []);
  if (resuming) return <p role="status">{t('app.loading')}</p>;
  const signIn = (c: StaffClient) => {
    void keepForTab(vault, c).catch(() => undefined);
    setClient(c);
  };
  const out = () => {
    void forgetForTab(vault).catch(() => undefined);
    client?.forgetKeys();
    setClient(null);
    focusScreenHeading(null); // back on the login screen: focus to the page's heading
  };
  return client ? <Console client={client} onOut={out} /> : <Login onIn={signIn} />;
}

if (root) render(<App />, root);
