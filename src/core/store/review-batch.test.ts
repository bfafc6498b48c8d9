import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JournalEvent } from '../journal/events';
import type { ProjectStore } from './project-store';
import { classes, cleanupWorkspaces, event, openStore, textProject, writeJournal } from './test-support';

const K = (i: number): string => `data/items.csv#r${i}`;
const lines = (root: string, s: ProjectStore): JournalEvent[] =>
  fs.readFileSync(path.join(root, s.journalFile), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JournalEvent);
const dump = (s: ProjectStore, n: number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => {
    const v = s.getItem(K(i + 1))!;
    return [v.state, v.final, v.assignee, v.rejected, v.review?.kind];
  }));

describe('review batches: bulk actions as one all-or-nothing journal line', () => {
  after(cleanupWorkspaces);

  async function labeled(n: number) {
    const p = await textProject(n);
    writeJournal(p.root, p.id, 'ann', 'd', Array.from({ length: n - 1 }, (_, i) => event({ type: 'submit', item: K(i + 1), ann: classes('pos') }, { by: 'ann', dev: 'd', seq: i + 1 })));
    writeJournal(p.root, p.id, 'bob', 'd', [event({ type: 'skip', item: K(n) }, { by: 'bob', dev: 'd', seq: 1 })]);
    return p;
  }

  it('approves, rejects with a reason back to the labeler, decides and settles skips in one line; a fresh build agrees', async () => {
    const p = await labeled(6);
    const rev = await openStore(p, 'rev', 'r');
    const v = (i: number) => rev.getItem(K(i))!.version;
    const r = await rev.reviewBatch([
      { type: 'approve', item: K(1), base: v(1) },
      { type: 'reject', item: K(2), base: v(2), reason: 'the review is sarcastic', returnTo: true },
      { type: 'decide', item: K(3), base: v(3), ann: classes('neg') },
      { type: 'accept-skip', item: K(6), base: v(6) },
    ]);
    assert.deepEqual(r, { written: 4, stale: [] });
    const written = lines(p.root, rev);
    assert.deepEqual(written.map((e) => e.type), ['batch'], 'one journal line');
    const batch = written[0] as Extract<JournalEvent, { type: 'batch' }>;
    assert.deepEqual(batch.events.map((x) => x.type), ['approve', 'reject', 'assign', 'decide', 'accept-skip']);
    assert.deepEqual(batch.events[1], { type: 'reject', item: K(2), base: 1, seen: [['ann', 'd', 2]], reason: 'the review is sarcastic' });
    const r2 = rev.getItem(K(2))!;
    assert.deepEqual([r2.state, r2.assignee, r2.rejected?.reason, r2.others], ['unlabeled', 'ann', 'the review is sarcastic', []]);
    assert.deepEqual([rev.getItem(K(1))!.review?.kind, rev.getItem(K(3))!.final, rev.getItem(K(6))!.state], ['approve', classes('neg'), 'skipped']);
    assert.deepEqual(rev.stats().review, { prelabeled: 0, approved: 2, rejected: 1, conflicts: 0 }, 'the review filters are counted (approve and decide)');
    const ann = await openStore(p, 'ann', 'd2');
    assert.equal(ann.nextItem()?.key, K(2), "the rejected item comes back first to its labeler, who sees why");
    assert.equal(ann.nextItem()?.rejected?.reason, 'the review is sarcastic');
    const before = dump(rev, 6);
    await rev.close();
    await ann.close();
    fs.rmSync(path.join(p.root, '.labeling/.cache'), { recursive: true });
    const again = await openStore(p, 'x', 'x');
    assert.equal(dump(again, 6), before, 'the bulk build reads batches as replay does');
    assert.deepEqual(again.stats().review, { prelabeled: 0, approved: 2, rejected: 1, conflicts: 0 }, 'and counts them the same');
    await again.close();
  });

  it('leaves out items changed since they were listed, and reports them', async () => {
    const p = await labeled(4);
    const rev = await openStore(p, 'rev', 'r');
    const listed = [1, 2, 3].map((i) => ({ item: K(i), base: rev.getItem(K(i))!.version }));
    const bob = await openStore(p, 'bob', 'b');
    await bob.submit(K(2), classes('neg'));
    await rev.syncJournals();
    const r = await rev.reviewBatch(listed.map((l) => ({ type: 'approve' as const, ...l })));
    assert.deepEqual(r, { written: 2, stale: [K(2)] });
    assert.equal(rev.getItem(K(2))!.review, undefined, 'what the reviewer did not see is not approved');
    await rev.close();
    await bob.close();
  });

  it('is all-or-nothing: one bad action writes nothing', async () => {
    const p = await labeled(3);
    const rev = await openStore(p, 'rev', 'r');
    await assert.rejects(
      rev.reviewBatch([
        { type: 'approve', item: K(1), base: rev.getItem(K(1))!.version },
        { type: 'decide', item: K(2), base: rev.getItem(K(2))!.version, ann: classes('nope') },
      ]),
      /actions\[1\]\.ann.*unknown label "nope"/,
    );
    await assert.rejects(rev.reviewBatch([{ type: 'approve', item: 'no/such', base: 0 }]), /no item "no\/such"/);
    assert.ok(!fs.existsSync(path.join(p.root, rev.journalFile)), 'nothing written');
    assert.equal(rev.getItem(K(1))!.review, undefined);
    await rev.close();
  });

  it('a batch needs each of its events\' roles; a reviewer may return a rejected item to its labeler', async () => {
    const p = await labeled(4);
    const defFile = path.join(p.root, '.labeling/p/project.json');
    fs.writeFileSync(defFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(defFile, 'utf8')), roles: { ann: ['labeler'], bob: ['labeler'], rev: ['reviewer'], boss: ['manager'] } }));
    const rev = await openStore(p, 'rev', 'r');
    await rev.reviewBatch([{ type: 'reject', item: K(1), base: rev.getItem(K(1))!.version, returnTo: true }]);
    assert.equal(rev.getItem(K(1))!.assignee, 'ann');
    await assert.rejects(rev.assignBatch([K(2), K(3)], 'bob'), /rev is not a manager/);
    const boss = await openStore(p, 'boss', 'b');
    assert.deepEqual(await boss.assignBatch([K(2), K(3)], 'bob'), { written: 2 });
    assert.deepEqual([boss.getItem(K(2))!.assignee, boss.getItem(K(3))!.assignee], ['bob', 'bob']);
    // A hand-written batch by a reviewer that assigns without a reject before it is not applied.
    writeJournal(p.root, p.id, 'rev', 'z', [event({ type: 'batch', batch: 'b', events: [{ type: 'approve', item: K(4), base: 0 }, { type: 'assign', item: K(4), to: 'rev' }] }, { by: 'rev', dev: 'z', seq: 1 })]);
    await boss.syncJournals();
    assert.equal(boss.getItem(K(4))!.assignee, undefined);
    assert.equal(boss.getItem(K(4))!.review, undefined, 'all of the batch or none');
    assert.ok(boss.problems().some((x) => x.file.endsWith('rev/z.jsonl') && /rev is not a manager/.test(x.message)));
    for (const s of [rev, boss]) await s.close();
  });
});
