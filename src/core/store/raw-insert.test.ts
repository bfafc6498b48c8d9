import { strict as assert } from 'node:assert';
import type { SqlValue } from 'sql.js';
import { loadSqlJs, rows } from './db';
import { RawInsert, type Cell } from './raw-insert';
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
});
