/**
 * A bulk build whose rows are made in a worker thread (jobs/tasks.ts, stream 'bulk-rows'; issue 15): the
 * worker reads, parses, validates and judges every journal, scans the data sources and computes every
 * item's rows with the same bulkLoad as the main thread (so the same problems, with the same file and
 * line, and the same errors), but its rows go to sinks that encode them for binding (row-encoding.ts) and
 * post them in chunks whose buffers are transferred. The main thread only binds them into the index it
 * builds, while the worker computes the next ones, and then builds the secondary indexes.
 *
 * The worker's bulkLoad runs over a scratch index of its own (empty tables, never filled with rows): what
 * it writes there besides rows (the counters, meta: barriers, added labels, project-wide events) is
 * posted back whole at the end, table by table, and the main thread's index reads its meta again.
 */
import type { SqlJsStatic } from 'sql.js';
import { LabelingError, throwIfAborted } from '../errors';
import { runWorkerStream, runWorkerTask } from '../jobs/worker-client';
import type { FileMark } from '../journal/marks';
import type { JournalProblem } from '../journal/reader';
import type { ProjectDef } from '../model';
import { bulkLoad, INSERT_EV, INSERT_FULL, type BulkResult, type RowSink } from './bulk';
import { readJournalPart, type JournalPart, type JournalSlice } from './bulk-journals';
import { INSERT_RVW } from './dashboard-counters';
import { createEmptyIndex, loadSqlJs, rows as rowsOf } from './db';
import { IndexDb, INSERT_DONE } from './index-db';
import { consensusFor } from './mask-source';
import { RawInsert } from './raw-insert';
import { RowEncoder, transferList, type Cell, type EncodedRows } from './row-encoding';
import type { TimeSlicer } from './time-slice';
import type { StoreProgress } from './types';

/** The tables whose rows the worker hands over (items as full rows: every column given). */
export type StreamTable = 'items' | 'ev' | 'done' | 'rvw';

const INSERTS: Record<StreamTable, string> = { items: INSERT_FULL, ev: INSERT_EV, done: INSERT_DONE, rvw: INSERT_RVW };

/** Tables the build fills with rows (handed over as chunks) or that differ only in when they were made. */
const NOT_POSTED = new Set(['items', 'ev', 'done', 'rvw', 'migrations']);

export interface BulkStreamInput {
  root: string;
  def: ProjectDef;
  /** sql.js's wasm file (the worker loads sql.js for its scratch index). */
  wasm: string;
  /** Rows per chunk posted (all tables together). */
  chunkRows: number;
  /** The worker's own file: a second worker started from it reads the last journal files meanwhile ('read-journals'). */
  helperFile?: string;
}

export interface JournalPartInput {
  root: string;
  def: ProjectDef;
  wasm: string;
  /** The files, or the tail part of the first (bulk-journals.ts helperPlan). */
  files: JournalSlice[];
}

/** Task 'read-journals': journal files read into columns, judged by a scratch index of this thread's own (bulk.ts JournalPart). */
export function readJournalsTask(input: JournalPartInput): Promise<JournalPart> {
  return withScratchIndex(input, (_SQL, idx) => readJournalPart(idx, input.def, input.files));
}

/** `fn` over an empty index of this thread's own for the project (never filled with rows), closed after. */
async function withScratchIndex<T>(input: { root: string; def: ProjectDef; wasm: string }, fn: (SQL: SqlJsStatic, idx: IndexDb) => Promise<T>): Promise<T> {
  const SQL = await loadSqlJs(input.wasm);
  const db = createEmptyIndex(SQL);
  const idx = new IndexDb(db, input.def.queueSeed, consensusFor(input.def, input.root), input.def.roles);
  try {
    return await fn(SQL, idx);
  } finally {
    idx.free();
    db.close();
  }
}

export type BulkChunk = { kind: 'rows'; parts: { table: StreamTable; rows: EncodedRows }[] } | { kind: 'progress'; progress: StoreProgress };

/** A table's rows as the worker's bulkLoad left them, besides the row tables. */
export interface PostedTable {
  name: string;
  columns: string[];
  rows: Cell[][];
}

export interface BulkStreamOutput {
  marks: [string, FileMark][];
  problems: JournalProblem[];
  items: number;
  events: number;
  tables: PostedTable[];
}

/** Rows per chunk the worker posts. */
export const BULK_CHUNK_ROWS = 8192;

/**
 * Sinks encoding the rows of each table; the parts made are posted together once they hold `chunkRows`
 * rows. A table's rows stay in the order they were added, and a part is made whenever its encoder is
 * full or flushed, so the order bulkLoad flushes in (items in id order) is the order they are bound in.
 */
class ChunkSinks {
  private parts: { table: StreamTable; rows: EncodedRows }[] = [];
  private partRows = 0;

  constructor(
    private readonly emit: (c: BulkChunk, transfer: ArrayBuffer[]) => void,
    private readonly chunkRows: number,
  ) {}

  sink(table: StreamTable): RowSink {
    let enc: RowEncoder | undefined;
    const move = (): void => {
      if (!enc?.rows) return;
      const rows = enc.take();
      this.parts.push({ table, rows });
      this.partRows += rows.rows;
      if (this.partRows >= this.chunkRows) this.post();
    };
    return {
      add: (values) => {
        enc ??= new RowEncoder(values.length, this.chunkRows, this.chunkRows * 32);
        enc.add(values);
        if (enc.full) move();
      },
      flush: move,
      free: () => undefined,
    };
  }

