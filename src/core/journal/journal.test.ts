import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import { classes, cleanupWorkspaces, event, tempWorkspace } from '../store/test-support';
import { eventProblem, orderKey, type JournalEvent } from './events';
import { readJournal, type JournalProblem } from './reader';
import { JournalWriter } from './writer';

function readAll(file: string): { events: JournalEvent[]; problems: JournalProblem[]; offset: number; tornBytes: number } {
  const events: JournalEvent[] = [];
  const problems: JournalProblem[] = [];
  const r = readJournal(file, 'j.jsonl', { offset: 0, line: 0 }, (e) => events.push(e), (p) => problems.push(p));
  return { events, problems, offset: r.offset, tornBytes: r.tornBytes };
}

describe('journal', () => {
  after(cleanupWorkspaces);

  it('appends versioned events with per-file seq, continuing after reopen', async () => {
    const file = path.join(tempWorkspace(), 'j', 'ann', 'd1.jsonl');
    let w = await JournalWriter.open(file, 'ann', 'd1');
    await w.append([{ type: 'submit', item: 'a', ann: classes('x') }]);
    await w.append([{ type: 'skip', item: 'b' }, { type: 'unskip', item: 'b' }]);
    await w.close();
    w = await JournalWriter.open(file, 'ann', 'd1');
    const { events } = await w.append([{ type: 'status', status: 'paused' }]);
    await w.close();
    assert.equal(events[0]!.seq, 4);
    const all = readAll(file).events;
    assert.deepEqual(all.map((e) => [e.seq, e.type, e.v, e.by, e.dev]), [
      [1, 'submit', 2, 'ann', 'd1'], [2, 'skip', 2, 'ann', 'd1'], [3, 'unskip', 2, 'ann', 'd1'], [4, 'status', 2, 'ann', 'd1'],
    ]);
    assert.ok(all.every((e) => !Number.isNaN(Date.parse(e.at))));
  });

  it('ignores a torn last line on read and truncates it before the next append', async () => {
    const file = path.join(tempWorkspace(), 'j.jsonl');
    const good = JSON.stringify(event({ type: 'skip', item: 'a' }));
    fs.writeFileSync(file, `${good}\n{"v":1,"at":"2026-11-27T1`);
    const before = readAll(file);
    assert.equal(before.events.length, 1);
    assert.deepEqual(before.problems, []);
    assert.equal(before.offset, good.length + 1);
    assert.ok(before.tornBytes > 0);
    const w = await JournalWriter.open(file, 'ann', 'd1');
    assert.ok(w.repairedBytes > 0);
    await w.append([{ type: 'skip', item: 'b' }]);
    await w.close();
    const after = readAll(file);
    assert.deepEqual(after.events.map((e) => ['item' in e ? e.item : '', e.seq]), [['a', 1], ['b', 2]]);
    assert.deepEqual(after.problems, []);
  });

  it('continues seq after a last line longer than 64 KB, and steps over a corrupt last line', async () => {
    const file = path.join(tempWorkspace(), 'j', 'ann', 'd1.jsonl');
    let w = await JournalWriter.open(file, 'ann', 'd1');
    await w.append([{ type: 'skip', item: 'a' }]);
    const submits = Array.from({ length: 3000 }, (_, i) => ({ item: `item-${i}`, ann: classes('x') }));
    await w.append([{ type: 'import', batch: 'b1', submits }]);
    await w.close();
    assert.ok(fs.statSync(file).size > 128 * 1024);
    w = await JournalWriter.open(file, 'ann', 'd1');
    assert.equal(w.nextSeq, 3);
    await w.close();
    fs.appendFileSync(file, '{"v":1, not json\n');
    w = await JournalWriter.open(file, 'ann', 'd1');
    assert.equal((await w.append([{ type: 'skip', item: 'b' }])).events[0]!.seq, 3);
    await w.close();
  });

  it('names the journal and the cause in one line when it is a folder or the disk is full', async () => {
    const root = tempWorkspace();
    const dir = path.join(root, 'ann', 'd1.jsonl');
    fs.mkdirSync(dir, { recursive: true });
    await assert.rejects(JournalWriter.open(dir, 'ann', 'd1', { display: 'journal/ann/d1.jsonl' }), (e: Error) => {
      assert.ok(e instanceof LabelingError && e.reason === 'io');
      assert.equal(e.message, 'journal/ann/d1.jsonl: cannot open the journal: it is a folder, not a file (EISDIR)');
      return true;
    });
    fs.writeFileSync(path.join(root, 'bob'), 'a file where a folder should be');
    await assert.rejects(JournalWriter.open(path.join(root, 'bob', 'd1.jsonl'), 'bob', 'd1', { display: 'journal/bob/d1.jsonl' }), (e: Error) => {
      assert.ok(e instanceof LabelingError && e.reason === 'io');
      assert.match(e.message, /^journal\/bob\/d1\.jsonl: cannot open the journal: (a part of the path is a file, not a folder \(ENOTDIR\)|it already exists \(EEXIST\))$/);
      return true;
    });
    if (!fs.existsSync('/dev/full')) return;
    const full = path.join(root, 'full.jsonl');
    fs.symlinkSync('/dev/full', full);
    const w = await JournalWriter.open(full, 'ann', 'd1', { display: 'journal/ann/full.jsonl' });
    await assert.rejects(w.append([{ type: 'skip', item: 'a' }]), /^LabelingError: journal\/ann\/full\.jsonl: cannot append to the journal: the disk is full \(ENOSPC\)$/);
    assert.equal(w.nextSeq, 1, 'a failed append takes no seq');
    await w.close();
  });

  it('reports a corrupt middle line with file and line, and loads the rest', () => {
    const file = path.join(tempWorkspace(), 'j.jsonl');
    const lines = [
      JSON.stringify(event({ type: 'skip', item: 'a' }, { seq: 1 })),
      '{"v":1, this is not json',
      JSON.stringify({ ...event({ type: 'skip', item: 'c' }, { seq: 3 }), type: 'explode' }),
      JSON.stringify(event({ type: 'skip', item: 'd' }, { seq: 4 })),
    ];
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const r = readAll(file);
    assert.deepEqual(r.events.map((e) => 'item' in e && e.item), ['a', 'd']);
    assert.deepEqual(r.problems.map((p) => [p.file, p.line]), [['j.jsonl', 2], ['j.jsonl', 3]]);
    assert.equal(r.problems[0]!.newer, undefined, 'broken JSON is corrupt');
    assert.match(r.problems[1]!.message, /written by a newer version of the extension \(event type "explode"\)/);
    assert.equal(r.problems[1]!.newer, true, 'an unknown type is newer, not corrupt');
    assert.deepEqual(r.problems[1]!.items, ['c']);
  });

  it('counts lines of a newer version (schema version, annotation kind, field) as newer, with the items they name', () => {
    const file = path.join(tempWorkspace(), 'j.jsonl');
    const lines = [
      { ...event({ type: 'skip', item: 'a' }, { seq: 1 }), v: 3 },
      event({ type: 'submit', item: 'b', ann: { kind: 'masks', masks: [] } as never }, { seq: 2 }),
      { ...event({ type: 'skip', item: 'c' }, { seq: 3 }), mood: 'happy' },
      event({ type: 'import', batch: 'x', submits: [{ item: 'd', ann: classes('x'), weight: 2 } as never] }, { seq: 4 }),
      { ...event({ type: 'skip', item: 'e' }, { seq: 5 }), v: 1 },
      { ...event({ type: 'skip', item: 'f' }, { seq: 6 }), v: 0 },
    ];
    fs.writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const r = readAll(file);
    assert.deepEqual(r.events.map((e) => 'item' in e && e.item), ['e'], 'a version-1 line is still read');
    assert.deepEqual(r.problems.map((p) => [p.line, p.newer ?? false, p.items]), [
      [1, true, ['a']], [2, true, ['b']], [3, true, ['c']], [4, true, ['d']], [6, false, undefined],
    ]);
    assert.match(r.problems[0]!.message, /schema version v=3/);
    assert.match(r.problems[1]!.message, /annotation kind "masks"/);
    assert.match(r.problems[2]!.message, /field "mood" of a "skip" event/);
    assert.match(r.problems[3]!.message, /field "submits\[\]\.weight"/);
    assert.match(r.problems[4]!.message, /unsupported schema version v=0/);
  });

  it('reads from an offset and keeps counting lines; handles lines longer than a read chunk', () => {
    const file = path.join(tempWorkspace(), 'j.jsonl');
    const big = event({ type: 'import', batch: 'b1', submits: Array.from({ length: 120000 }, (_, i) => ({ item: `k${i}`, ann: classes('x') })) });
    const first = JSON.stringify(event({ type: 'skip', item: 'a' }));
    fs.writeFileSync(file, `${first}\n${JSON.stringify(big)}\n`);
    assert.ok(fs.statSync(file).size > 4 * 1024 * 1024);
    const seen: [string, number][] = [];
    const r = readJournal(file, 'j', { offset: first.length + 1, line: 1 }, (e, line) => seen.push([e.type, line]), () => assert.fail('no problems'));
    assert.deepEqual(seen, [['import', 2]]);
    assert.equal(r.offset, fs.statSync(file).size);
  });

  it('validates event shapes and orders events by (at, by, dev, seq)', () => {
    assert.equal(eventProblem(event({ type: 'skip', item: 'a' })), undefined);
    assert.match(eventProblem({ ...event({ type: 'skip', item: 'a' }), v: 0 })!, /version/);
    assert.equal(eventProblem({ ...event({ type: 'skip', item: 'a' }), v: 1 }), undefined, 'version-1 lines are read');
    assert.match(eventProblem({ ...event({ type: 'approve', item: 'a', base: 1 }), seen: [['ann', 'd1', 0]] })!, /seen\[0\] must be \[by, dev, seq\]/);
    assert.match(eventProblem({ ...event({ type: 'skip', item: 'a' }), ps: 'all' })!, /ps must be an array/);
    assert.match(eventProblem(event({ type: 'roles', set: { ann: ['boss'] } } as never))!, /set\["ann"\]: unknown role "boss"/);
    assert.match(eventProblem(event({ type: 'approve', item: 'a' } as never))!, /base/);
    assert.match(eventProblem(event({ type: 'submit', item: 'a', ann: { kind: 'boxes' } } as never))!, /ann.boxes/);
    const a = orderKey({ at: '2026-01-01T00:00:00.000Z', by: 'b', dev: 'd', seq: 9 });
    const b = orderKey({ at: '2026-01-01T00:00:00.000Z', by: 'b', dev: 'd', seq: 10 });
    const c = orderKey({ at: '2026-01-01T00:00:00.001Z', by: 'a', dev: 'a', seq: 1 });
    assert.ok(a < b && b < c);
  });
});
