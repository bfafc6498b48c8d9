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

type Reservable = Database & { fileReserve(bytes: number): number; fileImage(): Uint8Array };
const HINT = 16 * 1024 * 1024;
const bytes = (db: Database): number => Number(scalar(db, 'PRAGMA page_count')) * Number(scalar(db, 'PRAGMA page_size'));
const DUMP = 'SELECT id, key, row, text, qorder, state FROM items ORDER BY key';

describe('createEmptyIndex with a size hint', () => {
  it('gives the file room: written in place, no bigger than without the hint, with the same rows', async () => {
    const SQL = await loadSqlJs(WASM);
    const plain = createEmptyIndex(SQL);
    const hinted = createEmptyIndex(SQL, HINT) as Reservable;
    try {
      assert.equal(typeof hinted.fileReserve, 'function', 'node scripts/patch-sql-js.mjs did not patch node_modules/sql.js/dist/sql-wasm.js');
      const room = hinted.fileImage().buffer;
      assert.ok(room.byteLength >= HINT, `the room is ${room.byteLength} bytes`);
      assert.equal(hinted.fileImage().length, bytes(hinted), 'the room is not written: the file is as long as its pages');
      for (const db of [plain, hinted]) load(db, 3000);
      assert.equal(hinted.fileImage().buffer, room, 'the file grew out of its room (a copy)');
      assert.equal(bytes(hinted), bytes(plain));
      assert.equal(hinted.fileImage().length, bytes(plain));
      assert.deepEqual(rows(hinted, DUMP), rows(plain, DUMP));
      assert.equal(rows(hinted, 'PRAGMA integrity_check')[0]?.['integrity_check' as never], 'ok');
      assert.equal(hinted.export().length, bytes(plain));
      assert.equal(hinted.fileReserve(1024), room.byteLength, 'a smaller reserve keeps the room');
    } finally {
      plain.close();
      hinted.close();
    }
  });

  it('without fileReserve (sql.js not patched) starts from a padded file, with the same rows', async () => {
    const SQL = await loadSqlJs(WASM);
    const proto = SQL.Database.prototype as Partial<Reservable>;
    const reserve = proto.fileReserve;
    delete proto.fileReserve;
    let padded: Database | undefined;
    try {
      padded = createEmptyIndex(SQL, HINT);
    } finally {
      proto.fileReserve = reserve;
    }
    const plain = createEmptyIndex(SQL);
    try {
      assert.equal((padded as Reservable).fileImage().length, HINT, 'the file starts padded to the hint');
      for (const db of [plain, padded]) load(db, 3000);
      assert.equal(bytes(padded), bytes(plain));
      assert.deepEqual(rows(padded, DUMP), rows(plain, DUMP));
      const exported = padded.export();
      assert.equal(exported.length, bytes(plain), 'the zeros past the data are truncated away');
    } finally {
      plain.close();
      padded.close();
    }
  });
});
