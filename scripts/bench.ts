/**
 * npm run bench: the project store at 10k, 100k and 1M items (BENCH_MAX_N caps the largest) with
 * 3 labelers, next to this machine's raw JSON.parse and disk-write speed measured in the same run.
 * Writes test-results/bench.json ({"results":[{name, n, value, unit}]}, merged with other entries).
 * Not a test: nothing here is asserted.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { constants } from 'node:perf_hooks';
import * as path from 'node:path';
import { createProject } from '../src/core/project/create';
import { loadProject } from '../src/core/project/load';
import { loadSqlJs } from '../src/core/store/db';
import { buildIndex } from '../src/core/store/loader';
import { ProjectStore } from '../src/core/store/project-store';
import { indexDefHash, saveSnapshot, SNAPSHOT_FORMAT } from '../src/core/store/snapshot';
import { listJournalFiles } from '../src/core/journal/files';
import { recheckMark, type FileMark } from '../src/core/journal/marks';
import { SCHEMA_VERSION } from '../src/core/store/schema';
import { computeAgreement } from '../src/core/stats/compute';
import { reviewStats } from '../src/cli/commands/stats';
import { dashboardModel } from '../src/core/stats/dashboard';
import { REVIEW_ASSETS, reviewReadsOf, type ReviewFilter } from '../src/core/store/review-reads';
import { gcLog } from './bench-data';

/**
 * Set by scripts/build-bench.mjs (esbuild `define`) to the bundle's path when this runs as dist/bench/bench.js
 * (npm run bench:store); undefined under tsx (npm run bench:store:tsx).
 */
declare const BENCH_BUNDLE: string | undefined;
const BUNDLE = typeof BENCH_BUNDLE === 'string' ? BENCH_BUNDLE : undefined;
/** The repository: this file is scripts/bench.ts under tsx, dist/bench/bench.js bundled. */
const ROOT = path.resolve(__dirname, BUNDLE ? '../..' : '..');
const WASM = path.join(ROOT, 'node_modules/sql.js/dist/sql-wasm.wasm');
/**
 * The worker the extension ships (dist/worker.js): builds scan data sources in it, as the extension's do.
 * Bundled by build-bench.mjs beside the bench (dist/bench/worker.js), or for this run by run() under tsx.
 */
let WORKER = '';
const MAX_N = Number(process.env.BENCH_MAX_N ?? 1_000_000);
const SIZES = [10_000, 100_000, 1_000_000].filter((n) => n <= MAX_N);
const LABELS = ['pos', 'neg', 'neutral'];
const LABELERS = ['ann', 'bob', 'cat'];

interface Result {
  name: string;
  n: number;
  value: number;
  unit: string;
}
const results: Result[] = [];
function record(name: string, n: number, value: number, unit: string): void {
  const v = Number(value.toPrecision(4));
  results.push({ name, n, value: v, unit });
  console.log(`  ${name.padEnd(18)} n=${String(n).padEnd(8)} ${String(v).padStart(12)} ${unit}`);
}

const now = (): number => performance.now();
function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const rssMb = (): number => process.resourceUsage().maxRSS / 1024;
const gcWithin = gcLog();
/** The collections from here to the call of the function returned, as text. */
function gcSince(): () => Promise<string> {
  const from = now();
  return async () => {
    const by = await gcWithin(from, now());
    const sum = (kinds: number[]): string => kinds.reduce((a, k) => a + (by.get(k)?.ms ?? 0), 0).toFixed(0);
    const count = [...by.values()].reduce((a, k) => a + k.n, 0);
    return `${sum([...by.keys()])} ms in ${count} collections (${sum([constants.NODE_PERFORMANCE_GC_MAJOR])} ms of it mark-compact)`;
  };
}

/** Writes data/items.csv with n rows, in chunks. */
function writeCsv(root: string, n: number): void {
  fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  const fd = fs.openSync(path.join(root, 'data/items.csv'), 'w');
  fs.writeSync(fd, 'id,text\n');
  for (let i = 0; i < n; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(n, i + 10_000); j++) chunk += `i${j},"Review number ${j}: the product was fine, shipping slow."\n`;
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
}

/**
 * Journals of 3 labelers: ann and bob label every item, cat 90% of them (about 2.9 annotations per
 * item); the last 10% stay incomplete so the queue has work for the benchmark labeler.
 */
