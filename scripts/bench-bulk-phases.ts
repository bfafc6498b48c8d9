/**
 * Where a bulk rebuild's time goes, per phase, and a split of its SQLite work over two threads (issue 15; a
 * probe, nothing here is asserted or shipped). The bench's project (scripts/bench-data.ts: BENCH_N items, 3
 * labelers, ~2.9 events per item); then, in one process, the modes of BENCH_MODES in turn (default
 * `base,split-ev,split-range,base,split-range,split-ev`: alternating, so the machine's drift falls on all):
 *  - base: the build as loader.ts's buildIndex runs it (journals over 16 MB: no scan worker), its steps timed
 *    from outside: the journals (read, parse, validate, group: up to bulkLoad's 'Indexing data sources'),
 *    the rows (scan, computeItem, binding, SQLite's inserts, counters), COMMIT, then each secondary index;
 *  - only-<tables>, e.g. only-items+done+rvw: base writing only those tables (what the others' rows cost here;
 *    its tables differ from base's, as they should);
 *  - split-ev: a worker thread (bench-bulk-split-worker.ts, its own sql.js) reads the same journals and
 *    writes only `ev`, while this thread writes the rest (bulkLoad's `tables`); its bytes are transferred,
 *    opened here with `new SQL.Database(bytes)` (the same Emscripten file system), ATTACHed by its file
 *    name inside this thread's transaction and copied with one `INSERT INTO main.ev SELECT * FROM w.ev`
 *    (SQLite's transfer optimization: records copied in key order, no row through JavaScript);
 *  - split-evdone: the worker writes `ev`, `done` and `rvw` and builds done_mine and done_hist; here they
 *    are created on the empty `done` first, so the copy carries the index records too;
 *  - split-range: both threads read every journal and scan every source; the worker writes the items from
 *    id N * BENCH_CUT (default 0.5) on, with their rows of every table, this thread those before; the
 *    worker's rows are appended here (INSERT ... SELECT per table) and its counters added to these.
 *  - remote: this thread computes every row as base does, but hands the rows of `ev`, `done` and `rvw` over,
 *    encoded for binding in chunks whose buffers are transferred (bulkLoad's `sinks`), to a worker
 *    (bench-bulk-remote-worker.ts) that binds them into its own sql.js and builds done_mine and done_hist
 *    while this thread commits and builds the items' indexes; the worker's bytes come back transferred and
 *    are copied here as split-evdone's are (done's indexes created on the empty table first, then triggers).
 * Each step's wall time, this process's CPU time (process.cpuUsage: both threads) and this thread's GC time
 * (v8.GCProfiler), the worker's own steps, the peak RSS of each mode (VmHWM, reset before it through
 * /proc/self/clear_refs), json_parse_raw just before each mode, and whether its tables and counters hold
 * what the first mode's do (a few aggregates per table, every counter row).
 * Bundled as build-bench.mjs bundles the bench (outside dist/: `node esbuild.mjs` empties it), run from the repository:
 *   npx esbuild scripts/bench-bulk-phases.ts scripts/bench-bulk-split-worker.ts scripts/bench-bulk-remote-worker.ts --bundle --platform=node --format=cjs \
 *     --target=node20 --sourcemap --external:vscode --external:esbuild --outdir=/tmp/bulk-probe
 *   BENCH_N=1000000 flock /tmp/team/bench.lock node --expose-gc --max-old-space-size=4096 /tmp/bulk-probe/bench-bulk-phases.js
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GCProfiler } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Database, SqlJsStatic } from 'sql.js';
import { createProject } from '../src/core/project/create';
import { loadProject } from '../src/core/project/load';
import { listJournalFiles } from '../src/core/journal/files';
import type { ProjectDef } from '../src/core/model';
import { bulkLoad, type BulkTable, type RowSink } from '../src/core/store/bulk';
import { createEmptyIndex, execSecondary, loadSqlJs } from '../src/core/store/db';
import { RowEncoder, transferList, type Cell } from '../src/core/store/row-encoding';
import { IndexDb } from '../src/core/store/index-db';
import { consensusFor } from '../src/core/store/mask-source';
import { SECONDARY } from '../src/core/store/schema';
import { measureInputs } from '../src/core/store/size-hint';
import { writeBenchProject } from './bench-data';

const N = Number(process.env.BENCH_N ?? 300_000);
const MODES = (process.env.BENCH_MODES ?? 'base,split-ev,split-range,base,split-range,split-ev').split(',');
const HERE = __dirname;
const WASM = process.env.BENCH_WASM ?? path.resolve('node_modules/sql.js/dist/sql-wasm.wasm');
const WORKER = path.join(HERE, 'bench-bulk-split-worker.js');
const REMOTE_WORKER = path.join(HERE, 'bench-bulk-remote-worker.js');
const STATEMENTS = SECONDARY.split(/\n(?=CREATE |DROP )/).map((s) => s.trim()).filter(Boolean);
const DONE_INDEXES = STATEMENTS.filter((s) => /^CREATE INDEX IF NOT EXISTS done_/.test(s));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** This thread's garbage collections since start(): their time (ms) and how many were mark-compacts (v8.GCProfiler, read synchronously). */
class GcTally {
  private p = new GCProfiler();
  constructor() {
    this.p.start();
  }
  take(): { gc: number; major: number } {
    const stats = (this.p.stop()?.statistics ?? []) as { gcType: string; cost: number }[];
    this.p = new GCProfiler();
    this.p.start();
    return { gc: stats.reduce((s, x) => s + x.cost, 0) / 1000, major: stats.filter((x) => x.gcType === 'MarkSweepCompact').length };
  }
}

