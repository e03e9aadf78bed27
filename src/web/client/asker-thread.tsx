import { useEffect, useRef, useState } from 'hono/jsx';
import { ApiError, ProtocolError, type AskerClient, type PlainEvent, type PlainMessage } from '../../client/index.js';
import type { ThreadSummary } from '../../protocol/api/threads.js';
import type { Lang, MessageKey, Translate } from '../i18n/index.js';
import { directoryKey, ErrorNote } from './asker-notes.js';
import { MessageList } from './message-list.js';
import { messageTime } from './message-time.js';
import { arrivedLate, notSeenByOtherSide, threadStage } from './thread-stage.js';
import { useLive } from './use-live.js';

// The asker's consultation thread (issue 12 point 3). It says where the consultation stands and
// follows it live (thread-stage.ts: waiting, taken, replied, closed), shows each message's signed
// time, what to expect and that the page may be closed, the marks protocol v2 gives for messages
// that did not get through, and keeps "erase" away from "send", behind a confirmation.

/**
 * The expected wait stated while nobody has taken the request: a fixed statement, not figures from
 * the queue. Queue figures would need a new endpoint that tells anyone how busy the service is,
 * and one person's wait says little about the next. The centre confirms the figure before
 * deployment, as it does the crisis contacts.
 */
export const EXPECTED_REPLY_HOURS = 24;

/** A dropped live stream is followed again after this pause, doubling up to the cap (a phone on a bad line). */
const RECONNECT_MS = { first: 1_000, max: 30_000, healthy: 60_000 };

/** Errors after which following makes no sense: the thread failed verification, or the session or the thread is gone. */
const isFinal = (err: unknown): boolean => err instanceof ProtocolError || (err instanceof ApiError && [401, 403, 404].includes(err.status));

const pause = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

export interface ThreadProps {
  client: AskerClient;
  id: string;
  t: Translate;
  lang: Lang;
  /** This device remembers the code under a PIN: the come-back note says the PIN opens the space here. */
  remembered: boolean;
  onBack: () => void;
  onConsult: () => void;
}

/** What the asker shared in the intake card, as they see it in their own thread. */
function IntakeSummary({ intake, t }: { intake: NonNullable<PlainMessage['intake']>; t: Translate }) {
  const parts = [
    ...intake.populations.map((p) => t(`population.${p}`)),
    ...(intake.ageGroup ? [t(`age.${intake.ageGroup}`)] : []),
    ...(intake.region ? [intake.region] : []),
  ];
  return <span class="intake">{t('app.thread.intakeSent')} {parts.join(' · ')}{intake.note ? ` — ${intake.note}` : ''}</span>;
}

