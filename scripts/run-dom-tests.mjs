// Runs the webview component tests (webview/**/*.dom.test.ts) in headless Chromium.
//   node scripts/run-dom-tests.mjs [filter]   (filter: substring of the test file paths)
// Bundles the tests with esbuild (browser, esm) into a temp folder next to mocha's browser build,
// serves it on 127.0.0.1 (random port), runs mocha in Debian's Chromium through playwright-core,
// prints spec-style output, a line `dom: N passed, N failed`, writes test-results/dom.json and exits
// non-zero on any failure or when no test ran.
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { glob } from 'tinyglobby';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.ttf': 'font/ttf', '.png': 'image/png' };

/** Serves `dir` on 127.0.0.1 at a random port; resolves to { server, url }. */
export function serveDir(dir) {
  const server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(dir, rel);
    if (!file.startsWith(path.resolve(dir))) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

// The page's CSP is as strict as the webviews' (src/host/panels/webviewHtml.ts): no inline-style allowance,
// so a template's style= attribute or a third-party component setting inline styles is a violation. Every
// `securitypolicyviolation` is recorded with the test that was running and counts as a failure.
const NONCE = 'domtests';
export const PAGE_CSP = [
  "default-src 'none'",
  "img-src 'self' data: blob:",
  "connect-src 'self' data:", // as the webviews' (a held image's file fetched for its bitmap: webview/labeler/prefetch.ts)
  `style-src 'self' 'nonce-${NONCE}'`,
  "font-src 'self'",
  `script-src 'self' 'nonce-${NONCE}'`,
].join('; ');

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>dom tests</title><link rel="icon" href="data:,">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="codicon.css">
<style nonce="${NONCE}">body{margin:0;width:1200px;height:800px;background:#1e1e1e;color:#ccc}</style>
<script src="mocha.js"></script>
<script nonce="${NONCE}">
  window.__cspViolations = [];
  window.__currentTest = '(before any test)';
  document.addEventListener('securitypolicyviolation', (e) => {
    const t = e.composedPath()[0] || e.target; // the element inside a shadow root, not its host
    const where = t && t.nodeType === 1 ? '<' + t.localName + (t.id ? '#' + t.id : '') + (t.className && typeof t.className === 'string' ? '.' + t.className.trim().split(/\\s+/).join('.') : '') + '>' : String(e.sourceFile || 'document');
    window.__cspViolations.push({ test: window.__currentTest, directive: e.effectiveDirective, blocked: e.blockedURI || 'inline', where, sample: e.sample || '' });
  });
  mocha.setup({ ui: 'bdd', reporter: function (runner) {
    let depth = 0;
    const out = (s) => console.log('[mocha] ' + '  '.repeat(depth) + s);
    runner.on('test', (t) => { window.__currentTest = t.fullTitle(); });
    runner.on('suite', (s) => { if (s.title) { out(s.title); depth++; } });
    runner.on('suite end', (s) => { if (s.title) depth--; });
    runner.on('pass', (t) => out('  \\u2714 ' + t.title));
    runner.on('fail', (t, err) => { out('  \\u2716 ' + t.title); out('      ' + String(err && (err.stack || err.message)).split('\\n').slice(0, 6).join('\\n      ')); });
    runner.on('end', () => { window.__domResult = { passes: runner.stats.passes, failures: runner.stats.failures, tests: runner.stats.tests }; });
  }, timeout: 10000 });
</script>
<script type="module" src="tests.js"></script>
<script type="module" nonce="${NONCE}">mocha.run();</script>
</head><body></body></html>`;

async function main() {
  const filter = process.argv[2];
  const files = (await glob('webview/**/*.dom.test.ts')).sort().filter((f) => !filter || f.includes(filter));
  if (!files.length) {
    console.error('dom: no test files found');
    process.exit(1);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'lbl-dom-'));
  writeFileSync(path.join(dir, 'entry.ts'), files.map((f) => `import ${JSON.stringify(path.resolve(f))};`).join('\n'));
  await esbuild.build({
    entryPoints: [path.join(dir, 'entry.ts')],
    outfile: path.join(dir, 'tests.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    tsconfig: 'webview/tsconfig.json',
    logLevel: 'warning',
  });
  copyFileSync('node_modules/mocha/mocha.js', path.join(dir, 'mocha.js'));
  copyFileSync('node_modules/@vscode/codicons/dist/codicon.css', path.join(dir, 'codicon.css'));
  copyFileSync('node_modules/@vscode/codicons/dist/codicon.ttf', path.join(dir, 'codicon.ttf'));
  writeFileSync(path.join(dir, 'index.html'), PAGE);

  const { server, url } = await serveDir(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  let result = { passes: 0, failures: 1, tests: 0 };
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('console', (m) => {
      const t = m.text();
      if (t.startsWith('[mocha] ')) console.log(t.slice(8));
      else if (m.type() === 'error') console.error(`[browser] ${t}`);
    });
    page.on('pageerror', (e) => console.error(`[browser] uncaught: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => window.__domResult !== undefined, undefined, { timeout: 120000 });
    result = await page.evaluate(() => window.__domResult);
    await page.waitForTimeout(50); // violation events are queued tasks: let the last ones arrive
    const violations = await page.evaluate(() => window.__cspViolations);
    for (const v of violations) {
      console.error(`dom: CSP violation (${v.directive}, ${v.blocked}) on ${v.where} ${v.sample ? `"${v.sample}" ` : ''}during "${v.test}"`);
    }
    result = { ...result, failures: result.failures + violations.length };
  } catch (e) {
    console.error(`dom: the test page did not finish: ${e.message}`);
  } finally {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`dom: ${result.passes} passed, ${result.failures} failed`);
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/dom.json.tmp', JSON.stringify({ passes: result.passes, failures: result.failures }, null, 2) + '\n');
  renameSync('test-results/dom.json.tmp', 'test-results/dom.json');
  process.exit(result.failures > 0 || result.tests === 0 ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
