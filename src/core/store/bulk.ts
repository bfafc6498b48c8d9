/**
 * The bulk build of an empty index. Journals are read first, their rows grouped per item key in
 * memory (and the label-set barriers settled); then every item is written once: the data sources in
 * scan order, then items known only from journals (as missing) in order of first appearance. Each
 * item's events are sorted, inserted in (item, ord) order and its state computed once in JS, so no
 * row is updated afterwards. The result equals replaying every event through `applyEvent` and
 * `recomputeItem` (replay.test.ts checks this).
 */
import type { SqlJsStatic } from 'sql.js';
import { LabelingError, throwIfAborted } from '../errors';
import { scanSources, type ScannedItem } from '../ingest/scan';
import { SCAN_ROW, SCAN_ROW_WIDTH, type ScanChunk } from '../ingest/scan-stream';
import { runWorkerStream } from '../jobs/worker-client';
import type { ChunkHasher, FileMark } from '../journal/marks';
import type { JournalProblem } from '../journal/reader';
import type { ProjectDef } from '../model';
import { queueOrder } from '../queue/order';
import { readAllJournals, type JournalHelper } from './bulk-journals';
import { PARTIAL_INDEX_STATEMENTS } from './db';
import { RawInsert, type Cell } from './raw-insert';
import { cellOf, type EncodedRows } from './row-encoding';
import { compareOrd, evTypeCode, type MemEv } from './ev-rows';
import { BUMP_PATTERN, patternOfItem, PatternTally } from './rating-patterns';
import { doneOutcomes, INSERT_OUTCOME, OutcomeTally } from './suggestion-outcomes';
import { assignFactOf, doneValues, INSERT_DONE, journalOnlyItem, STATE_COLUMNS, stateValues, type IndexDb } from './index-db';
import { consensusFor } from './mask-source';
import { DashboardTally, INSERT_RVW, reviewFacts } from './dashboard-counters';
import { computeItem } from './item-state';
import type { TimeSlicer } from './time-slice';
import type { StoreProgress } from './types';

const INSERT_PLAIN = 'INSERT INTO items (id, key, row, src, text, qorder) VALUES (?, ?, ?, ?, ?, ?)';
export const INSERT_FULL = `INSERT INTO items (id, key, row, src, text, qorder, missing, ${STATE_COLUMNS.join(', ')})
  VALUES (${Array(7 + STATE_COLUMNS.length).fill('?').join(', ')})`;
export const INSERT_EV = 'INSERT INTO ev (item, ord, type, ann, pre, conf, src, base, target, seen, chg) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export interface BulkOptions {
  signal?: AbortSignal;
  onProgress?: (p: StoreProgress) => void;
  /** Yield to the event loop whenever a slice is used up (a background rebuild, background-build.ts). */
  slicer?: TimeSlicer;
  /**
   * The bundled worker (dist/worker.js): the data sources are then scanned in a worker thread while
   * this thread writes the rows it hands over (ingest/scan-stream.ts). Without it, in this thread.
   */
  workerFile?: string;
  /** A scan started in the worker before this build (startWorkerScan): its rows are taken instead of starting one. */
  scan?: WorkerScan;
  /** The tables this build writes (default all); counters are written with `items` (a split build, bench-bulk-phases.ts). */
  tables?: ReadonlySet<BulkTable>;
  /** Only items with ids in [from, to) are written and counted (a split build, bench-bulk-phases.ts; not with workerFile). */
  range?: readonly [number, number];
  /** A second thread reading the last journal files while this one reads the first (bulk-stream.ts). */
  journalHelper?: JournalHelper;
  /**
   * Where rows of these tables go instead of this index: a build whose rows are made in a worker
   * (bulk-stream.ts), or a split build handing them to one (bench-bulk-phases.ts). `items` takes every item
   * as a row of INSERT_FULL (those without journal rows with the state an unlabeled item has).
   */
  sinks?: Partial<Record<'items' | 'ev' | 'done' | 'rvw', RowSink>>;
}

/** Takes rows as RawInsert does (values in its statement's parameter order). */
export interface RowSink {
  add(values: Cell[]): void;
  flush(): void;
  free(): void;
}

export type BulkTable = 'items' | 'ev' | 'done' | 'rvw';

