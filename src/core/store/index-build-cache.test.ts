import { strict as assert } from 'node:assert';
import type { Database } from 'sql.js';
import { createEmptyIndex, finishBulkLoad, finishBulkLoadInSteps, loadSqlJs, rows, scalar } from './db';
import { SECONDARY } from './schema';
import { WASM } from './test-support';

/** n items in one transaction, as a bulk build inserts them (qorder in no order). */
function load(db: Database, n: number): void {
  db.exec('BEGIN');
  const st = db.prepare('INSERT INTO items (id, key, row, src, text, qorder, open) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (let i = 1; i <= n; i++) st.run([i, `data/a.csv#${i}`, String(i), 0, `row ${i}`, (i * 2654435761) % 4294967296, i % 9 ? 1 : 0]);
  st.free();
  db.exec('COMMIT');
}

/** The statements `db.exec` is called with (each exec's text, trimmed to its first line). */
function recorded(db: Database): string[] {
  const calls: string[] = [];
  const exec = db.exec.bind(db);
  db.exec = ((sql: string, params?: never) => {
    calls.push(sql.trim().split('\n')[0]!);
    return exec(sql, params);
  }) as Database['exec'];
  return calls;
}

describe('the index builds after a bulk load', () => {
  for (const [how, finish] of [['at once', async (db: Database) => finishBulkLoad(db)], ['in steps', (db: Database) => finishBulkLoadInSteps(db, async () => undefined)]] as const) {
    it(`build items_open under a 512 KB page cache and restore PRAGMAS's after it (${how})`, async () => {
      const SQL = await loadSqlJs(WASM);
      const db = createEmptyIndex(SQL);
      load(db, 3000);
      const calls = recorded(db);
      await finish(db);
      const at = calls.findIndex((c) => c.startsWith('CREATE INDEX IF NOT EXISTS items_open '));
      assert.ok(at > 0, 'items_open is built on its own');
      assert.deepEqual(calls.slice(at - 1, at + 2), ['PRAGMA cache_size = -512', calls[at], 'PRAGMA cache_size = -16384']);
      assert.equal(Number(scalar(db, 'PRAGMA cache_size')), -16384);
      db.close();
    });
  }

  it('gives the index built under the usual page cache', async () => {
    const SQL = await loadSqlJs(WASM);
    const small = createEmptyIndex(SQL);
    const usual = createEmptyIndex(SQL);
    for (const db of [small, usual]) load(db, 20_000);
    finishBulkLoad(small);
    usual.exec(SECONDARY);
    const queue = 'SELECT open, qorder, id FROM items INDEXED BY items_open WHERE open = 1 ORDER BY qorder, id';
    assert.deepEqual(rows(small, queue), rows(usual, queue));
    assert.equal(Number(scalar(small, 'PRAGMA page_count')), Number(scalar(usual, 'PRAGMA page_count')));
    assert.equal(rows(small, 'PRAGMA integrity_check')[0]?.['integrity_check' as never], 'ok');
    small.close();
    usual.close();
  });
});
