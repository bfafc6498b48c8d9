/**
 * Where a 1M ingest's time goes (issue 15; a probe, nothing here is asserted): the bench's data source
 * (scripts/bench-data.ts: BENCH_N rows of data/items.csv, no journals) into a fresh index, as loader.ts's
 * buildIndex runs it with the scan worker, its steps timed from outside: measureInputs, the padded empty
 * index, the rows (bulkLoad: the worker's scan and this thread's binds overlapping), COMMIT, each statement
 * of SECONDARY, and the snapshot's export. Per step: wall, process CPU (both threads), this thread's CPU
 * (/proc/self/task/<pid>/stat), this thread's GC (v8.GCProfiler) and, for the rows, this thread's idle
 * time (performance.eventLoopUtilization: waiting for chunks). Then the parts alone in this thread: the scan
 * (scanToChunks with its chunks kept, ids checked for emptiness only as the bulk build scans; parts-all: every
 * id checked for duplicates too, as before) and the binds of those chunks (RawInsert.addEncoded into an empty index).
 * Variants (BENCH_MODES, run in turn in one process, alternating): ship (buildIndex as shipped), phases (the
 * same, stepped), and the cuts measured against it:
 *  - pre:<index>+<index>: those indexes created on the empty tables too (pre:items_key, pre:items_state);
 *  - mem-sort: finishBulkLoad under PRAGMA temp_store = MEMORY and a larger cache (the sorter's runs in memory);
 *  - pre-partial: the partial indexes (filters, assigned, agreement) created on the empty table, not by a scan;
 *  - cache16: every index built under PRAGMAS's page cache (db.ts's execSecondary builds items_open under a
 *    512 KB one: `ship` and `phases` do).
 * json_parse_raw (bench.ts's parseRate over ann's journal of the same n, kept outside the project) before each mode.
 * Bundled, outside dist/ (`node esbuild.mjs` empties it), run from the repository:
 *   npx esbuild scripts/bench-ingest-phases.ts src/core/jobs/worker-main.ts --bundle --platform=node --format=cjs \
 *     --target=node20 --sourcemap --external:vscode --external:esbuild --outdir=/tmp/ingest-probe
 *   BENCH_N=1000000 flock /tmp/team/bench.lock node --expose-gc --max-old-space-size=4096 /tmp/ingest-probe/scripts/bench-ingest-phases.js
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GCProfiler } from 'node:v8';
import type { Database, SqlJsStatic } from 'sql.js';
import { createProject } from '../src/core/project/create';
import { loadProject } from '../src/core/project/load';
import type { ProjectDef } from '../src/core/model';
import { scanToChunks, SCAN_ROW_WIDTH, type ScanChunk } from '../src/core/ingest/scan-stream';
import type { IdCheck } from '../src/core/ingest/tables';
import { bulkLoad } from '../src/core/store/bulk';
import { createEmptyIndex, execSecondary, loadSqlJs, SECONDARY_STATEMENTS } from '../src/core/store/db';
import { IndexDb } from '../src/core/store/index-db';
import { buildIndex } from '../src/core/store/loader';
import { consensusFor } from '../src/core/store/mask-source';
import { RawInsert } from '../src/core/store/raw-insert';
import type { EncodedRows } from '../src/core/store/row-encoding';
import { measureInputs } from '../src/core/store/size-hint';
import { startProfile, writeBenchProject } from './bench-data';

const N = Number(process.env.BENCH_N ?? 300_000);
const MODES = (process.env.BENCH_MODES ?? 'ship,cache16,phases,parts,cache16,phases,pre-partial,cache16,phases,ship').split(',');
const WASM = process.env.BENCH_WASM ?? path.resolve('node_modules/sql.js/dist/sql-wasm.wasm');
const WORKER = process.env.BENCH_WORKER ?? path.join(__dirname, '../src/core/jobs/worker-main.js');
const STATEMENTS = SECONDARY_STATEMENTS.map((s) => s.trim()).filter(Boolean);
const PARTIAL = STATEMENTS.filter((s) => /^CREATE INDEX[^(]*\([^)]*\)\s*WHERE/.test(s));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const CLK = 100;

/** This thread's CPU (ms): utime + stime of /proc/self/task/<pid>/stat (the main thread's tid is the pid). */
function threadCpu(): number {
  try {
    const s = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK;
  } catch {
    return NaN;
  }
}

