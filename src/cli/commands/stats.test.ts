import { strict as assert } from 'node:assert';
import type { EventPayload } from '../../core/journal/events';
import { classes, cleanupWorkspaces, event, textProject, writeJournal } from '../../core/store/test-support';
import { cli } from '../test-support';

describe('data-labeling stats', () => {
  after(cleanupWorkspaces);

  it('--json adds approved, rejected, reviewConflicts, prelabeled and byLabelerAssigned', async () => {
    const p = await textProject(6);
    const [r1, r2, r3, r4, r5, r6] = p.keys as [string, string, string, string, string, string];
    const file = (by: string, payloads: EventPayload[]) =>
      writeJournal(p.root, p.id, by, 'd', payloads.map((x, i) => event(x, { by, dev: 'd', seq: i + 1, at: new Date(Date.UTC(2026, 10, 27, 10, by.length, i)).toISOString() })));
    file('ann', [
      { type: 'submit', item: r1, ann: classes('pos') },
      { type: 'submit', item: r2, ann: classes('neg') },
      { type: 'submit', item: r3, ann: classes('pos') },
    ]);
    const seen: [string, string, number][] = [['ann', 'd', 3]];
    file('rev', [
      { type: 'approve', item: r1, base: 1, seen },
      { type: 'reject', item: r2, base: 1, seen, reason: 'not negative' },
    ]);
    // Two reviewers who had seen the submit but not each other: a review conflict.
    file('rev1', [{ type: 'approve', item: r3, base: 1, seen }]);
    file('rev2', [{ type: 'decide', item: r3, ann: classes('neg'), base: 1, seen }]);
    file('model', [{ type: 'submit', item: r4, ann: classes('neutral'), pre: true, conf: 0.7 }]);
    file('lead', [
      { type: 'assign', item: r5, to: 'ann' },
      { type: 'assign', item: r6, to: 'bob' },
      { type: 'assign', item: r1, to: 'ann' },
    ]);
    const r = await cli('stats', p.root, p.id, '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    assert.equal(j.items, 6);
    assert.deepEqual(
      { approved: j.approved, rejected: j.rejected, reviewConflicts: j.reviewConflicts, prelabeled: j.prelabeled, byLabelerAssigned: j.byLabelerAssigned },
      { approved: 1, rejected: 1, reviewConflicts: 1, prelabeled: 1, byLabelerAssigned: { ann: 2, bob: 1 } },
    );
  });

  it('--json on a fresh project: zeros and no assignments', async () => {
    const p = await textProject(2);
    const r = await cli('stats', p.root, p.id, '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    assert.deepEqual([j.approved, j.rejected, j.reviewConflicts, j.prelabeled, j.byLabelerAssigned], [0, 0, 0, 0, {}]);
  });
});
