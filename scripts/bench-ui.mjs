#!/usr/bin/env node
// npm run bench:ui (part of npm run bench; not a test, nothing is asserted): the labeling loop in the real
// workbench. For each generated project (scripts/bench-ui-workspace.mjs) it starts code-server with the
// extension linked in, opens the labeling panel in headless Chromium (playwright-core, as the UI tests do)
// and measures, inside the webview (scripts/bench-ui-probe.mjs), from the key press (or button click) until
// the next item is on screen: item key (and for a submit the progress line) changed in the DOM, the editor
// updated, the image on screen (image projects: an <img> decoded; a canvas editor drew it loaded) and the next
// animation frame run.
//   Enter   a label hotkey, then Enter (a prelabel: Enter confirms and submits it)     x BENCH_UI_N (50)
//   Skip    the Skip button                                                           x BENCH_UI_N
//   Back    the Back button                                                           x BENCH_UI_N
//   floor   labeler/ping: a no-op request webview -> host -> webview, once after each action
//   open    Start Labeling, after a Dashboard was opened and closed in the same workbench: VS Code's webview
//           service worker is then registered in the browser profile, as after any earlier webview
//   reopen  after those actions: close the panel (its tab's close button) and Start Labeling again, timed as the open
//   cold    then a fresh code-server, browser profile and workbench, and Start Labeling as its first webview: VS Code's
//           pre/index.html first waits for its service worker (registration, then an update check: 0.2-2.6 s so far; BENCH_UI_COLD=0 skips it)
// Writes ui_next_p50/p95/max, ui_skip_p95, ui_back_p95, ui_open_ms, ui_open_cold_ms, ui_reopen_ms, ui_roundtrip_p95 per project
// ({name, project, n, value, unit}) into test-results/bench.json, merged with other entries, and prints the
// budgets of issue 9 (PASS/MISS) with the load average: they hold on a quiet 2-core machine only.
// Two more sections, each selectable alone:
//   mask-4000  (scripts/bench-ui-mask.mjs) issue 14: each of 20 items of 4,000 x 3,000 gets a mask painted with
//              the brush (real mouse moves), then Enter: ui_mask_submit_p50/p95/max (budget < 200 ms), and the
//              host's part of a submit split on the masks the run stored
//   dashboard  (scripts/bench-ui-dashboard.mjs) issue 13: Labeling: Show Dashboard on text-200k, BENCH_UI_DASH_N (7)
//              opens: ui_dashboard_paint_ms (median; budget < 300 ms, inside the webview's document from its
//              navigation start), ui_dashboard_paint_max, ui_dashboard_fcp_ms, ui_dashboard_open_ms (from the command)
//   BENCH_UI_TRACE=1                     also trace ten more Enters per project (test-results/bench-ui-trace-*.json)
//   BENCH_UI_ONLY=text-300,dashboard     run some sections;  BENCH_UI_THINK_MS (200) pause between actions
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, launchBrowser, makeRunDir, startCodeServer } from './lib.mjs';
import { prepareWorkspaces } from './bench-ui-workspace.mjs';
import { installProbe } from './bench-ui-probe.mjs';
import { Workbench } from '../test/ui/workbench.mjs';
import { benchDashboard } from './bench-ui-dashboard.mjs';
import { closeTab, paletteReady, warmWebview, workerWait } from './bench-ui-steps.mjs';
import { bigBrush, maskEditorReady, MASK_STROKES, paintMask, timeHostSubmit } from './bench-ui-mask.mjs';

