import { defineConfig } from 'vitest/config';

// Browser tests (issue 4): Debian's Chromium driven by playwright-core. `npm run test:browser`;
// .ci/run installs chromium with apt-get first.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
