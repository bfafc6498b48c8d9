/**
 * Bulk inserts through sql.js's exported SQLite C functions. `Statement.run` copies every string into
 * wasm memory on its own (UTF-8 encoded in a JS loop, one malloc and free each) and resets twice;
 * here each row's strings are encoded natively into one buffer as the row is added, copied into
 * wasm memory at once and bound in place (SQLITE_STATIC), then each row is bound and stepped with
 * direct calls. Values are bound exactly as `Statement.run` binds them (int32 as int, other numbers as
 * double, null as an empty blob pointer), so the rows are identical. Rows go MULTI_ROWS at a time through
 * one statement of that many VALUES tuples (the rest one by one): each step of an INSERT opens the table's
 * and every index's cursor and begins its statement afresh, so one step for 64 rows costs 20-30% less
 * than 64 steps (1M item rows, 6 partial indexes on the table: scripts/bench-ingest-phases.ts). When
 * this sql.js build does not expose what is needed, rows go through `Statement.run`.
 */
import type { Database, SqlJsStatic, Statement } from 'sql.js';
import { LabelingError } from '../errors';

import { cellOf, INT, NULL, RowEncoder, TEXT, type Cell, type EncodedRows } from './row-encoding';

/**
 * The cell kinds as this module's constants: where modules are loaded one by one (tsx, as `npm run bench`
 * and the tests run them) an imported binding is a getter call, three per cell bound (~3% of a rebuild's CPU).
 */
const K_TEXT = TEXT;
const K_INT = INT;
const K_NULL = NULL;

export type { Cell } from './row-encoding';

/** The part of the sql.js module used here (exported by sql.js, not in its type definitions). */
interface SqlJsExports {
  _malloc(n: number): number;
  _free(p: number): void;
  writeArrayToMemory(a: Uint8Array, p: number): void;
  UTF8ToString(p: number): string;
  _sqlite3_sql(stmt: number): number;
  _sqlite3_errmsg(db: number): number;
  _sqlite3_bind_text(stmt: number, i: number, p: number, n: number, destructor: number): number;
  _sqlite3_bind_int(stmt: number, i: number, v: number): number;
  _sqlite3_bind_double(stmt: number, i: number, v: number): number;
  _sqlite3_bind_blob(stmt: number, i: number, p: number, n: number, destructor: number): number;
  _sqlite3_step(stmt: number): number;
  _sqlite3_reset(stmt: number): number;
}

const SQLITE_OK = 0;
const SQLITE_DONE = 101;
/** Rows per chunk: strings of a chunk share one wasm buffer. */
export const CHUNK_ROWS = 2048;
/** Rows per step of the multi-row statement (at most 64 x 11 bound values, far under SQLite's 32,766). */
export const MULTI_ROWS = 64;

/** `INSERT ... VALUES (?, ...)` with its tuple repeated `n` times, or undefined for another form of statement. */
export function multiRowSql(sql: string, n: number): string | undefined {
  const m = /^([\s\S]*\bVALUES\s*)(\(\s*\?(?:\s*,\s*\?)*\s*\))\s*$/.exec(sql);
  return m ? m[1]! + Array<string>(n).fill(m[2]!).join(', ') : undefined;
}

/** The C pointer of a sql.js statement: the numeric field whose sqlite3_sql() is the statement's text. */
function stmtPointer(api: SqlJsExports, st: Statement, sql: string): number | undefined {
  for (const v of Object.values(st) as unknown[]) {
    if (typeof v === 'number' && v > 0 && Number.isInteger(v) && api.UTF8ToString(api._sqlite3_sql(v)) === sql) return v;
  }
  return undefined;
}

function exportsOf(SQL: SqlJsStatic): SqlJsExports | undefined {
  const api = SQL as unknown as Partial<SqlJsExports>;
  const needed: (keyof SqlJsExports)[] = [
    '_malloc', '_free', 'writeArrayToMemory', 'UTF8ToString', '_sqlite3_sql', '_sqlite3_errmsg', '_sqlite3_bind_text',
    '_sqlite3_bind_int', '_sqlite3_bind_double', '_sqlite3_bind_blob', '_sqlite3_step', '_sqlite3_reset',
  ];
  return needed.every((k) => typeof api[k] === 'function') ? (api as SqlJsExports) : undefined;
}

export class RawInsert {
  private readonly st: Statement;
  private readonly api?: SqlJsExports;
  private readonly ptr: number = 0;
  /** The statement of MULTI_ROWS tuples (direct path only). */
  private readonly multi?: Statement;
  private readonly multiPtr: number = 0;
  private readonly dbPtr: number;
  /** Rows of the fallback path (Statement.run). */
  private pending: Cell[][] = [];
  /** The direct path encodes each row as it is added (nothing of it is kept alive until the flush). */
  private enc?: RowEncoder;
  private wasmBuf = 0;
  private wasmCap = 0;

  constructor(
    SQL: SqlJsStatic,
    db: Database,
    private readonly sql: string,
    private readonly chunkRows = CHUNK_ROWS,
  ) {
    this.st = db.prepare(sql);
    this.dbPtr = (db as unknown as { db?: unknown }).db as number;
    const api = exportsOf(SQL);
    const ptr = api && typeof this.dbPtr === 'number' ? stmtPointer(api, this.st, sql) : undefined;
    if (api && ptr !== undefined) {
      this.api = api;
      this.ptr = ptr;
      const multiSql = multiRowSql(sql, MULTI_ROWS);
      if (multiSql !== undefined) {
        const multi = db.prepare(multiSql);
        const mp = stmtPointer(api, multi, multiSql);
        if (mp === undefined) multi.free();
        else {
          this.multi = multi;
          this.multiPtr = mp;
        }
      }
    }
  }

