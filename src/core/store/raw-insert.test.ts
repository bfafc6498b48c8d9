import { strict as assert } from 'node:assert';
import type { SqlValue } from 'sql.js';
import { loadSqlJs, rows } from './db';
import { MULTI_ROWS, multiRowSql, RawInsert, type Cell } from './raw-insert';
import { RowEncoder } from './row-encoding';
import { WASM } from './test-support';

const TABLE = 'CREATE TABLE t (a INTEGER, b TEXT, c REAL, d TEXT, e INTEGER NOT NULL DEFAULT 0)';
const INSERT = 'INSERT INTO t (a, b, c, d, e) VALUES (?, ?, ?, ?, ?)';
const DUMP = 'SELECT rowid, typeof(a) ta, a, typeof(b) tb, b, typeof(c) tc, c, typeof(d) td, d, e FROM t ORDER BY rowid';

/** Rows covering every bind kind: int32 bounds, large and fractional numbers, null, empty and non-ASCII strings. */
function sampleRows(): Cell[][] {
  const long = 'x\u00e9\u4e2d\u{1f600}'.repeat(30_000); // longer than the first encode buffer
  return [
    [1, 'plain', 0.5, null, 0],
    [2147483647, '', 1, 'a\u0001b\u0001c', 1],
    [-2147483648, '\u00e9t\u00e9 \u4e2d\u6587 \u{1f600}', 2, '', 0],
    [1_790_000_000_000, null, null, long, 1],
    [3.25, '12', -0.0, '0012', 0],
    [null, 'last', 1e300, 'z', 0],
  ];
}

async function dumpOf(write: (db: import('sql.js').Database, SQL: import('sql.js').SqlJsStatic) => void): Promise<Record<string, SqlValue>[]> {
  const SQL = await loadSqlJs(WASM);
  const db = new SQL.Database();
  try {
    db.exec(TABLE);
    write(db, SQL);
    return rows<Record<string, SqlValue>>(db, DUMP);
  } finally {
    db.close();
  }
}

describe('RawInsert', () => {
  it('stores exactly what Statement.run stores, across chunk boundaries', async () => {
    const expected = await dumpOf((db) => {
      const st = db.prepare(INSERT);
      for (const r of sampleRows()) st.run(r);
      st.free();
    });
    let direct = false;
    const actual = await dumpOf((db, SQL) => {
      const ins = new RawInsert(SQL, db, INSERT, 4);
      direct = ins.direct;
      for (const r of sampleRows()) ins.add(r);
      ins.finish();
    });
    assert.equal(direct, true, 'the bundled sql.js exposes the direct path');
    assert.equal(actual.length, 6);
    assert.deepEqual(actual, expected);
  });

  it('reports a constraint failure as a LabelingError and writes nothing more', async () => {
    const SQL = await loadSqlJs(WASM);
    const db = new SQL.Database();
    db.exec('CREATE TABLE u (k TEXT PRIMARY KEY, n INTEGER NOT NULL)');
    const ins = new RawInsert(SQL, db, 'INSERT INTO u VALUES (?, ?)', 10);
    ins.add(['a', 1]);
    ins.add(['a', 2]);
    assert.throws(() => ins.flush(), (e: Error) => e.name === 'LabelingError' && /UNIQUE/.test(e.message));
    ins.free();
    assert.deepEqual(rows(db, 'SELECT k, n FROM u'), [{ k: 'a', n: 1 }]);
    db.close();
  });

  it('writes runs of MULTI_ROWS rows through one statement and the rest one by one, the rows exactly as Statement.run writes them', async () => {
    // 3 x MULTI_ROWS + 5 rows: chunks of 100 (one multi-row step and 36 single rows each), and encoded ranges.
    const many: Cell[][] = [];
    for (let i = 0; i < 3 * MULTI_ROWS + 5; i++) many.push(sampleRows()[i % 6]!.map((v, k) => (k === 0 && typeof v === 'number' ? v + i : v)));
    const expected = await dumpOf((db) => {
      const st = db.prepare(INSERT);
      for (const r of many) st.run(r);
      st.free();
    });
    const added = await dumpOf((db, SQL) => {
      const ins = new RawInsert(SQL, db, INSERT, 100);
      for (const r of many) ins.add(r);
      ins.finish();
    });
    assert.deepEqual(added, expected);
    const encoded = await dumpOf((db, SQL) => {
      const enc = new RowEncoder(5, many.length);
      for (const r of many) enc.add(r);
      const e = enc.take();
      const ins = new RawInsert(SQL, db, INSERT);
      // A range starting mid-way and one longer than MULTI_ROWS from an odd offset.
      ins.addEncoded(e, 0, 3);
      ins.addEncoded(e, 3, 3 + MULTI_ROWS + 7);
      ins.addEncoded(e, 3 + MULTI_ROWS + 7);
      ins.finish();
    });
    assert.deepEqual(encoded, expected);
  });

  it('repeats the VALUES tuple of an INSERT, on one line or several, and leaves other statements alone', () => {
    assert.equal(multiRowSql('INSERT INTO t (a, b) VALUES (?, ?)', 3), 'INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)');
    assert.equal(multiRowSql('INSERT OR IGNORE INTO ev (item,\n  ord) VALUES (?,?)', 2), 'INSERT OR IGNORE INTO ev (item,\n  ord) VALUES (?,?), (?,?)');
    assert.equal(multiRowSql('INSERT INTO t SELECT ?, ?', 2), undefined);
    assert.equal(multiRowSql('INSERT INTO t (a) VALUES (?) ON CONFLICT DO NOTHING', 2), undefined);
    assert.equal(multiRowSql('INSERT INTO t (a, b) VALUES (?, 1)', 2), undefined);
  });

  it('a constraint failure inside a multi-row step is a LabelingError; the rows of that step are not written, those before are', async () => {
    const SQL = await loadSqlJs(WASM);
    const db = new SQL.Database();
    db.exec('CREATE TABLE u (k TEXT PRIMARY KEY, n INTEGER NOT NULL)');
    const ins = new RawInsert(SQL, db, 'INSERT INTO u VALUES (?, ?)', 4 * MULTI_ROWS);
    // The repeated key is the 11th row of the third run of MULTI_ROWS: one by one, the 10 before it would stay.
    for (let i = 0; i < 2 * MULTI_ROWS + 10; i++) ins.add([`k${i}`, i]);
    ins.add(['k3', -1]);
    for (let i = 2 * MULTI_ROWS + 11; i < 3 * MULTI_ROWS; i++) ins.add([`k${i}`, i]);
    assert.throws(() => ins.flush(), (e: Error) => e.name === 'LabelingError' && /UNIQUE/.test(e.message));
    ins.free();
    assert.equal(rows(db, 'SELECT k FROM u').length, 2 * MULTI_ROWS);
    db.close();
  });
});
