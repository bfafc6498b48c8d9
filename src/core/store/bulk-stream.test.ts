/**
 * The bulk build with its rows made in a worker thread (bulk-stream.ts) gives the index the in-thread
 * build gives, table by table and row by row, with the same problems (file, line, message) and marks;
 * a malformed line in the middle of a chunk is reported exactly as the single-thread path reports it;
 * a cancelled build rejects and the project builds again afterwards.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import type { EventPayload, JournalEvent } from '../journal/events';
import { suiteWorker } from '../jobs/worker-fixture';
import { runWorkerTask } from '../jobs/worker-client';
import { listJournalFiles } from '../journal/files';
import { HASH_CHUNK } from '../journal/marks';
import { loadProject } from '../project/load';
import type { ProjectDef } from '../model';
import { createEmptyIndex, finishBulkLoad, loadSqlJs } from './db';
import { bulkLoad } from './bulk';
import { HEAD_SHARE, helperPlan, type JournalHelper, type JournalPart } from './bulk-journals';
import { IndexDb } from './index-db';
import { consensusFor } from './mask-source';
import { buildIndex, type BuildOptions } from './loader';
import { TimeSlicer } from './time-slice';
import { classes, cleanupWorkspaces, dumpAll, event, setProjectRoles, textProject, WASM, writeFiles, writeJournal } from './test-support';
import { BULK_CHUNK_ROWS, readJournalsTask } from './bulk-stream';

/** The index's tables, its problems and its marks (without the stat's time of reading). */
async function build(root: string, def: ProjectDef, opts: BuildOptions): Promise<{ dump: string; problems: string; marks: string; items: number; events: number }> {
  const SQL = await loadSqlJs(WASM);
  const built = await buildIndex(SQL, root, def, opts);
  try {
    const marks = [...built.marks].map(([f, m]) => [f, m.offset, m.line, m.chunks, m.ver, m.stat?.size]);
    return { dump: dumpAll(built.idx.db), problems: JSON.stringify(built.problems), marks: JSON.stringify(marks), items: built.items, events: built.events };
  } finally {
    built.idx.free();
    built.idx.db.close();
  }
}

/** bulkLoad in this thread, with `helper` reading the last journal files (or without one); the index's tables and problems. */
async function bulkWith(root: string, def: ProjectDef, helper?: JournalHelper): Promise<{ dump: string; problems: string; marks: string }> {
  const SQL = await loadSqlJs(WASM);
  const db = createEmptyIndex(SQL);
  const idx = new IndexDb(db, def.queueSeed, consensusFor(def, root), def.roles);
  try {
    db.exec('BEGIN');
    const r = await bulkLoad(SQL, idx, root, def, helper ? { journalHelper: helper } : {});
    db.exec('COMMIT');
    finishBulkLoad(db);
    const marks = [...r.marks].map(([f, m]) => [f, m.offset, m.line, m.chunks, m.ver]);
    return { dump: dumpAll(db), problems: JSON.stringify(r.problems), marks: JSON.stringify(marks) };
  } finally {
    idx.free();
    db.close();
  }
}

/** A helper reading its files in this thread, over an index of its own, as the worker's 'read-journals' does; records its parts. */
function helperHere(root: string, def: ProjectDef, parts: JournalPart[]): JournalHelper {
  return async (files) => {
    const part = await readJournalsTask({ root, def, wasm: WASM, files });
    parts.push(part);
    return part;
  };
}

const K = (i: number): string => `data/items.csv#r${i}`;
const at = (s: number): string => new Date(Date.UTC(2026, 10, 27, 10, 0, s)).toISOString();

const line = (by: string, dev: string, s: number, seq: number, payload: EventPayload): JournalEvent => event(payload, { at: at(s), by, dev, seq });