class Steps {
  private t = performance.now();
  private cpu = process.cpuUsage();
  private tcpu = threadCpu();
  private elu = performance.eventLoopUtilization();
  private p = new GCProfiler();
  readonly rows: { step: string; wall: number; cpu: number; main: number; gc: number; idle: number }[] = [];
  constructor() {
    this.p.start();
  }
  mark(step: string): void {
    const t = performance.now();
    const c = process.cpuUsage();
    const tc = threadCpu();
    const e = performance.eventLoopUtilization(this.elu);
    const stats = (this.p.stop()?.statistics ?? []) as { cost: number }[];
    this.p = new GCProfiler();
    this.p.start();
    this.rows.push({ step, wall: t - this.t, cpu: (c.user - this.cpu.user + c.system - this.cpu.system) / 1000, main: tc - this.tcpu, gc: stats.reduce((s, x) => s + x.cost, 0) / 1000, idle: e.idle });
    this.t = t;
    this.cpu = c;
    this.tcpu = tc;
    this.elu = performance.eventLoopUtilization();
  }
  get wall(): number {
    return this.rows.reduce((s, r) => s + r.wall, 0);
  }
  print(): void {
    for (const r of this.rows) {
      console.log(`  ${r.step.padEnd(34)} ${(r.wall / 1000).toFixed(3).padStart(7)} s wall ${(r.cpu / 1000).toFixed(3).padStart(7)} s CPU ${(r.main / 1000).toFixed(2).padStart(6)} s main ${(r.gc / 1000).toFixed(3).padStart(6)} s GC${r.idle > 1 ? ` ${(r.idle / 1000).toFixed(3)} s idle` : ''}`);
    }
  }
}

function parseRate(file: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const t = performance.now();
  let sink = 0;
  for (const l of lines) sink += (JSON.parse(l) as { seq: number }).seq;
  if (sink < 0) console.log(sink);
  return lines.length / ((performance.now() - t) / 1000);
}

/** buildIndex's steps (loader.ts), stepped; `before` runs on the empty tables, `pragmas` around the index builds. */
async function stepped(SQL: SqlJsStatic, root: string, def: ProjectDef, steps: Steps, opts: { before?: string[]; sortPragmas?: boolean; cache16?: boolean } = {}): Promise<Database> {
  const inputs = await measureInputs(root, def);
  steps.mark('measureInputs');
  const db = createEmptyIndex(SQL, inputs.indexBytes);
  const idx = new IndexDb(db, def.queueSeed, consensusFor(def, root), def.roles);
  steps.mark(`create (hint ${(inputs.indexBytes / 1048576).toFixed(0)} MB)`);
  for (const s of opts.before ?? []) db.exec(s);
  db.exec('BEGIN');
  await bulkLoad(SQL, idx, root, def, { workerFile: WORKER });
  steps.mark('rows (worker scan + binds)');
  db.exec('COMMIT');
  steps.mark('commit');
  if (opts.sortPragmas) db.exec('PRAGMA temp_store = MEMORY; PRAGMA cache_size = -262144;');
  for (const s of STATEMENTS) {
    if (opts.cache16) db.exec(s);
    else execSecondary(db, s);
    const name = /(?:INDEX|TRIGGER) IF NOT EXISTS (\w+)/.exec(s)?.[1] ?? s.slice(0, 20);
    if (!name.startsWith('t_')) steps.mark(`index ${name}`);
  }
  if (opts.sortPragmas) db.exec('PRAGMA temp_store = FILE; PRAGMA cache_size = -16384;');
  steps.mark('triggers');
  idx.free();
  return db;
}

/** The parts alone in this thread: the scan with its chunks kept (ids checked as `ids` says), then their binds into an empty index. */
async function parts(SQL: SqlJsStatic, root: string, def: ProjectDef, steps: Steps, ids: IdCheck = 'empty'): Promise<Database> {
  const chunks: EncodedRows[] = [];
  let first = 0;
  const t0 = performance.now();
  await scanToChunks({ root, sources: def.dataSources, seed: def.queueSeed, chunkRows: 4096, ids }, (c: ScanChunk) => {
    if (c.kind !== 'rows') return;
    if (!chunks.length) first = performance.now() - t0;
    chunks.push(c.rows);
  });
  steps.mark(`scan alone, ids ${ids} (1st chunk ${first.toFixed(0)} ms)`);
  const inputs = await measureInputs(root, def);
  const db = createEmptyIndex(SQL, inputs.indexBytes);
  steps.mark('create');
  db.exec('BEGIN');
  const ins = new RawInsert(SQL, db, 'INSERT INTO items (id, key, row, src, text, qorder) VALUES (?, ?, ?, ?, ?, ?)');
  for (const c of chunks) {
    if (c.width !== SCAN_ROW_WIDTH) throw new Error('width');
    ins.addEncoded(c);
  }
  ins.finish();
  steps.mark('binds alone (this thread)');
  db.exec('COMMIT');
  steps.mark('commit');
  return db;
}

