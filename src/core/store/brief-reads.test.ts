import { strict as assert } from 'node:assert';
import { classes, cleanupWorkspaces, openStore, textProject, writeFiles } from './test-support';
import type { ProjectStore } from './project-store';

/** The reads ML assist uses instead of replaying every item's events (store-reads.ts readItemsInState, briefItems). */
describe('brief item reads (readItemsInState, briefItems)', () => {
  let store: ProjectStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  after(cleanupWorkspaces);

  it("the labeled items, in key order, with their final label and text, exactly as readExportItems filtered to 'labeled' has them", async () => {
    const p = await textProject(300, { consensus: { minLabelers: 2, maxLabelers: 2 } });
    store = await openStore(p, 'ann');
    const bob = await openStore(p, 'bob');
    // r1..r100 settled by both, r101..r120 disagreeing (needs review), r121..r140 one label (incomplete), r141 skipped.
    for (let i = 1; i <= 140; i++) {
      await store.submit(`data/items.csv#r${i}`, classes('pos'));
      if (i <= 120) await bob.submit(`data/items.csv#r${i}`, classes(i <= 100 ? 'pos' : 'neg'));
    }
    await bob.skip('data/items.csv#r141');
    await bob.close();
    await store.syncJournals();
    const reference: { key: string; text?: string; final?: unknown }[] = [];
    for await (const it of store.readExportItems()) if (it.state === 'labeled') reference.push({ key: it.key, ...(it.text !== undefined ? { text: it.text } : {}), ...(it.final ? { final: it.final } : {}) });
    const got: { key: string; text?: string; final?: unknown }[] = [];
    for await (const it of store.readItemsInState('labeled')) {
      assert.equal(it.state, 'labeled');
      got.push({ key: it.key, ...(it.text !== undefined ? { text: it.text } : {}), ...(it.final ? { final: it.final } : {}) });
    }
    assert.equal(got.length, 100);
    assert.deepEqual(got, reference);
    assert.deepEqual(got[0], { key: 'data/items.csv#r1', text: 'text 1, with a comma', final: classes('pos') });
  });

  it('briefItems: the keys asked, in their order, with version and the text of a text file read from disk; unknown keys left out', async () => {
    const p = await textProject(0, { sources: [{ kind: 'text-files', glob: 'docs/*.txt' }] });
    writeFiles(p.root, { 'docs/a.txt': 'alpha', 'docs/b.txt': 'beta', 'docs/c.txt': 'gamma' });
    store = await openStore(p, 'ann');
    await store.refresh();
    await store.submit('docs/b.txt', classes('neg'));
    const got = store.briefItems(['docs/c.txt', 'nope.txt', 'docs/b.txt', 'docs/a.txt']);
    assert.deepEqual(got.map((b) => [b.key, b.text, b.version, b.state]), [
      ['docs/c.txt', 'gamma', 0, 'unlabeled'],
      ['docs/b.txt', 'beta', store.getItem('docs/b.txt')!.version, 'labeled'],
      ['docs/a.txt', 'alpha', 0, 'unlabeled'],
    ]);
    assert.ok(got[1]!.version > 0);
    assert.deepEqual(got[1]!.final, classes('neg'));
    assert.deepEqual(got[0]!.ref, { path: 'docs/c.txt' });
    assert.deepEqual(store.briefItems([]), []);
  });

  it('readItemsInState holds a lease: a rebuild that cancels readers stops it between slices, naming the reader', async () => {
    const p = await textProject(400);
    store = await openStore(p, 'ann');
    // More than one slice of labeled items: the reader checks its lease between slices.
    for (let i = 1; i <= 250; i++) await store.submit(`data/items.csv#r${i}`, classes('pos'));
    const reader = store.readItemsInState('labeled', { name: 'ML assist training set' })[Symbol.asyncIterator]();
    assert.equal((await reader.next()).value?.key, 'data/items.csv#r1');
    await store.rebuild(undefined, undefined, { readers: 'cancel' });
    await assert.rejects(async () => {
      for (let r = await reader.next(); !r.done; r = await reader.next());
    }, /ML assist training set stopped/);
  });
});