/** Wall, CPU and this thread's GC pauses (ms) between marks. */
class Steps {
  private t = performance.now();
  private cpu = process.cpuUsage();
  private readonly gcs = new GcTally();
  readonly rows: { step: string; wall: number; cpu: number; gc: number; major: number }[] = [];
  mark(step: string): void {
    const t = performance.now();
    const c = process.cpuUsage();
    this.rows.push({ step, wall: t - this.t, cpu: (c.user - this.cpu.user + c.system - this.cpu.system) / 1000, ...this.gcs.take() });
    this.t = t;
    this.cpu = c;
  }
  get wall(): number {
    return this.rows.reduce((s, r) => s + r.wall, 0);
  }
  get cpuTotal(): number {
    return this.rows.reduce((s, r) => s + r.cpu, 0);
  }
}

function resetPeak(): void {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux: the peak is the process's.
  }
}

function peakMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Math.round(process.resourceUsage().maxRSS / 1024);
}

function parseRate(root: string): number {
  const lines = fs.readFileSync(listJournalFiles(root, 'bench')[0]!.abs, 'utf8').split('\n').filter(Boolean);
  const t = performance.now();
  let sink = 0;
  for (const l of lines) sink += (JSON.parse(l) as { seq: number }).seq;
  if (sink < 0) console.log(sink);
  return lines.length / ((performance.now() - t) / 1000);
}

/** The build's steps after the rows, as buildIndex and finishBulkLoad run them: COMMIT, then each index. */
function finish(db: Database, steps: Steps): void {
  db.exec('COMMIT');
  steps.mark('commit');
  for (const s of STATEMENTS) {
    db.exec(s);
    const name = /(?:INDEX|TRIGGER) IF NOT EXISTS (\w+)/.exec(s)?.[1] ?? s.slice(0, 20);
    if (!name.startsWith('t_')) steps.mark(`index ${name}`);
  }
  steps.mark('triggers');
}

interface Built {
  db: Database;
  idx: IndexDb;
  steps: Steps;
  worker?: [string, number][];
}

/** tables: only these are written (the modes that say what each table's rows cost in this thread). */
async function base(SQL: SqlJsStatic, root: string, def: ProjectDef, tables?: BulkTable[]): Promise<Built> {
  const steps = new Steps();
  const inputs = await measureInputs(root, def);
  const db = createEmptyIndex(SQL, inputs.indexBytes);
  const idx = new IndexDb(db, def.queueSeed, consensusFor(def, root), def.roles);
  steps.mark('create');
  db.exec('BEGIN');
  await bulkLoad(SQL, idx, root, def, { ...(tables ? { tables: new Set(tables) } : {}), onProgress: (p) => p.message === 'Indexing data sources' && steps.mark('journals') });
  steps.mark(tables ? `rows (${tables.join(', ')})` : 'rows');
  finish(db, steps);
  return { db, idx, steps };
}

