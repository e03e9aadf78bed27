import { config } from 'zod';

// Imported first by each app. zod compiles fast parsers with `new Function` unless told not to,
// and merely probing for it is reported as a violation of our CSP (no 'unsafe-eval').
config({ jitless: true });
