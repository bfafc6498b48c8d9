#!/usr/bin/env node
// Runs the integration tests (test/integration/*.test.ts, built to dist/test/integration) INSIDE a real VS Code
// extension host, offline, and writes {passes, failures} to test-results/ext.json.
//
// Where a desktop VS Code can be had (VSCODE_EXECUTABLE=/path/to/code, or VSCODE_TEST_DOWNLOAD=1 with internet),
// @vscode/test-electron runs them.
// Otherwise (this machine: no internet, no Electron) code-server serves VS Code for the browser and headless
// Chromium opens it with extensionDevelopmentPath/extensionTestsPath in the URL payload; the server needs
// `--vscode-option enable-smoke-test-driver` for a built workbench to honour that payload (see
// ../shared/reference/vscode-e2e/README.md). When run() settles the workbench calls codeAutomationExit(code).
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, launchBrowser, makeRunDir, startCodeServer } from './lib.mjs';
import { makeWorkspace } from './make-workspace.mjs';

const t0 = Date.now();
const log = (...a) => console.error(`[ext-tests +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const TIMEOUT = Number(process.env.EXT_TEST_TIMEOUT_MS ?? 300000);
const RESULT = path.join(ROOT, 'test-results/ext.json');
mkdirSync(path.dirname(RESULT), { recursive: true });

const testsPath = path.join(ROOT, 'dist/test/integration/index.js');
if (!existsSync(testsPath)) {
  log(`${testsPath} is missing: run node esbuild.mjs`);
  process.exit(2);
}
const runDir = makeRunDir();
const workspace = path.join(runDir, 'workspace');
makeWorkspace(workspace, { reviews: 10, digits: 2, sheets: 3 });
const resultFile = path.join(runDir, 'mocha-result.json');

let exitCode;
if (process.env.VSCODE_EXECUTABLE || process.env.VSCODE_TEST_DOWNLOAD) {
  // Desktop VS Code: a given executable, or (with internet) the build @vscode/test-electron downloads.
  const { runTests } = await import('@vscode/test-electron');
  exitCode = await runTests({
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : {}),
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: testsPath,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { EXT_TEST_RESULT_FILE: resultFile },
  }).catch((e) => (log(e), 1));
} else {
  exitCode = await runInCodeServer();
}

async function runInCodeServer() {
  const workbenchLog = path.join(runDir, 'workbench.log');
  const srv = await startCodeServer({ runDir, env: { EXT_TEST_RESULT_FILE: resultFile }, extraArgs: ['--vscode-option', 'enable-smoke-test-driver'] }).catch((e) => {
    log(e.message);
    return undefined;
  });
  if (!srv) return 2;
  log(`code-server up on 127.0.0.1:${srv.port}; logs in ${runDir}`);
  const authority = `127.0.0.1:${srv.port}`;
  const remote = (p) => `vscode-remote://${authority}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['extensionTestsPath', remote(testsPath)],
  ];
  const url = `http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage();
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = `[${type}] ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}\n`;
      appendFileSync(workbenchLog, line);
      if (process.env.VERBOSE) process.stderr.write(line);
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    await page.goto(url);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), TIMEOUT))]);
    if (code === 'timeout') {
      log(`TIMEOUT after ${TIMEOUT} ms`);
      return 3;
    }
    log(`extension host exited with code ${code}`);
    return code;
  } catch (e) {
    log('harness error:', e);
    return 5;
  } finally {
    await browser?.close().catch(() => {});
    await srv.stop();
  }
}

if (existsSync(resultFile)) {
  const r = JSON.parse(readFileSync(resultFile, 'utf8'));
  process.stdout.write(r.output);
  if (r.failures !== 0 && exitCode === 0) exitCode = 1;
  writeFileSync(RESULT, JSON.stringify({ passes: r.passes, failures: Math.max(r.failures, 0) }));
  console.log(`ext: ${r.passes} passed, ${Math.max(r.failures, 0)} failed`);
} else {
  log(`no mocha result was written (tests did not run?): see ${runDir}`);
  if (!exitCode) exitCode = 4;
}
log(`done in ${((Date.now() - t0) / 1000).toFixed(1)}s, exit ${exitCode}`);
process.exit(exitCode);