/** Rows per chunk the scan worker hands over. */
const SCAN_CHUNK_ROWS = 4096;

/** The data-source scan running in a worker thread; its chunks wait (at most four ahead) until taken. */
export interface WorkerScan {
  /** Takes the chunks in order until the scan ends; resolves with it, or rejects with its error. */
  take(onChunk: (c: ScanChunk) => Promise<void>): Promise<void>;
  /** Stops a scan whose rows will not be taken (the build failed first); harmless once it ended. */
  cancel(): void;
}

/**
 * Starts the scan of `def`'s data sources in the worker before the index it fills exists: the worker
 * boots, reads and parses its first rows while this thread makes the empty index (~0.2 s at 1M items)
 * and reads the journals, instead of this thread waiting for its first chunk afterwards.
 */
export function startWorkerScan(workerFile: string, root: string, def: ProjectDef, signal?: AbortSignal): WorkerScan {
  const stop = new AbortController();
  let taker: ((c: ScanChunk) => Promise<void>) | undefined;
  let open!: () => void;
  const taken = new Promise<void>((resolve) => (open = resolve));
  const input = { root, sources: def.dataSources, seed: def.queueSeed, chunkRows: SCAN_CHUNK_ROWS, ids: 'empty' as const };
  const done = runWorkerStream(workerFile, 'scan-sources', input, {
    signal: signal ? AbortSignal.any([signal, stop.signal]) : stop.signal,
    onChunk: async (c: ScanChunk) => {
      await taken;
      await taker!(c);
    },
  });
  done.catch(() => undefined); // its error is take()'s; after cancel() nobody asks
  return {
    take(onChunk) {
      taker = onChunk;
      open();
      return done.then(() => undefined);
    },
    cancel() {
      stop.abort(new LabelingError('cancelled', 'the build stopped before its data sources were read'));
    },
  };
}

export interface BulkResult {
  marks: Map<string, FileMark>;
  /** Hashers at the marks (the journals were hashed while read). */
  live: Map<string, ChunkHasher>;
  problems: JournalProblem[];
  items: number;
  events: number;
}

/** Sorted by ord; a repeated ord keeps its first row (as INSERT OR IGNORE does). */
function sortedUnique(rows: MemEv[]): MemEv[] {
  if (rows.length < 2) return rows;
  rows.sort((a, b) => compareOrd(a.ord, b.ord));
  const out = [rows[0]!];
  for (let i = 1; i < rows.length; i++) if (rows[i]!.ord !== out[out.length - 1]!.ord) out.push(rows[i]!);
  return out;
}

/**
 * Loads items and journals into an empty index (tables only, inside the caller's transaction).
 * Secondary indexes and triggers must be created afterwards (finishBulkLoad). Table rows' ids are not
 * checked for duplicates as they are scanned (a Set of every id was ~40% of the scan): the unique index
 * items_key fails on a repeated key, and buildIndex then scans again to report it with its file and line.
 */
export async function bulkLoad(SQL: SqlJsStatic, idx: IndexDb, root: string, def: ProjectDef, opts: BulkOptions): Promise<BulkResult> {
  // The worker scans while the journals are read here.
  const scan = opts.scan ?? (opts.workerFile ? startWorkerScan(opts.workerFile, root, def, opts.signal) : undefined);
  try {
    return await loadRows(SQL, idx, root, def, opts, scan);
  } catch (e) {
    scan?.cancel();
    throw e;
  }
}

