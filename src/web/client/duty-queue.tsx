import { useEffect, useRef, useState } from 'hono/jsx';
import { ApiError, type QueueEvent, type StaffClient } from '../../client/index.js';
import { URGENCIES, type ThreadSummary } from '../../protocol/api/threads.js';
import type { Translate } from '../i18n/index.js';

// The intake queue of a psychologist (or supervisor) on duty, live: it follows GET
// /api/queue/events, so a request appears without a reload and leaves when a colleague takes it.
// Each shows its urgency and how long it has waited (coarse, from the server's minute); urgent
// ones count in the tab's title, "(2) Tynys", and, if the member turned it on, sound a tone and
// raise a browser notification. None of these says more than that an urgent request waits: the
// title and the notification are seen on a shared screen, in the task bar, on a lock screen.

const TICK_MS = 30_000;
const RETRY_MAX_MS = 30_000;
/** The member's choice of sound and notification, for this tab (off unless they turn it on). */
const ALERTS_KEY = 'tynys.staff.alerts';
const rank = (u: ThreadSummary['urgency']): number => URGENCIES.indexOf(u);
const isUrgent = (th: ThreadSummary): boolean => th.urgency === 'urgent';

/** Urgent first, then the longest waiting (as GET /api/queue orders them). */
function ordered(threads: Iterable<ThreadSummary>): ThreadSummary[] {
  return [...threads].sort((a, b) => rank(b.urgency) - rank(a.urgency) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/** "waiting 12 min": to the minute at best (the server keeps no finer time), in hours past an hour. */
function waiting(t: Translate, createdAt: number, now: number): string {
  const minutes = Math.max(0, Math.floor((now - createdAt) / 60_000));
  if (minutes < 1) return t('staff.duty.justNow');
  if (minutes < 60) return t('staff.duty.waiting', { min: minutes });
  return t('staff.duty.waitingHours', { h: Math.floor(minutes / 60), min: minutes % 60 });
}

/** A short tone through Web Audio (no sound file to fetch), on the context the member's click allowed. */
function tone(audio: AudioContext | null): void {
  if (!audio) return;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = 880;
  gain.gain.value = 0.15;
  osc.connect(gain).connect(audio.destination);
  osc.start();
  osc.stop(audio.currentTime + 0.3);
}

const notifications = (): typeof Notification | null => (typeof Notification === 'undefined' ? null : Notification);

export interface DutyQueueProps {
  client: StaffClient;
  t: Translate;
  /** The member takes this thread (staff.tsx claims it and opens the conversation). */
  onClaim: (thread: ThreadSummary) => void;
  /** The session ended (logged out elsewhere, disabled): the console logs out here too. */
  onSessionEnded: () => void;
  /** The heading and the empty queue's words, by what the member's roles put in it (staff-cases.tsx queueLabels). */
  title?: string;
  empty?: string;
}

export function DutyQueue({ client, t, onClaim, onSessionEnded, title = t('staff.tab.queue'), empty = t('staff.queue.empty') }: DutyQueueProps) {
  const [threads, setThreads] = useState<Map<string, ThreadSummary> | null>(null);
  const [returned, setReturned] = useState<Set<string>>(new Set());
  const [connected, setConnected] = useState(true);
  const [refused, setRefused] = useState(false);
  const [now, setNow] = useState(Date.now());
  const [alerts, setAlerts] = useState(() => sessionStorage.getItem(ALERTS_KEY) === 'on');
  const [blocked, setBlocked] = useState(false);
  const alertsOn = useRef(alerts);
  const audio = useRef<AudioContext | null>(null);
  const known = useRef<Map<string, ThreadSummary> | null>(null);

  /** Sound and notification for urgent requests that were not in the queue before; the notification says only that one waits. */
  const alert = (arrived: ThreadSummary[]): void => {
    if (!alertsOn.current || !arrived.some(isUrgent)) return;
    tone(audio.current);
    const N = notifications();
    if (N?.permission === 'granted') new N(t('staff.duty.notification'), { tag: 'tynys-urgent', lang: document.documentElement.lang });
  };

  const apply = (event: QueueEvent): void => {
    const before = known.current;
    const next = new Map(before ?? []);
    let arrived: ThreadSummary[] = [];
    if (event.type === 'snapshot') {
      next.clear();
      for (const th of event.threads) next.set(th.id, th);
      // After a reconnect: what arrived meanwhile alerts too (not the first list of the page).
      if (before) arrived = event.threads.filter((th) => !before.has(th.id));
    } else if (event.type === 'new' || event.type === 'returned') {
      if (!next.has(event.thread.id)) arrived = [event.thread];
      next.set(event.thread.id, event.thread);
      if (event.type === 'returned') setReturned((r) => new Set(r).add(event.thread.id));
    } else {
      next.delete(event.id);
    }
    known.current = next;
    setThreads(next);
    alert(arrived);
  };

  useEffect(() => {
    const abort = new AbortController();
    let attempt = 0;
    (async () => {
      while (!abort.signal.aborted) {
        try {
          await client.followQueue({ signal: abort.signal, onEvent: (event) => { attempt = 0; setConnected(true); apply(event); } });
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) return onSessionEnded();
          if (err instanceof ApiError && err.status === 403) return setRefused(true);
        }
        if (abort.signal.aborted) return;
        // The stream ended (the server restarted, the line dropped): back after a growing, jittered pause, and the snapshot replaces the list.
        setConnected(false);
        const pause = Math.min(RETRY_MAX_MS, 1000 * 2 ** attempt++) * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    })();
    const tick = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => { abort.abort(); clearInterval(tick); };
  }, [client.id]);

  // The tab's title counts urgent requests waiting, and nothing else.
  const urgent = threads ? [...threads.values()].filter(isUrgent).length : 0;
  useEffect(() => {
    const base = 'Tynys';
    document.title = urgent > 0 ? `(${urgent}) ${base}` : base;
  }, [urgent]);
  useEffect(() => () => { document.title = 'Tynys'; }, []);

  const toggleAlerts = (e: Event): void => {
    const on = (e.target as HTMLInputElement).checked;
    alertsOn.current = on;
    setAlerts(on);
    sessionStorage.setItem(ALERTS_KEY, on ? 'on' : 'off');
    if (!on) return;
    // Both need this click: a browser plays sound and asks for permission only after a gesture.
    audio.current ??= typeof AudioContext === 'undefined' ? null : new AudioContext();
    void audio.current?.resume();
    const N = notifications();
    if (N && N.permission === 'default') void N.requestPermission().then((p) => setBlocked(p === 'denied'));
    else setBlocked(N?.permission === 'denied');
  };

  if (refused) return <p class="error" role="alert">{t('app.error')}</p>;
  return (
    <section id="duty" aria-labelledby="duty-title">
      <h2 id="duty-title">{title}{threads && threads.size > 0 ? ` (${threads.size})` : ''}</h2>
      <p class="small" id="duty-live">{connected ? t('staff.duty.live') : t('staff.duty.reconnecting')}</p>
      <label class="duty-alerts"><input type="checkbox" id="duty-alerts" checked={alerts} onChange={toggleAlerts} />{t('staff.duty.alerts')}</label>
      {blocked ? <p class="small" id="duty-alerts-blocked">{t('staff.duty.alertsBlocked')}</p> : null}
      {threads === null ? <p>{t('app.loading')}</p> : threads.size === 0 ? <p id="queue-empty">{empty}</p> : (
        <ul id="queue" class="duty-queue">
          {ordered(threads.values()).map((th) => (
            <li data-thread={th.id} data-urgency={th.urgency} class={isUrgent(th) ? 'urgent' : ''}>
              <strong>{t(`urgency.${th.urgency}`)}</strong> · {th.kind === 'case' ? <><span class="kind-case">{t('staff.kind.case')}</span> · </> : null}{t(`topic.${th.topic}`)} · {th.language}
              {' · '}<span class="waiting">{waiting(t, th.createdAt, now)}</span>
              {returned.has(th.id) ? <> · <span class="returned">{t('staff.duty.returned')}</span></> : null}{' '}
              <button type="button" class="claim" onClick={() => onClaim(th)}>{t('staff.queue.claim')}</button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
