import './no-eval.js';
import { useLive } from './use-live.js';
import { PersonalDataWarning } from './personal-data.js';
import { directoryMessage, ErrorNote } from './asker-notes.js';
import { keepSpaceOnLanguageSwitch } from './asker-language.js';
import { PinSetup, PinUnlock, takeLegacyCode, type PinOutcome } from './asker-remember.js';
import { Thread } from './asker-thread.js';
import { mountOverFirstScreen, takeFirstScreenProof } from './first-screen-handoff.js';
import { UrgentCrisisNote } from './urgent-crisis-note.js';
import { useEffect, useRef, useState } from 'hono/jsx';
import { focusScreenHeading } from './screen-focus.js';
import { render } from 'hono/jsx/dom';
import {
  AskerClient, inMemoryManifestMemory, layeredManifestMemory, PinVault, storageManifestMemory,
  type ManifestMemory, type MyQuestion,
} from '../../client/index.js';
import { loadSodium } from '../../protocol/sodium.js';
import type { ThreadSummary } from '../../protocol/api/threads.js';
import { AGE_GROUPS, POPULATIONS, TOPICS, URGENCIES } from '../../protocol/api/threads.js';
import { fromBase64Url } from '../../protocol/encoding.js';
import { LANGS, translator, isLang, type Lang, type MessageKey, type Translate } from '../i18n/index.js';

// The asker's private space. Every secret stays in this tab: the recovery code and the keys
// derived from it live in memory, and on the device only if the person asks to be remembered
// there, sealed under a PIN they choose (asker-remember.tsx). All crypto is the SDK's
// (src/client): messages are sealed and opened here.

declare const __ORG_PUBLIC_KEY__: string;

/** Where versions before the PIN vault kept the code in plain text: read once, removed at once (asker-remember.tsx). */
const REMEMBER_KEY = 'tynys.code';
const VAULT_KEY = 'tynys.vault';
const MANIFEST_KEY = 'tynys.manifest';
const root = document.getElementById('app');
// Reassigned when the person switches language inside the space (asker-language.ts).
let lang: Lang = isLang(root?.dataset.lang) ? (root!.dataset.lang as Lang) : 'ru';
let t: Translate = translator(lang);

// The newest staff manifest this tab accepted (a server cannot roll it back while the tab lives),
// and, for a person who asked to be remembered on this device, kept with the remembered code.
const tabManifest = storageManifestMemory(() => window.sessionStorage, MANIFEST_KEY);
const deviceManifest = storageManifestMemory(() => window.localStorage, MANIFEST_KEY);
const vault = new PinVault({ sodium: loadSodium, area: () => window.localStorage, key: VAULT_KEY });
const remembered = (): boolean => {
  try {
    return vault.exists();
  } catch {
    return false; // storage turned off: nothing is remembered
  }
};
const manifestMemory: ManifestMemory = layeredManifestMemory(inMemoryManifestMemory(), tabManifest, {
  highest: () => (remembered() ? deviceManifest.highest() : null),
  remember: (m) => { if (remembered()) deviceManifest.remember(m); },
});
const options = { baseUrl: window.location.origin, orgPublicKey: fromBase64Url(__ORG_PUBLIC_KEY__) ?? new Uint8Array(32), manifestMemory, takeIdentityProof: takeFirstScreenProof };

type Screen =
  | { name: 'start' }
  | { name: 'newCode'; code: string; client: AskerClient }
  | { name: 'restore' }
  | { name: 'home' }
  | { name: 'ask' }
  | { name: 'consult' }
  | { name: 'thread'; id: string }
  /** Choose a PIN to be remembered with: after a new code or a restore (`client`), or for a code an older version left in plain text (no client yet). */
  | { name: 'pinSetup'; code: string; client: AskerClient | null }
  | { name: 'pinUnlock' };

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
      <h2>{t('app.code.label')}</h2>
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
      <h2>{t('app.start.have')}</h2>
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
        .catch((err: unknown) => { setBusy(false); setError(directoryMessage(err, t) ?? t('app.consult.unavailable')); });
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

/**
 * What the space opens with: the PIN screen on a device that remembers the code, and nothing of
 * the space before it. A code an older version left in plain text is taken out of storage first.
 */
function firstScreen(): Screen {
  const legacy = takeLegacyCode(() => window.localStorage, REMEMBER_KEY);
  if (legacy) return { name: 'pinSetup', code: legacy, client: null };
  return remembered() ? { name: 'pinUnlock' } : { name: 'start' };
}

/** Forgets all this device kept of the space: the sealed code and the manifest kept with it. */
function forgetDevice(): void {
  try {
    vault.forget();
    localStorage.removeItem(MANIFEST_KEY);
  } catch { /* storage turned off: nothing was kept */ }
}

/** A typo in the code, a code no space has (401), or anything else (the network, the server). */
const loginError = (err: { code?: string; status?: number }): MessageKey => (
  err.code?.startsWith('recovery_code') ? 'app.code.typo' : err.status === 401 ? 'app.code.unknown' : 'app.error');

