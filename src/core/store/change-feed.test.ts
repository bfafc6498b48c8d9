import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mergeChanges, MAX_LISTED_ITEMS, touches, type StoreChange } from './change-feed';
import type { ProjectStore } from './project-store';
import { classes, cleanupWorkspaces, csvRows, event, openStore, textProject, writeFiles, writeJournal, type ProjectBuild } from './test-support';

/** Records every change a store emits. */
function record(s: ProjectStore): StoreChange[] {
  const seen: StoreChange[] = [];
  s.onChange((c) => seen.push(c));
  return seen;
}

/** The changes emitted while `fn` ran, without their seq (checked apart). */
async function during(s: ProjectStore, fn: () => Promise<unknown>): Promise<Omit<StoreChange, 'seq'>[]> {
  const seen = record(s);
  const n = seen.length;
  await fn().catch(() => undefined);
  return seen.slice(n).map(({ seq: _seq, ...rest }) => ({ ...rest, items: rest.items === 'all' ? 'all' : [...rest.items].sort() }));
}

const change = (cause: StoreChange['cause'], items: string[] | 'all', kinds: StoreChange['kinds']) => ({ project: 'p', cause, items, kinds });
const projectFile = (p: ProjectBuild) => path.join(p.root, '.labeling', p.id, 'project.json');
const editDef = (p: ProjectBuild, edit: (def: Record<string, unknown>) => void) => {
  const def = JSON.parse(fs.readFileSync(projectFile(p), 'utf8')) as Record<string, unknown>;
  edit(def);
  fs.writeFileSync(projectFile(p), JSON.stringify(def, null, 2));
};

