/** Opening sql.js databases: the wasm is loaded from a path the caller passes. */
import * as fs from 'node:fs';
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { LabelingError } from '../errors';
import { MIGRATIONS, PRAGMAS, SCHEMA_VERSION, SECONDARY, TABLES } from './schema';

const engines = new Map<string, Promise<SqlJsStatic>>();

export function loadSqlJs(wasmPath: string): Promise<SqlJsStatic> {
  let p = engines.get(wasmPath);
  if (!p) {
    p = (async () => {
      let wasmBinary: Buffer;
      try {
        wasmBinary = fs.readFileSync(wasmPath);
      } catch (e) {
        throw new LabelingError('not-found', `sql.js wasm not found (${(e as Error).message})`, { file: wasmPath });
      }
      const bytes = wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) as ArrayBuffer;
      return initSqlJs({ wasmBinary: bytes });
    })();
    engines.set(wasmPath, p);
    p.catch(() => engines.delete(wasmPath));
  }
  return p;
}

/**
 * A fresh index: tables only (bulk load first, then `finishBulkLoad`). With a size hint (bytes,
 * size-hint.ts) its in-memory file is given room for that many bytes, so that SQLite writes it in place
 * instead of MEMFS growing it by 1/8 at a time with a copy each time: `fileReserve` (added to sql.js by
 * scripts/patch-sql-js.mjs) allocates the room without writing it; without it the file starts padded
 * with zeros to that size (the padding copied in whole: ~1.1 s at 1M items on this VM).
 */
export function createEmptyIndex(SQL: SqlJsStatic, sizeHint = 0): Database {
  const reserve = sizeHint > 0 && typeof (SQL.Database.prototype as Reservable).fileReserve === 'function';
  const db = sizeHint > 0 && !reserve ? new SQL.Database(paddedImage(SQL, sizeHint)) : new SQL.Database();
  db.exec(PRAGMAS);
  db.exec(TABLES);
  db.run('INSERT INTO migrations VALUES (?, ?)', [SCHEMA_VERSION, new Date().toISOString()]);
  if (reserve) (db as Reservable).fileReserve(sizeHint);
  return db;
}

/** A Database with scripts/patch-sql-js.mjs's fileReserve: room for `bytes` in its in-memory file; returns the room. */
type Reservable = Database & { fileReserve(bytes: number): number };

/** An empty database with the tables, followed by zeros up to `size` bytes (SQLite reads the size from the header). */
function paddedImage(SQL: SqlJsStatic, size: number): Uint8Array {
  const t = new SQL.Database();
  let image: Uint8Array;
  try {
    t.exec(TABLES);
    image = t.export();
  } finally {
    t.close();
  }
  const bytes = new Uint8Array(Math.max(size, image.length));
  bytes.set(image);
  return bytes;
}

/** The statements of SECONDARY, an index or a trigger each (with the comments before the next). */
export const SECONDARY_STATEMENTS = SECONDARY.split(/\n(?=CREATE |DROP )/);

/**
 * SECONDARY's partial indexes (review flags, assignees, agreement). A bulk build without journal rows
 * creates them on the empty tables (bulk.ts): none of its rows is in one, and keeping six empty indexes
 * while writing 1M rows costs ~0.1 s against ~0.7 s for six scans of the table after the load.
 */
export const PARTIAL_INDEX_STATEMENTS = SECONDARY_STATEMENTS.filter((s) => /^\s*CREATE INDEX[^(]*\([^)]*\)\s*WHERE/.test(s));

/** PRAGMAS's page cache (cache_size), restored after an index built with another. */
const CACHE_SIZE = Number(/cache_size = (-?\d+)/.exec(PRAGMAS)?.[1] ?? -2000);

/**
 * The page cache (PRAGMA cache_size, KiB when negative) an index is built with after a bulk load, where not
 * PRAGMAS's. SQLite's sorter sorts runs as large as the page cache in memory, then merges them: items_open's
 * records (open, qorder, id) come in random qorder order and all tie on `open`, and runs of 512 KB (within
 * the CPU's caches) sort and merge in 1.0-1.4 s at 1M items against 1.6-2.3 s in runs of 16 MB (issue 15,
 * scripts/bench-ingest-phases.ts). The index is the same. items_key and items_state build slower so.
 */
const BUILD_CACHE_SIZE: Readonly<Record<string, number>> = { items_open: -512 };

/** Runs one of SECONDARY_STATEMENTS, under the page cache BUILD_CACHE_SIZE names for its index. */
export function execSecondary(db: Database, statement: string): void {
  const name = /CREATE (?:UNIQUE )?INDEX IF NOT EXISTS (\w+)/.exec(statement)?.[1];
  const cache = name === undefined ? undefined : BUILD_CACHE_SIZE[name];
  if (cache === undefined) {
    db.exec(statement);
    return;
  }
  db.exec(`PRAGMA cache_size = ${cache}`);
  try {
    db.exec(statement);
  } finally {
    db.exec(`PRAGMA cache_size = ${CACHE_SIZE}`);
  }
}

export function finishBulkLoad(db: Database): void {
  for (const statement of SECONDARY_STATEMENTS) execSecondary(db, statement);
}

/** finishBulkLoad one statement at a time, awaiting `between` after each (an index over every row is one step). */
export async function finishBulkLoadInSteps(db: Database, between: () => Promise<void>): Promise<void> {
  for (const statement of SECONDARY_STATEMENTS) {
    execSecondary(db, statement);
    await between();
  }
}

/** Opens a snapshot; returns undefined when its schema is newer or cannot be migrated. */
export function openSnapshot(SQL: SqlJsStatic, bytes: Uint8Array): Database | undefined {
  const db = new SQL.Database(bytes);
  db.exec(PRAGMAS);
  let version = 0;
  try {
    version = Number(scalar(db, 'SELECT MAX(version) FROM migrations') ?? 0);
  } catch {
    db.close();
    return undefined;
  }
  for (let v = version + 1; v <= SCHEMA_VERSION; v++) {
    const sql = MIGRATIONS[v];
    if (sql === undefined) {
      db.close();
      return undefined;
    }
    db.exec(sql);
    db.run('INSERT INTO migrations VALUES (?, ?)', [v, new Date().toISOString()]);
  }
  if (version > SCHEMA_VERSION) {
    db.close();
    return undefined;
  }
  db.exec(SECONDARY);
  return db;
}

export function scalar(db: Database, sql: string, params: SqlValue[] = []): SqlValue | undefined {
  const st = db.prepare(sql);
  try {
    st.bind(params);
    return st.step() ? st.get()[0] : undefined;
  } finally {
    st.free();
  }
}

export function rows<T>(db: Database, sql: string, params: SqlValue[] = []): T[] {
  const st = db.prepare(sql);
  const out: T[] = [];
  try {
    st.bind(params);
    while (st.step()) out.push(st.getAsObject() as T);
  } finally {
    st.free();
  }
  return out;
}

export function getMeta(db: Database, k: string): string | undefined {
  const v = scalar(db, 'SELECT v FROM meta WHERE k = ?', [k]);
  return v === undefined || v === null ? undefined : String(v);
}

export function setMeta(db: Database, k: string, v: string): void {
  db.run('INSERT INTO meta VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v', [k, v]);
}