function digest(db: Database): string {
  const q = (sql: string): string => JSON.stringify(db.exec(sql)[0]?.values ?? []);
  return [
    q('SELECT COUNT(*), SUM(id), TOTAL(LENGTH(key)), TOTAL(qorder), TOTAL(LENGTH(text)) FROM items'),
    q('SELECT * FROM cnt_state'),
    q("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master ORDER BY name)"),
    q('PRAGMA integrity_check'),
  ].join('\n');
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `labeling-ingest-${N}-`));
  try {
    await writeBenchProject(createProject, root, N);
    // The journals are the raw rate's lines only: the ingest's project has none.
    const rawFile = path.join(root, 'raw.jsonl');
    fs.renameSync(path.join(root, '.labeling/bench/journal/ann/laptop.jsonl'), rawFile);
    fs.rmSync(path.join(root, '.labeling/bench/journal'), { recursive: true, force: true });
    const def = await loadProject(root, 'bench');
    const SQL = await loadSqlJs(WASM);
    console.log(`n=${N} modes=${MODES.join(',')} load=${os.loadavg().map((l) => l.toFixed(2)).join(' ')} ${new Date().toISOString()}`);
    let reference: string | undefined;
    for (const mode of MODES) {
      gc();
      const raw = parseRate(rawFile);
      gc();
      const load = os.loadavg()[0]!;
      const steps = new Steps();
      let db: Database;
      if (mode === 'ship') {
        const built = await buildIndex(SQL, root, def, { workerFile: WORKER });
        steps.mark('buildIndex');
        built.idx.free();
        db = built.idx.db;
      } else if (mode === 'phases') db = await stepped(SQL, root, def, steps);
      else if (mode === 'mem-sort') db = await stepped(SQL, root, def, steps, { sortPragmas: true });
      else if (mode === 'pre-partial') db = await stepped(SQL, root, def, steps, { before: PARTIAL });
      // Every index built under PRAGMAS's 16 MB page cache (before execSecondary built items_open under 512 KB).
      else if (mode === 'cache16') db = await stepped(SQL, root, def, steps, { cache16: true });
      // pre:<index>+<index>: those of SECONDARY also created on the empty tables (written row by row by the load).
      else if (mode.startsWith('pre:')) {
        const names = mode.slice(4).split('+');
        db = await stepped(SQL, root, def, steps, { before: STATEMENTS.filter((st) => names.includes(/EXISTS (\w+)/.exec(st)?.[1] ?? '')) });
      } else if (mode === 'parts' || mode === 'parts-all') db = await parts(SQL, root, def, steps, mode === 'parts' ? 'empty' : 'all');
      else if (mode === 'scan-profile') {
        // The scan alone in this thread under a CPU profile (BENCH_PROFILE: the .cpuprofile written).
        const stop = await startProfile(process.env.BENCH_PROFILE ?? '/tmp/ingest-scan.cpuprofile');
        db = await parts(SQL, root, def, steps);
        await stop();
      }
      else throw new Error(`unknown mode ${mode}`);
      const wall = steps.wall;
      const t = performance.now();
      const bytes = db.export().length;
      const exportMs = performance.now() - t;
      const d = mode.startsWith('parts') ? undefined : digest(db);
      reference ??= d;
      const rate = N / (wall / 1000);
      console.log(`\n${mode}: ${(wall / 1000).toFixed(3)} s, ingest ${Math.round(rate)} items/s, json_parse_raw ${Math.round(raw)} lines/s, ratio ${(rate / raw).toFixed(4)}, load ${load.toFixed(2)}; export ${exportMs.toFixed(0)} ms (${(bytes / 1048576).toFixed(1)} MB)${d ? `, same as the first: ${d === reference}` : ''}`);
      steps.print();
      if (d && d !== reference) console.log(`  differs:\n${d}\n  first:\n${reference}`);
      db.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
