import { useEffect, useRef, useState } from 'hono/jsx';
import {
  ApiError, isDirectoryRefusal, ProtocolError, type MyThreadsEvent, type PlainMessage, type StaffClient,
} from '../../client/index.js';
import type { StaffRole } from '../../protocol/api/staff.js';
import { TOPICS, URGENCIES, type ThreadSummary } from '../../protocol/api/threads.js';
import { detectPersonalData } from '../../protocol/pii.js';
import { LANGS, translator, type Lang, type MessageKey, type Translate } from '../i18n/index.js';
import { MessageList } from './message-list.js';
import { PersonalDataWarning } from './personal-data.js';
import { useLive } from './use-live.js';

// Case supervision in the console (issue 14, point 2; DESIGN.md §5): a psychologist or school
// psychologist asks the supervisors of a language about a difficult case, end to end encrypted as
// a consultation is (a thread of kind `case`: StaffClient.openCase). The author de-identifies the
// case: the form says so before anything is typed, and the personal-data detector the asker's
// question form runs marks what still looks identifying, on this device, before it is sent.
// "My cases" follows each case's status over one stream (GET /api/my-threads/events); whether the
// supervisor has replied is read from the verified transcript, not from the server's word. The
// supervisors' side is the console's queue and conversation (staff.tsx, duty-queue.tsx).

const RETRY_MAX_MS = 30_000;
const value = (e: Event): string => (e.target as HTMLInputElement).value;

/** The labels of a member's intake queue by their roles: consultations (psychologists), cases (supervisors), or both. */
export function queueLabels(roles: readonly StaffRole[]): { tab: MessageKey; empty: MessageKey; mine: MessageKey } {
  const consultations = roles.includes('psychologist');
  const cases = roles.includes('supervisor');
  if (consultations && cases) return { tab: 'staff.tab.queue.both', empty: 'staff.queue.empty.both', mine: 'staff.queue.mine.both' };
  if (cases) return { tab: 'staff.tab.queue.cases', empty: 'staff.queue.empty.cases', mine: 'staff.queue.mine.cases' };
  return { tab: 'staff.tab.queue', empty: 'staff.queue.empty', mine: 'staff.queue.mine' };
}

type CaseStatus = 'open' | 'assigned' | 'replied' | 'closed' | 'revoked';

/** Where a case stands for its author: the server's status, and from the transcript whether the supervisor's message is the last. */
function statusOf(th: Pick<ThreadSummary, 'status' | 'holderRevoked'>, replied: boolean): CaseStatus {
  if (th.status === 'closed') return 'closed';
  if (th.status === 'open') return 'open';
  if (th.holderRevoked) return 'revoked';
  return replied ? 'replied' : 'assigned';
}

/** What to tell the author when a case cannot be opened or sent; nothing was sent then. */
function refusal(t: Translate, err: unknown): string {
  if (isDirectoryRefusal(err)) return t('staff.directory.refused', { reason: t(`staff.directory.reason.${err.code}`) });
  if (err instanceof ApiError && err.code === 'no_pool') return t('staff.cases.noSupervisor');
  if (err instanceof ApiError && err.code === 'too_many_open_threads') return t('staff.cases.tooMany');
  if (err instanceof ApiError && err.code === 'not_in_directory') return t('staff.directory.notInIt');
  if (err instanceof ApiError && err.code === 'recipient_revoked') return t('staff.cases.holderGone');
  return t('app.error');
}

/** A screen's heading, focused when the screen opens (unless it is the tab's first view). */
function useHeading(focus: boolean) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { if (focus) heading.current?.focus(); }, []);
  return heading;
}

interface CasesProps {
  client: StaffClient;
  t: Translate;
  lang: Lang;
  /** The session ended (logged out elsewhere, disabled): the console logs out here too. */
  onSessionEnded: () => void;
}

type Screen = { name: 'list' } | { name: 'new' } | { name: 'case'; id: string; draft?: string; error?: string };

/** The "My cases" tab: the author's cases, a new case, one case's conversation. */
export function StaffCases(props: CasesProps) {
  const [screen, setScreen] = useState<Screen>({ name: 'list' });
  const moved = useRef(false);
  const go = (next: Screen) => { moved.current = true; setScreen(next); };
  const focus = moved.current;
  if (screen.name === 'new') return <NewCase {...props} open={(id, draft, error) => go({ name: 'case', id, ...(draft ? { draft } : {}), ...(error ? { error } : {}) })} back={() => go({ name: 'list' })} />;
  if (screen.name === 'case') return <CaseView {...props} id={screen.id} draft={screen.draft ?? ''} firstError={screen.error ?? null} back={() => go({ name: 'list' })} />;
  return <MyCases {...props} focus={focus} open={(id) => go({ name: 'case', id })} onNew={() => go({ name: 'new' })} />;
}

