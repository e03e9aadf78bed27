/** Where quick exit goes: a neutral, common site. Keep in step with layout.tsx's link. */
export const QUICK_EXIT_TARGET = 'https://www.google.com/';
