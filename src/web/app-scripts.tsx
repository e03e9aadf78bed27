import type { Assets } from './assets.js';
import { APP_PRELOAD_ID } from './client/first-screen-ids.js';

// The scripts of the two private spaces and the webinar page, each with its integrity hash. The asker's page is made
// for a cheap phone on a slow line (issue 12 point 2): its first screen is in the HTML and needs
// only the first-screen script (client/asker-first-screen.ts); the app is preloaded beside it at
// low priority, so that the first screen's small files are not slowed by it on a thin line, and
// that script runs it (integrity included) as soon as the buttons answer.

export function AppScripts({ assets, script }: { assets: Assets; script: 'asker.js' | 'staff.js' | 'webinar.js' }) {
  if (script !== 'asker.js') {
    const one = assets.get(script);
    return <script src={one.path} integrity={one.integrity} defer></script>;
  }
  const first = assets.get('asker-first-screen.js');
  const app = assets.get('asker.js');
  return (
    <>
      <script src={first.path} integrity={first.integrity} defer></script>
      <link rel="preload" as="script" id={APP_PRELOAD_ID} href={app.path} integrity={app.integrity} fetchpriority="low" />
    </>
  );
}
