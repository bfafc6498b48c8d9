/**
 * The worker half of scripts/bench-bulk-phases.ts's `remote` mode (issue 15, a probe, not shipped): this
 * thread's bulkLoad computes every row and hands the rows of `ev`, `done` and `rvw` over, encoded for binding
 * (row-encoding.ts) in chunks whose buffers are transferred; here they are bound into a sql.js index of this
 * worker's own, the statements it is given run after the commit (done_mine and done_hist), and the database's
 * bytes go back, transferred, with each step's wall time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { INSERT_EV } from '../src/core/store/bulk';
import { INSERT_RVW } from '../src/core/store/dashboard-counters';
import { createEmptyIndex, loadSqlJs } from '../src/core/store/db';
import { INSERT_DONE } from '../src/core/store/index-db';
import { RawInsert } from '../src/core/store/raw-insert';
import type { EncodedRows } from '../src/core/store/row-encoding';

interface Input {
  wasm: string;
  after: string[];
  sizeHint: number;
}
type Message = { table: 'ev' | 'done' | 'rvw'; rows: EncodedRows } | { end: true };

async function run(): Promise<void> {
  const input = workerData as Input;
  const t0 = performance.now();
  const marks: [string, number][] = [];
  const mark = (name: string): number => marks.push([name, performance.now() - t0]);
  const SQL = await loadSqlJs(input.wasm);
  const db = createEmptyIndex(SQL, input.sizeHint);
  db.exec('BEGIN');
  const ins = { ev: new RawInsert(SQL, db, INSERT_EV), done: new RawInsert(SQL, db, INSERT_DONE), rvw: new RawInsert(SQL, db, INSERT_RVW) };
  mark('start');
  let busy = 0;
  let first = true;
  parentPort!.on('message', (m: Message) => {
    try {
      if (!('end' in m)) {
        if (first) mark('first rows');
        first = false;
        const t = performance.now();
        ins[m.table].addEncoded(m.rows);
        busy += performance.now() - t;
        return;
      }
      for (const i of Object.values(ins)) i.finish();
      marks.push(['binding (busy)', busy]);
      mark('rows');
      db.exec('COMMIT');
      mark('commit');
      for (const s of input.after) db.exec(s);
      mark('after');
      const image = (db as unknown as { fileImage(): Uint8Array }).fileImage();
      const { buffer, byteLength } = image;
      mark('image');
      parentPort!.postMessage({ buffer, length: byteLength, marks }, [buffer as ArrayBuffer]);
    } catch (e) {
      parentPort!.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  parentPort!.postMessage({ ready: true });
}

run().catch((e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