function writeJournals(root: string, id: string, n: number): number {
  let events = 0;
  LABELERS.forEach((by, li) => {
    const dir = path.join(root, '.labeling', id, 'journal', by);
    fs.mkdirSync(dir, { recursive: true });
    const fd = fs.openSync(path.join(dir, 'laptop.jsonl'), 'w');
    const count = li === 2 ? Math.floor(n * 0.9) : n;
    const base = Date.UTC(2026, 10, 1) + li * 1000;
    for (let i = 0; i < count; i += 10_000) {
      let chunk = '';
      for (let j = i; j < Math.min(count, i + 10_000); j++) {
        const at = new Date(base + j * 3000).toISOString();
        const label = LABELS[(j + (j % 7 === 0 ? li : 0)) % 3];
        chunk += `{"v":1,"at":"${at}","by":"${by}","dev":"laptop","seq":${j + 1},"type":"submit","item":"data/items.csv#i${j}","ann":{"kind":"classes","labels":["${label}"]}}\n`;
      }
      fs.writeSync(fd, chunk);
    }
    fs.closeSync(fd);
    events += count;
  });
  return events;
}

/** Raw limits of this machine, measured in the same run. */
/**
 * JSON.parse of every line of the first journal, in lines/s: the raw rate the ingest and rebuild budgets are
 * ratios of. Recorded before the rebuild (json_parse_raw) and again at the end of the size's run
 * (json_parse_raw_end, after the peak RSS is read): the machine's speed drifts during a run, and the two
 * samples say by how much.
 */
function parseRate(root: string, id: string, name: string): void {
  const file = listJournalFiles(root, id)[0]!.abs;
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const t0 = now();
  let sink = 0;
  for (const l of lines) sink += (JSON.parse(l) as { seq: number }).seq;
  const secs = (now() - t0) / 1000;
  if (sink < 0) console.log(sink);
  record(name, lines.length, lines.length / secs, 'lines/s');
}

function rawLimits(root: string, id: string): void {
  parseRate(root, id, 'json_parse_raw');
  const buf = Buffer.alloc(4 * 1024 * 1024, 120);
  const target = path.join(root, 'disk-write.bin');
  const fd = fs.openSync(target, 'w');
  const total = 256;
  const t1 = now();
  for (let i = 0; i < total / 4; i++) fs.writeSync(fd, buf);
  fs.fsyncSync(fd);
  const wsecs = (now() - t1) / 1000;
  fs.closeSync(fd);
  fs.rmSync(target);
  record('disk_write_raw', total, total / wsecs, 'MB/s');
  // What a durable append costs at the OS level: a 200-byte write + fdatasync on a kept-open fd.
  const line = Buffer.alloc(200, 120);
  const afd = fs.openSync(target, 'a');
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = now();
    fs.writeSync(afd, line);
    fs.fdatasyncSync(afd);
    times.push(now() - t0);
  }
  fs.closeSync(afd);
  fs.rmSync(target);
  times.sort((a, b) => a - b);
  record('fsync_raw_p50', times.length, pct(times, 50), 'ms');
  record('fsync_raw_p99', times.length, pct(times, 99), 'ms');
}

