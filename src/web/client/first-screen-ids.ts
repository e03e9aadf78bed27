// The ids the asker's first screen shares between the server-rendered page (pages/asker-first-screen.tsx,
// web/app-scripts.tsx), its small script (asker-first-screen.ts) and the app that replaces it (asker.tsx's Start).

/** The buttons of the first screen, by the tap each stands for. */
export const FIRST_SCREEN_BUTTONS = { new: 'new-code', restore: 'have-code' } as const;
export type FirstTap = keyof typeof FIRST_SCREEN_BUTTONS;

/** The `<link rel="preload">` of the app's script: the first screen's script runs it from there. */
export const APP_PRELOAD_ID = 'asker-app';
