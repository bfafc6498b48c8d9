import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { createEmptyIndex, loadSqlJs } from './db';
import { fileImage, loadSnapshot, saveSnapshot, SNAPSHOT_FILE, SNAPSHOT_FORMAT, type SnapshotMeta } from './snapshot';
import { SCHEMA_VERSION } from './schema';
// @ts-expect-error: a plain ES module of the build scripts, without types
import { patchSqlJs } from '../../../scripts/patch-sql-js.mjs';

const ROOT = path.join(__dirname, '../../..');
const WASM = path.join(ROOT, 'node_modules/sql.js/dist/sql-wasm.wasm');
const SQL_JS = path.join(ROOT, 'node_modules/sql.js/dist/sql-wasm.js');
const DEF_HASH = 'test-def';
const patch = patchSqlJs as (source: string) => string | Error;

function meta(savedAt: string): SnapshotMeta {
  return { format: SNAPSHOT_FORMAT, schema: SCHEMA_VERSION, defHash: DEF_HASH, labels: [], files: {}, problems: [], savedAt };
}

/** An index with a table of `rows` rows, some deleted again (free pages), written in several transactions. */
function index(SQL: SqlJsStatic, rows: number): Database {
  const db = createEmptyIndex(SQL);
  db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT); CREATE INDEX tv ON t (v);');
  db.exec('BEGIN');
  const st = db.prepare('INSERT INTO t (v) VALUES (?)');
  for (let i = 0; i < rows; i++) st.run([`${(i * 7919) % 100_003}`.padEnd(120, 'x')]);
  st.free();
  db.exec('COMMIT');
  db.exec('DELETE FROM t WHERE k % 3 = 0');
  db.run('INSERT INTO t (v) VALUES (?)', ['after the delete']);
  return db;
}

const rowsOf = (db: Database): unknown => db.exec('SELECT k, v FROM t ORDER BY k')[0]?.values;
const integrity = (db: Database): unknown => db.exec('PRAGMA integrity_check')[0]?.values;

/** Page numbers on the freelist of a database image (SQLite's file format, "The Freelist"). */
function freePages(b: Uint8Array, pageSize: number): Set<number> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const free = new Set<number>();
  for (let trunk = v.getUint32(32); trunk !== 0; trunk = v.getUint32((trunk - 1) * pageSize)) {
    free.add(trunk);
    const n = v.getUint32((trunk - 1) * pageSize + 4);
    for (let i = 0; i < n; i++) free.add(v.getUint32((trunk - 1) * pageSize + 8 + 4 * i));
  }
  return free;
}

