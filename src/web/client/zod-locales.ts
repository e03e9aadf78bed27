// Stands in for zod's index of ~50 locales in the browser bundles (assets.ts redirects it
// here): the apps never show zod's messages, and the full index is a third of a bundle.
export { default as en } from 'zod/v4/locales/en.js';
