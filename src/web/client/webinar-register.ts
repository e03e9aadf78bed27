import { POW } from '../../protocol/constants.js';
import { fromBase64Url } from '../../protocol/encoding.js';
import { checkProofOfWork } from '../../protocol/pow.js';

// The webinar page's anonymous registration: fetch a proof-of-work challenge, solve it here,
// send it; the server adds one to the event's count and stores nothing else. This file is the
// page's only script besides quick exit (SHA-256 and the solver; no libsodium, no catalogs: the
// page hands over its strings as data attributes). Without it the page says registration needs
// JavaScript, and the calendar file and join link still work.

const form = document.getElementById('webinar-register') as HTMLFormElement | null;
const button = form?.querySelector('button');
const status = document.getElementById('register-status');
// Yield to the page every few thousand hashes (a few tens of ms), so that it stays responsive
// while the work runs. A message, not setTimeout: chained timers are clamped to 4 ms each.
const BATCH = 4096;
const channel = new MessageChannel();
const yieldToPage = (): Promise<void> => new Promise((resolve) => {
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
});

async function solve(challenge: Uint8Array, bits: number): Promise<number | null> {
  for (let counter = 0; counter < POW.maxTries; counter++) {
    if (checkProofOfWork(challenge, counter, bits)) return counter;
    if (counter % BATCH === BATCH - 1) await yieldToPage();
  }
  return null;
}

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body),
    credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store',
  });
}

async function register(id: string): Promise<'done' | 'closed' | 'error'> {
  const issued = await post('/api/pow/challenges', { purpose: 'webinar' });
  if (!issued.ok) return 'error';
  const { challenge, bits } = await issued.json() as { challenge: string; bits: number };
  const raw = fromBase64Url(challenge);
  if (!raw || raw.length !== POW.challengeBytes || !Number.isInteger(bits) || bits < 0 || bits > POW.maxBits) return 'error';
  const counter = await solve(raw, bits);
  if (counter === null) return 'error';
  const res = await post(`/api/webinars/${encodeURIComponent(id)}/registrations`, { pow: { challenge, counter } });
  return res.ok ? 'done' : res.status === 409 || res.status === 404 ? 'closed' : 'error';
}

if (form && button && status) {
  const say = (key: 'working' | 'done' | 'closed' | 'error') => { status.textContent = form.dataset[key] ?? ''; };
  button.disabled = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    say('working');
    register(form.dataset.webinar ?? '').catch(() => 'error' as const).then((outcome) => {
      say(outcome);
      if (outcome === 'error') {
        button.disabled = false;
        return;
      }
      // Registered (or no longer possible): the form has done its part; the calendar link stays.
      form.hidden = true;
      status.focus();
    });
  });
}