/** The counter tables: key columns, then counts (a range split adds the worker's counts to these). */
const COUNTERS: [string, string[], string[]][] = [
  ['cnt_state', ['state'], ['n']], ['cnt_label', ['label'], ['n']], ['cnt_labeler', ['labeler'], ['n']], ['cnt_flag', ['flag'], ['n']],
  ['cnt_pattern', ['p'], ['n']], ['cnt_outcome', ['src', 'chg'], ['n']], ['cnt_hour', ['hour', 'labeler'], ['n']], ['cnt_day', ['day'], ['n']],
  ['cnt_skip', ['labeler'], ['n']], ['cnt_review', ['labeler'], ['n', 'acc', 'rej']], ['cnt_assign', ['labeler'], ['n', 'done', 'open']], ['cnt_obj', ['label'], ['n']],
];

/**
 * moved: the tables the worker writes (all of them with `cut`: the worker writes the items from id `cut` on,
 * this thread those before, and the worker's rows are appended here).
 */
/** Rows of one table handed to the remote worker, encoded, 2,048 a chunk, the chunk's buffers transferred. */
class RemoteSink implements RowSink {
  private enc?: RowEncoder;
  constructor(
    private readonly worker: Worker,
    private readonly table: 'ev' | 'done' | 'rvw',
  ) {}
  add(values: Cell[]): void {
    this.enc ??= new RowEncoder(values.length, 2048);
    this.enc.add(values);
    if (this.enc.full) this.flush();
  }
  flush(): void {
    if (!this.enc?.rows) return;
    const rows = this.enc.take();
    this.worker.postMessage({ table: this.table, rows }, transferList(rows));
  }
  free(): void {}
}

async function remote(SQL: SqlJsStatic, root: string, def: ProjectDef): Promise<Built> {
  const steps = new Steps();
  const inputs = await measureInputs(root, def);
  const worker = new Worker(REMOTE_WORKER, { workerData: { wasm: WASM, after: DONE_INDEXES, sizeHint: Math.floor(inputs.journalBytes * 0.65) } });
  type Answer = { buffer: ArrayBuffer; length: number; marks: [string, number][] };
  const messages: ((m: { ready?: boolean; error?: string } & Partial<Answer>) => void)[] = [];
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  failed.catch(() => undefined);
  worker.on('message', (m: { ready?: boolean; error?: string } & Partial<Answer>) => messages.shift()?.(m));
  const next = (): Promise<{ ready?: boolean; error?: string } & Partial<Answer>> => Promise.race([new Promise<{ ready?: boolean; error?: string } & Partial<Answer>>((resolve) => messages.push(resolve)), failed]);
  const ready = next();
  const db = createEmptyIndex(SQL, inputs.indexBytes);
  const idx = new IndexDb(db, def.queueSeed, consensusFor(def, root), def.roles);
  steps.mark('create (worker started)');
  const r = await ready;
  if (r.error) throw new Error(r.error);
  steps.mark('worker ready');
  db.exec('BEGIN');
  const sinks = { ev: new RemoteSink(worker, 'ev'), done: new RemoteSink(worker, 'done'), rvw: new RemoteSink(worker, 'rvw') };
  const answer = next();
  await bulkLoad(SQL, idx, root, def, { sinks, onProgress: (p) => p.message === 'Indexing data sources' && steps.mark('journals') });
  worker.postMessage({ end: true });
  steps.mark('rows (ev, done, rvw handed over)');
  db.exec('COMMIT');
  steps.mark('commit');
  const isDone = (st: string): boolean => / ON (done|rvw|ev) /.test(st) || /^CREATE TRIGGER/.test(st) || /^DROP /.test(st);
  for (const st of STATEMENTS) {
    if (isDone(st)) continue;
    execSecondary(db, st);
    steps.mark(`index ${/INDEX IF NOT EXISTS (\w+)/.exec(st)?.[1] ?? st.slice(0, 20)}`);
  }
  const got = await answer;
  if (got.error) throw new Error(got.error);
  await worker.terminate();
  steps.mark('wait for the worker');
  for (const st of DONE_INDEXES) db.exec(st);
  steps.mark('done indexes on the empty table');
  const w = new SQL.Database(new Uint8Array(got.buffer!, 0, got.length));
  (got as { buffer?: ArrayBuffer }).buffer = undefined;
  steps.mark(`open the worker's ${(got.length! / 1048576).toFixed(0)} MB`);
  db.exec(`ATTACH '${(w as unknown as { filename: string }).filename}' AS w`);
  db.exec('BEGIN');
  for (const t of ['ev', 'done', 'rvw']) {
    db.exec(`INSERT INTO main.${t} SELECT * FROM w.${t}`);
    steps.mark(`copy ${t}`);
  }
  db.exec('COMMIT');
  db.exec('DETACH w');
  w.close();
  steps.mark('commit, detach, close');
  for (const st of STATEMENTS) if (isDone(st)) db.exec(st);
  steps.mark('triggers');
  return { db, idx, steps, worker: got.marks! };
}