function App() {
  const [screen, setScreen] = useState<Screen>(firstScreen);
  const [client, setClient] = useState<AskerClient | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<MessageKey | null>(null);
  const [, setShownLang] = useState<Lang>(lang);
  // Not on the first paint (the page's own order holds then); on every change of screen after it.
  const shown = useRef(false);
  useEffect(() => {
    if (shown.current) focusScreenHeading(root);
    shown.current = true;
  }, [screen.name, client === null]);

  // Another language, same space: every screen re-renders with the new translator.
  useEffect(() => keepSpaceOnLanguageSwitch((next) => {
    lang = next;
    t = translator(next);
    if (root) root.dataset.lang = next;
    setShownLang(next);
  }), []);

  const open = (c: AskerClient) => {
    setClient(c);
    setScreen({ name: 'home' });
  };
  const enter = (c: AskerClient, code: string, remember: boolean) => {
    // Off by default: without it, nothing of this space outlives the tab. With it, a PIN first.
    if (remember) return setScreen({ name: 'pinSetup', code, client: c });
    forgetDevice();
    open(c);
  };
  const restore = (code: string, remember: boolean) => {
    setBusy(true);
    setError(null);
    AskerClient.restore(options, code)
      .then((c) => enter(c, code, remember))
      .catch((err: { code?: string; status?: number }) => setError(loginError(err)))
      .finally(() => setBusy(false));
  };
  // A code the vault gave back. From now on each manifest accepted is kept with it (manifestMemory above).
  const openRemembered = (code: string): Promise<PinOutcome> => AskerClient.restore(options, code)
    .then((c): PinOutcome => { open(c); return { ok: true }; })
    .catch((err: { code?: string; status?: number }): PinOutcome => ({ ok: false, key: loginError(err) }));
  const savePin = async (pin: string, code: string, c: AskerClient | null) => {
    await vault.save(code, pin);
    if (c) return open(c);
    // The code an older version kept, sealed now: in with it. A space that is gone is not kept;
    // on a network failure the PIN screen offers another try.
    const outcome = await openRemembered(code);
    if (outcome.ok) return;
    if (outcome.key === 'app.code.unknown') forgetDevice();
    setError(outcome.key);
    setScreen(outcome.key === 'app.code.unknown' ? { name: 'start' } : { name: 'pinUnlock' });
  };
  const skipPin = (c: AskerClient | null) => {
    forgetDevice();
    if (c) open(c);
    else setScreen({ name: 'start' });
  };

  const leave = () => {
    forgetDevice();
    // End the session on the server too (the token stops working at once); leaving must not
    // wait for the network, and still forgets the keys if the call fails.
    const leaving = client;
    if (leaving) void leaving.logout().catch(() => leaving.forgetKeys());
    setClient(null);
    setScreen({ name: 'start' });
  };

  if (!client) {
    switch (screen.name) {
      case 'newCode': return <NewCode code={screen.code} onDone={(remember) => enter(screen.client, screen.code, remember)} />;
      case 'restore': return <Restore onRestore={restore} busy={busy} error={error && t(error)} />;
      case 'pinSetup': return <PinSetup t={t} migrating={!screen.client} onSave={(pin) => savePin(pin, screen.code, screen.client)} onSkip={() => skipPin(screen.client)} />;
      case 'pinUnlock': return (
        <PinUnlock t={t} vault={vault} onCode={openRemembered}
          onUseCode={() => { setError(null); setScreen({ name: 'restore' }); }}
          onForgotten={() => { forgetDevice(); setError('app.pin.forgotten'); setScreen({ name: 'restore' }); }}
          onForget={() => { forgetDevice(); setScreen({ name: 'start' }); }} />
      );
      default: return (
        <>
          <ErrorNote message={error && t(error)} />
          <Start go={setScreen} busy={busy} onNew={() => {
            setBusy(true);
            AskerClient.create(options)
              .then(({ client: c, recoveryCode }) => setScreen({ name: 'newCode', code: recoveryCode, client: c }))
              .catch(() => setError('app.error'))
              .finally(() => setBusy(false));
          }} />
        </>
      );
    }
  }
  switch (screen.name) {
    case 'ask': return <Ask client={client} go={setScreen} />;
    case 'consult': return <Consult client={client} go={setScreen} />;
    case 'thread': return (
      <Thread client={client} id={screen.id} t={t} lang={lang} remembered={remembered()}
        onBack={() => setScreen({ name: 'home' })} onConsult={() => setScreen({ name: 'consult' })} />
    );
    default: return <Home client={client} go={setScreen} onLeave={leave} onErase={() => client.eraseEverything().then(leave).catch(() => setError('app.error'))} />;
  }
}

// Over the server-rendered first screen, taking a tap made there while this loaded (first-screen-handoff.ts).
if (root) mountOverFirstScreen(root, () => render(<App />, root));