/** Four labelers' journals; `extra` lines go into the last one (the helper's part). */
async function journals(extra: { first?: JournalEvent[]; last?: JournalEvent[]; roles?: boolean; big?: boolean } = {}): Promise<{ root: string; def: ProjectDef }> {
  const p = await textProject(3_000, { consensus: { minLabelers: 2, maxLabelers: 3 } });
  if (extra.roles) setProjectRoles(p, { ann: ['labeler'], bob: ['labeler'], cat: ['labeler'], boss: ['manager'] });
  const submits = (by: string, n: number, off: number): JournalEvent[] => Array.from({ length: n }, (_, i) => line(by, 'd', i + off, i + 1, { type: 'submit', item: K(((i * 7 + off) % 3_100) + 1), ann: classes(['pos', 'neg', 'neutral'][(i + off) % 3]!) }));
  if (extra.big) {
    // ~2.4 MB: HEAD_SHARE of all the journals' bytes falls in ann's, past its first hash chunk, and a malformed line after it.
    const ann = [...submits('ann', 12_000, 0), ...(extra.first ?? [])].map((e) => JSON.stringify(e));
    ann[9_000] = '{"v":1,"by":"ann", not json';
    writeFiles(p.root, { [`.labeling/${p.id}/journal/ann/d.jsonl`]: ann.join('\n') + '\n' });
  } else writeJournal(p.root, p.id, 'ann', 'd', [...submits('ann', 2_000, 0), ...(extra.first ?? [])]);
  writeJournal(p.root, p.id, 'bob', 'd', submits('bob', 1_500, 3));
  writeJournal(p.root, p.id, 'cat', 'd', submits('cat', 1_000, 5));
  const dan = submits('dan', 1_200, 11).map((e) => JSON.stringify(e));
  dan[600] = '{"v":1,"by":"dan", not json';
  const tail = (extra.last ?? []).map((e) => JSON.stringify(e));
  writeFiles(p.root, { [`.labeling/${p.id}/journal/dan/d.jsonl`]: [...dan, ...tail].join('\n') + '\n' });
  return { root: p.root, def: await loadProject(p.root, p.id) };
}