describe('index snapshots written from the in-memory file (Database.fileImage)', () => {
  let SQL: SqlJsStatic;
  let dir: string;
  before(async () => {
    SQL = await loadSqlJs(WASM);
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-snapimg-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sql.js has fileImage (npm install runs scripts/patch-sql-js.mjs)', () => {
    const db = new SQL.Database();
    try {
      assert.equal(typeof (db as Database & { fileImage?: unknown }).fileImage, 'function', 'node scripts/patch-sql-js.mjs did not patch node_modules/sql.js/dist/sql-wasm.js');
    } finally {
      db.close();
    }
  });

  it("is export()'s database: the same pages but for the header's change counters and free pages' leftovers", () => {
    const db = index(SQL, 20_000);
    try {
      const image = fileImage(db);
      assert.ok(image, 'fileImage returned nothing');
      const copy = image.slice();
      const exported = db.export();
      assert.equal(copy.length, exported.length);
      const pageSize = 4096;
      const free = freePages(exported, pageSize);
      assert.ok(free.size > 0, 'the delete left free pages');
      const differing = new Set<number>();
      for (let i = 100; i < copy.length; i++) if (copy[i] !== exported[i]) differing.add(Math.floor(i / pageSize) + 1);
      for (const p of differing) assert.ok(free.has(p), `page ${p} differs and is not free`);
      // Header: only the change counter (24), the schema cookie (40) and version-valid-for (92) may differ.
      const header = [...Array(100).keys()].filter((i) => copy[i] !== exported[i] && !((i >= 24 && i < 28) || (i >= 40 && i < 44) || (i >= 92 && i < 96)));
      assert.deepEqual(header, []);
      const reopened = new SQL.Database(copy);
      try {
        assert.deepEqual(integrity(reopened), [['ok']]);
        assert.deepEqual(rowsOf(reopened), rowsOf(db));
      } finally {
        reopened.close();
      }
    } finally {
      db.close();
    }
  });

  it('saveSnapshot writes those bytes; the snapshot opens with its meta, takes headroom and answers the same', async () => {
    const db = index(SQL, 90_000); // above the headroom threshold (8 MB)
    try {
      const size = await saveSnapshot(dir, db, meta('2026-12-03T12:00:00.000Z'));
      const written = fs.readFileSync(path.join(dir, SNAPSHOT_FILE));
      assert.equal(size, written.length);
      assert.ok(Buffer.from(fileImage(db)!).equals(written), 'the file is not the in-memory image');
      assert.deepEqual(fs.readdirSync(dir), [SNAPSHOT_FILE]);
      const loaded = await loadSnapshot(SQL, dir, DEF_HASH);
      assert.ok(loaded, 'the snapshot did not load');
      try {
        assert.equal(loaded.meta.savedAt, '2026-12-03T12:00:00.000Z');
        assert.ok(Number(loaded.db.exec('PRAGMA freelist_count')[0]!.values[0]![0]) > Number(db.exec('PRAGMA freelist_count')[0]!.values[0]![0]), 'no headroom pages were added');
        assert.deepEqual(integrity(loaded.db), [['ok']]);
        assert.deepEqual(rowsOf(loaded.db), rowsOf(db));
        // ...and a snapshot of the loaded index (its file has the headroom) loads again.
        loaded.db.run('INSERT INTO t (v) VALUES (?)', ['after the load']);
        await saveSnapshot(dir, loaded.db, meta('2026-12-03T12:01:00.000Z'));
        const again = await loadSnapshot(SQL, dir, DEF_HASH);
        assert.ok(again);
        assert.deepEqual(integrity(again.db), [['ok']]);
        assert.deepEqual(rowsOf(again.db), rowsOf(loaded.db));
        again.db.close();
      } finally {
        loaded.db.close();
      }
    } finally {
      db.close();
    }
  });

  it('a write to the index while the file is written is caught before the rename: the old snapshot stays, no temp file', async () => {
    const db = index(SQL, 2_000);
    try {
      await saveSnapshot(dir, db, meta('first'));
      const first = fs.readFileSync(path.join(dir, SNAPSHOT_FILE));
      const saving = saveSnapshot(dir, db, meta('second'));
      db.run('INSERT INTO t (v) VALUES (?)', ['written during the save']);
      await assert.rejects(saving, /written to while its snapshot was being saved/);
      assert.ok(fs.readFileSync(path.join(dir, SNAPSHOT_FILE)).equals(first));
      assert.deepEqual(fs.readdirSync(dir), [SNAPSHOT_FILE]);
      assert.equal((await loadSnapshot(SQL, dir, DEF_HASH))?.meta.savedAt, 'first');
    } finally {
      db.close();
    }
  });

  it('is refused inside an open transaction (its pages are not in the file yet), as export() refuses it', async () => {
    const db = index(SQL, 100);
    try {
      db.exec('BEGIN');
      db.run('INSERT INTO t (v) VALUES (?)', ['uncommitted']);
      await assert.rejects(saveSnapshot(dir, db, meta('open')), /within a transaction/);
      db.exec('ROLLBACK');
      assert.equal(fs.existsSync(path.join(dir, SNAPSHOT_FILE)), false);
    } finally {
      db.close();
    }
  });

  it('without fileImage (sql.js not patched) it saves export()', async () => {
    const db = index(SQL, 500);
    try {
      Object.defineProperty(db, 'fileImage', { value: undefined });
      assert.equal(fileImage(db), undefined);
      await saveSnapshot(dir, db, meta('exported'));
      const loaded = await loadSnapshot(SQL, dir, DEF_HASH);
      assert.equal(loaded?.meta.savedAt, 'exported');
      assert.deepEqual(rowsOf(loaded!.db), rowsOf(db));
      loaded!.db.close();
    } finally {
      db.close();
    }
  });

  it('the patch is idempotent, gives the same text from the original, and refuses a file of another shape', () => {
    const patched = fs.readFileSync(SQL_JS, 'utf8');
    assert.equal(patch(patched), patched);
    const method = (name: string): RegExp => new RegExp(`/\\* data-labeling: ${name} \\*/\\w+\\.prototype\\.${name}=function\\(\\w*\\)\\{.*?\\};(?=/\\*|\\w+\\.prototype\\["export"\\])`);
    const withoutReserve = patched.replace(method('fileReserve'), '');
    const original = withoutReserve.replace(method('fileImage'), '');
    assert.notEqual(withoutReserve, patched);
    assert.notEqual(original, withoutReserve);
    assert.equal(patch(original), patched);
    assert.equal(patch(withoutReserve), patched, 'an install patched before fileReserve existed gets it');
    const other = patch(original.replace('"_export"', '"_copy"'));
    assert.ok(other instanceof Error && /shape/.test(other.message));
  });
});
