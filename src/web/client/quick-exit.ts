// Quick exit (every page): the button, or Shift pressed three times in a row. The page is
// blanked at once, then the location is replaced with a neutral site, so Back does not return
// here. Nothing is sent to Tynys on the way out.
import { QUICK_EXIT_TARGET } from './quick-exit-target.js';

const SHIFT_WINDOW_MS = 1500;
let presses: number[] = [];

function leave(): void {
  document.title = '';
  document.documentElement.replaceChildren();
  try { sessionStorage.clear(); } catch { /* storage may be disabled */ }
  window.location.replace(QUICK_EXIT_TARGET);
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('#quick-exit') : null;
  if (!target) return;
  event.preventDefault();
  leave();
});

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Shift' || event.repeat) {
    if (event.key !== 'Shift') presses = [];
    return;
  }
  const now = Date.now();
  presses = [...presses.filter((t) => now - t < SHIFT_WINDOW_MS), now];
  if (presses.length >= 3) leave();
});
