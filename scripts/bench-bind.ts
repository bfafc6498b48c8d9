/**
 * What binding rows from JavaScript costs against SQLite's own insert (issue 15; a probe, nothing asserted).
 * BENCH_ROWS (default 2,900,000) rows shaped like a 1M-item rebuild's `ev` rows (item, an order key as
 * orderKeyOf writes it, type 0, a packed classification annotation, the other columns NULL or 0), in item
 * and order-key order, into an empty `ev` of the index schema (createEmptyIndex, sized in advance), timed:
 *  - js-arrays: making each row's values array only (what bulk.ts does before RawInsert.add);
 *  - encode: the same plus RowEncoder.add (the strings into one buffer, as RawInsert and the scan worker do);
 *  - rawinsert: RawInsert.add + flush: the encoding and every bind and step (bulk.ts's path);
 *  - select: `INSERT INTO ev SELECT * FROM src WHERE 1` from a table holding the same rows (each row decoded,
 *    its key checked and inserted by SQLite in C: the insert itself, without JavaScript);
 *  - xfer: `INSERT INTO ev SELECT * FROM src` (SQLite's transfer optimization into an empty table: records
 *    copied as they are).
 * Built and run as bench-bulk-phases.ts is (npx esbuild ... scripts/bench-bind.ts --outdir=/tmp/bulk-probe):
 *   flock /tmp/team/bench.lock node --expose-gc /tmp/bulk-probe/bench-bind.js
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { orderKeyOf } from '../src/core/journal/events';
import { createEmptyIndex, loadSqlJs } from '../src/core/store/db';
import { RawInsert, type Cell } from '../src/core/store/raw-insert';
import { RowEncoder } from '../src/core/store/row-encoding';

const ROWS = Number(process.env.BENCH_ROWS ?? 2_900_000);
const WASM = process.env.BENCH_WASM ?? path.resolve('node_modules/sql.js/dist/sql-wasm.wasm');
const INSERT_EV = 'INSERT INTO ev (item, ord, type, ann, pre, conf, src, base, target, seen, chg) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const BYS = ['ann', 'bob', 'cat'];
const ANNS = ['{"kind":"classes","labels":["pos"]}', '{"kind":"classes","labels":["neg"]}', '{"kind":"classes","labels":["neutral"]}'];
const base = Date.UTC(2026, 10, 1);

function row(i: number): Cell[] {
  const item = Math.floor(i / 3) + 1;
  const li = i % 3;
  return [item, orderKeyOf(base + li * 1000 + item * 3000, BYS[li]!, 'laptop', item), 0, ANNS[(item + li) % 3]!, 0, null, null, null, null, null, 0];
}

function time(name: string, f: () => void): void {
  (globalThis as { gc?: () => void }).gc?.();
  const t = performance.now();
  const c = process.cpuUsage();
  f();
  const secs = (performance.now() - t) / 1000;
  const u = process.cpuUsage(c);
  console.log(`${name.padEnd(10)} ${secs.toFixed(2).padStart(6)} s wall ${((u.user + u.system) / 1e6).toFixed(2).padStart(6)} s CPU ${((secs * 1e6) / ROWS).toFixed(3).padStart(6)} us a row`);
}

async function main(): Promise<void> {
  const SQL = await loadSqlJs(WASM);
  console.log(`rows=${ROWS} load=${os.loadavg().map((l) => l.toFixed(2)).join(' ')} ${new Date().toISOString()}`);
  let sink = 0;
  time('js-arrays', () => {
    for (let i = 0; i < ROWS; i++) sink += row(i).length;
  });
  time('encode', () => {
    const enc = new RowEncoder(11, 2048);
    for (let i = 0; i < ROWS; i++) {
      enc.add(row(i));
      if (enc.full) {
        sink += enc.used;
        enc.clear();
      }
    }
  });
  const db = createEmptyIndex(SQL, 700 * 1024 * 1024);
  db.exec(db.exec("SELECT sql FROM sqlite_master WHERE name = 'ev'")[0]!.values[0]![0]!.toString().replace('CREATE TABLE ev', 'CREATE TABLE src'));
  db.exec('BEGIN');
  time('rawinsert', () => {
    const ins = new RawInsert(SQL, db, INSERT_EV.replace('INTO ev', 'INTO src'));
    for (let i = 0; i < ROWS; i++) ins.add(row(i));
    ins.finish();
  });
  db.exec('COMMIT');
  for (const [name, sql] of [['select', 'INSERT INTO ev SELECT * FROM src WHERE 1'], ['xfer', 'INSERT INTO ev SELECT * FROM src']] as const) {
    db.exec('DELETE FROM ev');
    db.exec('BEGIN');
    time(name, () => db.exec(sql));
    db.exec('COMMIT');
  }
  console.log(`ev rows ${String(db.exec('SELECT COUNT(*) FROM ev')[0]!.values[0]![0])} (${sink > 0 ? 'ok' : ''})`);
  db.close();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
