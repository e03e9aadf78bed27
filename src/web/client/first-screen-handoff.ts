import type { SolvedProofOfWork } from '../../client/proof-of-work.js';
import { FIRST_SCREEN_BUTTONS, type FirstTap } from './first-screen-ids.js';

// The asker's page loads in two parts (web/app-scripts.tsx): the first screen's small script,
// which makes the server-rendered buttons answer at once, and the app, which renders over them
// once it has loaded. What passes between the two (a tap made meanwhile, and the proof of work
// started on it) goes through one DOM event on the app's root, asked by the app and answered by
// the first screen: the two scripts are built apart and share no module state, and no global is
// needed.

export interface FirstScreenHandoff {
  tap: FirstTap | null;
  proof: Promise<SolvedProofOfWork | null> | null;
}

const EVENT = 'tynys:first-screen';
interface HandoffRequest { handoff?: FirstScreenHandoff }

/** The first screen's side: answers the app when it asks. */
export function answerHandoff(root: HTMLElement, current: () => FirstScreenHandoff): void {
  root.addEventListener(EVENT, (event) => {
    (event as CustomEvent<HandoffRequest>).detail.handoff = current();
  });
}

let handedProof: FirstScreenHandoff['proof'] = null;

/**
 * The app's side: takes over from the first screen, renders the app in its place, and replays a
 * tap made meanwhile on the app's own button (same id: the first screen mirrors the app's Start).
 */
export function mountOverFirstScreen(root: HTMLElement, render: () => void): void {
  const request: HandoffRequest = {};
  root.dispatchEvent(new CustomEvent(EVENT, { detail: request }));
  const handoff = request.handoff ?? { tap: null, proof: null };
  handedProof = handoff.proof;
  const focused = document.activeElement instanceof HTMLElement && root.contains(document.activeElement) ? document.activeElement.id : '';
  render();
  if (handoff.tap) document.getElementById(FIRST_SCREEN_BUTTONS[handoff.tap])?.click();
  // The render replaced the element that had focus; a keyboard or screen reader user stays where they were.
  if (focused) document.getElementById(focused)?.focus();
}

/** The proof of work begun on the first screen, once (AskerOptions.takeIdentityProof). */
export function takeFirstScreenProof(): FirstScreenHandoff['proof'] {
  const proof = handedProof;
  handedProof = null;
  return proof;
}
