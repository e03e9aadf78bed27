import './no-eval.js';
import { MessageList } from './message-list.js';
import { useLive } from './use-live.js';
import { PersonalDataWarning } from './personal-data.js';
import { mountOverFirstScreen, takeFirstScreenProof } from './first-screen-handoff.js';
import { UrgentCrisisNote } from './urgent-crisis-note.js';
import { useEffect, useRef, useState } from 'hono/jsx';
import { render } from 'hono/jsx/dom';
import {
  ApiError, AskerClient, inMemoryManifestMemory, isDirectoryRefusal, layeredManifestMemory, ProtocolError, storageManifestMemory,
  type ManifestMemory, type MyQuestion, type PlainMessage,
} from '../../client/index.js';
import type { ThreadSummary } from '../../protocol/api/threads.js';
import { AGE_GROUPS, POPULATIONS, TOPICS, URGENCIES } from '../../protocol/api/threads.js';
import { fromBase64Url } from '../../protocol/encoding.js';
import { LANGS, translator, isLang, type Lang, type Translate } from '../i18n/index.js';

// The asker's private space. Every secret stays in this tab: the recovery code and the keys
// derived from it live in memory, and in localStorage only if the person asks to be remembered
// on this device. All crypto is the SDK's (src/client): messages are sealed and opened here.

declare const __ORG_PUBLIC_KEY__: string;

const REMEMBER_KEY = 'tynys.code';
const MANIFEST_KEY = 'tynys.manifest';
const root = document.getElementById('app');
const lang: Lang = isLang(root?.dataset.lang) ? (root!.dataset.lang as Lang) : 'ru';
const t: Translate = translator(lang);

// The newest staff manifest this tab accepted (a server cannot roll it back while the tab lives),
// and, for a person who asked to be remembered on this device, kept with the remembered code.
const tabManifest = storageManifestMemory(() => window.sessionStorage, MANIFEST_KEY);
const deviceManifest = storageManifestMemory(() => window.localStorage, MANIFEST_KEY);
const remembered = (): boolean => localStorage.getItem(REMEMBER_KEY) !== null;
const manifestMemory: ManifestMemory = layeredManifestMemory(inMemoryManifestMemory(), tabManifest, {
  highest: () => (remembered() ? deviceManifest.highest() : null),
  remember: (m) => { if (remembered()) deviceManifest.remember(m); },
});
const options = { baseUrl: window.location.origin, orgPublicKey: fromBase64Url(__ORG_PUBLIC_KEY__) ?? new Uint8Array(32), manifestMemory, takeIdentityProof: takeFirstScreenProof };

/** What to tell the asker when the staff directory is refused (nothing was sent), or null for another error. */
function directoryMessage(err: unknown): string | null {
  if (!isDirectoryRefusal(err)) return null;
  return err.code === 'directory_unavailable' ? t('app.consult.unavailable') : t('app.directory.unverified');
}

type Screen =
  | { name: 'start' }
  | { name: 'newCode'; code: string; client: AskerClient }
  | { name: 'restore' }
  | { name: 'home' }
  | { name: 'ask' }
  | { name: 'consult' }
  | { name: 'thread'; id: string };

function ErrorNote({ message }: { message: string | null }) {
  return message ? <p class="error" role="alert">{message}</p> : null;
}

function Start({ go, busy, onNew }: { go: (s: Screen) => void; busy: boolean; onNew: () => void }) {
  return (
    <div>
      <p>{t('app.start.newHint')}</p>
      <p class="row">
        <button id="new-code" type="button" onClick={onNew} disabled={busy}>{busy ? t('app.working') : t('app.start.new')}</button>
        <button type="button" id="have-code" class="secondary" onClick={() => go({ name: 'restore' })}>{t('app.start.have')}</button>
      </p>
    </div>
  );
}

function NewCode({ code, onDone }: { code: string; onDone: (remember: boolean) => void }) {
  const [typed, setTyped] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const lastGroup = code.split('-').at(-1) ?? '';
  return (
    <form onSubmit={(e: Event) => {
      e.preventDefault();
      if (typed.trim().toUpperCase() !== lastGroup) return setError(t('app.code.mismatch'));
      onDone(remember);
    }}>
      <p>{t('app.code.shown')}</p>
      <p class="code" id="recovery-code" aria-label={t('app.code.label')}>{code}</p>
      <label for="confirm-code">{t('app.code.confirmLabel')}</label>
      <input id="confirm-code" value={typed} onInput={(e: Event) => setTyped((e.target as HTMLInputElement).value)} autocomplete="off" autocapitalize="characters" spellcheck={false} maxlength={4} />
      <p><label><input type="checkbox" id="remember" checked={remember} onChange={(e: Event) => setRemember((e.target as HTMLInputElement).checked)} />{t('app.code.remember')}</label></p>
      <p class="small">{t('app.code.rememberHint')}</p>
      <ErrorNote message={error} />
      <button type="submit">{t('app.code.confirm')}</button>
    </form>
  );
}