export function Thread({ client, id, t, lang, remembered, onBack, onConsult }: ThreadProps) {
  const [topic, setTopic] = useState<ThreadSummary['topic'] | null>(null);
  const [messages, setMessages] = useState<PlainMessage[]>([]);
  const [events, setEvents] = useState<PlainEvent[]>([]);
  const [status, setStatus] = useState<ThreadSummary['status']>('open');
  // The holder was disabled, removed or reset: the server refuses new messages (holder_revoked).
  const [revoked, setRevoked] = useState(false);
  // The psychologist holding it left the directory: it stays readable, and nothing more is sent.
  const [holderLeft, setHolderLeft] = useState(false);
  const [late, setLate] = useState<ReadonlySet<number>>(new Set());
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<MessageKey | null>(null);
  const [refused, setRefused] = useState<ProtocolError | null>(null);
  const [returning, setReturning] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // What is on screen, and every item number handed over (messages and events): where to resume.
  const shown = useRef<PlainMessage[]>([]);
  const delivered = useRef<Set<number>>(new Set());
  const live = useLive();

  const deliveredUpTo = (): number => {
    let n = 0;
    while (delivered.current!.has(n + 1)) n++;
    return n;
  };
  const append = live((m: PlainMessage) => {
    delivered.current!.add(m.seq);
    if (shown.current!.some((x) => x.seq === m.seq)) return;
    if (arrivedLate(m, shown.current!)) setLate((s) => new Set([...s, m.seq]));
    shown.current = [...shown.current!, m].sort((a, b) => a.seq - b.seq);
    setMessages(shown.current);
  });
  const addEvent = live((e: PlainEvent) => {
    delivered.current!.add(e.seq);
    setEvents((list) => (list.some((x) => x.seq === e.seq) ? list : [...list, e]));
  });
  const showStatus = live((s: ThreadSummary) => {
    setStatus(s.status);
    setRevoked(s.holderRevoked);
  });
  // A thread that does not verify is not shown at all, and nothing more is sent to it.
  const refuse = live((err: ProtocolError) => {
    shown.current = [];
    setMessages([]);
    setRefused(err);
  });
  const fail = live((err: unknown) => {
    if (err instanceof ProtocolError) refuse(err);
    else setError(directoryKey(err) ?? 'app.error');
  });

  useEffect(() => { heading.current?.focus(); }, []);

  useEffect(() => {
    const abort = new AbortController();
    const { signal } = abort;
    // Live, and again after the stream drops (a phone changing networks, a server restart): the
    // status changes in between are not replayed, so the summary is read again first.
    const follow = async (): Promise<void> => {
      let wait: number = RECONNECT_MS.first;
      while (!signal.aborted) {
        const started = Date.now();
        try {
          await client.subscribe(id, { after: deliveredUpTo(), onMessage: append, onEvent: addEvent, onStatus: showStatus, signal });
        } catch (err) {
          if (isFinal(err)) throw err;
        }
        if (signal.aborted) return;
        if (Date.now() - started > RECONNECT_MS.healthy) wait = RECONNECT_MS.first;
        await pause(wait, signal);
        wait = Math.min(wait * 2, RECONNECT_MS.max);
        try {
          if (!signal.aborted) showStatus(await client.thread(id));
        } catch (err) {
          if (isFinal(err)) throw err;
        }
      }
    };
    (async () => {
      const summary = await client.thread(id);
      setTopic(summary.topic);
      showStatus(summary);
      (await client.read(id)).forEach(append);
      const transcript = await client.transcriptEvents(id);
      transcript.events.forEach(addEvent);
      setHolderLeft(transcript.holderRevoked);
      await follow();
    })().catch((err: unknown) => { if (!signal.aborted) fail(err); });
    return () => abort.abort();
  }, [id]);

  // Back in the pool (this client signed a return): the next psychologist will read the whole conversation.
  const findAnother = () => {
    setReturning(true);
    client.returnToPool(id)
      .then(async () => {
        setRevoked(false);
        setHolderLeft(false);
        setError(null);
        (await client.transcriptEvents(id)).events.forEach(addEvent);
      })
      .catch(fail)
      .finally(() => setReturning(false));
  };
  const send = (e: Event) => {
    e.preventDefault();
    const body = text.trim();
    if (!body || sending) return;
    setSending(true);
    setError(null);
    client.send(id, body)
      .then((seq) => {
        const m = client.message(id, seq);
        if (m) append(m);
        setText('');
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'recipient_revoked') setHolderLeft(true);
        else if (err instanceof ApiError && err.code === 'items_withheld') setError('app.thread.withheld');
        else if (err instanceof ApiError && err.code === 'thread_closed') setStatus('closed');
        else fail(err);
      })
      .finally(() => setSending(false));
  };

  if (refused) {
    return (
      <div>
        <h2 id="thread-title" tabindex={-1} ref={heading}>{t('app.home.consultations')}</h2>
        <p class="error" role="alert" id="thread-refused">{t(refused.code === 'revoked_sender' ? 'app.thread.revoked' : 'app.thread.refused')}</p>
        <p class="row"><button type="button" class="secondary" onClick={onBack}>{t('app.thread.back')}</button></p>
      </div>
    );
  }

  const stage = threadStage({ status, holderRevoked: revoked, events, messages });
  const notSeen = notSeenByOtherSide(messages);
  const canWrite = stage !== 'closed' && !revoked && !holderLeft;
  const words = { today: (time: string) => t('app.time.today', { time }), yesterday: (time: string) => t('app.time.yesterday', { time }) };
  const findAnotherButton = (
    <>
      <p class="small">{t('app.thread.findAnotherNote')}</p>
      <p class="row">
        <button type="button" id="find-another" disabled={returning} onClick={findAnother}>{t('app.thread.findAnother')}</button>
        <button type="button" class="secondary" id="consult-again" onClick={onConsult}>{t('app.home.consult')}</button>
      </p>
    </>
  );
  return (
    <div class="thread">
      <h2 id="thread-title" tabindex={-1} ref={heading}>{topic ? t(`topic.${topic}`) : t('app.loading')}</h2>
      <p id="thread-status" class="stage" data-stage={stage} role="status">{t(stage === 'revoked' ? 'app.thread.status.revoked' : `app.thread.stage.${stage}`)}</p>
      {stage === 'waiting' ? <p class="small" id="thread-wait">{t('app.thread.wait', { hours: EXPECTED_REPLY_HOURS })}</p> : null}
      {stage === 'waiting' || stage === 'taken' || stage === 'replied'
        ? <p class="small" id="thread-come-back">{t(remembered ? 'app.thread.comeBackRemembered' : 'app.thread.comeBack')}</p> : null}
      {messages.length === 0 ? <p>{t('app.thread.empty')}</p> : null}
      <MessageList messages={messages} lang={lang} you={t('app.thread.you')} other={t('app.thread.psychologist')} former={t('app.thread.former')}
        intake={(card) => <IntakeSummary intake={card} t={t} />} time={(at) => messageTime(at, lang, words)}
        note={(m) => (notSeen.has(m.seq) ? <p class="small warning not-seen">{t('app.thread.notSeen')}</p>
          : late.has(m.seq) ? <p class="small warning late">{t('app.thread.late')}</p> : null)} />
      {notSeen.size > 0 ? <p class="notice" id="withheld-notice">{t('app.thread.withheldNotice')}</p> : null}
      {revoked && stage !== 'closed' ? <div class="notice" id="holder-revoked"><p>{t('app.thread.holderRevoked')}</p>{findAnotherButton}</div> : null}
      {holderLeft && !revoked && stage !== 'closed' ? <div class="notice" id="holder-left"><p>{t('app.thread.holderLeft')}</p>{findAnotherButton}</div> : null}
      {stage === 'closed' ? (
        <div class="notice" id="thread-closed">
          <p>{t('app.thread.closedNote')}</p>
          <p class="row"><button type="button" class="secondary" id="closed-consult" onClick={onConsult}>{t('app.home.consult')}</button></p>
        </div>
      ) : null}
      <form onSubmit={send}>
        {canWrite ? (
          <>
            <label for="message">{t('app.thread.placeholder')}</label>
            <textarea id="message" value={text} onInput={(e: Event) => setText((e.target as HTMLTextAreaElement).value)} autocomplete="off"></textarea>
          </>
        ) : null}
        <ErrorNote message={error && t(error)} />
        <p class="row">
          {canWrite ? <button type="submit" id="send" disabled={sending}>{t('app.thread.send')}</button> : null}
          <button type="button" class="secondary" id="thread-back" onClick={onBack}>{t('app.thread.back')}</button>
        </p>
      </form>
      <EraseConversation t={t} onErase={() => client.eraseThread(id).then(onBack)} />
    </div>
  );
}

