/**
 * One index build under different settings (issue 15; a probe, nothing here is asserted): the bench's project
 * (scripts/bench-data.ts: BENCH_N items, 3 labelers' journals; INGEST=1: the items alone, no journals) built once
 * in this thread, then each variant's statements (VARIANTS, comma-separated names of the table below) run REPS
 * times in turn, alternating, each after dropping the index they build (named items_open whatever it indexes,
 * so one DROP serves every variant). Prints each variant's times and median in ms.
 *   INGEST=1 BENCH_N=1000000 VARIANTS=old512,part512 REPS=4 node --max-old-space-size=4096 --import tsx scripts/bench-index-builds.ts
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createProject } from '../src/core/project/create';
import { loadProject } from '../src/core/project/load';
import { loadSqlJs } from '../src/core/store/db';
import { buildIndex } from '../src/core/store/loader';
import { writeBenchProject } from './bench-data';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const WASM = path.resolve('node_modules/sql.js/dist/sql-wasm.wasm');
/** Builds the project's index, then times the variants. */
async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'idxp-'));
  await writeBenchProject(createProject as never, root, N);
  const jdir = path.join(root, '.labeling/bench/journal');
  const moved = path.join(root, 'journal-away');
  if (process.env.INGEST) fs.renameSync(jdir, moved);
  const def = await loadProject(root, 'bench');
  const SQL = await loadSqlJs(WASM);
  const { idx } = await buildIndex(SQL, root, def, {});
  const db = idx.db;
  console.log('open items', db.exec('SELECT COUNT(*) FROM items WHERE open = 1')[0].values[0][0]);
  const variants: Record<string, string[]> = {
    old512: ['PRAGMA cache_size = -512', 'CREATE INDEX items_open ON items (open, qorder, id)', 'PRAGMA cache_size = -16384'],
    old16: ['CREATE INDEX items_open ON items (open, qorder, id)'],
    part512: ['PRAGMA cache_size = -512', 'CREATE INDEX items_open ON items (qorder, id) WHERE open = 1', 'PRAGMA cache_size = -16384'],
    part16: ['CREATE INDEX items_open ON items (qorder, id) WHERE open = 1'],
    part2m: ['PRAGMA cache_size = -2048', 'CREATE INDEX items_open ON items (qorder, id) WHERE open = 1', 'PRAGMA cache_size = -16384'],
    state16: ['CREATE INDEX items_open ON items (state, key)'],
    state512: ['PRAGMA cache_size = -512', 'CREATE INDEX items_open ON items (state, key)', 'PRAGMA cache_size = -16384'],
    key16: ['CREATE INDEX items_open ON items (key)'],
    mine16: ['CREATE INDEX items_open ON done (labeler, kind, item)'],
    mine512: ['PRAGMA cache_size = -512', 'CREATE INDEX items_open ON done (labeler, kind, item)', 'PRAGMA cache_size = -16384'],
    mine2m: ['PRAGMA cache_size = -2048', 'CREATE INDEX items_open ON done (labeler, kind, item)', 'PRAGMA cache_size = -16384'],
    mine64m: ['PRAGMA cache_size = -65536', 'CREATE INDEX items_open ON done (labeler, kind, item)', 'PRAGMA cache_size = -16384'],
    hist16: ['CREATE INDEX items_open ON done (labeler, t)'],
    hist512: ['PRAGMA cache_size = -512', 'CREATE INDEX items_open ON done (labeler, t)', 'PRAGMA cache_size = -16384'],
    hist2m: ['PRAGMA cache_size = -2048', 'CREATE INDEX items_open ON done (labeler, t)', 'PRAGMA cache_size = -16384'],
    hist64m: ['PRAGMA cache_size = -65536', 'CREATE INDEX items_open ON done (labeler, t)', 'PRAGMA cache_size = -16384'],
    keym: ['PRAGMA temp_store = MEMORY', 'CREATE INDEX items_open ON items (key)', 'PRAGMA temp_store = FILE'],
    part512m: ['PRAGMA temp_store = MEMORY', 'PRAGMA cache_size = -512', 'CREATE INDEX items_open ON items (qorder, id) WHERE open = 1', 'PRAGMA cache_size = -16384', 'PRAGMA temp_store = FILE'],
    part16m: ['PRAGMA temp_store = MEMORY', 'CREATE INDEX items_open ON items (qorder, id) WHERE open = 1', 'PRAGMA temp_store = FILE'],
    statem: ['PRAGMA temp_store = MEMORY', 'CREATE INDEX items_open ON items (state, key)', 'PRAGMA temp_store = FILE'],
    minem: ['PRAGMA temp_store = MEMORY', 'CREATE INDEX items_open ON done (labeler, kind, item)', 'PRAGMA temp_store = FILE'],
    histm: ['PRAGMA temp_store = MEMORY', 'CREATE INDEX items_open ON done (labeler, t)', 'PRAGMA temp_store = FILE'],
    key2m: ['PRAGMA cache_size = -2048', 'CREATE INDEX items_open ON items (key)', 'PRAGMA cache_size = -16384'],
  };
  const names = (process.env.VARIANTS ?? 'old512,part512,part16,part2m').split(',');
  const times = new Map<string, number[]>();
  for (let r = 0; r < Number(process.env.REPS ?? 4); r++) {
    for (const v of names) {
      db.exec('DROP INDEX IF EXISTS items_open');
      const t = performance.now();
      for (const s of variants[v]) db.exec(s);
      const ms = performance.now() - t;
      (times.get(v) ?? times.set(v, []).get(v)!).push(ms);
    }
  }
  for (const [v, t] of times) console.log(v.padEnd(10), t.map((x) => x.toFixed(0)).join(' '), 'median', [...t].sort((a, b) => a - b)[t.length >> 1].toFixed(0));
  fs.rmSync(root, { recursive: true, force: true });
}
void main();
