import { FIRST_SCREEN_BUTTONS } from '../client/first-screen-ids.js';
import type { Translate } from '../i18n/index.js';

// The asker's first screen in the HTML itself (issue 12 point 2), so that a slow line shows it
// before any script: the same markup as the app's Start screen (client/asker.tsx), which renders
// over it without moving anything. The buttons stay disabled until the first screen's script
// runs (without JavaScript the page's notice explains why); the labels it needs come with it.

export function AskerFirstScreen({ t }: { t: Translate }) {
  return (
    <div data-first-screen data-preparing={t('app.preparing')} data-load-failed={t('app.loadFailed')}>
      <p>{t('app.start.newHint')}</p>
      <p class="row">
        <button id={FIRST_SCREEN_BUTTONS.new} type="button" disabled>{t('app.start.new')}</button>
        <button type="button" id={FIRST_SCREEN_BUTTONS.restore} class="secondary" disabled>{t('app.start.have')}</button>
      </p>
    </div>
  );
}