async function benchSize(n: number, withRaw: boolean): Promise<void> {
  console.log(`\n== ${n.toLocaleString('en')} items, ${LABELERS.length} labelers`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `labeling-bench-${n}-`));
  try {
    writeCsv(root, n);
    await createProject(root, {
      id: 'bench',
      type: 'text-classification',
      labels: LABELS,
      dataSources: [{ kind: 'table', glob: 'data/*.csv', textColumn: 'text', idColumn: 'id' }],
      consensus: { minLabelers: 3, maxLabelers: 3 },
      queueSeed: 42,
    });
    const def = await loadProject(root, 'bench');
    const SQL = await loadSqlJs(WASM);

    // Ingest: data sources into a fresh index (no journals yet), as the extension builds it (the scan in
    // the worker thread), then with the scan in this thread (what the worker bought).
    let t = now();
    const ingested = await buildIndex(SQL, root, def, { workerFile: WORKER, wasmPath: WASM });
    record('ingest', n, n / ((now() - t) / 1000), 'items/s');
    ingested.idx.free();
    ingested.idx.db.close();
    gc();

    const events = writeJournals(root, 'bench', n);
    if (withRaw) rawLimits(root, 'bench');

    // Rebuild from journals: ingest + every event + state pass + indexes.
    const gcRebuild = gcSince();
    t = now();
    const built = await buildIndex(SQL, root, def, { workerFile: WORKER, wasmPath: WASM });
    const rebuildSecs = (now() - t) / 1000;
    record('rebuild', events, events / rebuildSecs, 'events/s');
    record('rebuild_total', events, rebuildSecs * 1000, 'ms');
    console.log(`    (the rebuild's GC: ${await gcRebuild()})`);
    // As the store saves a snapshot: marks of journals changed since they were read are checked by content.
    t = now();
    const gcSave = gcSince();
    const files: Record<string, FileMark> = {};
    const abs = new Map(listJournalFiles(root, 'bench').map((f) => [f.rel, f.abs]));
    for (const [rel, mark] of built.marks) files[rel] = recheckMark(abs.get(rel)!, mark);
    const recheckMs = now() - t;
    const bytes = await saveSnapshot(path.join(root, '.labeling/.cache/bench'), built.idx.db, {
      format: SNAPSHOT_FORMAT, schema: SCHEMA_VERSION, defHash: indexDefHash(def), labels: LABELS, files, problems: built.problems, savedAt: new Date().toISOString(),
    });
    record('snapshot_save', n, now() - t, 'ms');
    console.log(`    (the save: ${recheckMs.toFixed(0)} ms rechecking journal marks; GC ${await gcSave()})`);
    record('snapshot_size', n, bytes / 1024 / 1024, 'MB');
    agreementRawLimit(built.idx.db, n);
    built.idx.free();
    built.idx.db.close();
    gc();

    // Open from snapshot (+ an empty tail).
    t = now();
    const store = await ProjectStore.open({ root, id: 'bench', labeler: 'zoe', device: 'bench', wasmPath: WASM, workerFile: WORKER });
    record('open', n, now() - t, 'ms');
    const s = store.stats();
    console.log(`  stats: ${s.items} items, ${s.labeled} labeled, ${s.needsReview} needs review, ${s.incomplete} incomplete`);

    // Next item and durable submit, interleaved like a labeler.
    const nextT: number[] = [];
    const submitT: number[] = [];
    for (let i = 0; i < 2000; i++) {
      let t0 = now();
      const it = store.nextItem();
      nextT.push(now() - t0);
      if (!it) break;
      t0 = now();
      await store.submit(it.key, { kind: 'classes', labels: [LABELS[i % 3]!] });
      submitT.push(now() - t0);
    }
    nextT.sort((a, b) => a - b);
    submitT.sort((a, b) => a - b);
    record('next_p50', nextT.length, pct(nextT, 50), 'ms');
    record('next_p99', nextT.length, pct(nextT, 99), 'ms');
    record('submit_p50', submitT.length, pct(submitT, 50), 'ms');
    record('submit_p99', submitT.length, pct(submitT, 99), 'ms');

    // Tree pages of 100 by keyset: all items by key, and the queue.
    const pageT: number[] = [];
    for (const view of ['all', 'queue', 'mine'] as const) {
      let cursor: string | undefined;
      for (let i = 0; i < 300; i++) {
        const t0 = now();
        const pg = store.page(view, cursor, 100);
        pageT.push(now() - t0);
        cursor = pg.next;
        if (!cursor) break;
      }
    }
    pageT.sort((a, b) => a - b);
    record('page_p99', pageT.length, pct(pageT, 99), 'ms');

    t = now();
    for (let i = 0; i < 100; i++) store.stats('zoe');
    record('stats', n, (now() - t) / 100, 'ms');

    // What `stats --json` adds (approved, rejected, prelabeled scan ev; assigned scans items): one CLI call's cost.
    t = now();
    reviewStats(store);
    record('stats_json_extra', n, now() - t, 'ms');

    benchDashboard(store, n);

    benchReview(store, n);

    await benchAgreement(store, n);

    await store.close();
    gc();

    // Open after every journal's times changed (git checkout of the same bytes, a copy): the part already
    // read is verified by its content hashes before the snapshot is trusted.
    const later = new Date(Date.now() + 60_000);
    for (const f of listJournalFiles(root, 'bench')) fs.utimesSync(f.abs, later, later);
    t = now();
    const verified = await ProjectStore.open({ root, id: 'bench', labeler: 'zoe', device: 'bench', wasmPath: WASM });
    record('open_verify', n, now() - t, 'ms');
    await verified.close();
    gc();
    record('peak_rss_mb', n, rssMb(), 'MB');
    // After the peak is read, so its strings do not count in it.
    if (withRaw) parseRate(root, 'bench', 'json_parse_raw_end');
    // The ingest again with the scan in this thread (what the worker bought), last, so that the figures before it
    // take the steps of the bench before it existed (4bf45e2's), for A/B runs against that commit (README, issue 10).
    // The journals are moved aside for it (an ingest reads data sources only) and back.
    const journals = path.join(root, '.labeling', 'bench', 'journal');
    fs.renameSync(journals, `${journals}.aside`);
    try {
      t = now();
      const inThread = await buildIndex(SQL, root, def, {});
      record('ingest_in_thread', n, n / ((now() - t) / 1000), 'items/s');
      inThread.idx.free();
      inThread.idx.db.close();
      gc();
    } finally {
      fs.renameSync(`${journals}.aside`, journals);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The Review panel's reads (issue 11 item 7): list pages of 100 walked by keyset (up to 30 per filter)
 * for each single filter and for labeler + label (review_page_p99), the counts beside the filter
 * choices (review_counts, from the counter tables), and opening an item (review_open_item_p99).
 */
function benchReview(store: ProjectStore, n: number): void {
  const { reads, counts } = reviewReadsOf(store);
  const t0 = Date.UTC(2026, 10, 1); // writeJournals' first event
  const filters: ReviewFilter[] = [
    ...REVIEW_ASSETS.map((asset) => ({ asset })),
    { labeler: 'cat' },
    { label: 'neg' },
    { agreementBelow: 0.7 },
    { from: t0 + 1000 * 3000, to: t0 + 5000 * 3000 },
    { labeler: 'cat', label: 'neg' },
  ];
  let t = now();
  counts.counts(0.7);
  record('review_counts_first', n, now() - t, 'ms');
  t = now();
  for (let i = 0; i < 20; i++) counts.counts(0.7);
  record('review_counts', n, (now() - t) / 20, 'ms');
  const pageT: number[] = [];
  for (const f of filters) {
    reads.page(f, undefined, 100); // prepares the statements
    let after: string | undefined;
    for (let i = 0; i < 30; i++) {
      const t1 = now();
      const pg = reads.page(f, after, 100);
      pageT.push(now() - t1);
      after = pg.next;
      if (!after) break;
    }
  }
  pageT.sort((a, b) => a - b);
  record('review_page_p99', pageT.length, pct(pageT, 99), 'ms');
  const openT: number[] = [];
  for (let i = 0; i < 200; i++) {
    const key = `data/items.csv#i${(i * 4999) % n}`;
    const t2 = now();
    store.getItem(key);
    reads.skippers(key);
    openT.push(now() - t2);
  }
  openT.sort((a, b) => a - b);
  record('review_open_item_p99', openT.length, pct(openT, 99), 'ms');
}

/** Budget of one dashboard model (issue 13: < 5 ms at 1M items / 3M annotations). */
const DASHBOARD_BUDGET_MS = 5;

/**
 * The dashboard model (src/core/stats/dashboard.ts) as the webview and `stats --json` compute it, from the
 * counter tables: 200 calls against a `now` at the journals' end (every hour bucket of the last week in use).
 */
function benchDashboard(store: ProjectStore, n: number): void {
  const at = new Date(Date.UTC(2026, 10, 1) + n * 3000);
  const times: number[] = [];
  let labelers = 0;
  for (let i = 0; i < 200; i++) {
    const t0 = now();
    labelers = dashboardModel(store, { now: at }).labelers.length;
    times.push(now() - t0);
  }
  times.sort((a, b) => a - b);
  record('dashboard_p50', times.length, pct(times, 50), 'ms');
  record('dashboard_p99', times.length, pct(times, 99), 'ms');
  console.log(`  dashboard: budget ${DASHBOARD_BUDGET_MS} ms (p99 ${pct(times, 99) <= DASHBOARD_BUDGET_MS ? 'within' : 'OVER'}), ${labelers} labelers`);
}

/**
 * Agreement statistics (src/core/stats/compute.ts) as the job runs them, while a labeler submits
 * beside it: its total time, the submits' p99/max while it ran, and the longest event-loop gap it left.
 */
async function benchAgreement(store: ProjectStore, n: number): Promise<void> {
  gc();
  let running = true;
  let gapMax = 0;
  let last = now();
  const ticker = setInterval(() => {
    const t1 = now();
    gapMax = Math.max(gapMax, t1 - last);
    last = t1;
  }, 1);
  const t0 = now();
  const job = computeAgreement(store).finally(() => {
    running = false;
  });
  const submitT: number[] = [];
  for (let i = 0; running; i++) {
    const it = store.nextItem();
    if (!it) break;
    const ts = now();
    await store.submit(it.key, { kind: 'classes', labels: [LABELS[i % 3]!] });
    submitT.push(now() - ts);
    // Each submit in its own event-loop turn, as a labeler's messages arrive (a loop of awaited submits
    // alone resolves in microtasks and would starve every timer and setImmediate, the job's included).
    await new Promise((res) => setImmediate(res));
  }
  const r = await job;
  const ms = now() - t0;
  clearInterval(ticker);
  record('agreement', n, ms, 'ms');
  if (n === 1_000_000) record('agreement_1m', n, ms, 'ms');
  submitT.sort((a, b) => a - b);
  if (submitT.length) {
    record('agreement_submit_p99', submitT.length, pct(submitT, 99), 'ms');
    record('agreement_submit_max', submitT.length, submitT.at(-1)!, 'ms');
  }
  record('agreement_gap_max', n, gapMax, 'ms');
  console.log(`  agreement: ${r.items} items, alpha ${r.krippendorffAlpha?.toFixed(4)}, fleiss ${r.fleissKappa?.toFixed(4)} on ${r.fleissItems}, ${submitT.length} submits meanwhile`);
}

/** What the pattern counter table (rating-patterns.ts) spares agreement_1m: stepping every done row (labeler, item, annotation text) through sql.js, nothing else. */
function agreementRawLimit(db: import('sql.js').Database, n: number): void {
  const st = db.prepare('SELECT labeler, item, ann FROM done');
  const t0 = now();
  let rows = 0;
  while (st.step()) {
    st.get();
    rows++;
  }
  st.free();
  record('done_scan_raw', n, now() - t0, 'ms');
  console.log(`  done_scan_raw: ${rows} rows`);
}

function writeResults(): void {
  const file = path.join(ROOT, 'test-results/bench.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let existing: Result[] = [];
  try {
    existing = (JSON.parse(fs.readFileSync(file, 'utf8')) as { results: Result[] }).results ?? [];
  } catch {
    existing = [];
  }
  const mine = new Set(results.map((r) => r.name));
  const merged = [...existing.filter((r) => !mine.has(r.name)), ...results];
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ results: merged }, null, 2)}\n`);
  fs.renameSync(tmp, file);
  console.log(`\nwrote ${path.relative(process.cwd(), file)} (${results.length} store entries)`);
}

/** worker-main.ts bundled as esbuild.mjs bundles dist/worker.js: beside the bundled bench, or under tsx into a temp folder. */
async function bundleWorker(): Promise<{ file: string; dispose(): void }> {
  if (BUNDLE) {
    const file = path.join(__dirname, 'worker.js');
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run node scripts/build-bench.mjs`);
    return { file, dispose: () => undefined };
  }
  const esbuild = await import('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeling-bench-worker-'));
  const file = path.join(dir, 'worker.js');
  await esbuild.build({ entryPoints: [path.join(ROOT, 'src/core/jobs/worker-main.ts')], outfile: file, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  return { file, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function run(): Promise<void> {
  console.log(`Project store benchmark (sizes ${SIZES.join(', ')}; node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  console.log(`store code: ${BUNDLE ? `esbuild bundle ${BUNDLE}` : 'tsx (scripts/bench.ts, each module transpiled on its own)'}`);
  const worker = await bundleWorker();
  WORKER = worker.file;
  try {
    for (let i = 0; i < SIZES.length; i++) await benchSize(SIZES[i]!, i === SIZES.length - 1);
  } finally {
    worker.dispose();
  }
  console.log(`load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  writeResults();
}

run().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