/**
 * Erasing sits apart, at the foot of the thread, and asks first on the page itself (not a browser
 * dialog, which some phone browsers suppress): a thumb aiming at Send must not erase a conversation.
 */
function EraseConversation({ t, onErase }: { t: Translate; onErase: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  const erase = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  // Focus to the safe choice when asked, and back to the button when the question is closed.
  useEffect(() => {
    if (asking) keep.current?.focus();
    else if (asked.current) erase.current?.focus();
    asked.current ||= asking;
  }, [asking]);
  return (
    <section class="erase-zone">
      {asking ? (
        <div class="notice" id="erase-confirm">
          <p>{t('app.thread.eraseConfirm')}</p>
          <p class="row">
            <button type="button" class="danger" id="erase-thread-confirm" disabled={busy} onClick={() => {
              setBusy(true);
              onErase().catch(() => { setBusy(false); setFailed(true); });
            }}>{t('app.thread.eraseYes')}</button>
            <button type="button" class="secondary" id="erase-thread-cancel" ref={keep} onClick={() => setAsking(false)}>{t('app.thread.eraseNo')}</button>
          </p>
        </div>
      ) : <button type="button" class="quiet-danger" id="erase-thread" ref={erase} onClick={() => setAsking(true)}>{t('app.thread.erase')}</button>}
      {failed ? <ErrorNote message={t('app.error')} /> : null}
    </section>
  );
}