describe('ProjectStore change feed: every mutation emits exactly what it touched', () => {
  after(cleanupWorkspaces);

  it('submit, skip, unskip and assign: the one item, with a growing seq', async () => {
    const p = await textProject(5);
    const s = await openStore(p);
    const [a, b, c] = p.keys as [string, string, string];
    const seen = record(s);
    assert.deepEqual(await during(s, () => s.submit(a, classes('pos'))), [change('commit', [a], ['items', 'stats'])]);
    assert.deepEqual(await during(s, () => s.skip(b)), [change('commit', [b], ['items', 'stats'])]);
    assert.deepEqual(await during(s, () => s.unskip(b)), [change('commit', [b], ['items', 'stats'])]);
    assert.deepEqual(await during(s, () => s.assign(c, 'bob')), [change('commit', [c], ['items', 'stats'])]);
    assert.deepEqual(seen.map((x) => x.seq), [1, 2, 3, 4]);
    assert.equal(s.changeSeq, 4);
    await s.close();
  });

  it('the change is emitted before the write resolves, so state read after it reflects the change', async () => {
    const p = await textProject(3);
    const s = await openStore(p);
    let labeledAtEmit = -1;
    s.onChange(() => (labeledAtEmit = s.stats().labeled));
    await s.submit(p.keys[0]!, classes('neg'));
    assert.equal(labeledAtEmit, 1);
    assert.equal(s.changeSeq, 1);
    await s.close();
  });

  it('a refused write emits nothing (paused, unknown label, unknown item, stale review)', async () => {
    const p = await textProject(3);
    const s = await openStore(p);
    assert.deepEqual(await during(s, () => s.submit(p.keys[0]!, classes('nope'))), []);
    assert.deepEqual(await during(s, () => s.submit('data/items.csv#nope', classes('pos'))), []);
    assert.deepEqual(await during(s, () => s.approve(p.keys[0]!, 99)), []);
    await s.setStatus('paused');
    assert.deepEqual(await during(s, () => s.submit(p.keys[0]!, classes('pos'))), []);
    assert.deepEqual(await during(s, () => s.setStatus('paused')), [], 'the same status again changes nothing');
    await s.close();
  });

  it('a review touches its item; pause and resume change only the definition', async () => {
    const p = await textProject(3);
    const s = await openStore(p);
    const k = p.keys[1]!;
    await s.submit(k, classes('pos'));
    const v = s.getItem(k)!.version;
    assert.deepEqual(await during(s, () => s.approve(k, v)), [change('commit', [k], ['items', 'stats'])]);
    assert.deepEqual(await during(s, () => s.setStatus('paused')), [change('commit', [], ['definition'])]);
    assert.deepEqual(await during(s, () => s.setStatus('running')), [change('commit', [], ['definition'])]);
    await s.close();
  });

  it("labels added with 'continue' change the definition only; starting over touches every item", async () => {
    const p = await textProject(4);
    const s = await openStore(p);
    await s.submit(p.keys[0]!, classes('pos'));
    assert.deepEqual(await during(s, () => s.addLabels(['maybe'], 'continue')), [change('commit', [], ['definition'])]);
    assert.deepEqual(await during(s, () => s.addLabels(['other'], 'keep-as-prelabels')), [change('commit', 'all', ['items', 'stats', 'definition'])]);
    await s.close();
  });

  it('an import batch touches exactly its items', async () => {
    const p = await textProject(6);
    const s = await openStore(p);
    const keys = [p.keys[2]!, p.keys[4]!];
    const submits = keys.map((item) => ({ type: 'submit' as const, item, ann: classes('neg') }));
    assert.deepEqual(await during(s, () => s.importBatch('b1', submits)), [change('commit', [...keys].sort(), ['items', 'stats'])]);
    await s.close();
  });

  it("sync: a teammate's new lines touch their items only; nothing new emits nothing; a corrupt line is a problem", async () => {
    const p = await textProject(6);
    const s = await openStore(p);
    const bob = await openStore(p, 'bob');
    await bob.submit(p.keys[3]!, classes('pos'));
    await bob.skip(p.keys[5]!);
    await bob.close();
    assert.deepEqual(await during(s, () => s.syncJournals()), [change('sync', [p.keys[3]!, p.keys[5]!].sort(), ['items', 'stats'])]);
    assert.deepEqual(await during(s, () => s.syncJournals()), []);
    const rel = writeJournal(p.root, p.id, 'cat', 'c1', [event({ type: 'submit', item: p.keys[1]!, ann: classes('neg') }, { by: 'cat', dev: 'c1' })], '{"v":1, not json\n');
    assert.ok(rel);
    assert.deepEqual(await during(s, () => s.syncJournals()), [change('sync', [p.keys[1]!], ['items', 'stats', 'problems'])]);
    await s.close();
  });

  it('refresh: new, changed, vanished and returning rows, each exactly once', async () => {
    const p = await textProject(4);
    const s = await openStore(p);
    assert.deepEqual(await during(s, () => s.refresh()), [], 'nothing changed on disk');
    const rows = csvRows(4).replace('"text 2, with a comma"', '"text 2, edited"');
    writeFiles(p.root, { 'data/items.csv': rows + 'r5,"a new row"\n' });
    assert.deepEqual(await during(s, () => s.refresh()), [change('refresh', ['data/items.csv#r2', 'data/items.csv#r5'], ['items', 'stats'])]);
    writeFiles(p.root, { 'data/items.csv': rows.replace(/^r3,.*\n/m, '') + 'r5,"a new row"\n' });
    assert.deepEqual(await during(s, () => s.refresh()), [change('refresh', ['data/items.csv#r3'], ['items', 'stats'])]);
    writeFiles(p.root, { 'data/items.csv': rows + 'r5,"a new row"\n' });
    assert.deepEqual(await during(s, () => s.refresh()), [change('refresh', ['data/items.csv#r3'], ['items', 'stats'])]);
    await s.close();
  });

  it('rebuild: everything', async () => {
    const p = await textProject(3);
    const s = await openStore(p);
    assert.deepEqual(await during(s, () => s.rebuild()), [change('rebuild', 'all', ['items', 'stats', 'problems'])]);
    await s.close();
  });

  it('definition reload: a renamed project is a definition change; unchanged is none; new consensus rebuilds', async () => {
    const p = await textProject(3);
    const s = await openStore(p);
    assert.deepEqual(await during(s, () => s.reloadDefinition()), []);
    editDef(p, (d) => (d.name = 'Renamed'));
    assert.deepEqual(await during(s, () => s.reloadDefinition()), [change('definition', [], ['definition'])]);
    editDef(p, (d) => (d.consensus = { minLabelers: 2, maxLabelers: 2 }));
    // The reload returns at once; the rebuild it needs runs behind it and reports everything when it swaps in.
    assert.deepEqual(
      await during(s, async () => {
        await s.reloadDefinition();
        await s.settled();
      }),
      [change('definition', [], ['definition']), change('rebuild', 'all', ['items', 'stats', 'problems'])],
    );
    await s.close();
  });

  it('a listener that throws does not fail the write, and later listeners still hear it', async () => {
    const p = await textProject(2);
    const s = await openStore(p);
    s.onChange(() => {
      throw new Error('listener bug');
    });
    const seen = record(s);
    await s.submit(p.keys[0]!, classes('pos'));
    assert.equal(seen.length, 1);
    await s.close();
  });
});

describe('mergeChanges (coalescing a burst)', () => {
  const c = (seq: number, items: string[] | 'all', kinds: StoreChange['kinds'], cause: StoreChange['cause'] = 'commit'): StoreChange => ({ project: 'p', seq, cause, items, kinds });

  it('unions items and kinds and keeps the later seq and cause', () => {
    assert.deepEqual(mergeChanges(c(1, ['a', 'b'], ['items', 'stats']), c(2, ['b', 'c'], ['definition'], 'sync')), c(2, ['a', 'b', 'c'], ['items', 'stats', 'definition'], 'sync'));
    assert.deepEqual(mergeChanges(c(5, [], ['problems']), c(4, ['x'], ['items'])).seq, 5);
  });

  it("'all' absorbs lists, and a union past the limit becomes 'all'", () => {
    assert.equal(mergeChanges(c(1, ['a'], ['items']), c(2, 'all', ['items'])).items, 'all');
    const many = Array.from({ length: MAX_LISTED_ITEMS }, (_, i) => `k${i}`);
    assert.equal(mergeChanges(c(1, many, ['items']), c(2, ['extra'], ['items'])).items, 'all');
    assert.equal((mergeChanges(c(1, many, ['items']), c(2, ['k1'], ['items'])).items as string[]).length, MAX_LISTED_ITEMS);
  });

  it('touches: a key in the list, or any key for all', () => {
    assert.ok(touches({ items: ['a'] }, 'a'));
    assert.ok(!touches({ items: ['a'] }, 'b'));
    assert.ok(touches({ items: 'all' }, 'b'));
  });
});