  /** Whether rows go through the direct path (false: through Statement.run). */
  get direct(): boolean {
    return this.api !== undefined;
  }

  /** Queues one row (values in parameter order, always as many); written when the chunk is full or on flush(). */
  add(values: Cell[]): void {
    if (!this.api) {
      this.pending.push(values);
      if (this.pending.length >= this.chunkRows) this.flush();
      return;
    }
    this.enc ??= new RowEncoder(values.length, this.chunkRows);
    if (values.length !== this.enc.width) throw new LabelingError('io', `expected ${this.enc.width} values, got ${values.length}`, { field: this.sql });
    this.enc.add(values);
    if (this.enc.full) this.flush();
  }

  flush(): void {
    if (!this.api) {
      const rows = this.pending;
      this.pending = [];
      for (const r of rows) this.st.run(r);
      return;
    }
    const e = this.enc;
    if (!e?.rows) return;
    this.bind(e, 0, e.rows, 0, e.used);
    e.clear();
  }

  /**
   * Writes rows [from, to) of a chunk encoded elsewhere (a worker thread), after the rows queued here.
   * Rows of this statement's width only.
   */
  addEncoded(e: EncodedRows, from = 0, to = e.rows): void {
    if (from >= to) return;
    if (!this.api) {
      for (let r = from; r < to; r++) this.pending.push(rowOfEncoded(e, r));
      if (this.pending.length >= this.chunkRows) this.flush();
      return;
    }
    this.flush();
    // The text bytes of rows [from, to): texts are written in row order.
    let lo = Infinity;
    let hi = 0;
    for (let c = from * e.width; c < to * e.width; c++) {
      if (e.kinds[c] !== K_TEXT) continue;
      lo = Math.min(lo, e.nums[c]!);
      hi = Math.max(hi, e.nums[c]! + e.lens[c]!);
    }
    if (lo === Infinity) lo = hi = 0;
    this.bind(e, from, to, lo, hi);
  }

  /** Binds and steps rows [from, to) of `e`; its text bytes [lo, hi) are copied into wasm memory at once. */
  private bind(e: Pick<EncodedRows, 'kinds' | 'nums' | 'lens' | 'bytes' | 'width'>, from: number, to: number, lo: number, hi: number): void {
    const api = this.api!;
    if (e.width !== (this.enc?.width ?? e.width)) throw new LabelingError('io', `expected ${this.enc!.width} values, got ${e.width}`, { field: this.sql });
    this.ensureWasm(hi - lo);
    api.writeArrayToMemory(e.bytes.subarray(lo, hi), this.wasmBuf);
    const base = this.wasmBuf - lo;
    const { kinds, nums, lens, width } = e;
    const { ptr, multiPtr } = this;
    /** Binds cell c of `e` as parameter i of `stmt`. */
    const put = (stmt: number, i: number, c: number): void => {
      const k = kinds[c];
      const rc =
        k === K_TEXT ? api._sqlite3_bind_text(stmt, i, base + nums[c]!, lens[c]!, 0)
        : k === K_INT ? api._sqlite3_bind_int(stmt, i, nums[c]!)
        : k === K_NULL ? api._sqlite3_bind_blob(stmt, i, 0, 0, 0)
        : api._sqlite3_bind_double(stmt, i, nums[c]!);
      if (rc !== SQLITE_OK) this.fail(rc, stmt);
    };
    let r = from;
    let c = from * width;
    if (multiPtr) {
      const n = MULTI_ROWS * width;
      for (; r + MULTI_ROWS <= to; r += MULTI_ROWS) {
        for (let i = 1; i <= n; i++, c++) put(multiPtr, i, c);
        const rc = api._sqlite3_step(multiPtr);
        if (rc !== SQLITE_DONE) this.fail(rc, multiPtr);
        api._sqlite3_reset(multiPtr);
      }
    }
    for (; r < to; r++) {
      for (let i = 1; i <= width; i++, c++) put(ptr, i, c);
      const rc = api._sqlite3_step(ptr);
      if (rc !== SQLITE_DONE) this.fail(rc);
      api._sqlite3_reset(ptr);
    }
  }

  /** Flushes what is left and frees the statement and the buffer. */
  finish(): void {
    try {
      this.flush();
    } finally {
      this.free();
    }
  }

  free(): void {
    if (this.api && this.wasmBuf) this.api._free(this.wasmBuf);
    this.wasmBuf = 0;
    this.wasmCap = 0;
    this.st.free();
    this.multi?.free();
  }

  private fail(rc: number, stmt = this.ptr): never {
    const msg = this.api!.UTF8ToString(this.api!._sqlite3_errmsg(this.dbPtr));
    this.api!._sqlite3_reset(stmt);
    throw new LabelingError('io', `index write failed (${msg}, code ${rc})`, { field: this.sql });
  }

  private ensureWasm(n: number): void {
    if (n <= this.wasmCap && this.wasmBuf) return;
    if (this.wasmBuf) this.api!._free(this.wasmBuf);
    this.wasmCap = Math.max(n, 1 << 16);
    this.wasmBuf = this.api!._malloc(this.wasmCap);
    if (!this.wasmBuf) throw new LabelingError('io', `out of wasm memory (${this.wasmCap} bytes)`, { field: this.sql });
  }
}

/** Row r of an encoded chunk as values (the fallback path). */
function rowOfEncoded(e: EncodedRows, r: number): Cell[] {
  const out: Cell[] = [];
  for (let c = 0; c < e.width; c++) out.push(cellOf(e, r, c));
  return out;
}
