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
 * SECONDARY's partial indexes that hold no item written without journal rows (review flags, assignees,
 * agreement). A bulk build without journal rows creates them on the empty tables (bulk.ts): keeping six
 * empty indexes while writing 1M rows costs ~0.1 s against ~0.7 s for six scans of the table after the load.
 * Not items_open: every such item is open, so it is built after the load, sorted.
 */
export const PARTIAL_INDEX_STATEMENTS = SECONDARY_STATEMENTS.filter((s) => /^\s*CREATE INDEX IF NOT EXISTS (?!items_open )\w+ ON [^(]*\([^)]*\)\s*WHERE/.test(s));

/** PRAGMAS's page cache (cache_size) and temp store, restored after an index built with others. */
const CACHE_SIZE = Number(/cache_size = (-?\d+)/.exec(PRAGMAS)?.[1] ?? -2000);

/** The settings an index is built under after a bulk load: a page cache (KiB when negative) and a temp store. */
interface BuildSettings {
  readonly cache: number;
  readonly temp: 'MEMORY' | 'FILE';
}

/** PRAGMAS's settings, restored after each index build. */
const USUAL: BuildSettings = { cache: CACHE_SIZE, temp: /temp_store = MEMORY/.test(PRAGMAS) ? 'MEMORY' : 'FILE' };

/**
 * SQLite's sorter sorts runs as large as the page cache in memory and, under temp_store FILE, writes each to a
 * temporary file before merging them; sql.js's files are JavaScript buffers, every write and read a call out of
 * the wasm. In memory (temp_store MEMORY) the runs stay on the wasm heap: at the bench's 1M items, 2.9M done rows
 * (issue 15, medians of 3 alternating builds, quiet machine), done_mine 2.26 -> 1.78 s, done_hist 2.10 -> 1.64 s,
 * items_state 0.99-1.11 -> 0.76-0.85 s, items_key 0.64 -> 0.49 s; the heap keeps the largest sort's runs (tens of
 * MB; it never shrinks, and SQLite reuses it).
 */
const BUILD_DEFAULT: BuildSettings = { cache: CACHE_SIZE, temp: 'MEMORY' };

/**
 * Where an index builds faster otherwise. items_open's records (qorder, id) come in random qorder order, and runs
 * of 512 KB (within the CPU's caches) written to files sort and merge fastest: 0.71-0.77 s at 1M open items,
 * against 0.99-1.28 s in runs of 16 MB and 1.08-1.22 s in memory (schema 12's (open, qorder, id) at 512 KB:
 * 1.0-1.5 s). The indexes are the same under any setting.
 */
const BUILD_SETTINGS: Readonly<Record<string, BuildSettings>> = { items_open: { cache: -512, temp: 'FILE' } };

/** The PRAGMA statements that change `from` to `to` (none when they are the same). */
function settingsChange(from: BuildSettings, to: BuildSettings): string[] {
  return [
    ...(from.cache !== to.cache ? [`PRAGMA cache_size = ${to.cache}`] : []),
    ...(from.temp !== to.temp ? [`PRAGMA temp_store = ${to.temp}`] : []),
  ];
}

/** Runs one of SECONDARY_STATEMENTS; an index is built under the settings BUILD_SETTINGS or BUILD_DEFAULT give it, then PRAGMAS's are restored. */
export function execSecondary(db: Database, statement: string): void {
  const name = /CREATE (?:UNIQUE )?INDEX IF NOT EXISTS (\w+)/.exec(statement)?.[1];
  if (name === undefined) {
    db.exec(statement);
    return;
  }
  const build = BUILD_SETTINGS[name] ?? BUILD_DEFAULT;
  for (const p of settingsChange(USUAL, build)) db.exec(p);
  try {
    db.exec(statement);
  } finally {
    for (const p of settingsChange(build, USUAL)) db.exec(p);
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