async function split(SQL: SqlJsStatic, root: string, def: ProjectDef, moved: BulkTable[], sizeShare: number, cut?: number): Promise<Built> {
  const steps = new Steps();
  const inputs = await measureInputs(root, def);
  const after = moved.includes('done') && !cut ? DONE_INDEXES : [];
  const sizeHint = Math.floor(cut ? inputs.indexBytes * sizeShare : inputs.journalBytes * sizeShare);
  const worker = new Worker(WORKER, { workerData: { root, projectId: def.id, wasm: WASM, tables: moved, after, sizeHint, ...(cut ? { range: [cut, Infinity] } : {}) } });
  const answer = new Promise<{ bytes: Uint8Array; marks: [string, number][] }>((resolve, reject) => {
    worker.once('message', (m: { bytes?: Uint8Array; marks?: [string, number][]; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m as { bytes: Uint8Array; marks: [string, number][] })));
    worker.once('error', reject);
  });
  const db = createEmptyIndex(SQL, inputs.indexBytes);
  const idx = new IndexDb(db, def.queueSeed, consensusFor(def, root), def.roles);
  steps.mark('create (worker started)');
  db.exec('BEGIN');
  const mine = (['items', 'ev', 'done', 'rvw'] as BulkTable[]).filter((t) => cut || !moved.includes(t));
  await bulkLoad(SQL, idx, root, def, { tables: new Set(mine), ...(cut ? { range: [1, cut] as const } : {}), onProgress: (p) => p.message === 'Indexing data sources' && steps.mark('journals') });
  steps.mark(`rows (${mine.join(', ')})`);
  const got = await answer;
  await worker.terminate();
  steps.mark('wait for the worker');
  for (const s of after) db.exec(s);
  steps.mark('done indexes on the empty table');
  const w = new SQL.Database(got.bytes);
  const size = got.bytes.length;
  (got as { bytes?: Uint8Array }).bytes = undefined;
  steps.mark(`open the worker's ${(size / 1048576).toFixed(0)} MB`);
  db.exec(`ATTACH '${(w as unknown as { filename: string }).filename}' AS w`);
  for (const t of moved) {
    db.exec(`INSERT INTO main.${t} SELECT * FROM w.${t}`);
    steps.mark(`copy ${t}`);
  }
  if (cut) {
    for (const [t, keys, counts] of COUNTERS) {
      db.exec(`INSERT INTO main.${t} SELECT * FROM w.${t} WHERE true ON CONFLICT(${keys.join(', ')}) DO UPDATE SET ${counts.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`);
    }
    steps.mark('add the counters');
  }
  db.exec('COMMIT');
  steps.mark('commit');
  db.exec('DETACH w');
  w.close();
  steps.mark('detach, close');
  db.exec('BEGIN');
  finish(db, steps);
  return { db, idx, steps, worker: got.marks };
}

