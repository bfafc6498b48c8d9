import { strict as assert } from 'node:assert';
import type { Database } from 'sql.js';
import { createEmptyIndex, finishBulkLoad, loadSqlJs, PARTIAL_INDEXES, rows } from './db';
import { PRAGMAS, TABLES } from './schema';
import { WASM } from './test-support';

const INSERT = 'INSERT INTO items (id, key, row, src, text, qorder, open, assignee, agreement, flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** Items with every partial index's condition met by some of them, in one transaction. */
function load(db: Database, n: number): void {
  db.exec('BEGIN');
  const st = db.prepare(INSERT);
  for (let i = 1; i <= n; i++) {
    st.run([i, `data/a.csv#${i}`, String(i), 0, `row ${i}`, (i * 7919) % 1000, i % 5 ? 1 : 0, i % 3 ? null : `l${i % 4}`, i % 2 ? null : (i % 11) / 10, i % 7 ? (i % 16) : null]);
  }
  st.free();
  db.exec('COMMIT');
  finishBulkLoad(db);
}

/** What each partial index holds, read through it. */
function entries(db: Database): unknown[] {
  return [
    rows(db, 'SELECT assignee, qorder, id FROM items INDEXED BY items_assigned WHERE open = 1 AND assignee IS NOT NULL ORDER BY assignee, qorder, id'),
    rows(db, 'SELECT agreement, id FROM items INDEXED BY items_agreement WHERE agreement < 1 ORDER BY agreement, id'),
    ...[1, 2, 4, 8].map((b, i) => rows(db, `SELECT id FROM items INDEXED BY ${['items_prelabeled', 'items_approved', 'items_rejected', 'items_conflict'][i]} WHERE flags & ${b} ORDER BY id`)),
  ];
}

describe('the partial indexes of a bulk build', () => {
  it('exist on the empty index, so the load writes them and no scan after it builds them', async () => {
    const SQL = await loadSqlJs(WASM);
    const db = createEmptyIndex(SQL);
    const names = rows<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %' ORDER BY name").map((r) => r.name);
    assert.deepEqual(names, ['items_agreement', 'items_approved', 'items_assigned', 'items_conflict', 'items_prelabeled', 'items_rejected']);
    assert.equal(PARTIAL_INDEXES.length, 6);
    db.close();
  });

  it('hold what they hold when built after the load', async () => {
    const SQL = await loadSqlJs(WASM);
    const early = createEmptyIndex(SQL);
    const late = new SQL.Database();
    late.exec(PRAGMAS);
    late.exec(TABLES);
    for (const db of [early, late]) load(db, 2000);
    const got = entries(early);
    assert.deepEqual(got, entries(late));
    assert.ok(got.every((e) => (e as unknown[]).length > 0), 'every index has entries');
    assert.equal(rows(early, 'PRAGMA integrity_check')[0]?.['integrity_check' as never], 'ok');
    early.close();
    late.close();
  });
});
