/**
 * The bulk build with its data sources scanned in a worker thread (ingest/scan-stream.ts) gives the
 * index the in-thread scan gives, table by table and row by row; the worker's errors read as the
 * in-thread scan's; a cancelled build rejects and leaves nothing behind.
 */
import { strict as assert } from 'node:assert';
import { LabelingError } from '../errors';
import { suiteWorker } from '../jobs/worker-fixture';
import { runWorkerStream } from '../jobs/worker-client';
import { scanSources } from '../ingest/scan';
import type { ScanChunk } from '../ingest/scan-stream';
import { loadProject } from '../project/load';
import type { ProjectDef } from '../model';
import { loadSqlJs } from './db';
import { startWorkerScan } from './bulk';
import { buildIndex, type BuildOptions } from './loader';
import { TimeSlicer } from './time-slice';
import { classes, cleanupWorkspaces, csvRows, dumpAll, event, textProject, WASM, writeFiles, writeJournal } from './test-support';

async function build(root: string, def: ProjectDef, opts: BuildOptions): Promise<string> {
  const SQL = await loadSqlJs(WASM);
  const built = await buildIndex(SQL, root, def, opts);
  try {
    return dumpAll(built.idx.db);
  } finally {
    built.idx.free();
    built.idx.db.close();
  }
}

async function errorOf(p: Promise<unknown>): Promise<LabelingError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof LabelingError, String(e));
    return e;
  }
  assert.fail('expected an error');
}