describe('bulk build: the last journal files read by a second thread', function () {
  this.timeout(60_000);
  after(cleanupWorkspaces);
  it('takes what the helper read when reading it here would give the same (a malformed line in its part reported as here)', async () => {
    const { root, def } = await journals();
    const parts: JournalPart[] = [];
    const here = await bulkWith(root, def);
    const split = await bulkWith(root, def, helperHere(root, def, parts));
    assert.deepEqual(parts.map((x) => x.exact), [true]);
    assert.ok(parts[0]!.marks.some(([f]) => f.endsWith('/dan/d.jsonl')), 'the last journal is the helper\'s');
    assert.equal(split.dump, here.dump);
    assert.equal(split.problems, here.problems);
    assert.equal(split.marks, here.marks);
    const problems = JSON.parse(here.problems) as { file: string; line: number; message: string }[];
    assert.deepEqual(problems.map((x) => [x.file, x.line]), [['.labeling/p/journal/dan/d.jsonl', 601]]);
    assert.match(problems[0]!.message, /^invalid JSON/);
  });

  it('reads the part here again when it held a project-wide event, a line for a label defined before it, or came after a role event', async () => {
    const extra = line('dan', 'd', 9_000, 2_000, { type: 'labels', added: [{ name: 'extra', color: '#000000' }], mode: 'keep-as-prelabels' });
    const cases: { name: string; opts: Parameters<typeof journals>[0]; exact: boolean }[] = [
      { name: 'a label set in its part', opts: { last: [extra, line('dan', 'd', 9_001, 2_001, { type: 'submit', item: K(5), ann: classes('extra') })] }, exact: false },
      { name: 'a label set before its part, used in it', opts: { first: [{ ...extra, by: 'ann', seq: 5_000 }], last: [line('dan', 'd', 9_001, 2_001, { type: 'submit', item: K(5), ann: classes('extra') })] }, exact: false },
      { name: 'a role event before its part', opts: { roles: true, first: [line('ann', 'd', 9_000, 5_000, { type: 'roles', set: { dan: [] } } as EventPayload)] }, exact: true },
      { name: 'base roles only: judged there as here', opts: { roles: true }, exact: true },
    ];
    for (const c of cases) {
      const { root, def } = await journals(c.opts);
      const parts: JournalPart[] = [];
      const here = await bulkWith(root, def);
      const split = await bulkWith(root, def, helperHere(root, def, parts));
      assert.deepEqual(parts.map((x) => x.exact), [c.exact], c.name);
      assert.equal(split.dump, here.dump, c.name);
      assert.equal(split.problems, here.problems, c.name);
      assert.equal(split.marks, here.marks, c.name);
    }
  });

  it('splits the journal that holds HEAD_SHARE of the bytes after a hash chunk, at a line start; the tail read there, numbered and marked as here', async () => {
    const { root, def } = await journals({ big: true });
    const files = listJournalFiles(root, def.id);
    const plan = helperPlan(files);
    const ann = files[0]!;
    assert.equal(plan.head.length, 1);
    const headPart = plan.head[0]!.part!;
    const tailPart = plan.tail[0]!.part!;
    assert.deepEqual([plan.head[0]!.rel, plan.tail[0]!.rel, ...plan.tail.slice(1).map((f) => f.part)], [ann.rel, ann.rel, undefined, undefined, undefined]);
    assert.deepEqual(headPart, { start: 0, end: tailPart.start, hashFrom: 0, hashTo: HASH_CHUNK });
    assert.equal(tailPart.hashFrom, HASH_CHUNK);
    const bytes = fs.readFileSync(ann.abs);
    assert.ok(tailPart.start > HASH_CHUNK && bytes[tailPart.start - 1] === 0x0a && bytes.indexOf(0x0a, HASH_CHUNK - 1) + 1 === tailPart.start, 'the first line start after the boundary');
    const total = files.reduce((n, f) => n + fs.statSync(f.abs).size, 0);
    assert.ok(Math.abs(tailPart.start - total * HEAD_SHARE) < HASH_CHUNK, "about HEAD_SHARE of the bytes here, the rest the helper's");
    const parts: JournalPart[] = [];
    const here = await bulkWith(root, def);
    const split = await bulkWith(root, def, helperHere(root, def, parts));
    assert.deepEqual(parts.map((x) => x.exact), [true]);
    assert.equal(split.dump, here.dump);
    assert.equal(split.problems, here.problems);
    assert.equal(split.marks, here.marks);
    const problems = JSON.parse(here.problems) as { file: string; line: number; message: string }[];
    assert.deepEqual(problems.map((x) => [x.file, x.line]), [['.labeling/p/journal/ann/d.jsonl', 9_001], ['.labeling/p/journal/dan/d.jsonl', 601]]);
    // Its part held a label set (appended to ann's journal, in the tail): read here after the head, the same.
    const extra = line('ann', 'd', 9_000, 20_000, { type: 'labels', added: [{ name: 'extra', color: '#000000' }], mode: 'keep-as-prelabels' });
    const held = await journals({ big: true, first: [extra, line('ann', 'd', 9_001, 20_001, { type: 'submit', item: K(5), ann: classes('extra') })] });
    const heldParts: JournalPart[] = [];
    const heldHere = await bulkWith(held.root, held.def);
    const heldSplit = await bulkWith(held.root, held.def, helperHere(held.root, held.def, heldParts));
    assert.deepEqual(heldParts.map((x) => x.exact), [false]);
    assert.equal(heldSplit.dump, heldHere.dump);
    assert.equal(heldSplit.problems, heldHere.problems);
    assert.equal(heldSplit.marks, heldHere.marks);
  });

  it('reads the part here when the helper fails', async () => {
    const { root, def } = await journals();
    const here = await bulkWith(root, def);
    const failed = await bulkWith(root, def, () => Promise.reject(new Error('the helper is gone')));
    assert.equal(failed.dump, here.dump);
    assert.equal(failed.problems, here.problems);
  });
});

