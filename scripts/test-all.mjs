#!/usr/bin/env node
// `npm test`: every level of tests, then one closing line `N passed, N failed`.
//   static   typecheck (node + webview tsconfigs) and eslint (boundaries) - one test each
//   unit     mocha in Node over src/**/*.test.ts
//   dom      Lit components in headless Debian Chromium (scripts/run-dom-tests.mjs)
//   ext      mocha inside a real VS Code extension host (code-server) (scripts/run-ext-tests.mjs)
//   ui       Playwright driving the real VS Code workbench (scripts/ui-test.mjs)
// On a fresh clone it first runs `npm install` (scripts/ensure-deps.mjs; only node: builtins are imported here),
// and the first run of ext/ui installs the harness (apt packages, Node 24, code-server) through
// scripts/setup-vscode-test.sh, once per machine (later clones link the cached copy).
// LEVELS=unit,dom runs a subset.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'test-results');
mkdirSync(RESULTS, { recursive: true });
const levels = (process.env.LEVELS ?? 'static,unit,dom,ext,ui').split(',');
const t0 = Date.now();
ensureDeps('test');
const totals = { passed: 0, failed: 0 };
const rows = [];

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}
function banner(s) {
  const at = `[+${((Date.now() - t0) / 1000).toFixed(0)}s]`;
  console.log(`\n=== ${s} ${'='.repeat(Math.max(0, 70 - s.length - at.length))} ${at}`);
}
function record(level, passed, failed, note = '') {
  totals.passed += passed;
  totals.failed += failed;
  rows.push(`${level.padEnd(7)} ${String(passed).padStart(4)} passed, ${String(failed).padStart(3)} failed ${note}`);
}
/** Runs a level whose runner writes {passes, failures} to `file`. A runner that wrote nothing counts as 1 failure. */
function counted(level, file, cmd, args, env = {}) {
  rmSync(file, { force: true });
  const code = run(cmd, args, env);
  if (!existsSync(file)) return record(level, 0, 1, `(runner exited ${code} without results)`);
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const failed = Math.max(0, r.failures) + (code !== 0 && r.failures === 0 ? 1 : 0);
  record(level, r.passes, failed, code !== 0 && r.failures === 0 ? `(runner exited ${code})` : '');
}

if (levels.some((l) => l === 'ext' || l === 'ui')) {
  banner('setup: test harness (apt packages, Node 24, code-server)');
  if (run('bash', ['scripts/setup-vscode-test.sh']) !== 0) {
    console.error('Could not set up the VS Code test harness (see above).');
    record('setup', 0, 1);
  }
}
banner('build');
if (run('node', ['esbuild.mjs']) !== 0) record('build', 0, 1);

if (levels.includes('static')) {
  banner('static: typecheck');
  const tc = run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) || run('npx', ['tsc', '-p', 'webview/tsconfig.json', '--noEmit']);
  banner('static: lint');
  const lint = run('npx', ['eslint', '--max-warnings', '0', 'src', 'webview', 'test', 'scripts', 'esbuild.mjs']);
  record('static', (tc === 0) + (lint === 0), (tc !== 0) + (lint !== 0), `(typecheck ${tc === 0 ? 'ok' : 'FAILED'}, lint ${lint === 0 ? 'ok' : 'FAILED'})`);
}
if (levels.includes('unit')) {
  banner('unit: mocha in Node');
  const f = path.join(RESULTS, 'unit.json');
  counted('unit', f, 'npx', ['mocha', '--reporter', path.join(ROOT, 'scripts/mocha-reporter.cjs')], { MOCHA_RESULT_FILE: f });
}
if (levels.includes('dom')) {
  banner('dom: components in headless Chromium');
  counted('dom', path.join(RESULTS, 'dom.json'), 'node', ['scripts/run-dom-tests.mjs']);
}
if (levels.includes('ext')) {
  banner('ext: mocha inside the VS Code extension host');
  counted('ext', path.join(RESULTS, 'ext.json'), 'node', ['scripts/run-ext-tests.mjs']);
}
if (levels.includes('ui')) {
  banner('ui: Playwright in the VS Code workbench');
  counted('ui', path.join(RESULTS, 'ui.json'), 'node', ['scripts/ui-test.mjs']);
}

banner(`summary (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
for (const r of rows) console.log(r);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