const N = Number(process.env.BENCH_UI_N ?? 50);
const THINK = Number(process.env.BENCH_UI_THINK_MS ?? 200);
const DASH_N = Number(process.env.BENCH_UI_DASH_N ?? 7);
const TRACE = process.env.BENCH_UI_TRACE === '1';
const ONLY = process.env.BENCH_UI_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const t0 = Date.now();
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const pct = (xs, p) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '—');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (!existsSync(path.join(ROOT, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run node esbuild.mjs (npm run bench:ui builds first)');
const loadStart = load();
console.log(`UI benchmark: ${N} actions of each kind per project, ${THINK} ms between actions; ${os.cpus().length} cores, load average ${loadStart} (1/5/15 min)`);
console.log('Numbers taken while other work shares the machine are not final: budgets hold on a quiet machine only.');
console.log('Each figure is ms from the key press (Enter) or click (Skip, Back) until the next item is on screen (item key, and for Enter the');
console.log('progress line, changed in the DOM; image on screen: decoded, or drawn by a canvas editor; next animation frame run); open = choosing the project in Start Labeling until');
console.log('the first item shows (reopen: the same after closing the panel, in the same workbench). image-200k: 200,000 paths hard-linked to 256 distinct PNGs, so few distinct images are decoded.');
const runDir = makeRunDir();
const runId = path.basename(runDir).replace(/[^a-z0-9]+/gi, '-');
console.log('workspaces:');
// Sections: one per project, and `dashboard` (on text-200k's workspace).
const SECTIONS = ['text-300', 'text-200k', 'image-200k', 'detect-1000', 'mask-4000', 'dashboard'];
const unknown = ONLY?.filter((s) => !SECTIONS.includes(s));
if (unknown?.length) throw new Error(`BENCH_UI_ONLY: no section ${unknown.join(', ')} (sections: ${SECTIONS.join(', ')})`);
const wanted = (s) => !ONLY || ONLY.includes(s);
const workspaces = await prepareWorkspaces(runDir, path.join(ROOT, '.vscode-test/bench-ui'), console.log, SECTIONS.filter((s) => s !== 'dashboard' && (wanted(s) || (s === 'text-200k' && wanted('dashboard')))));
const projects = workspaces.filter((p) => wanted(p.name));

/** The inner frame of the labeling panel (VS Code nests two iframes). */
async function panelFrame(page) {
  for (let i = 0; i < 100; i++) {
    for (const outer of page.frames()) {
      for (const inner of outer.childFrames()) {
        if (await inner.evaluate(() => !!document.querySelector('lbl-labeler-app')).catch(() => false)) return inner;
      }
    }
    await sleep(100);
  }
  throw new Error('the labeling panel did not appear');
}

/** Start Labeling; ms from choosing the project (Enter) until the first item is on screen. */
async function openPanel(wb, p) {
  const { page } = wb;
  await paletteReady(wb, 'Labeling: Start Labeling');
  let start = Date.now();
  await page.keyboard.press('Enter');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: `Bench ${p.id}` }).first();
  const app = wb.webview().locator('lbl-labeler-app header .key').first();
  // The steps on the way, for the log (polled from here: a few ms late each; `start` moves on a pick).
  const at = (locator) => locator.waitFor({ timeout: 60000 }).then(() => Date.now() - start);
  const steps = { frame: at(page.locator('iframe.webview.ready')) };
  const which = await Promise.race([row.waitFor({ timeout: 60000 }).then(() => 'pick'), app.waitFor({ timeout: 60000 }).then(() => 'panel')]);
  if (which === 'pick') {
    await sleep(150);
    start = Date.now();
    await page.keyboard.press('Enter');
    await app.waitFor({ timeout: 60000 });
  }
  const polled = Date.now() - start;
  // Inside the panel's document (same machine clock): when it was created, when its bundle arrived, and
  // the panel's own marks of its first state (src/protocol/labeler.ts): drawn, then its image decoded.
  // Playwright polls a locator at growing intervals (20, 50, 100, 100, then every 500 ms), so the poll
  // sees the item up to 500 ms late: the open is taken from the marks when the build has them.
  const frame = await panelFrame(page);
  const marksOf = () => frame.evaluate(() => {
    const js = performance.getEntriesByType('resource').find((e) => /labeler\.js/.test(e.name));
    const m = (name) => (window.__lblTimings ?? []).filter((e) => e.mark === name && e.method === 'labeler/state')[0];
    const img = (e) => e && { start: e.startTime, end: e.responseEnd };
    const first = (window.__lblTimings ?? []).find((e) => e.method === 'labeler/state' && e.mark === 'receive');
    return { origin: performance.timeOrigin, jsStart: js?.startTime, jsEnd: js?.responseEnd, ready: m('ready')?.t, load: m('load')?.t, receive: first?.t, render: m('render')?.t, decoded: m('decoded')?.t, decodedOk: m('decoded')?.decoded,
      image: img(performance.getEntriesByType('resource').find((e) => /\.(png|jpe?g|webp|gif|bmp|tiff?)(\?|$)/i.test(e.name))) };
  });
  let inner = await marksOf();
  for (let i = 0; i < 50 && inner.render !== undefined && p.media === 'image' && inner.decoded === undefined; i++) {
    await sleep(100);
    inner = await marksOf();
  }
  const doc = Math.round(inner.origin - start);
  const rel = (t) => Math.round(doc + t);
  const js = inner.jsEnd === undefined ? '' : `, labeler.js fetched +${rel(inner.jsStart)}..+${rel(inner.jsEnd)} ms`;
  const drawn = inner.render === undefined ? undefined : p.media === 'image' && inner.decoded !== undefined ? inner.decoded : inner.render;
  // The workbench shows the panel's frame once its page loaded (or ~200 ms after it was written): no sooner.
  const ms = drawn === undefined ? polled : inner.origin + Math.max(drawn, inner.load ?? 0) - start;
  const marks = inner.render === undefined ? ', no panel marks in this build: the poll\'s time' : `, ready +${rel(inner.ready)}${inner.load !== undefined ? `, page loaded +${rel(inner.load)}` : ''}, state +${rel(inner.receive)}, item drawn +${rel(inner.render)}${inner.decoded !== undefined ? `, image decoded +${rel(inner.decoded)}${inner.decodedOk ? '' : ' (failed)'}` : ''}${inner.image ? ` (fetched +${rel(inner.image.start)}..+${rel(inner.image.end)})` : ''}`;
  const waited = await workerWait(page, () => !!document.querySelector('lbl-labeler-app'));
  const sw = waited === undefined ? '' : `, VS Code's wait for its webview service worker ${Math.round(waited)} ms`;
  return { ms: Math.round(ms), workerWaitMs: waited, detail: `${which === 'pick' ? 'from the project pick' : 'one project: from the command'}; webview frame ready +${await steps.frame} ms${sw}, panel document +${doc} ms${js}${marks}; the poll saw it +${polled} ms` };
}

/** Starts code-server and Chromium on `p`'s workspace, waits until its store is open, runs fn({ page, wb, browser, log }). */
async function withWorkbench(p, section, fn) {
  const log = (...a) => console.log(`  [${section} +${((Date.now() - t0) / 1000).toFixed(0)}s]`, ...a);
  const srv = await startCodeServer({
    runDir: path.join(runDir, `cs-${section}`), linkExtension: ROOT,
    settings: { 'labeling.labeler': `bench-${runId}`, 'workbench.colorTheme': 'Default Dark Modern' },
    env: { LABELING_TIMINGS: '1' }, // answers carry the host's durations (src/protocol/labeler.ts)
  });
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const tLoad = Date.now();
    await page.goto(`http://127.0.0.1:${srv.port}/?folder=${encodeURIComponent(p.dir)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    const wb = new Workbench(page, path.join(ROOT, 'test-results/screenshots'));
    await wb.openActivity('Data Labeling');
    // The store is open when the Projects row shows its progress (labeled/total).
    await wb.viewRows('Projects').filter({ hasText: `/${p.n.toLocaleString('en-US')}` }).first().waitFor({ timeout: 180000 });
    log(`workbench and store ready in ${((Date.now() - tLoad) / 1000).toFixed(1)} s`);
    await sleep(1500);
    return await fn({ page, wb, browser, log });
  } finally {
    await browser?.close().catch(() => {});
    await srv.stop();
  }
}

async function benchProject(p) {
  return withWorkbench(p, p.name, async ({ page, wb, browser, log }) => {
    // The timed open is the first labeling panel after VS Code's webview service worker is registered in
    // this browser profile (as after any earlier webview): a Dashboard opened and closed first.
    const warm = p.mask ? undefined : await warmWebview(wb, p);
    if (warm) log(`webview service worker registered: Dashboard opened in ${warm.ms} ms (VS Code's wait for its webview service worker ${warm.workerWaitMs === undefined ? '?' : Math.round(warm.workerWaitMs)} ms), then closed`);
    const { ms: openMs, detail, workerWaitMs: openWorkerWaitMs } = await openPanel(wb, p).catch(async (e) => {
      await wb.screenshot(`bench-ui-${p.name}-open-failed`);
      throw e;
    });
    log(`panel open: ${openMs} ms (${detail})`);
    const frame = await panelFrame(page);
    if (!(await frame.evaluate(installProbe))) throw new Error('probe: no lbl-labeler-app in the panel frame');
    if (!(await frame.evaluate(() => window.__benchUi.canPing))) throw new Error('probe: cannot reach the webview host frame to send labeler/ping');
    await frame.locator('lbl-labeler-app header h1').click();
    const image = p.media === 'image';
    const rows = { next: [], skip: [], back: [], ping: [], pingFull: [], keyPing: [] };
    const fails = [];
    const ping = async () => {
      const r = await frame.evaluate(() => window.__benchUi.ping());
      if (!r.ok) fails.push('ping: no answer from the host (or no labeler/ping handler)');
      rows.ping.push(r.ms);
      rows.pingFull.push(r);
    };
    for (let i = 0; i < 5; i++) await ping(); // warm-up, not counted
    rows.ping.length = 0;
    rows.pingFull.length = 0;
    // The floor again, sent from a keydown handler (F2: no key of the panel): what key handling adds.
    const keyPing = async () => {
      await frame.evaluate(() => void (window.__benchUi.pendingKeyPing = window.__benchUi.keyPing()));
      await page.keyboard.press('F2');
      const r = await frame.evaluate(() => window.__benchUi.pendingKeyPing);
      if (r.ok) rows.keyPing.push(r.ms);
    };
    const act = async (kind, doIt) => {
      await frame.evaluate((o) => window.__benchUi.arm(o), { progress: kind === 'next', image });
      await doIt();
      const r = await frame.evaluate(() => window.__benchUi.result);
      if (r.ok) rows[kind].push(r);
      else fails.push(`${kind}: ${r.why}`);
      await sleep(THINK / 2);
      await ping();
      if (kind === 'next') {
        await sleep(THINK / 4);
        await keyPing();
      }
      await sleep(THINK / 2);
    };
    const skipBtn = frame.locator('lbl-labeler-app vscode-button[aria-label="Skip this item"]');
    const backBtn = frame.locator('lbl-labeler-app vscode-button[aria-label="Back to my previous item"]');
    if (p.mask) {
      // Issue 14: paint each item's mask with the brush (real mouse moves), then Enter; the last item is left.
      await maskEditorReady(frame);
      const brush = await bigBrush(page, frame);
      const painted = [];
      const since = Date.now() - 1000;
      for (let i = 0; i < Math.min(p.n - 1, Number(process.env.BENCH_UI_MASK_N ?? p.n - 1)); i++) {
        await maskEditorReady(frame).catch(async (e) => {
          await wb.screenshot(`bench-ui-${p.name}-failed`);
          throw new Error(`item ${i + 1}: the mask editor did not get its image and raster (${fails.join('; ') || 'the submit before was timed'}): ${e.message.split('\n')[0]}`);
        });
        const m = await paintMask(page, frame, i);
        if (m) painted.push(m);
        if (i < 2) log(`item ${i + 1}: painted ${m ? `${(m.painted * 100).toFixed(0)}% of the image, ${m.runs} runs` : 'nothing (no raster?)'}`);
        await sleep(THINK);
        // BENCH_UI_TRACE=1: the 3rd and 4th submits under a Chromium trace (test-results/bench-ui-trace-mask-4000.json), not counted.
        const traced = TRACE && (i === 2 || i === 3);
        if (traced && i === 2) await browser.startTracing(page, { path: path.join(ROOT, 'test-results', `bench-ui-trace-${p.name}.json`), screenshots: false, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'gpu', 'viz', 'toplevel', 'v8.execute', 'disabled-by-default-devtools.timeline.frame'] });
        await act('next', () => page.keyboard.press('Enter'));
        const last = rows.next.at(-1);
        if (last) last.loaf = await frame.evaluate(() => window.__benchUi.loafOf());
        if (traced) {
          log(`traced submit ${i + 1}: ${f1(rows.next.pop()?.end)} ms (not counted)`);
          if (i === 3) await browser.stopTracing();
        }
      }
      await wb.screenshot(`bench-ui-${p.name}`);
      const host = await timeHostSubmit(p.dir, p.id, since);
      writeFileSync(path.join(ROOT, 'test-results', `bench-ui-samples-${p.name}.json`), JSON.stringify({ next: rows.next, ping: rows.pingFull, painted, host }));
      return { p, openMs, rows, fails, mask: { brush, painted, host } };
    }
    for (let i = 0; i < N; i++) {
      await act('next', async () => {
        await page.keyboard.press(String(1 + (i % 3)));
        await page.keyboard.press('Enter');
      });
    }
    if (TRACE) {
      // Ten more Enters under a Chromium trace (not counted): open it in chrome://tracing or Perfetto.
      const file = path.join(ROOT, 'test-results', `bench-ui-trace-${p.name}.json`);
      await browser.startTracing(page, { path: file, screenshots: false, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'gpu', 'toplevel', 'v8.execute'] });
      const drop = { next: [], skip: [], back: [], ping: [], pingFull: [], keyPing: [] };
      const saved = { ...rows };
      Object.assign(rows, drop);
      for (let i = 0; i < 10; i++) {
        await act('next', async () => {
          await page.keyboard.press(String(1 + (i % 3)));
          await page.keyboard.press('Enter');
        });
      }
      Object.assign(rows, saved);
      await browser.stopTracing();
      log(`trace of 10 Enters: ${path.relative(ROOT, file)}`);
    }
    for (let i = 0; i < N; i++) await act('skip', () => skipBtn.click());
    for (let i = 0; i < N; i++) await act('back', () => backBtn.click());
    await wb.screenshot(`bench-ui-${p.name}`);
    await closeTab(page, 'Label:');
    await sleep(1500);
    const { ms: reopenMs, detail: reopenDetail } = await openPanel(wb, p);
    log(`panel reopen: ${reopenMs} ms (${reopenDetail})`);
    // Every sample, for a look at the slow ones (not read by anything).
    writeFileSync(path.join(ROOT, 'test-results', `bench-ui-samples-${p.name}.json`), JSON.stringify({ next: rows.next, skip: rows.skip, back: rows.back, ping: rows.pingFull }));
    return { p, openMs, openWorkerWaitMs, reopenMs, rows, fails, warm };
  });
}