function MyCases({ client, t, onSessionEnded, focus, open, onNew }: CasesProps & { focus: boolean; open: (id: string) => void; onNew: () => void }) {
  const [cases, setCases] = useState<Map<string, ThreadSummary> | null>(null);
  const [replied, setReplied] = useState<Set<string>>(new Set());
  const [connected, setConnected] = useState(true);
  const heading = useHeading(focus);
  const live = useLive();
  /** The last sequence whose transcript was read, per case; reads go one at a time. */
  const read = useRef(new Map<string, number>());
  const reading = useRef<Promise<void>>(Promise.resolve());
  // Cases this member opened: a case they hold is a supervisor's, shown in their queue tab.
  const authored = (th: ThreadSummary): boolean => th.kind === 'case' && th.assignedStaffId !== client.id;

  /** Whether the last message of an assigned case is the supervisor's: from the verified transcript. */
  const checkReplied = (th: ThreadSummary): void => {
    if (th.status !== 'assigned' || read.current.get(th.id) === th.lastSeq) return;
    read.current.set(th.id, th.lastSeq);
    reading.current = reading.current.then(() => client.read(th.id)).then(live((messages: PlainMessage[]) => {
      const last = messages.at(-1);
      setReplied((was) => {
        const next = new Set(was);
        if (last && !last.mine) next.add(th.id);
        else next.delete(th.id);
        return next;
      });
    })).catch(() => undefined);
  };

  const known = useRef<Map<string, ThreadSummary>>(new Map());
  const apply = (event: MyThreadsEvent): void => {
    const next = new Map(event.type === 'snapshot' ? [] : known.current);
    const changed = event.type === 'snapshot' ? event.threads : event.type === 'thread' ? [event.thread] : [];
    if (event.type === 'gone') next.delete(event.id);
    for (const th of changed) {
      if (authored(th)) next.set(th.id, th);
      else next.delete(th.id);
    }
    known.current = next;
    setCases(next);
    for (const th of changed) if (next.has(th.id)) checkReplied(th);
  };

  useEffect(() => {
    const abort = new AbortController();
    let attempt = 0;
    (async () => {
      while (!abort.signal.aborted) {
        try {
          await client.followMyThreads({ signal: abort.signal, onEvent: (event) => { attempt = 0; setConnected(true); apply(event); } });
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) return onSessionEnded();
        }
        if (abort.signal.aborted) return;
        // The stream ended (a restart, a dropped line): back after a growing, jittered pause; the snapshot replaces the list.
        setConnected(false);
        const pause = Math.min(RETRY_MAX_MS, 1000 * 2 ** attempt++) * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    })();
    return () => abort.abort();
  }, [client.id]);

  const list = cases ? [...cases.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1)) : null;
  return (
    <section id="cases" aria-labelledby="cases-title">
      <h2 id="cases-title" ref={heading} tabindex={-1}>{t('staff.tab.cases')}</h2>
      <p>{t('staff.cases.intro')}</p>
      <p class="row"><button type="button" id="new-case" onClick={onNew}>{t('staff.cases.new')}</button></p>
      <p class="small" id="cases-live">{connected ? t('staff.cases.live') : t('staff.duty.reconnecting')}</p>
      {list === null ? <p>{t('app.loading')}</p> : list.length === 0 ? <p id="cases-empty">{t('staff.cases.none')}</p> : (
        <ul id="my-cases" class="case-list">
          {list.map((th) => {
            const status = statusOf(th, replied.has(th.id));
            return (
              <li data-thread={th.id} data-status={status}>
                <button type="button" class="secondary open-case" onClick={() => open(th.id)}>{t(`topic.${th.topic}`)}</button>{' '}
                {t(`urgency.${th.urgency}`)} · {translator(th.language)('lang.name')} · <strong class="case-status">{t(`staff.cases.status.${status}`)}</strong>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function NewCase({ client, t, lang, open, back }: CasesProps & { open: (id: string, draft?: string, error?: string) => void; back: () => void }) {
  const [topic, setTopic] = useState<(typeof TOPICS)[number]>('other');
  const [language, setLanguage] = useState<Lang>(lang);
  const [urgency, setUrgency] = useState<(typeof URGENCIES)[number]>('routine');
  const [text, setText] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useHeading(true);
  // The same detector the warning runs: while it finds anything, sending asks the author to confirm they checked.
  const flagged = detectPersonalData(text).length > 0;
  const submit = (e: Event) => {
    e.preventDefault();
    const body = text.trim();
    if (!body || (flagged && !confirmed)) return;
    setBusy(true);
    setError(null);
    client.openCase({ topic, language, urgency })
      // Opened: the case screen follows it; a first message that did not go stays there to send again.
      .then((id) => client.send(id, body).then(() => open(id), (err: unknown) => open(id, body, refusal(t, err))))
      .catch((err: unknown) => { setBusy(false); setError(refusal(t, err)); });
  };
  return (
    <form onSubmit={submit} id="new-case-form" aria-labelledby="new-case-title">
      <h2 id="new-case-title" ref={heading} tabindex={-1}>{t('staff.cases.newTitle')}</h2>
      <div class="notice" id="case-reminder"><p>{t('staff.cases.reminder')}</p></div>
      <label for="case-topic">{t('staff.cases.topic')}</label>
      <select id="case-topic" onChange={(e: Event) => setTopic(value(e) as typeof topic)}>
        {TOPICS.map((x) => <option value={x} selected={x === topic}>{t(`topic.${x}`)}</option>)}
      </select>
      <label for="case-language">{t('staff.cases.language')}</label>
      <select id="case-language" onChange={(e: Event) => setLanguage(value(e) as Lang)}>
        {LANGS.map((l) => <option value={l} selected={l === language}>{translator(l)('lang.name')}</option>)}
      </select>
      <fieldset>
        <legend>{t('staff.cases.urgency')}</legend>
        {URGENCIES.map((u) => <label><input type="radio" name="case-urgency" value={u} checked={u === urgency} onChange={() => setUrgency(u)} />{t(`urgency.${u}`)}</label>)}
      </fieldset>
      <label for="case-message">{t('staff.cases.message')}</label>
      <textarea id="case-message" value={text} required maxlength={4000} aria-describedby="case-reminder" autocomplete="off"
        onInput={(e: Event) => { setText(value(e)); setConfirmed(false); }}></textarea>
      <PersonalDataWarning fields={[{ label: t('staff.cases.message'), text }]} t={t} intro={t('staff.cases.pii')} reasons={false} />
      {flagged ? (
        <label class="case-confirm"><input type="checkbox" id="case-confirm" required checked={confirmed} onChange={(e: Event) => setConfirmed((e.target as HTMLInputElement).checked)} />{t('staff.cases.confirm')}</label>
      ) : null}
      {error ? <p class="error" role="alert">{error}</p> : null}
      <p class="row">
        <button type="submit" id="case-submit" disabled={busy}>{busy ? t('app.working') : t('staff.cases.submit')}</button>
        <button type="button" class="secondary" onClick={back}>{t('app.thread.back')}</button>
      </p>
    </form>
  );
}

function CaseView({ client, t, lang, id, draft, firstError, back }: CasesProps & { id: string; draft: string; firstError: string | null; back: () => void }) {
  const [summary, setSummary] = useState<ThreadSummary | null>(null);
  const [messages, setMessages] = useState<PlainMessage[]>([]);
  const [text, setText] = useState(draft);
  const [error, setError] = useState<string | null>(firstError);
  const [refused, setRefused] = useState<string | null>(null);
  // The supervisor holding it left the signed directory: readable still, nothing more is sent.
  const [holderLeft, setHolderLeft] = useState(false);
  const [returning, setReturning] = useState(false);
  const heading = useHeading(true);
  const seen = useRef<Set<number>>(new Set());
  const append = (m: PlainMessage) => {
    if (seen.current!.has(m.seq)) return;
    seen.current!.add(m.seq);
    setMessages((list) => [...list, m].sort((a, b) => a.seq - b.seq));
  };
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      // Topic, language and urgency as the genesis signed them (thread() checks it); the status is the server's word.
      setSummary(await client.thread(id));
      const history = await client.read(id);
      history.forEach(append);
      setHolderLeft((await client.transcriptEvents(id)).holderRevoked);
      await client.subscribe(id, {
        after: history.at(-1)?.seq ?? 0, onMessage: append, signal: abort.signal,
        onStatus: (s) => setSummary((was) => (was ? { ...was, status: s.status, holderRevoked: s.holderRevoked, assignedStaffId: s.assignedStaffId } : was)),
      });
    })().catch((err: unknown) => {
      if (abort.signal.aborted) return;
      // A case that fails verification is not shown at all: no message of it can be trusted.
      if (err instanceof ProtocolError) { setMessages([]); setRefused(err.code); } else setError(refusal(t, err));
    });
    return () => abort.abort();
  }, [id]);

  // Back in the pool: this client sealed K to the other verified supervisors; the next one reads the case from the start.
  const findAnother = () => {
    setReturning(true);
    client.returnToPool(id)
      .then(() => { setHolderLeft(false); setError(null); setSummary((was) => (was ? { ...was, status: 'open', holderRevoked: false, assignedStaffId: null } : was)); })
      .catch((err: unknown) => setError(refusal(t, err)))
      .finally(() => setReturning(false));
  };
  const send = (e: Event) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    client.send(id, body).then((seq) => { const m = client.message(id, seq); if (m) append(m); setText(''); setError(null); }).catch((err: unknown) => {
      if (err instanceof ApiError && err.code === 'recipient_revoked') setHolderLeft(true);
      else setError(refusal(t, err));
    });
  };

  if (refused) {
    return (
      <div>
        <h2 ref={heading} tabindex={-1}>{t('staff.kind.case')}</h2>
        <p class="error" role="alert" id="thread-refused">{t('staff.thread.refused', { code: refused })}</p>
        <p class="row"><button type="button" class="secondary" onClick={back}>{t('app.thread.back')}</button></p>
      </div>
    );
  }
  const last = messages.at(-1);
  const status = summary ? statusOf(summary, last !== undefined && !last.mine) : null;
  const gone = status === 'revoked' || (holderLeft && (status === 'assigned' || status === 'replied'));
  const writable = status !== null && status !== 'closed' && !gone;
  return (
    <section id="case" aria-labelledby="case-title">
      <h2 id="case-title" ref={heading} tabindex={-1}>{t('staff.kind.case')}{summary ? `: ${t(`topic.${summary.topic}`)}` : ''}</h2>
      {summary ? <p class="small">{t(`urgency.${summary.urgency}`)} · {translator(summary.language)('lang.name')}</p> : null}
      <p id="case-status" role="status" data-status={status ?? ''}>{status ? t(`staff.cases.status.${status}`) : t('app.loading')}</p>
      {summary && messages.length === 0 ? <p>{t('staff.cases.empty')}</p> : null}
      <MessageList messages={messages} lang={lang} you={t('app.thread.you')} other={t('staff.cases.supervisor')} former={t('staff.thread.former')}
        intake={() => null} unseen={(seqs) => t('staff.thread.unseen', { seqs })} />
      {gone ? (
        <div class="notice" role="status" id="case-holder-gone">
          <p>{t('staff.cases.holderGone')}</p>
          <p class="row"><button type="button" id="find-another-supervisor" disabled={returning} onClick={findAnother}>{t('staff.cases.findAnother')}</button></p>
        </div>
      ) : null}
      <form onSubmit={send}>
        {writable ? (
          <>
            <label for="case-reply">{t('staff.cases.reply')}</label>
            <p class="small" id="case-reply-reminder">{t('staff.cases.replyReminder')}</p>
            <textarea id="case-reply" value={text} aria-describedby="case-reply-reminder" autocomplete="off" onInput={(e: Event) => setText(value(e))}></textarea>
            <PersonalDataWarning fields={[{ label: t('staff.cases.reply'), text }]} t={t} intro={t('staff.cases.pii')} reasons={false} />
          </>
        ) : null}
        {error ? <p class="error" role="alert">{error}</p> : null}
        <p class="row">
          {writable ? <button type="submit" id="case-send">{t('app.thread.send')}</button> : null}
          <button type="button" class="secondary" id="case-back" onClick={back}>{t('app.thread.back')}</button>
          {status !== null && status !== 'closed' ? (
            <button type="button" class="secondary" id="case-close" onClick={() => client.close(id).then(
              (s) => setSummary((was) => (was ? { ...was, status: s.status } : was)), () => setError(t('app.error')),
            )}>{t('staff.thread.close')}</button>
          ) : null}
        </p>
      </form>
    </section>
  );
}