describe('bulk build: rows made in a worker thread', function () {
  this.timeout(120_000);
  const worker = suiteWorker();
  after(cleanupWorkspaces);
  const inWorker = (): BuildOptions => ({ workerFile: worker.file, wasmPath: WASM, rowsWorkerFromBytes: 0 });

  /**
   * 12,000 items; ann labels 9,000 of them (more than a chunk of rows) with a malformed line, a line of an
   * unknown event field and a line naming an undefined label in the middle; bob and cat label some; a
   * reviewer rejects, decides, adds a label mid-project (which the held line then uses) and imports;
   * items known only from journals.
   */
  async function project(): Promise<{ root: string; def: ProjectDef; bad: number }> {
    const p = await textProject(12_000, { consensus: { minLabelers: 2, maxLabelers: 3 } });
    const bad = 4_321;
    const annLines: string[] = [];
    for (let i = 1; i <= 9_000; i++) {
      const label = ['pos', 'neg', 'neutral'][i % 3]!;
      const e = event({ type: 'submit', item: K(i), ann: classes(i === 4_000 ? 'extra' : label) }, { at: at(i), by: 'ann', dev: 'd1', seq: i });
      annLines.push(i === bad ? '{"v":1,"at":"2026-11-27T10:00:00.000Z","by":"ann","dev":"d1","seq":' : JSON.stringify(e));
    }
    annLines.splice(6_000, 0, '   ', JSON.stringify({ ...event({ type: 'skip', item: K(9_500) }, { at: at(9_500), seq: 9_500 }), extra: 1 }));
    writeFiles(p.root, { [`.labeling/${p.id}/journal/ann/d1.jsonl`]: annLines.join('\n') + '\n' + '{"v":1,"torn":' });
    writeJournal(p.root, p.id, 'bob', 'd1', Array.from({ length: 3_000 }, (_, i) => event({ type: i % 10 === 9 ? 'skip' : 'submit', item: K(i * 3 + 1), ...(i % 10 === 9 ? {} : { ann: classes(i % 2 ? 'pos' : 'neg') }) } as EventPayload, { at: at(i * 2), by: 'bob', dev: 'd1', seq: i + 1 })));
    writeJournal(p.root, p.id, 'cat', 'laptop', [
      event({ type: 'submit', item: K(1), ann: classes('pos') }, { at: at(50), by: 'cat', dev: 'laptop', seq: 1 }),
      event({ type: 'submit', item: 'gone/only-in-the-journal.txt', ann: classes('neg') }, { at: at(51), by: 'cat', dev: 'laptop', seq: 2 }),
      event({ type: 'skip', item: K(11_999) }, { at: at(52), by: 'cat', dev: 'laptop', seq: 3 }),
    ]);
    const rev = (s: number, seq: number, payload: EventPayload): JournalEvent => event(payload, { at: at(s), by: 'rev', dev: 'r', seq });
    writeJournal(p.root, p.id, 'rev', 'r', [
      rev(10_000, 1, { type: 'reject', item: K(4), base: 2 }),
      rev(10_001, 2, { type: 'decide', item: K(7), ann: classes('neg'), base: 2 }),
      rev(10_002, 3, { type: 'labels', added: [{ name: 'extra', color: '#000000' }], mode: 'keep-as-prelabels' }),
      rev(10_003, 4, { type: 'import', batch: 'b', submits: [{ item: K(11_000), ann: classes('neg'), pre: true, conf: 0.5 }, { item: 'gone.txt', ann: classes('pos') }] }),
      rev(10_004, 5, { type: 'assign', item: K(11_001), to: 'bob' }),
    ]);
    return { root: p.root, def: await loadProject(p.root, p.id), bad };
  }

  it('gives the index, problems and marks of the in-thread build, at once or in slices', async () => {
    const { root, def, bad } = await project();
    const here = await build(root, def, {});
    const there = await build(root, def, inWorker());
    assert.equal(there.dump, here.dump);
    assert.equal(there.problems, here.problems);
    assert.equal(there.marks, here.marks);
    assert.deepEqual([there.items, there.events], [here.items, here.events]);
    assert.equal((await build(root, def, { ...inWorker(), slicer: new TimeSlicer(1) })).dump, here.dump);
    // What the comparison stands on: the malformed line and the newer one reported, the held line applied once its label came.
    const problems = JSON.parse(here.problems) as { file: string; line: number; message: string }[];
    const ann = problems.filter((p) => p.file.endsWith('/ann/d1.jsonl'));
    assert.deepEqual(ann.map((p) => p.line), [bad, 6_002]);
    assert.match(ann[0]!.message, /^invalid JSON/);
    assert.ok(bad > BULK_CHUNK_ROWS / 2 && bad < BULK_CHUNK_ROWS, 'the malformed line falls inside the first chunk of rows');
    const tables = new Map(JSON.parse(here.dump) as [string, Record<string, unknown>[]][]);
    const items = tables.get('items')!;
    assert.equal(items.length, 12_000 + 2);
    assert.ok((tables.get('ev')!).some((r) => r['ann'] !== null && String(r['ann']).includes('extra')), 'the line with the label added later is applied');
    assert.ok((tables.get('meta')!).some((r) => r['k'] === 'labels_added'));
  });

  it('reads the journals twice when they hold role events, and judges every line as the in-thread build does', async () => {
    const p = await textProject(200);
    setProjectRoles(p, { boss: ['manager'], ann: ['labeler'] });
    writeJournal(p.root, p.id, 'boss', 'b', [event({ type: 'roles', set: { boss: ['manager'], ann: ['labeler'], rev: ['reviewer'] } } as EventPayload, { at: at(0), by: 'boss', dev: 'b', seq: 1 }), event({ type: 'roles', set: { ann: [] } } as EventPayload, { at: at(100), by: 'boss', dev: 'b', seq: 2 })]);
    writeJournal(p.root, p.id, 'ann', 'a', Array.from({ length: 150 }, (_, i) => ({ ...event({ type: 'submit', item: K(i + 1), ann: classes('pos') }, { at: at(i + 1), by: 'ann', dev: 'a', seq: i + 1 }), ps: [['boss', 'b', i < 90 ? 1 : 2]] }) as JournalEvent));
    writeJournal(p.root, p.id, 'rev', 'r', [{ ...event({ type: 'status', status: 'paused' } as EventPayload, { at: at(120), by: 'rev', dev: 'r', seq: 1 }), ps: [['boss', 'b', 1]] } as JournalEvent]);
    const def = await loadProject(p.root, p.id);
    const here = await build(p.root, def, {});
    const there = await build(p.root, def, inWorker());
    assert.equal(there.dump, here.dump);
    assert.equal(there.problems, here.problems);
    const problems = JSON.parse(here.problems) as { line: number; message: string }[];
    assert.deepEqual(problems.filter((x) => /not applied: ann is not a labeler/.test(x.message)).map((x) => x.line), Array.from({ length: 50 }, (_, i) => 101 + i), 'the lines after the demotion');
    assert.ok(problems.some((x) => /rev is not a manager/.test(x.message)));
  });

  it('the last journals read by a second worker: the same index and problems (a malformed line in its part reported as here)', async () => {
    const { root, def } = await journals();
    const here = await build(root, def, {});
    const there = await build(root, def, inWorker());
    assert.equal(there.dump, here.dump);
    assert.equal(there.problems, here.problems);
    assert.equal(there.marks, here.marks);
    assert.equal((await build(root, def, { ...inWorker(), slicer: new TimeSlicer(1) })).dump, here.dump);
  });

  it('a journal split between the two workers: the same index, problems and marks', async () => {
    const { root, def } = await journals({ big: true });
    const here = await build(root, def, {});
    const there = await build(root, def, inWorker());
    assert.equal(there.dump, here.dump);
    assert.equal(there.problems, here.problems);
    assert.equal(there.marks, here.marks);
  });

  it("the worker's 'read-journals' task gives the part read here, posted whole", async () => {
    const { root, def } = await journals({ last: [line('dan', 'd', 9_000, 2_000, { type: 'import', batch: 'b', submits: [{ item: K(9), ann: classes('neg'), pre: true, conf: 0.25 }] })] });
    const files = listJournalFiles(root, def.id).slice(2);
    const parts: JournalPart[] = [];
    const here = await helperHere(root, def, parts)(files);
    const there = await runWorkerTask(worker.file, 'read-journals', { root, def, wasm: WASM, files });
    // The same but for when each file's stat was taken.
    const untimed = (x: JournalPart): JournalPart => ({ ...x, marks: x.marks.map(([f, m]) => [f, { ...m, ...(m.stat ? { stat: { ...m.stat, at: 0 } } : {}) }]) });
    assert.deepEqual(untimed(there), untimed(here));
    assert.ok(here.cols.sparse.length > 0 && here.exact && here.problems.length === 1);
  });

  it('small journals are read in this thread; a missing worker file fails the build with its error', async () => {
    const { root, def } = await project();
    // No worker file there: a build that started the worker would fail.
    const missing = `${worker.file}.missing.js`;
    assert.equal((await build(root, def, { workerFile: missing, wasmPath: WASM })).dump, (await build(root, def, {})).dump);
    const SQL = await loadSqlJs(WASM);
    await assert.rejects(buildIndex(SQL, root, def, { workerFile: missing, wasmPath: WASM, rowsWorkerFromBytes: 0 }), /worker/);
  });

  it('a build cancelled while the worker makes rows rejects as cancelled; the project builds again afterwards', async () => {
    const { root, def } = await project();
    const SQL = await loadSqlJs(WASM);
    const abort = new AbortController();
    let seen = 0;
    await assert.rejects(
      buildIndex(SQL, root, def, {
        ...inWorker(),
        signal: abort.signal,
        onProgress: () => {
          if (++seen === 2) abort.abort();
        },
      }),
      (e: unknown) => (e as { reason?: string }).reason === 'cancelled',
    );
    assert.ok(seen >= 2);
    assert.equal((await build(root, def, inWorker())).dump, (await build(root, def, {})).dump);
  });
});