/** The first open in a fresh browser profile and workbench (no webview before it): ui_open_cold_ms. */
async function coldOpen(p) {
  return withWorkbench(p, `${p.name}-cold`, async ({ wb, log }) => {
    const r = await openPanel(wb, p);
    log(`cold panel open (fresh browser profile, no webview before): ${r.ms} ms (${r.detail})`);
    return r;
  });
}

/**
 * Where the time went, per action kind, from the probe's timestamps: the panel's own marks
 * (window.__lblTimings: key, send, reply, render) and the host's durations on each answer (`timings`,
 * with LABELING_TIMINGS=1) when the build has them (src/protocol/labeler.ts), else outside estimates.
 * One-way transport comes from labeler/ping: the host's Date.now() against the webview's clock (1 ms grain).
 */
function breakdown(r) {
  const pings = r.rows.pingFull.filter((x) => x.ok && Number.isFinite(x.hostAt));
  const up = pct(pings.map((x) => x.hostAt - (x.origin + x.t0)), 50);
  const down = pct(pings.map((x) => x.origin + x.t0 + x.ms - x.hostAt), 50);
  const floor = pct(r.rows.ping, 50);
  const keyFloor = r.rows.keyPing.length ? `; the same sent from a keydown handler p50 ${f1(pct(r.rows.keyPing, 50))} / p95 ${f1(pct(r.rows.keyPing, 95))}` : '';
  const lines = [`    where the time went (p50, ms from the key press or click; floor: ping p50 ${f1(floor)} = webview->host ~${f1(up)} + host->webview ~${f1(down)}${keyFloor}):`];
  for (const kind of ['next', 'skip', 'back']) {
    const rows = r.rows[kind];
    if (!rows.length) continue;
    const med = (f) => pct(rows.map(f).filter((x) => x !== undefined && Number.isFinite(x)), 50);
    const mark = (x, name) => x.lbl?.filter((e) => e.mark === name).pop();
    const label = { next: 'Enter', skip: 'Skip ', back: 'Back ' }[kind];
    const host = (x) => x.hostTimings ?? mark(x, 'reply')?.host;
    const hostNames = [...new Set(rows.flatMap((x) => Object.keys(host(x) ?? {})))].filter((k) => k !== 'recvAt' && k !== 'sentAt');
    const hasLbl = rows.some((x) => mark(x, 'send') && mark(x, 'reply'));
    let line = `      ${label} total ${f1(med((x) => x.end))}:`;
    if (hasLbl) {
      const rt = (x) => (mark(x, 'reply') && mark(x, 'send') ? mark(x, 'reply').t - mark(x, 'send').t : undefined);
      const hostTotal = (x) => host(x)?.total;
      line += ` webview until sent ${f1(med((x) => mark(x, 'send')?.t))}, sent->answer ${f1(med(rt))}`;
      if (hostNames.length) {
        const transport = med((x) => (rt(x) !== undefined && hostTotal(x) !== undefined ? rt(x) - hostTotal(x) : undefined));
        // Transport beyond the ping floor is time the message waited outside the handler (a busy host or webview).
        // The two directions, from the host's epoch stamps against the webview's clock (1 ms grain).
        const epoch = (x, m) => (mark(x, m) && x.origin !== undefined ? x.origin + x.t0 + mark(x, m).t : undefined);
        const upOf = (x) => (host(x)?.recvAt !== undefined && epoch(x, 'send') !== undefined ? host(x).recvAt - epoch(x, 'send') : undefined);
        const downOf = (x) => (host(x)?.sentAt !== undefined && epoch(x, 'reply') !== undefined ? epoch(x, 'reply') - host(x).sentAt : undefined);
        const split = rows.some((x) => upOf(x) !== undefined) ? ` = webview->host ${f1(med(upOf))} + host->webview ${f1(med(downOf))}` : '';
        line += ` (host ${hostNames.map((k) => `${k} ${f1(med((x) => host(x)?.[k]))}`).join(', ')}; transport both ways ${f1(transport)}${split}, ${f1(transport - floor)} over the floor)`;
      } else line += ' (no host timings: the extension host was not started with LABELING_TIMINGS=1?)';
      line += `, answer->drawn ${f1(med((x) => (mark(x, 'render') && mark(x, 'reply') ? mark(x, 'render').t - mark(x, 'reply').t : undefined)))}`;
    } else {
      line += ` answer +${f1(med((x) => x.resp))}, first notification +${f1(med((x) => x.note))} (${rows[0].noteMethod ?? 'none'}), host work ~${f1(med((x) => x.note) - floor)} (notification minus floor; no panel marks in this build)`;
    }
    const how = [...new Set(rows.map((x) => x.imgHow).filter(Boolean))].join('/');
    const calls = rows.filter((x) => x.decodeCall !== undefined).length;
    line += `; probe: item in DOM +${f1(med((x) => x.keyAt))}${kind === 'next' ? `, progress +${f1(med((x) => x.progressAt))}` : ''}, both +${f1(med((x) => x.dom))}, editor updated +${f1(med((x) => x.upd))}`;
    if (rows.some((x) => x.img !== undefined)) line += `, image ${how === 'drawn' ? 'drawn on the canvas' : how === 'decode' ? 'decoded' : how} +${f1(med((x) => x.img))}`;
    if (calls) line += ` (its decode() resolved +${f1(med((x) => x.decodeCall))} in ${calls} of ${rows.length}, not waited for)`;
    line += `, frame +${f1(med((x) => x.raf))}`;
    const kb = (b) => (b / 1024).toFixed(b < 10240 ? 1 : 0);
    line += `; host->webview: answer ${kb(med((x) => x.respBytes))} KB, notifications ${kb(med((x) => x.noteBytes))} KB (${f1(med((x) => x.notes))} per action)`;
    lines.push(line);
  }
  return lines.join('\n');
}

