import { strict as assert } from 'node:assert';
import type { Database } from 'sql.js';
import { createEmptyIndex, finishBulkLoad, loadSqlJs, rows, scalar } from './db';
import { WASM } from './test-support';

/** Loads n items the way a bulk build does: one transaction, then the secondary indexes. */
function load(db: Database, n: number): void {
  db.exec('BEGIN');
  const st = db.prepare('INSERT INTO items (id, key, row, src, text, qorder) VALUES (?, ?, ?, ?, ?, ?)');
  for (let i = 1; i <= n; i++) st.run([i, `data/a.csv#${i}`, String(i), 0, `text of row ${i} `.repeat(3), (i * 7919) % 1000]);
  st.free();
  db.exec('COMMIT');
  finishBulkLoad(db);
}

describe('createEmptyIndex with a size hint', () => {
  it('writes in place and ends exactly as large as without the hint, with the same rows', async () => {
    const SQL = await loadSqlJs(WASM);
    const plain = createEmptyIndex(SQL);
    const padded = createEmptyIndex(SQL, 16 * 1024 * 1024);
    for (const db of [plain, padded]) load(db, 3000);
    const bytes = (db: Database): number => Number(scalar(db, 'PRAGMA page_count')) * Number(scalar(db, 'PRAGMA page_size'));
    assert.equal(bytes(padded), bytes(plain));
    const dump = 'SELECT id, key, row, text, qorder, state FROM items ORDER BY key';
    assert.deepEqual(rows(padded, dump), rows(plain, dump));
    assert.equal(rows(padded, 'PRAGMA integrity_check')[0]?.['integrity_check' as never], 'ok');
    const exported = padded.export();
    assert.equal(exported.length, bytes(plain), 'the zeros past the data are truncated away');
    assert.ok(exported.length < 16 * 1024 * 1024);
    plain.close();
    padded.close();
  });
});
