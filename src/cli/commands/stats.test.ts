import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EventPayload } from '../../core/journal/events';
import { classes, cleanupWorkspaces, event, tempWorkspace, textProject, writeJournal } from '../../core/store/test-support';
import type { DashboardModel } from '../../protocol/dashboard';
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

  it('--json prints the dashboard model against --now, beside the counts it printed before', async () => {
    const p = await textProject(4);
    const [r1, r2] = p.keys as [string, string];
    writeJournal(p.root, p.id, 'ann', 'd', [
      event({ type: 'submit', item: r1, ann: classes('pos') }, { by: 'ann', dev: 'd', seq: 1, at: '2026-11-30T10:15:00.000Z' }),
      event({ type: 'submit', item: r2, ann: classes('neg') }, { by: 'ann', dev: 'd', seq: 2, at: '2026-12-01T09:05:00.000Z' }),
    ]);
    const r = await cli('stats', p.root, p.id, '--json', '--now', '2026-12-01T12:00:00Z');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as DashboardModel & { items: number; byLabeler: Record<string, number> };
    assert.deepEqual([j.modelVersion, j.now, j.project.id, j.items, j.byLabeler], [1, '2026-12-01T12:00:00.000Z', p.id, 4, { ann: 2 }]);
    assert.deepEqual(j.progress, { items: 4, labeled: 2, approved: 0, skipped: 0, needsReview: 0, incomplete: 0, unlabeled: 2, missing: 0 });
    assert.deepEqual(j.throughput, [{ day: '2026-11-30', labels: 1 }, { day: '2026-12-01', labels: 1 }]);
    assert.deepEqual(j.labelers.map((l) => [l.labeler, l.labeled, l.perHourDay, l.perHourWeek]), [['ann', 2, 1 / 24, 2 / 168]]);
    assert.deepEqual(j.finishEstimate, { ratePerDay: 2 / 7, remaining: 2, date: '2026-12-08' });
    assert.deepEqual([j.jobs, j.mlAssist, j.queue], [[], { enabled: false }, { awaitingFirst: 2, awaitingMore: 0, assigned: [] }]);
  });

  it('--now: two clones with the same journals print the same output', async () => {
    const a = await textProject(6, { consensus: { minLabelers: 2, maxLabelers: 2 } });
    const [r1, r2, r3] = a.keys as [string, string, string];
    const lines = (by: string, payloads: EventPayload[]) =>
      writeJournal(a.root, a.id, by, 'd', payloads.map((x, i) => event(x, { by, dev: 'd', seq: i + 1, at: new Date(Date.UTC(2026, 10, 20 + i, 9 + by.length)).toISOString() })));
    lines('ann', [{ type: 'submit', item: r1, ann: classes('pos') }, { type: 'submit', item: r2, ann: classes('neg') }, { type: 'skip', item: r3 }]);
    lines('bob', [{ type: 'submit', item: r1, ann: classes('pos') }, { type: 'submit', item: r2, ann: classes('pos') }]);
    lines('rev', [{ type: 'approve', item: r1, base: 2 }, { type: 'reject', item: r2, base: 2 }, { type: 'assign', item: r3, to: 'bob' }]);
    const b = tempWorkspace();
    fs.cpSync(path.join(a.root, 'data'), path.join(b, 'data'), { recursive: true });
    fs.cpSync(path.join(a.root, '.labeling', a.id), path.join(b, '.labeling', a.id), { recursive: true });
    const ra = await cli('stats', a.root, a.id, '--json', '--now', '2026-11-25T00:00:00Z');
    const rb = await cli('stats', b, a.id, '--json', '--now', '2026-11-25T00:00:00Z');
    assert.equal(ra.code, 0, ra.err);
    assert.equal(rb.out, ra.out);
    const j = JSON.parse(ra.out) as DashboardModel;
    assert.deepEqual(j.labelers.map((l) => [l.labeler, l.acceptedFirstReview, l.rejections, l.assigned]), [['ann', 0.5, 1, 0], ['bob', 0.5, 1, 1]]);
    // Another now, other time figures (a day after the last label: none in the last 24 hours).
    const later = JSON.parse((await cli('stats', b, a.id, '--json', '--now', '2026-12-30T00:00:00Z')).out) as DashboardModel;
    assert.deepEqual([later.finishEstimate.ratePerDay, later.finishEstimate.date], [0, null]);
  });

  it('--now refuses what is not an ISO time, naming the option', async () => {
    const p = await textProject(1);
    const r = await cli('stats', p.root, p.id, '--json', '--now', 'yesterday');
    assert.equal(r.code, 1);
    assert.match(r.err, /--now: "yesterday" is not an ISO time/);
  });
});