/**
 * The slowest actions of each kind, each split as breakdown() splits the median: the tail is where the
 * budgets are missed, and a median hides whether it sits in the host, the transport or the drawing.
 */
function slowest(r, n = 3) {
  const mark = (x, name) => x.lbl?.filter((e) => e.mark === name).pop();
  const lines = ['    slowest (ms: total = webview until sent + sent->answer [host total; transport = webview->host + host->webview] + answer->drawn + drawn->frame):'];
  for (const kind of ['next', 'skip', 'back']) {
    const rows = [...r.rows[kind]].sort((a, b) => b.end - a.end).slice(0, n);
    if (!rows.length) continue;
    const label = { next: 'Enter', skip: 'Skip ', back: 'Back ' }[kind];
    const parts = rows.map((x) => {
      const send = mark(x, 'send')?.t;
      const reply = mark(x, 'reply')?.t;
      const render = mark(x, 'render')?.t;
      const h = x.hostTimings ?? mark(x, 'reply')?.host;
      const host = h?.total;
      if (send === undefined || reply === undefined) return f1(x.end);
      const rt = reply - send;
      // The transport's two directions, from the host's epoch stamps against the webview's clock (1 ms grain).
      const epoch = (t) => (x.origin !== undefined ? x.origin + x.t0 + t : undefined);
      const up = h?.recvAt !== undefined && epoch(send) !== undefined ? h.recvAt - epoch(send) : undefined;
      const down = h?.sentAt !== undefined && epoch(reply) !== undefined ? epoch(reply) - h.sentAt : undefined;
      const transport = host === undefined ? '?' : up !== undefined && down !== undefined ? `${f1(rt - host)} = up ${f1(up)} + down ${f1(down)}` : f1(rt - host);
      return `${f1(x.end)} = ${f1(send)} + ${f1(rt)} [${host === undefined ? '?' : f1(host)}; ${transport}] + ${render === undefined ? '?' : f1(render - reply)} + ${render === undefined ? '?' : f1(x.end - render)}`;
    });
    lines.push(`      ${label} ${parts.join('  |  ')}`);
  }
  return lines.join('\n');
}

