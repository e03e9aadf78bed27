import { useEffect, useRef, useState } from 'hono/jsx';
import { checkPin, type PinVault } from '../../client/index.js';
import { PIN_VAULT } from '../../protocol/constants.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { ErrorNote } from './asker-notes.js';
import { useLive } from './use-live.js';

// "Remember me on this device" with a PIN (issue 12 point 4): the screens that choose a PIN and
// open the space with it. The vault itself (src/client/pin-vault.ts) seals the code and counts
// wrong PINs; these screens only ask, and say how many tries are left.

/**
 * The code an earlier version kept in plain localStorage under `key`, taken out at once: it is
 * never left there, whatever the person then chooses (a PIN, or forgetting it).
 */
export function takeLegacyCode(area: () => Pick<Storage, 'getItem' | 'removeItem'>, key: string): string | null {
  try {
    const code = area().getItem(key);
    area().removeItem(key);
    return code;
  } catch {
    return null;
  }
}

const PIN_INPUT = { type: 'password', inputmode: 'numeric', autocomplete: 'off', pattern: '[0-9]*', maxlength: PIN_VAULT.pinDigits.max } as const;

/** Choose a PIN (twice); `migrating` when an old plain code was found and has just been removed. */
export function PinSetup({ t, migrating, onSave, onSkip }: {
  t: Translate;
  migrating: boolean;
  onSave: (pin: string) => Promise<void>;
  onSkip: () => void;
}) {
  const [pin, setPin] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // The screen is gone once the PIN is saved: a late failure must not bring it back (use-live.ts).
  const live = useLive();
  useEffect(() => { heading.current?.focus(); }, []);
  return (
    <form id="pin-setup" onSubmit={(e: Event) => {
      e.preventDefault();
      const problem = checkPin(pin);
      if (problem) return setError(`app.pin.problem.${problem}`);
      if (pin !== repeat) return setError('app.pin.mismatch');
      setBusy(true);
      setError(null);
      onSave(pin).catch(live(() => { setBusy(false); setError('app.error'); }));
    }}>
      <h2 tabindex={-1} ref={heading}>{t(migrating ? 'app.pin.migrateTitle' : 'app.pin.setTitle')}</h2>
      <p>{migrating ? t('app.pin.migrateHint') : t('app.pin.setHint', { attempts: PIN_VAULT.attempts })}</p>
      <label for="pin-new">{t('app.pin.new')}</label>
      <input id="pin-new" {...PIN_INPUT} value={pin} onInput={(e: Event) => setPin((e.target as HTMLInputElement).value)} />
      <label for="pin-repeat">{t('app.pin.repeat')}</label>
      <input id="pin-repeat" {...PIN_INPUT} value={repeat} onInput={(e: Event) => setRepeat((e.target as HTMLInputElement).value)} />
      <ErrorNote message={error && t(error)} />
      <p class="row">
        <button type="submit" id="pin-save" disabled={busy}>{busy ? t('app.working') : t('app.pin.save')}</button>
        <button type="button" class="secondary" id="pin-skip" disabled={busy} onClick={onSkip}>{t(migrating ? 'app.pin.forgetCode' : 'app.pin.skip')}</button>
      </p>
    </form>
  );
}

export type PinOutcome = { ok: true } | { ok: false; key: MessageKey; params?: Record<string, number> };

/** The PIN screen a remembered device opens with: nothing of the space shows before the PIN. */
export function PinUnlock({ t, vault, onCode, onUseCode, onForgotten, onForget }: {
  t: Translate;
  vault: PinVault;
  /** The PIN opened the vault: log in with the code (resolves once in, or with what to say). */
  onCode: (code: string) => Promise<PinOutcome>;
  onUseCode: () => void;
  /** The last wrong PIN deleted the vault (or it was gone already). */
  onForgotten: () => void;
  onForget: () => void;
}) {
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ key: MessageKey; params?: Record<string, number> } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const live = useLive();
  useEffect(() => { heading.current?.focus(); }, []);
  return (
    <form id="pin-unlock" onSubmit={(e: Event) => {
      e.preventDefault();
      if (busy || pin === '') return;
      setBusy(true);
      setNote(null);
      vault.unlock(pin)
        .then(async (result) => {
          if (result.ok) {
            const outcome = await onCode(result.code);
            if (!outcome.ok) live(setNote)(outcome.params ? { key: outcome.key, params: outcome.params } : { key: outcome.key });
          } else if (result.reason === 'wrong_pin') {
            setNote({ key: 'app.pin.wrong', params: { left: result.attemptsLeft } });
            setPin('');
            field.current?.focus();
          } else {
            onForgotten();
          }
        })
        .catch(live(() => setNote({ key: 'app.error' })))
        .finally(live(() => setBusy(false)));
    }}>
      <h2 tabindex={-1} ref={heading}>{t('app.pin.unlockTitle')}</h2>
      <p>{t('app.pin.unlockHint')}</p>
      <label for="pin-enter">{t('app.pin.enter')}</label>
      <input id="pin-enter" {...PIN_INPUT} ref={field} value={pin} onInput={(e: Event) => setPin((e.target as HTMLInputElement).value)} />
      {note ? <p class="error" role="alert" id="pin-note">{t(note.key, note.params)}</p> : null}
      <p class="row">
        <button type="submit" id="pin-open" disabled={busy}>{busy ? t('app.working') : t('app.pin.unlock')}</button>
      </p>
      <p class="row">
        <button type="button" class="secondary" id="pin-use-code" disabled={busy} onClick={onUseCode}>{t('app.pin.useCode')}</button>
        <button type="button" class="secondary" id="pin-forget" disabled={busy} onClick={onForget}>{t('app.pin.forget')}</button>
      </p>
    </form>
  );
}