/** What each table holds, in a few aggregates (a split build must equal base's). */
function digest(db: Database): string {
  const q = (sql: string): string => JSON.stringify(db.exec(sql)[0]?.values ?? []);
  return [
    q('SELECT COUNT(*), SUM(id), TOTAL(LENGTH(key)), TOTAL(qorder), TOTAL(LENGTH(state)), TOTAL(agreement), TOTAL(LENGTH(final)), TOTAL(flags) FROM items'),
    q('SELECT COUNT(*), SUM(item), TOTAL(LENGTH(ord)), SUM(type), TOTAL(LENGTH(ann)), SUM(pre) FROM ev'),
    q('SELECT COUNT(*), SUM(item), SUM(kind), TOTAL(t), TOTAL(LENGTH(ann)), TOTAL(LENGTH(labeler)) FROM done'),
    q('SELECT COUNT(*), SUM(item), SUM(acc) FROM rvw'),
    ...COUNTERS.map(([t, keys]) => q(`SELECT * FROM ${t} ORDER BY ${keys.join(', ')}`)),
    q("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master ORDER BY name)"),
  ].join('\n');
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `labeling-phases-${N}-`));
  try {
    await writeBenchProject(createProject, root, N);
    const def = await loadProject(root, 'bench');
    const events = listJournalFiles(root, 'bench').reduce((s, f) => s + fs.readFileSync(f.abs, 'utf8').split('\n').filter(Boolean).length, 0);
    const SQL = await loadSqlJs(WASM);
    console.log(`n=${N} events=${events} modes=${MODES.join(',')} load=${os.loadavg().map((l) => l.toFixed(2)).join(' ')} ${new Date().toISOString()}`);
    let reference: string | undefined;
    for (const mode of MODES) {
      gc();
      const raw = parseRate(root);
      gc();
      resetPeak();
      const load = os.loadavg()[0]!;
      const built =
        mode === 'base' ? await base(SQL, root, def)
        : mode.startsWith('only-') ? await base(SQL, root, def, mode.slice(5).split('+') as BulkTable[])
        : mode === 'split-ev' ? await split(SQL, root, def, ['ev'], 0.4)
        : mode === 'split-evdone' ? await split(SQL, root, def, ['ev', 'done', 'rvw'], 0.75)
        : mode === 'remote' ? await remote(SQL, root, def)
        : mode === 'split-range' ? await split(SQL, root, def, ['items', 'ev', 'done', 'rvw'], 0.55, Math.floor(N * Number(process.env.BENCH_CUT ?? 0.5)) + 1)
        : undefined;
      if (!built) throw new Error(`unknown mode ${mode}`);
      const peak = peakMb();
      const d = digest(built.db);
      reference ??= d;
      const rate = events / (built.steps.wall / 1000);
      console.log(`\n${mode}: ${(built.steps.wall / 1000).toFixed(2)} s wall, ${(built.steps.cpuTotal / 1000).toFixed(2)} s CPU, rebuild ${Math.round(rate)} events/s, json_parse_raw ${Math.round(raw)} lines/s, ratio ${(rate / raw).toFixed(4)}, peak RSS ${peak} MB, load ${load.toFixed(2)}, same tables as the first: ${d === reference}`);
      for (const r of built.steps.rows) if (r.wall >= 5 || r.cpu >= 5) console.log(`  ${r.step.padEnd(40)} ${(r.wall / 1000).toFixed(3).padStart(8)} s wall ${(r.cpu / 1000).toFixed(3).padStart(8)} s CPU ${(r.gc / 1000).toFixed(3).padStart(7)} s GC (${r.major} major)`);
      if (built.worker) {
        const w = built.worker;
        console.log(`  worker: ${w.map(([s, t], i) => `${s} ${((t - (w[i - 1]?.[1] ?? 0)) / 1000).toFixed(2)}`).join(', ')} s`);
      }
      if (d !== reference && !mode.startsWith('only-')) console.log(`  differs:\n${d}\n  first:\n${reference}`);
      built.idx.free();
      built.db.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
