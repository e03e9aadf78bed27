// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'db/migrations/', 'coverage/', 'dist/', 'src/web/static/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // noUncheckedIndexedAccess makes `!` the honest way to say "this index exists".
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Configuration is parsed once, by zod, in src/config.ts (STYLE.md): nowhere else reads the environment.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration from src/config.ts.' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/config.ts', 'drizzle.config.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The SDK and the protocol run in the browser too: no Node-only modules there.
    files: ['src/client/**', 'src/protocol/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'crypto', 'os', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*', 'hono', 'hono/*'], message: 'src/client and src/protocol must run in the browser.' }] }],
    },
  },
  {
    // The independent implementation (issue 10 point 9) is written from PROTOCOL.md alone: a
    // shared helper or libsodium would let it share a mistake with the SDK it checks.
    files: ['test/interop/independent/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/src/**', 'libsodium*', '../*'], message: 'The independent implementation imports only @noble/* and its own files.' }] }],
    },
  },
  {
    files: ['scripts/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests start child processes (the CLI) with an environment of their own.
    files: ['test/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
