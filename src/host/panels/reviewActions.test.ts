import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProjectStore } from '../../core/store/project-store';
import { classes, cleanupWorkspaces, event, openStore, textProject, writeJournal } from '../../core/store/test-support';
import { applies, writeChunk } from './reviewActions';
import { describeAnnotation, reviewItemOf } from './reviewItem';

const K = (i: number): string => `data/items.csv#r${i}`;

/** The reviewer's journal lines, parsed. */
function lines(s: ProjectStore, root: string): { type: string; events?: { type: string; item: string; reason?: string; to?: string }[] }[] {
  const f = path.join(root, s.journalFile);
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

describe('Review panel writes and item view', () => {
  after(cleanupWorkspaces);
  let s: ProjectStore;
  let root: string;

  beforeEach(async () => {
    const p = await textProject(8, { consensus: { minLabelers: 2, maxLabelers: 2 } });
    root = p.root;
    const at = (i: number) => new Date(Date.UTC(2026, 10, 27, 10, i)).toISOString();
    writeJournal(p.root, p.id, 'ann', 'd', [1, 2, 3, 4].map((i, seq) => event({ type: 'submit', item: K(i), ann: classes(i === 4 ? 'neg' : 'pos') }, { by: 'ann', dev: 'd', seq: seq + 1, at: at(i) })));
    writeJournal(p.root, p.id, 'bob', 'd', [
      ...[1, 2, 3, 4].map((i, seq) => event({ type: 'submit', item: K(i), ann: classes('pos') }, { by: 'bob', dev: 'd', seq: seq + 1, at: at(i + 10) })),
      event({ type: 'skip', item: K(5) }, { by: 'bob', dev: 'd', seq: 5, at: at(20) }),
    ]);
    s = await openStore(p, 'rev', 'r');
  });
  afterEach(() => s.close());

  it('a chunk is one journal line; an item changed since it was listed is left out and returned as stale', async () => {
    const v = [1, 2, 3].map((i) => s.getItem(K(i))!);
    const r = await writeChunk(s, [
      { type: 'approve', item: v[0]!.key, base: v[0]!.version },
      { type: 'approve', item: v[1]!.key, base: v[1]!.version - 1 },
      { type: 'approve', item: v[2]!.key, base: v[2]!.version },
    ]);
    assert.deepEqual(r, { written: 2, stale: [K(2)] });
    const ls = lines(s, root);
    assert.equal(ls.length, 1, 'one line');
    assert.deepEqual(ls[0]!.events!.map((e) => [e.type, e.item]), [['approve', K(1)], ['approve', K(3)]]);
    assert.equal(s.getItem(K(1))!.review?.kind, 'approve');
    assert.equal(s.getItem(K(2))!.review, undefined);
  });

  it('reject with a reason and Return to labeler writes the reason and assigns the item back, in one line', async () => {
    const v = s.getItem(K(4))!;
    assert.equal(v.state, 'needs-review');
    await writeChunk(s, [{ type: 'reject', item: v.key, base: v.version, reason: 'look again', returnTo: true }]);
    const [line] = lines(s, root);
    assert.deepEqual(line!.events!.map((e) => [e.type, e.reason ?? e.to]), [['reject', 'look again'], ['assign', 'ann']]);
    const after = s.getItem(K(4))!;
    assert.equal(after.state, 'unlabeled', 'back in the queue, the labels voided');
    assert.equal(after.assignee, 'ann');
  });

  it('refuses a chunk over 500 actions, writing nothing', async () => {
    const v = s.getItem(K(1))!;
    await assert.rejects(writeChunk(s, Array.from({ length: 501 }, () => ({ type: 'approve' as const, item: v.key, base: v.version }))), /at most 500 actions per chunk/);
    assert.deepEqual(lines(s, root), []);
  });

  it('which actions apply: skips to skipped items, approve and reject to labeled ones', () => {
    const skipped = s.getItem(K(5))!;
    const labeled = s.getItem(K(1))!;
    const none = s.getItem(K(6))!;
    assert.equal(skipped.state, 'skipped');
    assert.ok(applies('accept-skip', skipped) && applies('unskip', skipped));
    assert.ok(!applies('accept-skip', labeled) && !applies('unskip', none));
    assert.ok(applies('approve', labeled) && applies('reject', labeled));
    assert.ok(!applies('approve', none) && !applies('reject', skipped));
    assert.ok(applies('decide', none));
  });

  it('the item view: consensus is the top choice until settled, and why it needs review names who said what', () => {
    const needs = reviewItemOf(s.getItem(K(4))!, []);
    assert.equal(needs.settled, false);
    assert.equal(needs.why, 'No consensus: ann: neg; bob: pos (agreement 50%).');
    assert.deepEqual(needs.consensus, classes('neg'), 'the top choice (ties: the group formed first)');
    assert.deepEqual(needs.annotations.map((a) => a.labeler), ['ann', 'bob']);
    const settled = reviewItemOf(s.getItem(K(1))!, [], undefined);
    assert.equal(settled.settled, true);
    assert.deepEqual(settled.consensus, classes('pos'));
    assert.equal(settled.why, undefined);
    const skipped = reviewItemOf(s.getItem(K(5))!, ['bob']);
    assert.deepEqual(skipped.skippedBy, ['bob']);
    assert.equal(skipped.consensus, undefined);
  });

  it('describes annotations in a few words', () => {
    assert.equal(describeAnnotation(classes()), '(no label)');
    assert.equal(describeAnnotation({ kind: 'boxes', boxes: [{ label: 'car', x: 0, y: 0, w: 5, h: 5 }, { label: 'car', x: 9, y: 0, w: 5, h: 5 }, { label: 'dog', x: 0, y: 9, w: 5, h: 5 }] }), '2 car, 1 dog');
    assert.equal(describeAnnotation({ kind: 'spans', spans: [] }), 'no spans');
  });
});
