import { strict as assert } from 'node:assert';
import type { Database } from 'sql.js';
import { loadProject } from '../project/load';
import { createEmptyIndex, finishBulkLoad, finishBulkLoadInSteps, loadSqlJs, PARTIAL_INDEX_STATEMENTS, rows, scalar } from './db';
import { bulkLoad } from './bulk';
import { IndexDb } from './index-db';
import { buildIndex } from './loader';
import { consensusFor } from './mask-source';
import { SECONDARY } from './schema';
import { classes, cleanupWorkspaces, event, textProject, WASM, writeJournal } from './test-support';

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
    it(`build items_open under a 512 KB page cache, the others sorting in memory, and restore PRAGMAS's after each (${how})`, async () => {
      const SQL = await loadSqlJs(WASM);
      const db = createEmptyIndex(SQL);
      load(db, 3000);
      const calls = recorded(db);
      await finish(db);
      const at = calls.findIndex((c) => c.startsWith('CREATE INDEX IF NOT EXISTS items_open '));
      assert.ok(at > 0, 'items_open is built on its own');
      assert.deepEqual(calls.slice(at - 1, at + 2), ['PRAGMA cache_size = -512', calls[at], 'PRAGMA cache_size = -16384']);
      // Every other index sorts in memory (temp_store MEMORY), and PRAGMAS's temp store (FILE) comes back after it.
      for (const name of ['items_key', 'items_state', 'done_mine', 'done_hist', 'items_agreement']) {
        const i = calls.findIndex((c) => new RegExp(`^CREATE (UNIQUE )?INDEX IF NOT EXISTS ${name} `).test(c));
        assert.ok(i > 0, name);
        assert.deepEqual(calls.slice(i - 1, i + 2), ['PRAGMA temp_store = MEMORY', calls[i], 'PRAGMA temp_store = FILE'], name);
      }
      assert.equal(calls.filter((c) => c.startsWith('PRAGMA')).length, 2 * (calls.filter((c) => /^CREATE (UNIQUE )?INDEX/.test(c)).length), 'two PRAGMAs around every index');
      assert.equal(Number(scalar(db, 'PRAGMA cache_size')), -16384);
      assert.equal(Number(scalar(db, 'PRAGMA temp_store')), 1, 'FILE');
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

  it('items_open holds the open items only, in queue order, whether built after the load or kept row by row', async () => {
    const SQL = await loadSqlJs(WASM);
    const built = createEmptyIndex(SQL);
    const kept = createEmptyIndex(SQL);
    kept.exec(SECONDARY);
    for (const db of [built, kept]) load(db, 9000);
    finishBulkLoad(built);
    const open = Number(scalar(built, 'SELECT COUNT(*) FROM items NOT INDEXED WHERE open = 1'));
    assert.equal(open, 8000, 'every ninth item is closed');
    for (const db of [built, kept]) {
      // The index's own entries (a count through it reads nothing else), the same as the table's open items.
      assert.equal(Number(scalar(db, 'SELECT COUNT(*) FROM items INDEXED BY items_open WHERE open = 1')), open);
      assert.equal(rows(db, 'PRAGMA integrity_check')[0]?.['integrity_check' as never], 'ok');
    }
    const queue = 'SELECT id FROM items INDEXED BY items_open WHERE open = 1 ORDER BY qorder, id';
    const inOrder = rows<{ id: number }>(built, 'SELECT id FROM items NOT INDEXED WHERE open = 1 ORDER BY qorder, id');
    assert.deepEqual(rows(built, queue), inOrder);
    assert.deepEqual(rows(kept, queue), inOrder);
    // Closing and reopening an item moves it out of the index and back.
    built.exec('UPDATE items SET open = 0 WHERE id = 2');
    assert.equal(Number(scalar(built, 'SELECT COUNT(*) FROM items INDEXED BY items_open WHERE open = 1')), open - 1);
    built.exec('UPDATE items SET open = 1 WHERE id = 2');
    assert.deepEqual(rows(built, queue), inOrder);
    built.close();
    kept.close();
  });

  it('a build without journal rows creates the partial indexes on the empty tables; with journal rows, after the load; the index checks out either way', async () => {
    after(cleanupWorkspaces);
    const names = PARTIAL_INDEX_STATEMENTS.map((st) => /EXISTS (\w+)/.exec(st)?.[1]);
    assert.deepEqual(names, ['items_assigned', 'items_agreement', 'items_prelabeled', 'items_approved', 'items_rejected', 'items_conflict']);
    const SQL = await loadSqlJs(WASM);
    const plain = await textProject(3000);
    const withRows = await textProject(3000);
    writeJournal(withRows.root, withRows.id, 'ann', 'd1', [
      event({ type: 'submit', item: 'data/items.csv#r1', ann: classes('pos') }, { seq: 1 }),
      event({ type: 'assign', item: 'data/items.csv#r2', to: 'bob' }, { seq: 2 }),
    ]);
    for (const [q, journal] of [[plain, false], [withRows, true]] as const) {
      const def = await loadProject(q.root, q.id);
      // The rows alone (bulkLoad): which indexes exist before finishBulkLoad.
      const db = createEmptyIndex(SQL);
      const idx = new IndexDb(db, def.queueSeed, consensusFor(def, q.root), def.roles);
      db.exec('BEGIN');
      await bulkLoad(SQL, idx, q.root, def, {});
      db.exec('COMMIT');
      const early = rows<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((r) => r.name);
      assert.deepEqual(early, journal ? [] : [...names].sort(), journal ? 'with journal rows' : 'without');
      idx.free();
      db.close();
      // The whole build: the same definitions as SECONDARY's, every row where it belongs.
      const built = await buildIndex(SQL, q.root, def, {});
      const b = built.idx.db;
      assert.equal(rows(b, 'PRAGMA integrity_check')[0]?.['integrity_check' as never], 'ok');
      const sqlOf = new Map(rows<{ name: string; sql: string }>(b, "SELECT name, sql FROM sqlite_master WHERE type = 'index'").map((r) => [r.name, r.sql]));
      for (const st of PARTIAL_INDEX_STATEMENTS) assert.equal(sqlOf.get(/EXISTS (\w+)/.exec(st)![1]!), st.slice(0, st.indexOf(';')).trim().replace('IF NOT EXISTS ', ''));
      assert.equal(Number(scalar(b, 'SELECT COUNT(*) FROM items INDEXED BY items_assigned WHERE open = 1 AND assignee IS NOT NULL')), journal ? 1 : 0);
      built.idx.free();
      b.close();
    }
  });
});