  post(): void {
    if (!this.parts.length) return;
    const parts = this.parts;
    this.parts = [];
    this.partRows = 0;
    this.emit({ kind: 'rows', parts }, parts.flatMap((p) => transferList(p.rows)));
  }
}

/** Every row of each table, by name (the tables a fresh index has). */
function tableContents(db: IndexDb['db']): Map<string, { columns: string[]; rows: Cell[][] }> {
  const out = new Map<string, { columns: string[]; rows: Cell[][] }>();
  const names = rowsOf<Record<string, unknown>>(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => String(r['name']));
  for (const name of names) {
    if (NOT_POSTED.has(name)) continue;
    const res = db.exec(`SELECT * FROM "${name}"`)[0];
    const columns = res?.columns ?? rowsOf<Record<string, unknown>>(db, `PRAGMA table_info("${name}")`).map((r) => String(r['name']));
    out.set(name, { columns, rows: (res?.values ?? []) as Cell[][] });
  }
  return out;
}

/** The worker's side: bulkLoad over a scratch index, its rows posted as chunks; returns the rest. */
export function bulkRowsToChunks(input: BulkStreamInput, emit: (c: BulkChunk, transfer?: ArrayBuffer[]) => void): Promise<BulkStreamOutput> {
  return withScratchIndex(input, async (SQL, idx) => {
    const { db } = idx;
    const fresh = tableContents(db);
    const sinks = new ChunkSinks((c, transfer) => emit(c, transfer), input.chunkRows);
    db.exec('BEGIN');
    const { helperFile } = input;
    const r = await bulkLoad(SQL, idx, input.root, input.def, {
      ...(helperFile ? { journalHelper: (files: JournalSlice[]) => runWorkerTask(helperFile, 'read-journals', { root: input.root, def: input.def, wasm: input.wasm, files }) } : {}),
      sinks: { items: sinks.sink('items'), ev: sinks.sink('ev'), done: sinks.sink('done'), rvw: sinks.sink('rvw') },
      onProgress: (progress) => {
        sinks.post();
        emit({ kind: 'progress', progress });
      },
    });
    sinks.post();
    db.exec('COMMIT');
    const tables: PostedTable[] = [];
    for (const [name, t] of tableContents(db)) {
      if (JSON.stringify(t) !== JSON.stringify(fresh.get(name))) tables.push({ name, ...t });
    }
    return { marks: [...r.marks], problems: r.problems, items: r.items, events: r.events, tables };
  });
}

export interface WorkerBulkOptions {
  /** The bundled worker (dist/worker.js). */
  workerFile: string;
  /** sql.js's wasm file, for the worker's scratch index. */
  wasm: string;
  signal?: AbortSignal;
  onProgress?: (p: StoreProgress) => void;
  /** Yield to the event loop whenever a slice is used up (a background rebuild). */
  slicer?: TimeSlicer;
  /** false: the worker reads every journal itself, without a second worker for the last files (tests, benches). */
  journalHelper?: boolean;
}

/**
 * bulkLoad with its rows made in the worker: the same tables, counters and meta in `idx` (empty, inside
 * the caller's transaction), the same result. The hashers of the marks are not handed over (a hash in
 * progress cannot be): the next follow of each journal resumes one by reading its last short chunk again.
 */
export async function bulkLoadInWorker(SQL: SqlJsStatic, idx: IndexDb, root: string, def: ProjectDef, opts: WorkerBulkOptions): Promise<BulkResult> {
  const ins = new Map<StreamTable, RawInsert>();
  const insert = (t: StreamTable): RawInsert => {
    let i = ins.get(t);
    if (!i) {
      if (!Object.prototype.hasOwnProperty.call(INSERTS, t)) throw new LabelingError('io', `the build worker sent rows of an unknown table "${String(t)}"`);
      ins.set(t, (i = new RawInsert(SQL, idx.db, INSERTS[t])));
    }
    return i;
  };
  const { slicer, signal } = opts;
  try {
    const input: BulkStreamInput = { root, def, wasm: opts.wasm, chunkRows: BULK_CHUNK_ROWS, ...(opts.journalHelper !== false ? { helperFile: opts.workerFile } : {}) };
    const out = await runWorkerStream(opts.workerFile, 'bulk-rows', input, {
      ...(signal ? { signal } : {}),
      onChunk: async (c: BulkChunk) => {
        if (c.kind === 'progress') {
          opts.onProgress?.(c.progress);
          return;
        }
        for (const p of c.parts) insert(p.table).addEncoded(p.rows);
        if (slicer?.due()) await slicer.pause();
        throwIfAborted(signal);
      },
    });
    for (const i of ins.values()) i.flush();
    writePosted(idx, out.tables);
    return { marks: new Map(out.marks), live: new Map(), problems: out.problems, items: out.items, events: out.events };
  } finally {
    for (const i of ins.values()) i.free();
  }
}

/** The worker's counters and meta in place of this index's (both were made empty by createEmptyIndex). */
function writePosted(idx: IndexDb, tables: readonly PostedTable[]): void {
  const known = new Map(rowsOf<Record<string, unknown>>(idx.db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => [String(r['name']), true]));
  for (const t of tables) {
    if (!known.has(t.name) || NOT_POSTED.has(t.name)) throw new LabelingError('io', `the build worker sent a table this index does not have to take ("${t.name}")`);
    idx.db.run(`DELETE FROM "${t.name}"`);
    if (!t.rows.length) continue;
    const st = idx.db.prepare(`INSERT INTO "${t.name}" (${t.columns.map((c) => `"${c}"`).join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`);
    try {
      for (const r of t.rows) st.run(r);
    } finally {
      st.free();
    }
  }
  idx.reloadMeta();
}
