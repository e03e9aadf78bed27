import { startIdentityProofOfWork } from '../../client/proof-of-work.js';
import { answerHandoff, type FirstScreenHandoff } from './first-screen-handoff.js';
import { APP_PRELOAD_ID, FIRST_SCREEN_BUTTONS, type FirstTap } from './first-screen-ids.js';

// The asker page's first script (issue 12 point 2): with the quick exit, all the JavaScript the
// first screen needs, held under 50 KB compressed by test/web/first-screen.test.ts. The screen
// itself is in the HTML (pages/asker-first-screen.tsx), its buttons disabled until this runs. It
// turns them on and runs the app (libsodium, the SDK, zod: ~230 KB compressed), which the page
// has been preloading meanwhile. A tap before the app is ready says "preparing…" and is handed
// to the app, which acts on it; a tap on "get a code" also starts the proof of work at once, so
// that it overlaps the app's download instead of following it.

const root = document.getElementById('app');
const screen = root?.querySelector<HTMLElement>('[data-first-screen]');
const preload = document.getElementById(APP_PRELOAD_ID);
if (root && screen && preload instanceof HTMLLinkElement) wire(root, screen, preload);

function wire(root: HTMLElement, screen: HTMLElement, preload: HTMLLinkElement): void {
  const handoff: FirstScreenHandoff = { tap: null, proof: null };
  const buttons: [FirstTap, HTMLButtonElement][] = [];
  for (const [tap, id] of Object.entries(FIRST_SCREEN_BUTTONS) as [FirstTap, string][]) {
    const button = document.getElementById(id);
    if (button instanceof HTMLButtonElement) buttons.push([tap, button]);
  }
  const labels = new Map(buttons.map(([, b]) => [b, b.textContent ?? '']));
  let loading = false;
  let failure: HTMLElement | null = null;

  const load = (): void => {
    loading = true;
    const script = document.createElement('script');
    script.src = preload.href;
    script.integrity = preload.integrity;
    script.addEventListener('error', () => {
      // A dropped line or a file that fails its integrity check: say so and give the buttons
      // back; the next tap tries again.
      script.remove();
      loading = false;
      handoff.tap = null;
      for (const [, b] of buttons) {
        b.textContent = labels.get(b) ?? '';
        b.removeAttribute('aria-busy');
      }
      if (!failure) {
        failure = document.createElement('p');
        failure.className = 'error';
        failure.setAttribute('role', 'alert');
        failure.textContent = screen.dataset.loadFailed ?? '';
        screen.prepend(failure);
      }
    });
    document.head.append(script);
  };

  for (const [tap, button] of buttons) {
    button.addEventListener('click', () => {
      if (handoff.tap) return;
      handoff.tap = tap;
      if (tap === 'new') handoff.proof ??= startIdentityProofOfWork(window.location.origin);
      button.textContent = screen.dataset.preparing ?? '';
      button.setAttribute('aria-busy', 'true');
      failure?.remove();
      failure = null;
      if (!loading) load();
    });
    button.disabled = false;
  }
  answerHandoff(root, () => handoff);
  load();
}