async function loadRows(SQL: SqlJsStatic, idx: IndexDb, root: string, def: ProjectDef, opts: BulkOptions, scan: WorkerScan | undefined): Promise<BulkResult> {
  const read = await readAllJournals(idx, root, def, opts);
  const { slicer } = opts;
  const { cols } = read;
  // No journal rows: every item is written unlabeled, in none of the partial indexes (db.ts).
  // (Not when the rows go elsewhere: their index makes them after the load.)
  if (!cols.keys.size && !opts.tables && !opts.sinks) for (const st of PARTIAL_INDEX_STATEMENTS) idx.db.exec(st);
  const written = new Uint8Array(cols.keys.size);
  // Counters kept in JS while writing (the tables are empty: no triggers yet, no recount scan after).
  const labelCounts = new Map<string, number>();
  const stateCounts = new Map<string, number>();
  const flagCounts = new Map<number, number>();
  const patterns = new PatternTally();
  const outcomeCounts = new OutcomeTally();
  const labelerCounts = new Map<string, number>();
  const dash = new DashboardTally();
  const count = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  // Rows are written in chunks through raw-insert.ts. Items are inserted in id order: pending rows
  // of the other kind are flushed first whenever plain and full rows alternate.
  const plain = new RawInsert(SQL, idx.db, INSERT_PLAIN);
  const full = opts.sinks?.items ?? new RawInsert(SQL, idx.db, INSERT_FULL);
  const itemSink = opts.sinks?.items !== undefined;
  // What an item without journal rows holds past (id, key, row, src, text, qorder), as a full row.
  const unlabeled: Cell[] = itemSink ? [0, ...(stateValues(computeItem([], idx.barriers, consensusFor(def, root), false, false)) as Cell[])] : [];
  const ev = opts.sinks?.ev ?? new RawInsert(SQL, idx.db, INSERT_EV);
  const done = opts.sinks?.done ?? new RawInsert(SQL, idx.db, INSERT_DONE);
  const rvw = opts.sinks?.rvw ?? new RawInsert(SQL, idx.db, INSERT_RVW);
  const inserts = [plain, full, ev, done, rvw];
  let id = 0;
  const want = (t: BulkTable): boolean => !opts.tables || opts.tables.has(t);
  const wItems = want('items');
  const wEv = want('ev');
  const wDone = want('done');
  const wRvw = want('rvw');
  const { range } = opts;
  if (range && scan) throw new LabelingError('io', 'a bulk build of an id range scans in this thread');
  if (itemSink && scan) throw new LabelingError('io', 'a bulk build handing its item rows on scans in this thread');

  const write = (it: Pick<ScannedItem, 'key' | 'row' | 'source' | 'text'>, missing: boolean): void => {
    id++;
    if (range && (id < range[0] || id >= range[1])) {
      const k = cols.keys.get(it.key);
      if (k !== undefined) written[k] = 1;
      return;
    }
    const head: Cell[] = [id, it.key, it.row ?? null, it.source, it.text ?? null, queueOrder(def.queueSeed, it.key)];
    const k = cols.keys.get(it.key);
    if (k === undefined && !missing) {
      if (itemSink) {
        if (wItems) full.add([...head, ...unlabeled]);
        count(stateCounts, 'unlabeled');
        return;
      }
      full.flush();
      if (wItems) plain.add(head);
      count(stateCounts, 'unlabeled');
      return;
    }
    if (k !== undefined) written[k] = 1;
    const rows = k === undefined ? [] : sortedUnique(cols.rowsOf(k));
    if (wEv) for (const r of rows) ev.add([id, r.ord, evTypeCode(r.type), r.ann, r.pre, r.conf, r.src, r.base, r.target, r.seen, r.chg]);
    if (!wItems && !wDone) {
      if (wRvw) for (const f of reviewFacts(rows)) rvw.add([id, f.labeler, f.acc, f.rej]);
      return;
    }
    const c = computeItem(rows, idx.barriers, consensusFor(def, root), missing, false);
    plain.flush();
    if (wItems) full.add([...head, missing ? 1 : 0, ...(stateValues(c) as Cell[])]);
    const outcomes = doneOutcomes(rows, c.done);
    outcomeCounts.add(outcomes);
    for (const d of c.done) {
      if (wDone) done.add(doneValues(d, id, c, outcomes) as Cell[]);
      if (d.kind === 'sub') count(labelerCounts, d.labeler);
      else dash.skip(d.labeler);
    }
    dash.rows(rows);
    for (const f of reviewFacts(rows)) {
      if (wRvw) rvw.add([id, f.labeler, f.acc, f.rej]);
      dash.review(f);
    }
    const assigned = assignFactOf(c);
    if (assigned) dash.assigned(assigned);
    dash.final(c.final);
    for (const l of c.finalLabels) count(labelCounts, l);
    patterns.add(patternOfItem(c.done));
    for (let b = 1; b <= c.flags; b <<= 1) if (c.flags & b) flagCounts.set(b, (flagCounts.get(b) ?? 0) + 1);
    count(stateCounts, c.state);
  };

  /** Rows [from, to) of a scanned chunk, none of them with journal rows: as they came. */
  const writePlain = (rows: EncodedRows, from: number, to: number): void => {
    if (from >= to) return;
    if (cellOf(rows, from, SCAN_ROW.id) !== id + 1) throw new LabelingError('io', `the scan worker's item ${String(cellOf(rows, from, SCAN_ROW.id))} came where item ${id + 1} was due`);
    full.flush();
    if (wItems) plain.addEncoded(rows, from, to);
    id += to - from;
    stateCounts.set('unlabeled', (stateCounts.get('unlabeled') ?? 0) + (to - from));
  };
  /** A chunk from the scan worker: runs of items without journal rows are bound as they came; the others are written here. */
  const writeChunk = async (c: ScanChunk): Promise<void> => {
    if (c.kind === 'progress') {
      opts.onProgress?.(c.progress);
      return;
    }
    const { rows } = c;
    if (rows.width !== SCAN_ROW_WIDTH) throw new LabelingError('io', `the scan worker's rows have ${rows.width} columns, not ${SCAN_ROW_WIDTH}`);
    let run = 0;
    // Without journal rows every item is bound as it came; with some, the items that have rows are written here.
    if (cols.keys.size) for (let r = 0; r < rows.rows; r++) {
      const key = cellOf(rows, r, SCAN_ROW.key) as string;
      if (!cols.keys.has(key)) continue;
      writePlain(rows, run, r);
      run = r + 1;
      const row = cellOf(rows, r, SCAN_ROW.row);
      const text = cellOf(rows, r, SCAN_ROW.text);
      write({ key, source: cellOf(rows, r, SCAN_ROW.src) as number, ...(row !== null ? { row: String(row) } : {}), ...(text !== null ? { text: String(text) } : {}) }, false);
      if (slicer?.due()) {
        await slicer.pause();
        throwIfAborted(opts.signal);
      }
    }
    writePlain(rows, run, rows.rows);
    if (slicer?.due()) await slicer.pause();
    throwIfAborted(opts.signal);
  };

  try {
    opts.onProgress?.({ message: 'Indexing data sources' });
    if (scan) await scan.take(writeChunk);
    else if (!slicer) await scanSources(root, def.dataSources, (it) => write(it, false), { ...opts, ids: 'empty' });
    else {
      // Sliced: each file's items are written in slices once the file is parsed.
      const pending: ScannedItem[] = [];
      const drain = async (): Promise<void> => {
        for (let i = 0; i < pending.length; i++) {
          write(pending[i]!, false);
          if (slicer.due()) await slicer.pause();
        }
        pending.length = 0;
      };
      await scanSources(root, def.dataSources, (it) => pending.push(it), { ...opts, pause: drain, ids: 'empty' });
      await drain();
    }
    throwIfAborted(opts.signal);
    // Items known only from journals, in order of first appearance.
    for (const [key, k] of cols.keys) {
      if (written[k]) continue;
      write(journalOnlyItem(key), true);
      if (slicer?.due()) await slicer.pause();
    }
    for (const ins of inserts) ins.flush();
  } finally {
    for (const ins of inserts) ins.free();
  }
  if (!wItems) return { marks: read.marks, live: read.live, problems: read.problems, items: id, events: read.events };
  dash.write((sql, params) => idx.db.run(sql, params));
  for (const [b, n] of flagCounts) idx.db.run('INSERT INTO cnt_flag VALUES (?, ?)', [b, n]);
  for (const [p, n] of patterns.counts) idx.db.run(BUMP_PATTERN, [p, n]);
  for (const o of outcomeCounts.counts.values()) idx.db.run(INSERT_OUTCOME, [o.src, o.chg, o.n]);
  for (const [table, counts] of [['cnt_state', stateCounts], ['cnt_label', labelCounts], ['cnt_labeler', labelerCounts]] as const) {
    for (const [k, n] of counts) idx.db.run(`INSERT INTO ${table} VALUES (?, ?)`, [k, n]);
  }
  return { marks: read.marks, live: read.live, problems: read.problems, items: id, events: read.events };
}
