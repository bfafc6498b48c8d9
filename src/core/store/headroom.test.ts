import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { loadSqlJs } from './db';
import { addFreePages, headroomBytes, HEADROOM_FROM_BYTES, HEADROOM_MAX_BYTES, withFreePages } from './headroom';

const WASM = path.join(__dirname, '../../../node_modules/sql.js/dist/sql-wasm.wasm');
const one = (db: Database, sql: string): unknown => db.exec(sql)[0]?.values[0]?.[0];

/** A database image with `rows` rows of ~200 bytes in an indexed table (pragmas before the first table). */
function image(SQL: SqlJsStatic, rows: number, pragmas = ''): Uint8Array {
  const db = new SQL.Database();
  try {
    db.exec(`${pragmas} CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT); CREATE INDEX tv ON t (v);`);
    db.exec('BEGIN');
    const st = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < rows; i++) st.run([`${(i * 7919) % 100_003}`.padEnd(200, 'x')]);
    st.free();
    db.exec('COMMIT');
    return db.export();
  } finally {
    db.close();
  }
}

function padded(b: Uint8Array, extra: number): Uint8Array {
  const out = new Uint8Array(b.length + extra);
  out.set(b);
  return out;
}

describe('index snapshot headroom (free pages added on open)', () => {
  let SQL: SqlJsStatic;
  before(async () => {
    SQL = await loadSqlJs(WASM);
  });

  it('adds pages on a freelist of several trunks: the database checks out, and new pages are taken from them in place', () => {
    const img = image(SQL, 500);
    const pages = img.length / 4096;
    const b = padded(img, 3000 * 4096); // 4,096-byte pages hold 1,016 leaves a trunk: three trunks
    assert.equal(addFreePages(b, img.length), 3000);
    const db = new SQL.Database(b);
    try {
      assert.equal(one(db, 'PRAGMA integrity_check'), 'ok');
      assert.equal(one(db, 'PRAGMA page_count'), pages + 3000);
      assert.equal(one(db, 'PRAGMA freelist_count'), 3000);
      db.exec('BEGIN');
      const st = db.prepare('INSERT INTO t (v) VALUES (?)');
      for (let i = 0; i < 10_000; i++) st.run([`n${i}`.padEnd(200, 'y')]);
      st.free();
      db.exec('COMMIT');
      assert.equal(one(db, 'PRAGMA page_count'), pages + 3000, 'the file did not grow');
      const free = Number(one(db, 'PRAGMA freelist_count'));
      assert.ok(free < 3000 - 500 && free > 0, `free pages used: ${free} left`);
      const bytes = db.export();
      assert.equal(bytes.length, (pages + 3000) * 4096, 'not truncated on commit');
      const again = new SQL.Database(bytes);
      assert.equal(one(again, 'PRAGMA integrity_check'), 'ok');
      assert.equal(one(again, 'SELECT COUNT(*) FROM t'), 10_500);
      again.close();
    } finally {
      db.close();
    }
  });

  it('chains the new pages before an existing freelist', () => {
    const db0 = new SQL.Database(image(SQL, 2000));
    db0.exec('CREATE TABLE gone (x); INSERT INTO gone SELECT v FROM t; DROP TABLE gone;');
    const before = Number(one(db0, 'PRAGMA freelist_count'));
    const img = db0.export();
    db0.close();
    assert.ok(before > 50, `the drop left free pages (${before})`);
    const b = padded(img, 1500 * 4096);
    assert.equal(addFreePages(b, img.length), 1500);
    const db = new SQL.Database(b);
    assert.equal(one(db, 'PRAGMA integrity_check'), 'ok');
    assert.equal(one(db, 'PRAGMA freelist_count'), before + 1500);
    db.close();
  });

  it('leaves alone what it cannot extend: not SQLite, auto-vacuum, extra bytes not a whole page', () => {
    const junk = padded(new TextEncoder().encode('not a database at all'.padEnd(8192, '.')), 4096);
    assert.equal(addFreePages(junk, 8192), 0);
    const av = image(SQL, 100, 'PRAGMA auto_vacuum = FULL;');
    const b = padded(av, 4096 * 4);
    assert.equal(addFreePages(b, av.length), 0);
    assert.deepEqual(b.subarray(av.length), new Uint8Array(4096 * 4), 'untouched');
    const img = image(SQL, 100);
    assert.equal(addFreePages(padded(img, 1000), img.length), 0);
  });

  it('sizes the headroom at 1/16 of the snapshot up to 8 MB, counting the free pages it has, and none for small ones', () => {
    assert.equal(headroomBytes(HEADROOM_FROM_BYTES - 1), 0);
    assert.equal(headroomBytes(HEADROOM_FROM_BYTES * 2), (HEADROOM_FROM_BYTES * 2) / 16);
    assert.equal(headroomBytes(600 * 1024 * 1024), HEADROOM_MAX_BYTES);
    assert.equal(headroomBytes(600 * 1024 * 1024, 3 * 1024 * 1024), HEADROOM_MAX_BYTES - 3 * 1024 * 1024);
    assert.equal(headroomBytes(600 * 1024 * 1024, 20 * 1024 * 1024), 0);
  });

  it('withFreePages returns a view with the pages added, or the database alone', () => {
    const img = image(SQL, 40_000); // ~9.7 MB: above HEADROOM_FROM_BYTES
    assert.ok(img.length >= HEADROOM_FROM_BYTES);
    const spare = headroomBytes(img.length);
    const view = withFreePages(padded(img, spare), img.length);
    assert.equal(view.length, img.length + Math.floor(spare / 4096) * 4096);
    const db = new SQL.Database(view);
    assert.equal(one(db, 'PRAGMA integrity_check'), 'ok');
    assert.equal(one(db, 'PRAGMA freelist_count'), Math.floor(spare / 4096));
    db.close();
    const small = image(SQL, 10);
    assert.equal(withFreePages(padded(small, 4096), small.length).length, small.length);
  });
});
