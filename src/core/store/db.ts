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
 * The partial indexes of SECONDARY (items_assigned, items_agreement, the review filters' items_prelabeled ...
 * items_conflict). Created on the empty tables, a bulk load writes their few entries as it inserts the rows
 * (a WHERE tested per row); created after it, each is a scan of every item (issue 15: ~22 ms each per 300k
 * items, six of them, with no entry at ingest). Their statements in SECONDARY are then no-ops.
 */
export const PARTIAL_INDEXES = SECONDARY.split(/\n(?=CREATE |DROP )/)
  .map((s) => s.trim())
  .filter((s) => /^CREATE INDEX[^(]*\([^)]*\)\s*WHERE /.test(s));

/**
 * A fresh index: tables and PARTIAL_INDEXES only (bulk load first, then `finishBulkLoad`). With a size hint
 * (bytes, size-hint.ts) its in-memory file starts at that size: written in place, truncated on commit.
 */
export function createEmptyIndex(SQL: SqlJsStatic, sizeHint = 0): Database {
  const db = sizeHint > 0 ? new SQL.Database(paddedImage(SQL, sizeHint)) : new SQL.Database();
  db.exec(PRAGMAS);
  db.exec(TABLES);
  for (const s of PARTIAL_INDEXES) db.exec(s);
  db.run('INSERT INTO migrations VALUES (?, ?)', [SCHEMA_VERSION, new Date().toISOString()]);
  return db;
}

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

export function finishBulkLoad(db: Database): void {
  db.exec(SECONDARY);
}

/** finishBulkLoad one statement at a time, awaiting `between` after each (an index over every row is one step). */
export async function finishBulkLoadInSteps(db: Database, between: () => Promise<void>): Promise<void> {
  for (const statement of SECONDARY.split(/\n(?=CREATE |DROP )/)) {
    db.exec(statement);
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