function Restore({ onRestore, busy, error }: { onRestore: (code: string, remember: boolean) => void; busy: boolean; error: string | null }) {
  const [code, setCode] = useState('');
  const [remember, setRemember] = useState(false);
  return (
    <form onSubmit={(e: Event) => { e.preventDefault(); onRestore(code, remember); }}>
      <label for="restore-code">{t('app.code.enter')}</label>
      <input id="restore-code" class="code" value={code} onInput={(e: Event) => setCode((e.target as HTMLInputElement).value)} autocomplete="off" autocapitalize="characters" spellcheck={false} />
      <p><label><input type="checkbox" checked={remember} onChange={(e: Event) => setRemember((e.target as HTMLInputElement).checked)} />{t('app.code.remember')}</label></p>
      <ErrorNote message={error} />
      <button type="submit" disabled={busy}>{busy ? t('app.working') : t('app.code.submit')}</button>
    </form>
  );
}

function Home({ client, go, onLeave, onErase }: { client: AskerClient; go: (s: Screen) => void; onLeave: () => void; onErase: () => void }) {
  const [questions, setQuestions] = useState<MyQuestion[] | null>(null);
  const [threads, setThreads] = useState<ThreadSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // On a slow line the lists can arrive after the person has moved on to another screen (use-live.ts).
  const live = useLive();
  const load = () => {
    client.myQuestions().then(live(setQuestions)).catch(live(() => setError(t('app.error'))));
    client.listThreads().then(live(setThreads)).catch(live(() => setError(t('app.error'))));
  };
  useEffect(load, []);
  return (
    <div>
      <ErrorNote message={error} />
      <p class="row">
        <button type="button" id="go-ask" onClick={() => go({ name: 'ask' })}>{t('app.home.ask')}</button>
        <button type="button" id="go-consult" onClick={() => go({ name: 'consult' })}>{t('app.home.consult')}</button>
      </p>
      <h2>{t('app.home.consultations')}</h2>
      {threads === null ? <p>{t('app.loading')}</p> : threads.length === 0 ? <p>{t('app.home.noConsultations')}</p> : (
        <ul id="my-threads">
          {threads.map((th) => (
            <li><a href="#" onClick={(e: Event) => { e.preventDefault(); go({ name: 'thread', id: th.id }); }}>{t(`topic.${th.topic}`)}</a> · {t(th.holderRevoked ? 'app.thread.status.revoked' : `app.thread.status.${th.status}`)}</li>
          ))}
        </ul>
      )}
      <h2>{t('app.home.questions')}</h2>
      {questions === null ? <p>{t('app.loading')}</p> : questions.length === 0 ? <p>{t('app.home.noQuestions')}</p> : (
        <ul id="my-questions">
          {questions.map((q) => (
            <li data-status={q.status}>
              {q.title || '—'} · <strong>{t(`app.status.${q.status === 'draft' || q.status === 'in_review' ? 'submitted' : q.status}`)}</strong>
              {q.status === 'published' ? <> · <a href={`/${lang}/entries/${q.id}`}>{t('app.question.open')}</a></> : null}
              {q.status !== 'published' && q.status !== 'retired' ? (
                <> · <button type="button" class="secondary" onClick={() => client.withdrawQuestion(q.id).then(load).catch(() => setError(t('app.error')))}>{t('app.question.withdraw')}</button></>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <p class="row">
        <button type="button" class="secondary" id="leave" onClick={onLeave}>{t('app.home.logout')}</button>
        <button type="button" class="danger" id="erase-all" onClick={() => { if (window.confirm(t('app.home.eraseAllConfirm'))) onErase(); }}>{t('app.home.eraseAll')}</button>
      </p>
    </div>
  );
}

function Ask({ client, go }: { client: AskerClient; go: (s: Screen) => void }) {
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [language, setLanguage] = useState<Lang>(lang);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form onSubmit={(e: Event) => {
      e.preventDefault();
      setBusy(true);
      client.askQuestion({ title, body, language }).then(() => go({ name: 'home' })).catch(() => { setBusy(false); setError(t('app.error')); });
    }}>
      <h2>{t('app.ask.title')}</h2>
      <p class="notice">{t('app.ask.hint')}</p>
      <label for="ask-title">{t('app.ask.titleLabel')}</label>
      <input id="ask-title" required minlength={5} maxlength={200} value={title} onInput={(e: Event) => setTitle((e.target as HTMLInputElement).value)} />
      <label for="ask-body">{t('app.ask.bodyLabel')}</label>
      <textarea id="ask-body" required minlength={10} maxlength={4000} value={body} onInput={(e: Event) => setBody((e.target as HTMLTextAreaElement).value)}></textarea>
      <label for="ask-language">{t('app.ask.language')}</label>
      <select id="ask-language" onChange={(e: Event) => setLanguage((e.target as HTMLSelectElement).value as Lang)}>
        {LANGS.map((l) => <option value={l} selected={l === language}>{translator(l)('lang.name')}</option>)}
      </select>
      {/* The same detector the moderators' queue runs: a warning as they type, before anything leaves the device. */}
      <PersonalDataWarning fields={[{ label: t('app.ask.titleLabel'), text: title }, { label: t('app.ask.bodyLabel'), text: body }]} t={t} />
      <ErrorNote message={error} />
      <p class="row">
        <button type="submit" disabled={busy}>{busy ? t('app.working') : t('app.ask.submit')}</button>
        <button type="button" class="secondary" onClick={() => go({ name: 'home' })}>{t('app.thread.back')}</button>
      </p>
    </form>
  );
}

function Consult({ client, go }: { client: AskerClient; go: (s: Screen) => void }) {
  const [topic, setTopic] = useState<(typeof TOPICS)[number]>('anxiety');
  const [language, setLanguage] = useState<Lang>(lang);
  const [urgency, setUrgency] = useState<(typeof URGENCIES)[number]>('routine');
  const [populations, setPopulations] = useState<(typeof POPULATIONS)[number][]>([]);
  const [ageGroup, setAgeGroup] = useState<(typeof AGE_GROUPS)[number] | ''>('');
  const [region, setRegion] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form onSubmit={(e: Event) => {
      e.preventDefault();
      setBusy(true);
      // The intake card goes inside the encrypted thread (its first message): the server never reads it.
      const intake = { populations, ...(ageGroup ? { ageGroup } : {}), ...(region.trim() ? { region: region.trim().slice(0, 80) } : {}) };
      client.openConsultation({ topic, language, urgency, intake })
        .then((id) => go({ name: 'thread', id }))
        .catch((err: unknown) => { setBusy(false); setError(directoryMessage(err) ?? t('app.consult.unavailable')); });
    }}>
      <h2>{t('app.consult.title')}</h2>
      <label for="c-topic">{t('app.consult.topic')}</label>
      <select id="c-topic" onChange={(e: Event) => setTopic((e.target as HTMLSelectElement).value as typeof topic)}>
        {TOPICS.map((x) => <option value={x} selected={x === topic}>{t(`topic.${x}`)}</option>)}
      </select>
      <label for="c-language">{t('app.consult.language')}</label>
      <select id="c-language" onChange={(e: Event) => setLanguage((e.target as HTMLSelectElement).value as Lang)}>
        {LANGS.map((l) => <option value={l} selected={l === language}>{translator(l)('lang.name')}</option>)}
      </select>
      <fieldset>
        <legend>{t('app.consult.urgency')}</legend>
        {URGENCIES.map((u) => <label><input type="radio" name="urgency" value={u} checked={u === urgency} onChange={() => setUrgency(u)} />{t(`urgency.${u}`)}</label>)}
      </fieldset>
      <UrgentCrisisNote urgency={urgency} lang={lang} t={t} />
      <fieldset id="intake">
        <legend>{t('app.consult.populations')}</legend>
        <p class="small" id="intake-note">{t('app.consult.intakeNote')}</p>
        {POPULATIONS.map((p) => (
          <label><input type="checkbox" value={p} checked={populations.includes(p)} onChange={(e: Event) => {
            const on = (e.target as HTMLInputElement).checked;
            setPopulations(on ? [...populations, p] : populations.filter((x) => x !== p));
          }} />{t(`population.${p}`)}</label>
        ))}
        <label for="c-age">{t('app.consult.ageGroup')}</label>
        <select id="c-age" onChange={(e: Event) => setAgeGroup((e.target as HTMLSelectElement).value as typeof ageGroup)}>
          <option value="" selected={ageGroup === ''}>—</option>
          {AGE_GROUPS.map((a) => <option value={a} selected={a === ageGroup}>{t(`age.${a}`)}</option>)}
        </select>
        <label for="c-region">{t('app.consult.region')}</label>
        <input id="c-region" value={region} maxlength={80} autocomplete="off" onInput={(e: Event) => setRegion((e.target as HTMLInputElement).value)} />
      </fieldset>
      <ErrorNote message={error} />
      <p class="row">
        <button type="submit" id="start-consult" disabled={busy}>{busy ? t('app.working') : t('app.consult.submit')}</button>
        <button type="button" class="secondary" onClick={() => go({ name: 'home' })}>{t('app.thread.back')}</button>
      </p>
    </form>
  );
}

/** What the asker shared in the intake card, as they see it in their own thread. */
function IntakeSummary({ intake }: { intake: NonNullable<PlainMessage['intake']> }) {
  const parts = [
    ...intake.populations.map((p) => t(`population.${p}`)),
    ...(intake.ageGroup ? [t(`age.${intake.ageGroup}`)] : []),
    ...(intake.region ? [intake.region] : []),
  ];
  return <span class="intake">{t('app.thread.intakeSent')} {parts.join(' · ')}{intake.note ? ` — ${intake.note}` : ''}</span>;
}

function Thread({ client, id, go }: { client: AskerClient; id: string; go: (s: Screen) => void }) {
  const [messages, setMessages] = useState<PlainMessage[]>([]);
  const [status, setStatus] = useState<string>('open');
  // The holder was disabled, removed or reset: the server refuses new messages (holder_revoked).
  const [revoked, setRevoked] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  // The psychologist holding it left the directory: it stays readable, and nothing more is sent.
  const [holderLeft, setHolderLeft] = useState(false);
  const [returning, setReturning] = useState(false);
  // Back in the pool (this client signed a return): the next psychologist will read the whole conversation.
  const findAnother = () => {
    setReturning(true);
    client.returnToPool(id).then(() => { setRevoked(false); setHolderLeft(false); setStatus('open'); setError(null); })
      .catch((err: unknown) => setError(directoryMessage(err) ?? t('app.error')))
      .finally(() => setReturning(false));
  };
  const findAnotherButton = (
    <>
      <p class="small">{t('app.thread.findAnotherNote')}</p>
      <p class="row">
        <button type="button" id="find-another" disabled={returning} onClick={findAnother}>{t('app.thread.findAnother')}</button>
        <button type="button" class="secondary" id="consult-again" onClick={() => go({ name: 'consult' })}>{t('app.home.consult')}</button>
      </p>
    </>
  );
  const seen = useRef<Set<number>>(new Set());
  const append = (m: PlainMessage) => {
    if (seen.current!.has(m.seq)) return;
    seen.current!.add(m.seq);
    setMessages((list) => [...list, m].sort((a, b) => a.seq - b.seq));
  };
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      const summary = await client.thread(id);
      setStatus(summary.status);
      setRevoked(summary.holderRevoked);
      const history = await client.read(id);
      history.forEach(append);
      setHolderLeft((await client.transcriptEvents(id)).holderRevoked);
      await client.subscribe(id, {
        after: history.at(-1)?.seq ?? 0, onMessage: append, signal: abort.signal,
        onStatus: (s) => { setStatus(s.status); setRevoked(s.holderRevoked); },
      });
    })().catch((err: unknown) => {
      if (abort.signal.aborted) return;
      // A thread that does not verify is not shown at all, and nothing more is sent to it.
      if (err instanceof ProtocolError) { setMessages([]); setRefused(err.code === 'revoked_sender' ? t('app.thread.revoked') : t('app.thread.refused')); } else setError(directoryMessage(err) ?? t('app.error'));
    });
    return () => abort.abort();
  }, [id]);
  if (refused) {
    return (
      <div>
        <p class="error" role="alert" id="thread-refused">{refused}</p>
        <p class="row"><button type="button" class="secondary" onClick={() => go({ name: 'home' })}>{t('app.thread.back')}</button></p>
      </div>
    );
  }
  return (
    <div>
      <p class="small" id="thread-status">{t(revoked ? 'app.thread.status.revoked' : `app.thread.status.${status as 'open' | 'assigned' | 'closed'}`)}</p>
      {messages.length === 0 ? <p>{t('app.thread.empty')}</p> : null}
      <MessageList messages={messages} lang={lang} you={t('app.thread.you')} other={t('app.thread.psychologist')} former={t('app.thread.former')}
        intake={(card) => <IntakeSummary intake={card} />} unseen={(seqs) => t('app.thread.unseen', { seqs })} />
      {revoked ? (
        <div class="notice" role="status" id="holder-revoked">
          <p>{t('app.thread.holderRevoked')}</p>
          {findAnotherButton}
        </div>
      ) : null}
      {holderLeft && !revoked ? <div class="notice" role="status" id="holder-left"><p>{t('app.thread.holderLeft')}</p>{findAnotherButton}</div> : null}
      <form onSubmit={(e: Event) => {
        e.preventDefault();
        const body = text.trim();
        if (!body) return;
        client.send(id, body).then((seq) => { const m = client.message(id, seq); if (m) append(m); setText(''); }).catch((err: unknown) => {
          if (err instanceof ApiError && err.code === 'recipient_revoked') setHolderLeft(true);
          else if (err instanceof ProtocolError) { setMessages([]); setRefused(err.code === 'revoked_sender' ? t('app.thread.revoked') : t('app.thread.refused')); } else setError(directoryMessage(err) ?? t('app.error'));
        });
      }}>
        {revoked || holderLeft ? null : (
          <>
            <label for="message">{t('app.thread.placeholder')}</label>
            <textarea id="message" value={text} onInput={(e: Event) => setText((e.target as HTMLTextAreaElement).value)} autocomplete="off"></textarea>
          </>
        )}
        <ErrorNote message={error} />
        <p class="row">
          {revoked || holderLeft ? null : <button type="submit" id="send">{t('app.thread.send')}</button>}
          <button type="button" class="secondary" onClick={() => go({ name: 'home' })}>{t('app.thread.back')}</button>
          <button type="button" class="danger" id="erase-thread" onClick={() => {
            if (window.confirm(t('app.thread.eraseConfirm'))) client.eraseThread(id).then(() => go({ name: 'home' })).catch(() => setError(t('app.error')));
          }}>{t('app.thread.erase')}</button>
        </p>
      </form>
    </div>
  );
}

function App() {
  const [screen, setScreen] = useState<Screen>({ name: 'start' });
  const [client, setClient] = useState<AskerClient | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const enter = (c: AskerClient, code: string, remember: boolean) => {
    // Off by default: without it, nothing of this space outlives the tab.
    // From now on each manifest accepted is kept with the code too (manifestMemory above).
    if (remember) {
      localStorage.setItem(REMEMBER_KEY, code);
    } else {
      localStorage.removeItem(REMEMBER_KEY);
      localStorage.removeItem(MANIFEST_KEY);
    }
    setClient(c);
    setScreen({ name: 'home' });
  };
  const restore = (code: string, remember: boolean) => {
    setBusy(true);
    setError(null);
    AskerClient.restore(options, code)
      .then((c) => enter(c, code, remember))
      .catch((err: { code?: string }) => setError(err.code?.startsWith('recovery_code') ? t('app.code.typo') : t('app.code.unknown')))
      .finally(() => setBusy(false));
  };
  useEffect(() => {
    const remembered = localStorage.getItem(REMEMBER_KEY);
    if (remembered) restore(remembered, true);
  }, []);

  const leave = () => {
    localStorage.removeItem(REMEMBER_KEY);
    localStorage.removeItem(MANIFEST_KEY);
    // End the session on the server too (the token stops working at once); leaving must not
    // wait for the network, and still forgets the keys if the call fails.
    const leaving = client;
    if (leaving) void leaving.logout().catch(() => leaving.forgetKeys());
    setClient(null);
    setScreen({ name: 'start' });
  };

  if (!client) {
    if (screen.name === 'newCode') return <NewCode code={screen.code} onDone={(remember) => enter(screen.client, screen.code, remember)} />;
    if (screen.name === 'restore') return <Restore onRestore={restore} busy={busy} error={error} />;
    return (
      <>
        <ErrorNote message={error} />
        <Start go={setScreen} busy={busy} onNew={() => {
          setBusy(true);
          AskerClient.create(options)
            .then(({ client: c, recoveryCode }) => setScreen({ name: 'newCode', code: recoveryCode, client: c }))
            .catch(() => setError(t('app.error')))
            .finally(() => setBusy(false));
        }} />
      </>
    );
  }
  switch (screen.name) {
    case 'ask': return <Ask client={client} go={setScreen} />;
    case 'consult': return <Consult client={client} go={setScreen} />;
    case 'thread': return <Thread client={client} id={screen.id} go={setScreen} />;
    default: return <Home client={client} go={setScreen} onLeave={leave} onErase={() => client.eraseEverything().then(leave).catch(() => setError(t('app.error')))} />;
  }
}

// Over the server-rendered first screen, taking a tap made there while this loaded (first-screen-handoff.ts).
if (root) mountOverFirstScreen(root, () => render(<App />, root));