describe('bulk build: data sources scanned in a worker thread', function () {
  this.timeout(60_000);
  const worker = suiteWorker();
  after(cleanupWorkspaces);

  /** 9,000 CSV rows (three chunks and more), a second source repeating some keys, text files, and journals. */
  async function project(): Promise<{ root: string; def: ProjectDef }> {
    const p = await textProject(9000, {
      sources: [
        { kind: 'table', glob: 'data/*.csv', textColumn: 'text', idColumn: 'id' },
        { kind: 'table', glob: 'data/items.csv', textColumn: 'text', idColumn: 'id' },
        { kind: 'text-files', glob: 'notes/*.txt' },
      ],
    });
    writeFiles(p.root, { 'data/more.csv': csvRows(300, 'm'), 'notes/a.txt': 'a', 'notes/b é.txt': 'b' });
    const evs = [
      event({ type: 'submit', item: 'data/items.csv#r1', ann: classes('pos') }, { seq: 1 }),
      event({ type: 'submit', item: 'data/items.csv#r4097', ann: classes('neg') }, { seq: 2 }),
      event({ type: 'skip', item: 'data/more.csv#m3' }, { seq: 3 }),
      event({ type: 'submit', item: 'notes/b é.txt', ann: classes('neutral') }, { seq: 4 }),
      event({ type: 'submit', item: 'gone/only-in-the-journal.txt', ann: classes('pos') }, { seq: 5 }),
      event({ type: 'submit', item: 'data/items.csv#r9000', ann: classes('pos') }, { seq: 6 }),
    ];
    writeJournal(p.root, p.id, 'ann', 'd1', evs);
    writeJournal(p.root, p.id, 'bob', 'd1', [event({ type: 'submit', item: 'data/items.csv#r1', ann: classes('neg') }, { by: 'bob', seq: 1 })]);
    return { root: p.root, def: await loadProject(p.root, p.id) };
  }

  it('gives the same index as the in-thread scan, with and without journals, built at once or in slices', async () => {
    const { root, def } = await project();
    const inThread = await build(root, def, {});
    assert.equal(await build(root, def, { workerFile: worker.file, scanWorkerFromBytes: 0 }), inThread);
    assert.equal(await build(root, def, { workerFile: worker.file, scanWorkerFromBytes: 0, slicer: new TimeSlicer(1) }), inThread);
    assert.equal(await build(root, def, { slicer: new TimeSlicer(1) }), inThread);
    // The dump holds what it should: every item once, the journal-only item as missing.
    const items = JSON.parse(inThread) as [string, Record<string, unknown>[]][];
    const itemRows = items.find(([t]) => t === 'items')![1];
    assert.equal(itemRows.length, 9000 + 300 + 2 + 1);
    assert.equal(itemRows.filter((r) => r['missing'] === 1).length, 1);

    const noJournals = await textProject(5000);
    const def2 = await loadProject(noJournals.root, noJournals.id);
    assert.equal(await build(noJournals.root, def2, { workerFile: worker.file, scanWorkerFromBytes: 0 }), await build(noJournals.root, def2, {}));
  });

  it('reports a bad row in the middle of a chunk with its file and line, exactly as the in-thread scan does', async () => {
    const p = await textProject(6000);
    const lines = csvRows(6000).split('\n');
    lines[5001] = 'r5001,"an unclosed quote';
    writeFiles(p.root, { 'data/items.csv': lines.join('\n') });
    const def = await loadProject(p.root, p.id);
    const SQL = await loadSqlJs(WASM);
    const there = await errorOf(buildIndex(SQL, p.root, def, { workerFile: worker.file, scanWorkerFromBytes: 0 }));
    const here = await errorOf(buildIndex(SQL, p.root, def, {}));
    assert.equal(there.message, here.message);
    assert.deepEqual(there.where, here.where);
    assert.equal(there.reason, here.reason);
    assert.equal(there.where.file, 'data/items.csv');
    assert.ok(there.where.line !== undefined && there.where.line > 5000, there.message);

    const dup = await textProject(5000);
    const rowsDup = csvRows(5000).split('\n');
    rowsDup[4500] = 'r12,"a second r12"';
    writeFiles(dup.root, { 'data/items.csv': rowsDup.join('\n') });
    const defDup = await loadProject(dup.root, dup.id);
    const a = await errorOf(buildIndex(SQL, dup.root, defDup, { workerFile: worker.file, scanWorkerFromBytes: 0 }));
    const b = await errorOf(buildIndex(SQL, dup.root, defDup, {}));
    assert.equal(a.message, b.message);
    assert.deepEqual(a.where, b.where);
    assert.match(a.message, /data\/items\.csv:\d+: id: duplicate id "r12"/);
    // The build leaves duplicates to the unique key index, then scans with every id checked: the error is the scan's.
    const scanned = await errorOf(scanSources(dup.root, defDup.dataSources, () => undefined));
    assert.equal(a.message, scanned.message);
    assert.deepEqual(a.where, scanned.where);
    assert.deepEqual([scanned.where.line, scanned.where.field], [4501, 'id']);
    const sliced = await errorOf(buildIndex(SQL, dup.root, defDup, { slicer: new TimeSlicer(1) }));
    assert.deepEqual([sliced.message, sliced.where], [scanned.message, scanned.where]);
  });

  it('small table sources are scanned in this thread (a worker costs more to start than they take)', async () => {
    const p = await textProject(500);
    const def = await loadProject(p.root, p.id);
    // No worker file there: a build that started the worker would fail.
    const missing = `${worker.file}.missing.js`;
    assert.equal(await build(p.root, def, { workerFile: missing }), await build(p.root, def, {}));
    const SQL = await loadSqlJs(WASM);
    const e = await errorOf(buildIndex(SQL, p.root, def, { workerFile: missing, scanWorkerFromBytes: 0 }));
    assert.match(e.message, /worker/);
  });

  it("a chunk the caller fails to take in ends the stream with the caller's error, not the stop's", async () => {
    const p = await textProject(20_000);
    const def = await loadProject(p.root, p.id);
    let taken = 0;
    const e = await runWorkerStream(worker.file, 'scan-sources', { root: p.root, sources: def.dataSources, seed: def.queueSeed, chunkRows: 1000 }, {
      onChunk: (c: ScanChunk) => {
        if (c.kind === 'rows' && ++taken === 2) throw new LabelingError('io', 'the second chunk is refused');
      },
    }).then(
      () => assert.fail('expected an error'),
      (err: unknown) => err,
    );
    assert.ok(e instanceof LabelingError);
    assert.equal(e.message, 'the second chunk is refused');
    assert.equal(taken, 2);
  });

  it('a build cancelled while the worker scans rejects as cancelled', async () => {
    const p = await textProject(20_000);
    const def = await loadProject(p.root, p.id);
    const SQL = await loadSqlJs(WASM);
    const abort = new AbortController();
    let chunks = 0;
    const e = await errorOf(
      buildIndex(SQL, p.root, def, {
        workerFile: worker.file, scanWorkerFromBytes: 0,
        signal: abort.signal,
        onProgress: (m) => {
          if (m.message.startsWith('Indexed') && ++chunks === 1) abort.abort();
        },
      }),
    );
    assert.equal(e.reason, 'cancelled');
    // The same project still builds afterwards (nothing of the cancelled build is in the way).
    assert.equal(await build(p.root, def, { workerFile: worker.file, scanWorkerFromBytes: 0 }), await build(p.root, def, {}));
  });

  it('a scan started before its taker keeps its chunks until taken, in order; cancelled before, it rejects as cancelled', async () => {
    const p = await textProject(20_000);
    const def = await loadProject(p.root, p.id);
    const scan = startWorkerScan(worker.file, p.root, def);
    // The worker runs ahead (at most four chunks) while nothing takes them.
    await new Promise((r) => setTimeout(r, 300));
    const ids: number[] = [];
    await scan.take(async (c) => {
      if (c.kind !== 'rows') return;
      for (let r = 0; r < c.rows.rows; r++) ids.push(Number(c.rows.nums[r * c.rows.width]));
    });
    assert.equal(ids.length, 20_000);
    assert.ok(ids.every((id, i) => id === i + 1), 'every item once, in scan order');
    scan.cancel(); // after the end: nothing happens

    const stopped = startWorkerScan(worker.file, p.root, def);
    stopped.cancel();
    const e = await errorOf(stopped.take(async () => undefined));
    assert.equal(e.reason, 'cancelled');
  });
});