function mergeResults(results) {
  const file = path.join(ROOT, 'test-results/bench.json');
  mkdirSync(path.dirname(file), { recursive: true });
  let doc = { results: [] };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // absent or unreadable: start a new file
  }
  const mine = new Set(results.map((r) => `${r.name}\u0000${r.project}`));
  doc.results = [...(doc.results ?? []).filter((r) => !mine.has(`${r.name}\u0000${r.project}`)), ...results];
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(doc, null, 2) + '\n');
  renameSync(tmp, file);
  return file;
}

const results = [];
let misses = 0;
/** Prints a figure with its budget ([pass, text], or undefined: context) and adds it to bench.json. */
function figure(name, value, p, budget, note = '') {
  if (budget && !budget[0]) misses++;
  console.log(`  ${name.padEnd(22)} ${f1(value).padStart(8)} ms  ${budget ? `${budget[0] ? 'PASS' : 'MISS'} (${budget[1]})` : ''}${note}`);
  if (Number.isFinite(value)) results.push({ name, project: p.name, n: p.n, value: Number(value.toFixed(1)), unit: 'ms' });
}

function reportMask(r) {
  const { p, rows, mask } = r;
  const ms = rows.next.map((x) => x.end);
  const fig = { p50: pct(ms, 50), p95: pct(ms, 95), max: pct(ms, 100) };
  console.log(`  each submit: a mask of ${MASK_STROKES} brush strokes (brush ${mask.brush} px, real mouse moves) painted on the item, then Enter, timed until the next item is on screen; budget (issue 14): < 200 ms end to end`);
  figure('ui_mask_submit_p50', fig.p50, p, undefined);
  figure('ui_mask_submit_p95', fig.p95, p, [fig.p95 < 200, '< 200']);
  figure('ui_mask_submit_max', fig.max, p, [fig.max < 200, '< 200']);
  const runs = mask.painted.map((m) => m.runs);
  const share = mask.painted.map((m) => m.painted * 100);
  console.log(`  masks: ${mask.painted.length}, runs per mask p50 ${f1(pct(runs, 50))} (max ${f1(pct(runs, 100))}), painted ${f1(pct(share, 50))}% of the image (p50); panel open ${r.openMs} ms`);
  console.log(`  samples: submits ${rows.next.length}, ping ${rows.ping.length}${r.fails.length ? `; ${r.fails.length} failed: ${[...new Set(r.fails)].slice(0, 3).join('; ')}` : ''}`);
  console.log(breakdown(r).replace('      Enter total', '      Enter (webview until sent = encoding the runs) total'));
  const withLoaf = rows.next.filter((x) => Array.isArray(x.loaf) && x.loaf.length);
  if (!withLoaf.length) console.log('    long animation frames: none reported to the webview\'s document (it shares the workbench\'s renderer thread, and Chromium may not attribute them to the frame): BENCH_UI_TRACE=1 traces two submits');
  else {
    // Long animation frames in each submit: their script time (by function) and their rendering (style, layout, paint) after it.
    const sum = (xs) => xs.reduce((a, b) => a + b, 0);
    const per = withLoaf.map((x) => {
      const fns = {};
      for (const f of x.loaf) for (const sc of f.scripts) fns[sc.fn || sc.inv] = (fns[sc.fn || sc.inv] ?? 0) + sc.dur;
      return {
        n: x.loaf.length, total: sum(x.loaf.map((f) => f.dur)), script: sum(x.loaf.flatMap((f) => f.scripts.map((sc) => sc.dur))),
        render: sum(x.loaf.map((f) => (f.render !== undefined ? f.start + f.dur - f.render : 0))), fns,
        frames: x.loaf.map((f) => `${f0(f.start)}+${f0(f.dur)}${f.render !== undefined ? ` (render ${f0(f.start + f.dur - f.render)})` : ''}`).join(' '),
      };
    });
    const names = [...new Set(per.flatMap((x) => Object.keys(x.fns)))];
    const top = names.map((k) => [k, pct(per.map((x) => x.fns[k] ?? 0), 50)]).sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.log(`    long animation frames (> 50 ms) per submit, p50: ${f1(pct(per.map((x) => x.n), 50))} frames, ${f1(pct(per.map((x) => x.total), 50))} ms in them = scripts ${f1(pct(per.map((x) => x.script), 50))} + rendering after the scripts ${f1(pct(per.map((x) => x.render), 50))}; ` +
      `scripts by function: ${top.map(([k, v]) => `${k} ${f1(v)}`).join(', ')}; the median submit's frames (start+duration ms from Enter): ${per.map((x) => x.total).indexOf(pct(per.map((x) => x.total), 50)) >= 0 ? per[per.map((x) => x.total).indexOf(pct(per.map((x) => x.total), 50))].frames : ''}`);
  }
  const h = mask.host;
  console.log(`    the host's part (labeler/submit's "store" above = submittedMask + the journal append), split in this process on the ${h.n} masks just stored (p50 ms): ` +
    `JSON copy of the message ${f1(h.json)}, decode runs ${f1(h.decodeRuns)}, [pixel scans a submit no longer makes (its classes come from the runs): class check ${f1(h.check)}, present classes ${f1(h.classes)}], PNG encode ${f1(h.pngEncode)} (${f1(h.pngKB)} KB), sha256 ${f1(h.sha256)}, ` +
    `blob write (atomic, fsync) ${f1(h.write)}; submittedMask whole p50 ${f1(h.submittedMask)} / max ${f1(h.submittedMaskMax)}, then the store's submit (journal append, index) p50 ${f1(h.storeSubmit)} / max ${f1(h.storeSubmitMax)}`);
}

