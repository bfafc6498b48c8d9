import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError, type ErrorReason } from '../errors';
import { loadProject } from '../project/load';
import { classes, cleanupWorkspaces, openStore, textProject, writeFiles, csvRows } from './test-support';

const fails = (reason: ErrorReason) => (e: unknown) => e instanceof LabelingError && e.reason === reason;

describe('ProjectStore: labeling, queue and review', () => {
  after(cleanupWorkspaces);

  it('rebuild returns the items and journal events it read; a cancelled rebuild keeps the index in use', async () => {
    const p = await textProject(4);
    const s = await openStore(p);
    await s.submit(p.keys[0]!, classes('pos'));
    await s.skip(p.keys[1]!);
    assert.deepEqual(await s.rebuild(), { items: 4, events: 2 });
    const before = s.stats('ann');
    const abort = new AbortController();
    abort.abort(new LabelingError('cancelled', 'Cancelled by the test.'));
    await assert.rejects(s.rebuild(abort.signal), fails('cancelled'));
    assert.deepEqual(s.stats('ann'), before);
    await s.submit(p.keys[2]!, classes('neg'));
    assert.equal(s.stats('ann').labeled, 2);
    await s.close();
  });

  it('serves the queue in the seeded order, never an item I labeled or skipped', async () => {
    const p = await textProject(6);
    const s = await openStore(p);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const it = s.nextItem()!;
      assert.ok(!order.includes(it.key));
      order.push(it.key);
      if (i % 2) await s.skip(it.key);
      else await s.submit(it.key, classes('pos'));
    }
    assert.equal(s.nextItem(), undefined);
    assert.deepEqual([...order].sort(), [...p.keys].sort());
    const st = s.stats('ann');
    assert.deepEqual([st.labeled, st.skipped, st.unlabeled, st.mine, st.byLabel.pos, st.byLabeler.ann], [3, 3, 0, 3, 3, 3]);
    // Another labeler gets the items I skipped (not the labeled ones), in the same order.
    const bob = await openStore(p, 'bob');
    assert.equal(bob.nextItem()!.key, order[1]);
    await s.close();
    await bob.close();
    // A different seed gives a different order (with 6 items, practically always).
    const q = await textProject(6, { queueSeed: 12345 });
    const s2 = await openStore(q);
    const order2: string[] = [];
    for (let it = s2.nextItem(); it; it = s2.nextItem()) {
      order2.push(it.key);
      await s2.skip(it.key);
    }
    assert.notDeepEqual(order2, order);
    await s2.close();
  });

  it('serves items assigned to me first and hides items assigned to others', async () => {
    const p = await textProject(4);
    const s = await openStore(p);
    const first = s.nextItem()!.key;
    const target = p.keys.find((k) => k !== first)!;
    await s.assign(target, 'ann');
    await s.assign(first, 'bob');
    assert.equal(s.nextItem()!.key, target);
    assert.equal(s.getItem(first)!.assignee, 'bob');
    await s.submit(target, classes('neg'));
    assert.notEqual(s.nextItem()!.key, first);
    await s.assign(first, undefined);
    assert.equal(s.getItem(first)!.assignee, undefined);
    await s.close();
  });

  it('pausing refuses labeling and the queue; resuming allows it; project.json stays the base definition', async () => {
    const p = await textProject(3);
    const s = await openStore(p);
    await s.setStatus('paused');
    assert.equal((await loadProject(p.root, p.id)).status, 'running', 'project.json is not rewritten');
    assert.equal(s.def.status, 'paused');
    assert.throws(() => s.nextItem(), fails('paused'));
    await assert.rejects(s.submit(p.keys[0]!, classes('pos')), fails('paused'));
    await assert.rejects(s.skip(p.keys[0]!), fails('paused'));
    await s.setStatus('running');
    assert.ok(s.nextItem());
    const journal = fs.readFileSync(path.join(p.root, s.journalFile), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(journal.map((e) => e.status), ['paused', 'running']);
    await s.close();
  });

  it('validates annotations against the project', async () => {
    const p = await textProject(2);
    const s = await openStore(p);
    await assert.rejects(s.submit(p.keys[0]!, classes('nope')), (e: unknown) => e instanceof LabelingError && e.reason === 'invalid-input' && /unknown label/.test(e.message));
    await assert.rejects(s.submit(p.keys[0]!, classes('pos', 'neg')), fails('invalid-input'));
    await assert.rejects(s.submit(p.keys[0]!, { kind: 'boxes', boxes: [] }), fails('invalid-input'));
    await assert.rejects(s.submit('no/such', classes('pos')), fails('not-found'));
    assert.equal(s.stats().labeled, 0);
    await s.close();
  });

  it('refuses a stale review with conflict; approve, reject, decide, accept-skip and unskip work', async () => {
    const p = await textProject(3);
    const s = await openStore(p);
    const [a, b, c] = p.keys as [string, string, string];
    await s.submit(a, classes('pos'));
    const v = s.getItem(a)!.version;
    await s.submit(a, classes('neg'));
    await assert.rejects(s.approve(a, v), fails('conflict'));
    await s.approve(a, s.getItem(a)!.version);
    assert.deepEqual(s.getItem(a)!.review?.kind, 'approve');
    await s.reject(a, s.getItem(a)!.version);
    assert.equal(s.getItem(a)!.state, 'unlabeled');
    assert.equal(s.getItem(a)!.mine, undefined);
    await s.decide(b, classes('neutral'), s.getItem(b)!.version);
    assert.deepEqual([s.getItem(b)!.state, s.getItem(b)!.final], ['labeled', classes('neutral')]);
    await s.skip(c);
    await s.acceptSkip(c, s.getItem(c)!.version);
    const bob = await openStore(p, 'bob');
    assert.ok(!bob.page('queue').items.some((i) => i.key === c));
    await bob.close();
    await s.unskip(c);
    assert.equal(s.getItem(c)!.state, 'unlabeled');
    assert.equal(s.getItem(c)!.skippedByMe, false);
    assert.equal(s.page('skipped').items.length, 0);
    await s.close();
  });

  it('keyset paging walks every item exactly once in each view', async () => {
    const p = await textProject(25);
    const s = await openStore(p);
    for (const k of p.keys.slice(0, 7)) await s.submit(k, classes('pos'));
    for (const k of p.keys.slice(7, 10)) await s.skip(k);
    const walk = (view: Parameters<typeof s.page>[0]): string[] => {
      const out: string[] = [];
      let next: string | undefined;
      do {
        const pg = s.page(view, next, 4);
        assert.ok(pg.items.length <= 4);
        out.push(...pg.items.map((i) => i.key));
        next = pg.next;
      } while (next);
      return out;
    };
    assert.deepEqual(walk('all'), [...p.keys].sort());
    assert.deepEqual(walk('mine').sort(), p.keys.slice(0, 7).sort());
    assert.deepEqual(walk('skipped'), p.keys.slice(7, 10).sort());
    const queue = walk('queue');
    assert.equal(queue.length, 18);
    assert.equal(queue[0], s.nextItem()!.key); // the queue view is in queue order
    assert.deepEqual(s.history(3).map((i) => i.key), p.keys.slice(7, 10).reverse());
    assert.deepEqual(s.historyKeys(3), p.keys.slice(7, 10).reverse());
    await s.close();
  });

  it('settles consensus: agreement labels the item, disagreement at maxLabelers needs review', async () => {
    const p = await textProject(2, { consensus: { minLabelers: 2, maxLabelers: 3 } });
    const [a, b] = p.keys as [string, string];
    const ann = await openStore(p, 'ann');
    const bob = await openStore(p, 'bob', 'd2');
    const cat = await openStore(p, 'cat', 'd3');
    await ann.submit(a, classes('pos'));
    await bob.syncJournals();
    assert.equal(bob.getItem(a)!.state, 'incomplete');
    await bob.submit(a, classes('pos'));
    assert.deepEqual([bob.getItem(a)!.state, bob.getItem(a)!.agreement, bob.getItem(a)!.finalBy], ['labeled', 1, ['ann', 'bob']]);
    await ann.submit(b, classes('pos'));
    await bob.submit(b, classes('neg'));
    await cat.submit(b, classes('neutral'));
    for (const s of [ann, bob, cat]) await s.syncJournals();
    const item = cat.getItem(b)!;
    assert.equal(item.state, 'needs-review');
    assert.ok(Math.abs(item.agreement! - 1 / 3) < 1e-9);
    assert.equal(item.others.length, 2);
    assert.deepEqual(cat.page('needs-review').items.map((i) => i.key), [b]);
    await cat.decide(b, classes('neg'), item.version);
    await ann.syncJournals();
    assert.deepEqual(ann.stats().byLabel, { pos: 1, neg: 1, neutral: 0 });
    for (const s of [ann, bob, cat]) await s.close();
  });

  it('adds labels with each of the three modes', async () => {
    for (const mode of ['continue', 'remove-all', 'keep-as-prelabels'] as const) {
      const p = await textProject(3);
      const s = await openStore(p);
      await s.submit(p.keys[0]!, classes('pos'));
      await s.addLabels(['extra'], mode);
      assert.deepEqual((await loadProject(p.root, p.id)).labels.map((l) => l.name), ['pos', 'neg', 'neutral'], 'project.json is not rewritten');
      assert.deepEqual(s.def.labels.map((l) => l.name), ['pos', 'neg', 'neutral', 'extra']);
      const it = s.getItem(p.keys[0]!)!;
      const st = s.stats();
      if (mode === 'continue') {
        assert.deepEqual([it.state, st.labeled, it.mine?.annotation], ['labeled', 1, classes('pos')]);
      } else {
        assert.deepEqual([it.state, st.labeled, st.byLabel.pos, it.mine], ['unlabeled', 0, 0, undefined]);
        assert.deepEqual(it.prelabel?.annotation, mode === 'keep-as-prelabels' ? classes('pos') : undefined);
      }
      await s.submit(p.keys[1]!, classes('extra'));
      const final = s.stats();
      assert.equal(final.byLabel.extra, 1);
      await s.close();
      assert.throws(() => s.stats(), fails('io'));
      // The same state comes back from the journal alone.
      fs.rmSync(path.join(p.root, '.labeling/.cache'), { recursive: true });
      const again = await openStore(p);
      assert.deepEqual(again.stats(), final);
      assert.deepEqual(again.getItem(p.keys[0]!)!.prelabel?.annotation, it.prelabel?.annotation);
      await again.close();
    }
  });

  it('stores prelabels with confidence and exports them only when asked', async () => {
    const p = await textProject(2);
    const s = await openStore(p, 'model');
    await s.importBatch('b1', [{ item: p.keys[0]!, ann: classes('neg'), pre: true, conf: 0.8, src: 'model-v1' }]);
    const it = s.getItem(p.keys[0]!)!;
    assert.deepEqual([it.state, it.prelabel?.confidence, it.prelabel?.prelabel], ['unlabeled', 0.8, true]);
    const plain = [...s.exportItems()];
    const withPre = [...s.exportItems({ includePrelabels: true })];
    assert.deepEqual(plain.map((e) => e.all.length), [0, 0]);
    assert.deepEqual(withPre[0]!.all.map((a) => [a.labeler, a.prelabel, a.confidence]), [['model', true, 0.8]]);
    await assert.rejects(s.importBatch('b2', [{ item: p.keys[1]!, ann: classes('pos') }, { item: p.keys[0]!, ann: classes('bad') }]), fails('invalid-input'));
    assert.equal(s.getItem(p.keys[1]!)!.state, 'unlabeled');
    await s.close();
  });

  it('refresh marks vanished files missing (labels kept, out of the queue), restores them and adds new ones', async () => {
    const p = await textProject(3, { sources: [{ kind: 'text-files', glob: 'docs/*.txt' }] });
    writeFiles(p.root, { 'docs/a.txt': 'alpha', 'docs/b.txt': 'beta' });
    const s = await openStore(p);
    assert.equal(s.stats().items, 2);
    assert.equal(s.getItem('docs/a.txt')!.text, 'alpha');
    await s.submit('docs/a.txt', classes('pos'));
    fs.rmSync(path.join(p.root, 'docs/a.txt'));
    writeFiles(p.root, { 'docs/c.txt': 'gamma', 'data/more.csv': csvRows(1) });
    assert.deepEqual(await s.refresh(), { added: 1, missing: 1, restored: 0, total: 3 });
    const gone = s.getItem('docs/a.txt')!;
    assert.deepEqual([gone.state, gone.mine?.annotation], ['missing', classes('pos')]);
    assert.deepEqual([s.stats().missing, s.stats().labeled], [1, 0]);
    assert.ok(!s.page('queue').items.some((i) => i.key === 'docs/a.txt'));
    assert.deepEqual([...s.exportItems()].map((e) => [e.key, e.state]), [['docs/a.txt', 'missing'], ['docs/b.txt', 'unlabeled'], ['docs/c.txt', 'unlabeled']]);
    writeFiles(p.root, { 'docs/a.txt': 'alpha' });
    assert.deepEqual(await s.refresh(), { added: 0, missing: 0, restored: 1, total: 3 });
    assert.equal(s.getItem('docs/a.txt')!.state, 'labeled');
    await s.close();
  });
});
