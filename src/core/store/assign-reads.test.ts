import { strict as assert } from 'node:assert';
import { assignReads, checkAssignFilter, knownLabelers, parseRange, roundRobin } from './assign-reads';
import type { ProjectStore } from './project-store';
import { classes, cleanupWorkspaces, event, openStore, textProject, writeJournal } from './test-support';

const K = (i: number): string => `data/items.csv#r${i}`;

/** Every open item in queue order (the store's own queue page), for comparison. */
function queueKeys(s: ProjectStore): { key: string; assignee?: string }[] {
  const out: { key: string; assignee?: string }[] = [];
  let next: string | undefined;
  do {
    const p = s.page('queue', next, 1000);
    out.push(...p.items.map((i) => (i.assignee ? { key: i.key, assignee: i.assignee } : { key: i.key })));
    next = p.next;
  } while (next);
  return out;
}

describe('assignment reads', () => {
  after(cleanupWorkspaces);
  const n = 30;

  /** 30 items, consensus 2 of 2 (one submit keeps an item open); prelabels on some; ann labels some. */
  async function build(): Promise<{ s: ProjectStore; root: string; id: string }> {
    const p = await textProject(n, { consensus: { minLabelers: 2, maxLabelers: 2 } });
    let seq = 0;
    const at = (i: number) => new Date(Date.UTC(2026, 10, 27, 10, 0, i)).toISOString();
    const pre = (i: number, label: string, conf: number, by = 'model') =>
      event({ type: 'submit', item: K(i), ann: classes(label), pre: true, conf }, { by, dev: 'd', seq: ++seq, at: at(i) });
    const model = [
      pre(1, 'pos', 0.9),
      pre(2, 'neg', 0.2),
      pre(3, 'pos', 0.55),
      // r4: an older prelabel says pos, the latest says neg (only the latest counts)
      pre(4, 'pos', 0.95),
      event({ type: 'submit', item: K(4), ann: classes('neg'), pre: true, conf: 0.1 }, { by: 'model', dev: 'd', seq: ++seq, at: at(40) }),
    ];
    writeJournal(p.root, p.id, 'model', 'd', model);
    // ann labels r5 (pos), r6 (neg), r7 (pos, neutral): each stays open (needs a second labeler)
    writeJournal(p.root, p.id, 'ann', 'd', [
      event({ type: 'submit', item: K(5), ann: classes('pos') }, { by: 'ann', dev: 'd', seq: 1, at: at(5) }),
      event({ type: 'submit', item: K(6), ann: classes('neg') }, { by: 'ann', dev: 'd', seq: 2, at: at(6) }),
      event({ type: 'submit', item: K(7), ann: classes('pos', 'neutral') }, { by: 'ann', dev: 'd', seq: 3, at: at(7) }),
      event({ type: 'skip', item: K(9) }, { by: 'ann', dev: 'd', seq: 4, at: at(9) }),
    ]);
    const s = await openStore(p, 'mgr', 'm');
    return { s, ...p };
  }

  it('finds the next N unassigned queue items in queue order, continuing from a cursor, skipping assigned ones', async () => {
    const { s } = await build();
    const q = queueKeys(s).map((x) => x.key);
    await s.assign(q[0]!, 'bob');
    await s.assign(q[3]!, 'cat');
    const reads = assignReads(s);
    const first = reads.find({ kind: 'unassigned' }, { limit: 4 });
    assert.deepEqual(first.keys, [q[1], q[2], q[4], q[5]]);
    assert.ok(first.next, 'more to read');
    const rest = reads.find({ kind: 'unassigned' }, { limit: 1000, after: first.next! });
    assert.equal(rest.next, undefined, 'the end of the queue');
    assert.deepEqual([...first.keys, ...rest.keys], q.filter((_, i) => i !== 0 && i !== 3));
    // maxScan stops early with a cursor that resumes exactly there
    const a = reads.find({ kind: 'unassigned' }, { limit: 1000, maxScan: 3 });
    assert.equal(a.keys.length, 3);
    const b = reads.find({ kind: 'unassigned' }, { limit: 1000, after: a.next! });
    assert.deepEqual([...a.keys, ...b.keys], [...first.keys, ...rest.keys]);
    await s.close();
  });

  it('filters by a labeler\'s label, by the latest prelabel\'s label and by its confidence', async () => {
    const { s } = await build();
    const reads = assignReads(s);
    const order = queueKeys(s).map((x) => x.key);
    const inOrder = (...keys: string[]) => order.filter((k) => keys.includes(k));
    assert.deepEqual(reads.find({ kind: 'label', label: 'pos' }, { limit: 100 }).keys, inOrder(K(5), K(7)));
    assert.deepEqual(reads.find({ kind: 'label', label: 'neutral' }, { limit: 100 }).keys, [K(7)]);
    assert.deepEqual(reads.find({ kind: 'prelabel', label: 'pos' }, { limit: 100 }).keys, inOrder(K(1), K(3)), 'r4: its latest prelabel is neg');
    assert.deepEqual(reads.find({ kind: 'prelabel', label: 'neg' }, { limit: 100 }).keys, inOrder(K(2), K(4)));
    assert.deepEqual(reads.find({ kind: 'confidence', min: 0.5, max: 1 }, { limit: 100 }).keys, inOrder(K(1), K(3)));
    assert.deepEqual(reads.find({ kind: 'confidence', min: 0, max: 0.2 }, { limit: 100 }).keys, inOrder(K(2), K(4)), 'bounds are inclusive');
    // read in slices of 2 queue rows, continued from each cursor: the same items
    const sliced: string[] = [];
    let after: string | undefined;
    do {
      const r = reads.find({ kind: 'prelabel', label: 'neg' }, { limit: 100, maxScan: 2, ...(after ? { after } : {}) });
      assert.ok(r.scanned <= 2);
      sliced.push(...r.keys);
      after = r.next;
    } while (after);
    assert.deepEqual(sliced, inOrder(K(2), K(4)));
    // assigned items are left out unless asked for
    await s.assign(K(5), 'bob');
    assert.deepEqual(reads.find({ kind: 'label', label: 'pos' }, { limit: 100 }).keys, [K(7)]);
    assert.deepEqual(reads.find({ kind: 'label', label: 'pos' }, { limit: 100, includeAssigned: true }).keys, inOrder(K(5), K(7)));
    await s.close();
  });

  it('counts assigned versus done per labeler, and lists the known labelers', async () => {
    const { s } = await build();
    for (const i of [5, 9, 11, 12]) await s.assign(K(i), 'ann'); // ann labeled r5, skipped r9; r11, r12 waiting
    await s.assign(K(13), 'bob');
    assert.deepEqual(assignReads(s).assignedVsDone(), [
      { labeler: 'ann', assigned: 4, labeled: 1, skipped: 1, waiting: 2 },
      { labeler: 'bob', assigned: 1, labeled: 0, skipped: 0, waiting: 1 },
    ]);
    assert.deepEqual(assignReads(s).assignedTo('ann'), queueKeys(s).filter((x) => x.assignee === 'ann').map((x) => x.key), 'the open ones, in queue order');
    assert.ok(assignReads(s).assignedTo('ann').includes(K(11)));
    await s.setRoles({ mgr: ['manager'], Rev: ['reviewer'] });
    assert.deepEqual(knownLabelers(s, ['zed', 'ANN']), ['ann', 'bob', 'mgr', 'Rev', 'zed'], 'roles, the table, assignees and extras; prelabel sources are no labelers');
    await s.close();
  });

  it('each labeler\'s queue gives their assigned items first, then the project\'s order', async () => {
    const { s, root, id } = await build();
    const order = queueKeys(s).map((x) => x.key);
    const picked = [order[20]!, order[10]!];
    for (const k of picked) await s.assign(k, 'bob');
    await s.assign(order[0]!, 'cat');
    await s.close();
    const bob = await openStore({ root, id }, 'bob', 'b');
    const upcoming = bob.upcomingKeys(5);
    assert.deepEqual(upcoming.slice(0, 2), [order[10], order[20]], 'assigned first, in queue order');
    assert.deepEqual(upcoming.slice(2), order.filter((k) => !picked.includes(k) && k !== order[0]).slice(0, 3), 'then the queue, without items assigned to others');
    assert.equal(bob.nextItem()?.key, order[10]);
    await bob.close();
  });

  it('round-robin spreads keys over labelers in order', () => {
    assert.deepEqual([...roundRobin(['a', 'b', 'c', 'd', 'e'], ['x', 'y'])], [['x', ['a', 'c', 'e']], ['y', ['b', 'd']]]);
    assert.deepEqual([...roundRobin(['a'], [])], []);
  });

  it('checks filters from scripts with a message naming the field, and parses confidence ranges', async () => {
    const { s } = await build();
    assert.deepEqual(checkAssignFilter(s.def, { kind: 'prelabel', label: 'neg' }), { kind: 'prelabel', label: 'neg' });
    assert.throws(() => checkAssignFilter(s.def, { kind: 'label', label: 'cat' }), /^LabelingError: filter\.label: "cat" is not a label of .* \(pos, neg, neutral\)/);
    assert.throws(() => checkAssignFilter(s.def, { kind: 'confidence', min: 0.7, max: 0.2 }), /filter\.min: min and max are numbers with 0 <= min <= max <= 1/);
    assert.throws(() => checkAssignFilter(s.def, { kind: 'best' }), /filter\.kind: kind "best" is not one of/);
    assert.throws(() => checkAssignFilter(s.def, 'unassigned'), /^LabelingError: filter: an object/);
    assert.deepEqual(parseRange('0.2-0.6'), { min: 0.2, max: 0.6 });
    assert.deepEqual(parseRange(' .5 to 1 '), { min: 0.5, max: 1 });
    assert.deepEqual(parseRange('0..0.25'), { min: 0, max: 0.25 });
    for (const bad of ['0.6-0.2', '0-2', 'high', '0.5']) assert.equal(parseRange(bad), undefined, bad);
    await s.close();
  });
});