function reportDashboard(p, r) {
  const paint = r.opens.map((x) => x.paint);
  const fcp = r.opens.map((x) => x.fcp).filter(Number.isFinite);
  const open = r.opens.map((x) => x.open);
  console.log(`  paint: inside the dashboard's document, from its navigation start to the first section in the DOM and the next frame (fcp: its first-contentful-paint); budget (issue 13) < 300 ms applies to paint.`);
  console.log(`  open: from Enter on the command until that same moment, VS Code creating the webview included (not ours to control): for context, no budget.`);
  const med = (xs) => pct(xs, 50);
  figure('ui_dashboard_paint_ms', med(paint), p, [med(paint) < 300, '< 300, median'], `  max ${f1(pct(paint, 100))}`);
  figure('ui_dashboard_paint_max', pct(paint, 100), p, [pct(paint, 100) < 300, '< 300']);
  figure('ui_dashboard_fcp_ms', med(fcp), p, undefined, `  max ${f1(pct(fcp, 100))} (first-contentful-paint, beside paint)`);
  figure('ui_dashboard_open_ms', med(open), p, undefined, `  max ${f1(pct(open, 100))} (context: includes VS Code creating the webview)`);
  console.log(`  opens: ${r.opens.length}${r.fails.length ? `; ${r.fails.length} failed: ${[...new Set(r.fails)].slice(0, 3).join('; ')}` : ''}; per open (paint/fcp/open): ${r.opens.map((x) => `${f1(x.paint)}/${f1(x.fcp)}/${f1(x.open)}`).join(', ')}`);
  const m = (k) => f1(med(r.opens.map((x) => x[k]).filter(Number.isFinite)));
  console.log(`    where the time went (p50, ms on the dashboard document's clock, 0 = its navigation start): fake.html loaded ${m('fakeLoaded')}, our HTML written ${m('wrote')}, dashboard.js fetched ${m('jsStart')}..${m('jsEnd')}, ` +
    `app defined ${m('defined')}, first section in DOM ${m('section')}, next frame ${m('raf')}, done ${m('paint')}; the document began ${m('doc')} ms after Enter`);
}
for (const p of projects) {
  console.log(`\n== ${p.name}: ${p.n.toLocaleString('en-US')} items${p.boxes ? `, ${p.boxes} prelabel boxes per image` : ''} (load ${load()})`);
  let r;
  try {
    r = await benchProject(p);
  } catch (e) {
    console.log(`  FAILED: ${String(e?.stack ?? e).split('\n').slice(0, 4).join('\n    ')}`);
    misses++;
    continue;
  }
  const { rows } = r;
  const ms = (x) => x.end;
  if (r.mask) {
    reportMask(r);
    continue;
  }
  let cold;
  if (process.env.BENCH_UI_COLD !== '0') {
    cold = await coldOpen(p).catch((e) => {
      console.log(`  cold open FAILED: ${String(e?.message ?? e).split('\n')[0]}`);
      return undefined;
    });
  }
  const fig = {
    ui_next_p50: pct(rows.next.map(ms), 50), ui_next_p95: pct(rows.next.map(ms), 95), ui_next_max: pct(rows.next.map(ms), 100),
    ui_skip_p95: pct(rows.skip.map(ms), 95), ui_back_p95: pct(rows.back.map(ms), 95), ui_open_ms: r.openMs, ui_open_cold_ms: cold?.ms, ui_reopen_ms: r.reopenMs, ui_roundtrip_p95: pct(rows.ping, 95),
  };
  const budget = {
    ui_next_p50: undefined,
    ui_next_p95: [fig.ui_next_p95 < 50 && fig.ui_next_p95 - fig.ui_roundtrip_p95 <= 30, '< 50 and <= floor + 30'],
    ui_next_max: [fig.ui_next_max < 100, '< 100'],
    ui_skip_p95: [fig.ui_skip_p95 < 50, '< 50'],
    ui_back_p95: [fig.ui_back_p95 < 50, '< 50'],
    ui_open_ms: p.n >= 200_000 ? [fig.ui_open_ms < 1000, '< 1000 at 200,000 items'] : undefined,
    ui_open_cold_ms: undefined,
    ui_reopen_ms: p.n >= 200_000 ? [fig.ui_reopen_ms < 1000, '< 1000 at 200,000 items'] : undefined,
    ui_roundtrip_p95: undefined,
  };
  const ww = (x) => (x === undefined ? '?' : `${Math.round(x)} ms`);
  console.log(`  open: the first labeling panel once VS Code's webview service worker is registered in the browser profile (a Dashboard opened and closed before it, as any earlier webview would; VS Code's wait for the worker: ${ww(r.warm?.workerWaitMs)} in the Dashboard, ${ww(r.openWorkerWaitMs)} in the timed open). ` +
    `open_cold: the first webview of a fresh browser profile and workbench (BENCH_UI_COLD=0 skips it), which first waits in VS Code's pre/index.html (content/started -> content/workerReady, ${ww(cold?.workerWaitMs)} here) for that worker's registration and update check, ` +
    'before any of the extension\'s code runs: once per browser profile (0.2-2.6 s in the runs so far). reopen: the panel closed and opened again in the same workbench.');
  for (const [name, value] of Object.entries(fig)) {
    const b = budget[name];
    if (b && !b[0]) misses++;
    console.log(`  ${name.padEnd(17)} ${f1(value).padStart(8)} ms  ${b ? `${b[0] ? 'PASS' : 'MISS'} (${b[1]})` : ''}`);
    if (Number.isFinite(value)) results.push({ name, project: p.name, n: p.n, value: Number(value.toFixed(1)), unit: 'ms' });
  }
  const noImage = [...rows.next, ...rows.skip, ...rows.back].filter((x) => x.noImage).length;
  if (noImage) console.log(`  WARNING: ${noImage} actions found no image element to wait for (the editor changed?): their figures exclude the decode`);
  console.log(`  samples: next ${rows.next.length}, skip ${rows.skip.length}, back ${rows.back.length}, ping ${rows.ping.length}${r.fails.length ? `; ${r.fails.length} failed: ${[...new Set(r.fails)].slice(0, 3).join('; ')}` : ''}`);
  console.log(breakdown(r));
  console.log(slowest(r));
}
if (wanted('dashboard')) {
  const p = workspaces.find((w) => w.name === 'text-200k');
  console.log(`\n== dashboard: Labeling: Show Dashboard on ${p.name} (${p.n.toLocaleString('en-US')} items), ${DASH_N} opens (load ${load()})`);
  try {
    const r = await withWorkbench(p, 'dashboard', ({ page, wb, log }) => benchDashboard({ page, wb, p, log, n: DASH_N }));
    reportDashboard(p, r);
  } catch (e) {
    console.log(`  FAILED: ${String(e?.stack ?? e).split('\n').slice(0, 4).join('\n    ')}`);
    misses++;
  }
}
const file = mergeResults(results);
const loadEnd = load();
console.log(`\nload average at start ${loadStart}, at end ${loadEnd} (1/5/15 min, ${os.cpus().length} cores)${Number(loadEnd.split(' ')[0]) > 0.5 || Number(loadStart.split(' ')[0]) > 0.5 ? ': the machine was busy, these numbers are not final' : ''}`);
console.log(`wrote ${path.relative(ROOT, file)} (${results.length} ui entries); ${misses} budget misses; total ${((Date.now() - t0) / 1000).toFixed(0)} s; logs in ${path.relative(ROOT, runDir)}`);
