// Boundaries from docs/conventions: core is pure, webview is browser-only, only host imports 'vscode'.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: "Only src/host may import 'vscode'." };
export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', 'sample-workspace/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [
          { group: ['**/host/**', '**/host', '**/webview/**', '**/cli/**'], message: 'src/core is pure: no host, webview or CLI code.' },
          { group: ['lit', 'lit/*', '@vscode-elements/*'], message: 'src/core has no DOM.' },
        ],
      }],
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [{ group: ['**/host/**', '**/webview/**', '**/cli/**'], message: 'protocol is shared by host and webview.' }],
      }],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [{ group: ['**/host/**', '**/webview/**'], message: 'the CLI runs on core alone.' }],
      }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [
          { group: ['**/src/host/**', '**/src/cli/**'], message: 'webview code runs in the browser: no host or CLI code.' },
          { group: ['**/src/core/*', '!**/src/core/model', '!**/src/core/geometry', '!**/src/core/geometry/*', '!**/src/core/spans', '!**/src/core/spans/*', '!**/src/core/jobs', '**/src/core/jobs/*', '!**/src/core/jobs/duration'],
            message: 'webview may use only core model, geometry and span modules (and how a job duration reads).' },
          { group: ['node:*', 'fs', 'path', 'child_process'], message: 'webview code runs in the browser.' },
        ],
      }],
    },
  },
  {
    files: ['scripts/**/*.{mjs,cjs}', 'test/ui/**/*.mjs', 'esbuild.mjs', 'eslint.config.mjs'],
    // Playwright's page.evaluate() callbacks in these scripts run in the browser.
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { 'no-redeclare': ['error', { builtinGlobals: false }] },
  },
  {
    files: ['scripts/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
