#!/usr/bin/env node
// UI tests: Playwright (playwright-core + Debian chromium) drives a real VS Code workbench (code-server) with the
// extension installed by linking the project into a fresh --extensions-dir. Each test/ui/*.ui.mjs exports
// `tests = [{ name, run(workbench, ctx) }]`; each test gets a fresh server, browser and workspace.
// Screenshots go to test-results/screenshots/; counts to test-results/ui.json.
//   UI_GREP=<text>[|<text>...] runs only the tests whose name contains one of them.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, launchBrowser, makeRunDir, startCodeServer } from './lib.mjs';
import { makeWorkspace } from './make-workspace.mjs';
import { Workbench } from '../test/ui/workbench.mjs';

const t0 = Date.now();
const step = (...a) => console.log(`[ui +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const shotDir = path.join(ROOT, 'test-results/screenshots');
mkdirSync(shotDir, { recursive: true });

const files = readdirSync(path.join(ROOT, 'test/ui')).filter((f) => f.endsWith('.ui.mjs')).sort();
const all = [];
for (const f of files) {
  const mod = await import(pathToFileURL(path.join(ROOT, 'test/ui', f)).href);
  for (const t of mod.tests) all.push({ ...t, file: f });
}
const greps = process.env.UI_GREP?.split('|').filter(Boolean);
const selected = all.filter((t) => !greps?.length || greps.some((g) => t.name.includes(g)));
let passes = 0;
let failures = 0;
for (const t of selected) {
  const runDir = makeRunDir();
  const workspace = path.join(runDir, 'workspace');
  makeWorkspace(workspace, { reviews: 10, digits: 2, sheets: 3, quiet: true, ...(t.workspace ?? {}) });
  const srv = await startCodeServer({ runDir, linkExtension: ROOT, settings: { 'workbench.colorTheme': t.theme ?? 'Default Dark Modern' } });
  let browser;
  let page;
  const started = Date.now();
  try {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(`http://127.0.0.1:${srv.port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    const wb = new Workbench(page, shotDir);
    await t.run(wb, { workspace, runDir });
    wb.assertNoCspViolations();
    passes++;
    console.log(`  ✔ ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failures++;
    console.log(`  ✘ ${t.name}\n${String(e?.stack ?? e).replace(/^/gm, '      ')}`);
    const safe = t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    if (page) await page.screenshot({ path: path.join(shotDir, `FAILED-${safe}.png`) }).catch(() => {});
    console.log(`      logs: ${runDir}`);
  } finally {
    await browser?.close().catch(() => {});
    await srv.stop();
  }
}
writeFileSync(path.join(ROOT, 'test-results/ui.json'), JSON.stringify({ passes, failures }));
step(`screenshots in ${path.relative(ROOT, shotDir)}/`);
console.log(`ui: ${passes} passed, ${failures} failed`);
process.exit(failures || !passes ? 1 : 0);
