/**
 * Bulk inserts through sql.js's exported SQLite C functions. `Statement.run` copies every string into
 * wasm memory on its own (UTF-8 encoded in a JS loop, one malloc and free each) and resets twice;
 * here each row's strings are encoded natively into one buffer as the row is added, copied into
 * wasm memory at once and bound in place (SQLITE_STATIC), then each row is bound and stepped with
 * direct calls. Values are bound exactly as `Statement.run` binds them (int32 as int, other numbers as
 * double, null as an empty blob pointer), so the rows are identical. When this sql.js build does not
 * expose what is needed, rows go through `Statement.run`.
 */
import type { Database, SqlJsStatic, Statement } from 'sql.js';
import { LabelingError } from '../errors';

/** What a bulk row may hold. */
export type Cell = string | number | null;

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

/** Cell kinds in the chunk buffers. */
const NULL = 0;
const INT = 1;
const DOUBLE = 2;
const TEXT = 3;

export class RawInsert {
  private readonly st: Statement;
  private readonly api?: SqlJsExports;
  private readonly ptr: number = 0;
  private readonly dbPtr: number;
  /** Rows of the fallback path (Statement.run). */
  private pending: Cell[][] = [];
  /**
   * The direct path encodes each row as it is added (nothing of it is kept alive until the flush):
   * per cell its kind, its number or text offset, and its text length; text bytes in `bytes`.
   */
  private kinds: Uint8Array;
  private nums: Float64Array;
  private lens: Int32Array;
  private bytes = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private rows = 0;
  private width = -1;
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
    }
    this.kinds = new Uint8Array(0);
    this.nums = new Float64Array(0);
    this.lens = new Int32Array(0);
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
    if (this.width < 0) {
      this.width = values.length;
      const cells = this.width * this.chunkRows;
      this.kinds = new Uint8Array(cells);
      this.nums = new Float64Array(cells);
      this.lens = new Int32Array(cells);
    } else if (values.length !== this.width) {
      throw new LabelingError('io', `expected ${this.width} values, got ${values.length}`, { field: this.sql });
    }
    let c = this.rows * this.width;
    for (let i = 0; i < values.length; i++, c++) {
      const v = values[i]!;
      if (typeof v === 'string') {
        if (this.bytes.length - this.used < v.length * 3) this.growBytes(this.used + v.length * 3);
        const n = this.bytes.write(v, this.used, 'utf8');
        this.kinds[c] = TEXT;
        this.nums[c] = this.used;
        this.lens[c] = n;
        this.used += n;
      } else if (v === null) this.kinds[c] = NULL;
      else {
        this.kinds[c] = v === (v | 0) ? INT : DOUBLE;
        this.nums[c] = v;
      }
    }
    if (++this.rows >= this.chunkRows) this.flush();
  }

  flush(): void {
    if (!this.api) {
      const rows = this.pending;
      this.pending = [];
      for (const r of rows) this.st.run(r);
      return;
    }
    if (!this.rows) return;
    const api = this.api;
    const rows = this.rows;
    this.rows = 0;
    this.ensureWasm(this.used);
    api.writeArrayToMemory(this.bytes.subarray(0, this.used), this.wasmBuf);
    this.used = 0;
    const { kinds, nums, lens, width, ptr } = this;
    for (let r = 0, c = 0; r < rows; r++) {
      for (let i = 1; i <= width; i++, c++) {
        const k = kinds[c];
        const rc =
          k === TEXT ? api._sqlite3_bind_text(ptr, i, this.wasmBuf + nums[c]!, lens[c]!, 0)
          : k === INT ? api._sqlite3_bind_int(ptr, i, nums[c]!)
          : k === DOUBLE ? api._sqlite3_bind_double(ptr, i, nums[c]!)
          : api._sqlite3_bind_blob(ptr, i, 0, 0, 0);
        if (rc !== SQLITE_OK) this.fail(rc);
      }
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
  }

  private fail(rc: number): never {
    const msg = this.api!.UTF8ToString(this.api!._sqlite3_errmsg(this.dbPtr));
    this.api!._sqlite3_reset(this.ptr);
    throw new LabelingError('io', `index write failed (${msg}, code ${rc})`, { field: this.sql });
  }

  private growBytes(min: number): void {
    let cap = this.bytes.length * 2;
    while (cap < min) cap *= 2;
    const b = Buffer.allocUnsafe(cap);
    this.bytes.copy(b, 0, 0, this.used);
    this.bytes = b;
  }

  private ensureWasm(n: number): void {
    if (n <= this.wasmCap && this.wasmBuf) return;
    if (this.wasmBuf) this.api!._free(this.wasmBuf);
    this.wasmCap = Math.max(n, 1 << 16);
    this.wasmBuf = this.api!._malloc(this.wasmCap);
    if (!this.wasmBuf) throw new LabelingError('io', `out of wasm memory (${this.wasmCap} bytes)`, { field: this.sql });
  }
}
