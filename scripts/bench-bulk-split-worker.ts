/**
 * The worker half of scripts/bench-bulk-phases.ts's split build (issue 15, a probe, not shipped): reads the
 * bench project's journals and data sources with its own sql.js, as bulk.ts's bulkLoad does, writes only
 * the tables it is given, runs the statements it is given after the commit (indexes), and posts the
 * database's bytes back, transferred. Each step's wall time rides along.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadProject } from '../src/core/project/load';
import { bulkLoad, type BulkTable } from '../src/core/store/bulk';
import { createEmptyIndex, loadSqlJs } from '../src/core/store/db';
import { IndexDb } from '../src/core/store/index-db';
import { consensusFor } from '../src/core/store/mask-source';

interface Input {
  root: string;
  projectId: string;
  wasm: string;
  tables: BulkTable[];
  after: string[];
  sizeHint: number;
  range?: [number, number];
}

async function run(): Promise<void> {
  const input = workerData as Input;
  const t0 = performance.now();
  const marks: [string, number][] = [];
  const mark = (name: string): number => marks.push([name, performance.now() - t0]);
  const def = await loadProject(input.root, input.projectId);
  const SQL = await loadSqlJs(input.wasm);
  const db = createEmptyIndex(SQL, input.sizeHint);
  const idx = new IndexDb(db, def.queueSeed, consensusFor(def, input.root), def.roles);
  mark('start');
  db.exec('BEGIN');
  await bulkLoad(SQL, idx, input.root, def, {
    tables: new Set(input.tables),
    ...(input.range ? { range: input.range } : {}),
    onProgress: (p) => {
      if (p.message === 'Indexing data sources') mark('journals');
    },
  });
  mark('rows');
  db.exec('COMMIT');
  mark('commit');
  for (const s of input.after) db.exec(s);
  mark('after');
  const bytes = db.export();
  idx.free();
  db.close();
  mark('export');
  parentPort!.postMessage({ bytes, marks }, [bytes.buffer as ArrayBuffer]);
}

run().catch((e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
