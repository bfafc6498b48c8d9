/**
 * Bulk inserts through sql.js's exported SQLite C functions. `Statement.run` copies every string into
 * wasm memory on its own (UTF-8 encoded in a JS loop, one malloc and free each) and resets twice;
 * here a chunk of rows has its strings encoded natively (TextEncoder) into one buffer, copied into
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

export class RawInsert {
  private readonly st: Statement;
  private readonly api?: SqlJsExports;
  private readonly ptr: number = 0;
  private readonly dbPtr: number;
  private rows: Cell[][] = [];
  private bytes = new Uint8Array(1 << 16);
  private wasmBuf = 0;
  private wasmCap = 0;
  private readonly enc = new TextEncoder();

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
  }

  /** Whether rows go through the direct path (false: through Statement.run). */
  get direct(): boolean {
    return this.api !== undefined;
  }

  /** Queues one row (values in parameter order); written when the chunk is full or on flush(). */
  add(values: Cell[]): void {
    this.rows.push(values);
    if (this.rows.length >= this.chunkRows) this.flush();
  }

  flush(): void {
    const rows = this.rows;
    if (!rows.length) return;
    this.rows = [];
    if (!this.api) {
      for (const r of rows) this.st.run(r);
      return;
    }
    // Encode every string of the chunk; `spans` holds (offset, length) per string in row order.
    const spans: number[] = [];
    let off = 0;
    for (const r of rows) {
      for (const v of r) {
        if (typeof v !== 'string') continue;
        if (this.bytes.length - off < v.length * 3) this.growBytes(off + v.length * 3);
        const n = this.enc.encodeInto(v, this.bytes.subarray(off)).written;
        spans.push(off, n);
        off += n;
      }
    }
    this.ensureWasm(off);
    this.api.writeArrayToMemory(this.bytes.subarray(0, off), this.wasmBuf);
    let s = 0;
    for (const r of rows) {
      for (let i = 0; i < r.length; i++) {
        const v = r[i];
        let rc: number;
        if (typeof v === 'string') {
          rc = this.api._sqlite3_bind_text(this.ptr, i + 1, this.wasmBuf + spans[s]!, spans[s + 1]!, 0);
          s += 2;
        } else if (v === null) rc = this.api._sqlite3_bind_blob(this.ptr, i + 1, 0, 0, 0);
        else if (v === (v | 0)) rc = this.api._sqlite3_bind_int(this.ptr, i + 1, v);
        else rc = this.api._sqlite3_bind_double(this.ptr, i + 1, v);
        if (rc !== SQLITE_OK) this.fail(rc);
      }
      const rc = this.api._sqlite3_step(this.ptr);
      if (rc !== SQLITE_DONE) this.fail(rc);
      this.api._sqlite3_reset(this.ptr);
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
    const b = new Uint8Array(cap);
    b.set(this.bytes);
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
