/**
 * The team rules of architecture.md ("Team semantics"), replayed: reviews act on what their author had
 * seen, concurrent reviews conflict until settled, and the hybrid clock keeps cause before effect. Each
 * scenario is a set of journal files (one writer each, as git delivers them); every arrival order of
 * those files, synced one by one into an open index, must end where a fresh build of all of them does.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EventPayload, JournalEvent } from '../journal/events';
import { exportLabels } from '../formats/export';
import type { ProjectStore } from '../store/project-store';
import { classes, cleanupWorkspaces, event, openStore, textProject, writeJournal, type ProjectBuild } from '../store/test-support';
import type { Role } from '../model';
import type { SeenVector } from './vector';

const K = (i: number): string => `data/items.csv#r${i}`;
const T0 = Date.UTC(2026, 10, 27, 10, 0);
const at = (minute: number): string => new Date(T0 + minute * 60_000).toISOString();

/** One journal file: its writer and its lines in order (seq 1, 2, ...). */
interface File {
  by: string;
  dev: string;
  lines: { minute: number; payload: EventPayload & { seen?: SeenVector } }[];
}

const file = (by: string, ...lines: File['lines']): File => ({ by, dev: 'd', lines });
const line = (minute: number, payload: File['lines'][number]['payload']): File['lines'][number] => ({ minute, payload });

function eventsOf(f: File): JournalEvent[] {
  return f.lines.map((l, i) => event(l.payload as EventPayload, { at: at(l.minute), by: f.by, dev: f.dev, seq: i + 1 }));
}

function permutations<T>(list: T[]): T[][] {
  if (list.length <= 1) return [list];
  return list.flatMap((x, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/** What an item looks like to everyone: state, final, conflict sides and the annotations kept. */
function dump(s: ProjectStore, n: number): unknown {
  const items = Array.from({ length: n }, (_, i) => {
    const v = s.getItem(K(i + 1))!;
    return {
      key: v.key,
      state: v.state,
      final: v.final,
      conflict: v.conflict?.map((d) => `${d.kind}:${d.by}${d.annotation ? `:${JSON.stringify(d.annotation)}` : ''}`),
      annotations: [v.mine, ...v.others].filter((a) => a).map((a) => `${a!.labeler}:${JSON.stringify(a!.annotation)}`).sort(),
    };
  });
  const st = s.stats();
  const problems = s.problems().map((p) => `${p.file}:${p.line}: ${p.message}`).sort();
  return { items, labeled: st.labeled, needsReview: st.needsReview, byLabel: st.byLabel, problems, status: s.def.status, roles: s.def.roles };
}

/** Replays `files` fresh and in every arrival order; asserts they agree and returns the fresh store's dump. */
async function replayAllOrders(files: File[], n = 3, consensus?: { minLabelers: number; maxLabelers: number }): Promise<{ p: ProjectBuild; state: ReturnType<typeof dumpOf> }> {
  const fresh = await textProject(n, consensus ? { consensus } : {});
  for (const f of files) writeJournal(fresh.root, fresh.id, f.by, f.dev, eventsOf(f));
  const s = await openStore(fresh, 'viewer', 'v');
  const expected = dumpOf(s, n);
  await s.close();
  for (const order of permutations(files)) {
    const p = await textProject(n, consensus ? { consensus } : {});
    const live = await openStore(p, 'viewer', 'v');
    for (const f of order) {
      writeJournal(p.root, p.id, f.by, f.dev, eventsOf(f));
      await live.syncJournals();
      await live.settled();
    }
    assert.deepEqual(dumpOf(live, n), expected, `arrival order ${order.map((f) => f.by).join(', ')}`);
    await live.close();
  }
  return { p: fresh, state: expected };
}

const dumpOf = (s: ProjectStore, n: number) =>
  dump(s, n) as {
    items: { key: string; state: string; final?: unknown; conflict?: string[]; annotations: string[] }[];
    labeled: number;
    needsReview: number;
    byLabel: Record<string, number>;
    problems: string[];
    status: string;
    roles?: Record<string, string[]>;
  };

describe('team replay: reviews act on what their author had seen', () => {
  after(cleanupWorkspaces);

  it('the late-pushing labeler: a submit written before a reject but pushed after it survives the reject', async () => {
    // bob labels r1 at 10:01 offline; the reviewer, having seen only ann's submit, rejects at 10:05.
    const files = [
      file('ann', line(0, { type: 'submit', item: K(1), ann: classes('pos') })),
      file('bob', line(1, { type: 'submit', item: K(1), ann: classes('neg') })),
      file('rev', line(5, { type: 'reject', item: K(1), base: 1, seen: [['ann', 'd', 1]] })),
    ];
    const { state } = await replayAllOrders(files);
    const r1 = state.items[0]!;
    assert.deepEqual(r1.annotations, ['bob:{"kind":"classes","labels":["neg"]}'], "ann's rejected label is void, bob's unseen one is kept");
    assert.equal(r1.state, 'labeled');
    assert.deepEqual(r1.final, classes('neg'));
  });

  it('an approve approves only the labels it saw; a later submit is kept as that labeler\'s annotation', async () => {
    const files = [
      file('ann', line(0, { type: 'submit', item: K(1), ann: classes('pos') })),
      file('rev', line(5, { type: 'approve', item: K(1), base: 1, seen: [['ann', 'd', 1]] })),
      file('bob', line(1, { type: 'submit', item: K(1), ann: classes('neg') })),
      file('cat', line(2, { type: 'submit', item: K(1), ann: classes('neg') })),
    ];
    const { state } = await replayAllOrders(files, 3, { minLabelers: 2, maxLabelers: 3 });
    const r1 = state.items[0]!;
    assert.deepEqual([r1.state, r1.final], ['labeled', classes('pos')], 'the approved label is what the reviewer saw, not the majority it did not see');
    assert.equal(r1.annotations.length, 3, "bob's and cat's late labels are kept beside it");
  });

  it('a review without seen (an older line) had seen everything ordered before it', async () => {
    const files = [
      file('ann', line(0, { type: 'submit', item: K(1), ann: classes('pos') })),
      file('bob', line(1, { type: 'submit', item: K(1), ann: classes('neg') }), line(9, { type: 'submit', item: K(2), ann: classes('neg') })),
      file('rev', line(5, { type: 'reject', item: K(1), base: 2 }), line(6, { type: 'reject', item: K(2), base: 0 })),
    ];
    const { state } = await replayAllOrders(files);
    assert.deepEqual(state.items[0]!.annotations, [], 'both submits sort before the reject: both void');
    assert.deepEqual(state.items[1]!.annotations, ['bob:{"kind":"classes","labels":["neg"]}'], 'a submit sorted after it is not');
  });
});

describe('team replay: review conflicts', () => {
  after(cleanupWorkspaces);

  const labeled = file('ann', line(0, { type: 'submit', item: K(1), ann: classes('pos') }), line(0, { type: 'submit', item: K(2), ann: classes('pos') }));

  it('two reviewers deciding concurrently: the item needs review, shows both decisions, and leaves the final-label export', async () => {
    const files = [
      labeled,
      file('rev1', line(5, { type: 'approve', item: K(1), base: 1, seen: [['ann', 'd', 1]] }), line(5, { type: 'approve', item: K(2), base: 1, seen: [['ann', 'd', 2]] })),
      file('rev2', line(6, { type: 'reject', item: K(1), base: 1, seen: [['ann', 'd', 1]] }), line(6, { type: 'approve', item: K(2), base: 1, seen: [['ann', 'd', 2]] })),
    ];
    const { p, state } = await replayAllOrders(files);
    const [r1, r2] = state.items;
    assert.deepEqual([r1!.state, r1!.final, r1!.conflict], ['needs-review', undefined, ['approve:rev1', 'reject:rev2']]);
    assert.deepEqual(r1!.annotations, ['ann:{"kind":"classes","labels":["pos"]}'], 'a reject in a standing conflict voids nothing');
    assert.deepEqual([r2!.state, r2!.conflict], ['labeled', undefined], 'two approvals of the same labels agree: no conflict');
    const s = await openStore(p, 'viewer', 'v');
    assert.deepEqual(s.page('needs-review').items.map((i) => [i.key, i.conflict]), [[K(1), true]], 'the Needs Review tree flags it');
    const out = path.join(p.root, 'out');
    await exportLabels('csv', s.exportItems(), s.def, out);
    const csv = fs.readdirSync(out).filter((f) => f.endsWith('.csv')).map((f) => fs.readFileSync(path.join(out, f), 'utf8')).join('');
    assert.ok(!csv.includes('r1,') && csv.includes('r2'), `the conflicted item is left out of the final labels:\n${csv}`);
    await s.close();
  });

  it('a review that saw both settles the conflict, the same on every clone; a reject that settles it voids what it saw', async () => {
    const conflict = [
      labeled,
      file('rev1', line(5, { type: 'approve', item: K(1), base: 1, seen: [['ann', 'd', 1]] }), line(5, { type: 'approve', item: K(2), base: 1, seen: [['ann', 'd', 2]] })),
      file('rev2', line(6, { type: 'reject', item: K(1), base: 1, seen: [['ann', 'd', 1]] }), line(6, { type: 'reject', item: K(2), base: 1, seen: [['ann', 'd', 2]] })),
    ];
    const both = (i: number): SeenVector => [['ann', 'd', i], ['rev1', 'd', i], ['rev2', 'd', i]];
    const settled = [
      ...conflict,
      file('lead', line(9, { type: 'approve', item: K(1), base: 3, seen: both(1) }), line(9, { type: 'reject', item: K(2), base: 3, seen: both(2) })),
    ];
    const { state } = await replayAllOrders(settled);
    const [r1, r2] = state.items;
    assert.deepEqual([r1!.state, r1!.final, r1!.conflict], ['labeled', classes('pos'), undefined], 'approved over the reject');
    assert.deepEqual([r2!.state, r2!.annotations, r2!.conflict], ['unlabeled', [], undefined], 'rejected: the label it saw is void');
  });

  it('a further submit to a conflicted item is kept; the item stays in conflict until a review that saw both', async () => {
    const files = [
      labeled,
      file('rev1', line(5, { type: 'approve', item: K(1), base: 1, seen: [['ann', 'd', 1]] })),
      file('rev2', line(6, { type: 'decide', item: K(1), ann: classes('neg'), base: 1, seen: [['ann', 'd', 1]] })),
      file('bob', line(8, { type: 'submit', item: K(1), ann: classes('neutral') })),
    ];
    const { state } = await replayAllOrders(files);
    const r1 = state.items[0]!;
    assert.deepEqual([r1.state, r1.conflict], ['needs-review', ['approve:rev1', 'decide:rev2:{"kind":"classes","labels":["neg"]}']]);
    assert.equal(r1.annotations.length, 2, "bob's label is kept beside ann's");
  });
});

describe('team replay: time cannot reorder cause and effect', () => {
  after(cleanupWorkspaces);
  const realNow = Date.now;
  afterEach(() => (Date.now = realNow));
  /** Runs `fn` with this process's clock `minutes` off. */
  async function withClock<T>(minutes: number, fn: () => Promise<T>): Promise<T> {
    const now = realNow;
    Date.now = () => now() + minutes * 60_000;
    try {
      return await fn();
    } finally {
      Date.now = realNow;
    }
  }

  for (const [name, labelerSkew, reviewerSkew] of [['a labeler 10 minutes fast', 10, 0], ['a reviewer 10 minutes slow', 0, -10]] as const) {
    it(`a reject made after a skewed submit voids it (${name})`, async () => {
      const p = await textProject(2);
      const ann = await openStore(p, 'ann', 'a');
      await withClock(labelerSkew, () => ann.submit(K(1), classes('pos')));
      const rev = await openStore(p, 'rev', 'r');
      const v = rev.getItem(K(1))!;
      await withClock(reviewerSkew, () => rev.reject(K(1), v.version));
      const lines = fs.readFileSync(path.join(p.root, rev.journalFile), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JournalEvent & { seen?: SeenVector });
      const submitAt = Date.parse(ann.getItem(K(1))!.mine!.at);
      assert.ok(Date.parse(lines[0]!.at) > submitAt, `the reject (${lines[0]!.at}) sorts after the submit it answered (${new Date(submitAt).toISOString()})`);
      assert.deepEqual(lines[0]!.seen, [['ann', 'a', 1]]);
      await ann.syncJournals();
      for (const s of [ann, rev]) assert.deepEqual([s.getItem(K(1))!.state, s.getItem(K(1))!.mine], ['unlabeled', undefined]);
      // A fresh index of the same journals, with the old rule (no seen: order alone), agrees.
      fs.rmSync(path.join(p.root, '.labeling', '.cache'), { recursive: true });
      const again = await openStore(p, 'x', 'x');
      assert.equal(again.getItem(K(1))!.state, 'unlabeled');
      for (const s of [ann, rev, again]) await s.close();
    });

    it(`a label made after a skewed label-set change is not voided by it (${name.replace('labeler', 'manager').replace('reviewer', 'labeler')})`, async () => {
      const p = await textProject(2);
      const boss = await openStore(p, 'boss', 'b');
      await withClock(labelerSkew, () => boss.addLabels(['extra'], 'remove-all'));
      const ann = await openStore(p, 'ann', 'a');
      await withClock(reviewerSkew, () => ann.submit(K(1), classes('extra')));
      await boss.syncJournals();
      for (const s of [boss, ann]) assert.deepEqual([s.getItem(K(1))!.state, s.stats().byLabel.extra], ['labeled', 1], 'the label stands');
      fs.rmSync(path.join(p.root, '.labeling', '.cache'), { recursive: true });
      const again = await openStore(p, 'x', 'x');
      assert.equal(again.getItem(K(1))!.state, 'labeled');
      for (const s of [boss, ann, again]) await s.close();
    });
  }

  it('writes ps (what the author had seen of project-wide events) on every line, and seen on reviews', async () => {
    const p = await textProject(2);
    const boss = await openStore(p, 'boss', 'b');
    await boss.setStatus('paused');
    await boss.setStatus('running');
    const ann = await openStore(p, 'ann', 'a');
    await ann.submit(K(1), classes('pos'));
    await ann.skip(K(2));
    await boss.syncJournals();
    await boss.approve(K(1), boss.getItem(K(1))!.version);
    const read = (s: ProjectStore) => fs.readFileSync(path.join(p.root, s.journalFile), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JournalEvent & { seen?: SeenVector });
    assert.deepEqual(read(boss).map((e) => [e.type, e.v, e.ps, e.seen]), [
      ['status', 2, [], undefined], ['status', 2, [['boss', 'b', 1]], undefined], ['approve', 2, [['boss', 'b', 2]], [['ann', 'a', 1]]],
    ]);
    assert.deepEqual(read(ann).map((e) => e.ps), [[['boss', 'b', 2]], [['boss', 'b', 2]]]);
    await boss.close();
    await ann.close();
  });
});

describe('team replay: roles are events, judged by what their author had seen', () => {
  after(cleanupWorkspaces);
  const roles = (set: Record<string, Role[]>): EventPayload => ({ type: 'roles', set });

  it('work done before a demotion arrived stays; an event written after its author had seen it is not applied, and is reported', async () => {
    const files = [
      file('boss', line(0, roles({ boss: ['manager'], ann: ['labeler'], rev: ['reviewer'] })), line(10, roles({ ann: [] }))),
      file('ann', line(5, { type: 'submit', item: K(1), ann: classes('pos'), ps: [['boss', 'd', 1]] } as never), line(11, { type: 'submit', item: K(2), ann: classes('neg'), ps: [['boss', 'd', 2]] } as never)),
      // rev had not seen the demotion of ann; its reject of r3 is fine, its pause is not (no manager role)
      file('rev', line(12, { type: 'approve', item: K(1), base: 1, seen: [['ann', 'd', 1]], ps: [['boss', 'd', 1]] } as never), line(13, { type: 'status', status: 'paused', ps: [['boss', 'd', 1]] } as never)),
    ];
    const { state } = await replayAllOrders(files);
    const [r1, r2] = state.items;
    assert.deepEqual([r1!.state, r1!.final], ['labeled', classes('pos')], 'labeled before the demotion arrived, and approved');
    assert.deepEqual([r2!.state, r2!.annotations], ['unlabeled', []], 'labeled after ann had seen the demotion: not applied');
    assert.equal(state.status, 'running', 'a pause by a reviewer is not applied');
    assert.deepEqual(state.roles, { boss: ['manager'], rev: ['reviewer'] });
    assert.deepEqual(state.problems, [
      '.labeling/p/journal/ann/d.jsonl:2: not applied: ann is not a labeler in the roles its author had seen (has no role)',
      '.labeling/p/journal/rev/d.jsonl:2: not applied: rev is not a manager in the roles its author had seen (has reviewer)',
    ]);
  });

  it('the first role event must name a manager, and only a manager may change roles', async () => {
    const files = [
      file('ann', line(0, roles({ ann: ['labeler'] })), line(1, { type: 'submit', item: K(1), ann: classes('pos') })),
      file('boss', line(2, roles({ boss: ['manager', 'labeler'] })), line(4, { type: 'submit', item: K(2), ann: classes('pos'), ps: [['boss', 'd', 1]] } as never)),
      file('bob', line(3, roles({ bob: ['manager'] })), line(5, roles({ boss: [] }))),
    ];
    const { state } = await replayAllOrders(files);
    assert.deepEqual(state.roles, { boss: ['labeler', 'manager'] });
    assert.equal(state.items[1]!.state, 'labeled');
    assert.deepEqual(state.problems, [
      '.labeling/p/journal/ann/d.jsonl:1: role change by ann not applied: the first role change must name a manager',
      '.labeling/p/journal/bob/d.jsonl:1: role change by bob not applied: bob is not a manager in the roles they had seen',
      '.labeling/p/journal/bob/d.jsonl:2: role change by bob not applied: bob is not a manager in the roles they had seen',
    ]);
  });

  it('an event whose by is not the labeler of its journal folder is not applied (ids compare case-insensitively)', async () => {
    const p = await textProject(3);
    writeJournal(p.root, p.id, 'ann@example.com', 'd', [
      event({ type: 'submit', item: K(1), ann: classes('pos') }, { by: 'Ann@Example.com', dev: 'd', seq: 1 }),
      event({ type: 'submit', item: K(2), ann: classes('neg') }, { by: 'mallory@example.com', dev: 'd', seq: 2 }),
    ]);
    const s = await openStore(p, 'viewer', 'v');
    assert.equal(s.getItem(K(1))!.state, 'labeled');
    assert.equal(s.getItem(K(2))!.state, 'unlabeled');
    assert.deepEqual(s.problems().map((x) => [x.file, x.line]), [[`.labeling/p/journal/ann@example.com/d.jsonl`, 2]]);
    assert.match(s.problems()[0]!.message, /"by" is "mallory@example.com", but this journal's folder "ann@example.com" is another labeler's/);
    await s.close();
  });

  it('setRoles writes a role event, never project.json; the roles then guard writing and replay the same', async () => {
    const p = await textProject(3);
    const before = fs.readFileSync(path.join(p.root, '.labeling/p/project.json'), 'utf8');
    const boss = await openStore(p, 'boss', 'b');
    await assert.rejects(boss.setRoles({ ann: ['labeler'] }), /the first roles must name a manager/);
    await boss.setRoles({ boss: ['manager'], ann: ['labeler'] });
    await assert.rejects(boss.setRoles({ boss: [] }), /without a manager/);
    await assert.rejects(boss.submit(K(1), classes('pos')), /boss is not a labeler/);
    assert.equal(fs.readFileSync(path.join(p.root, '.labeling/p/project.json'), 'utf8'), before);
    const ann = await openStore(p, 'ann', 'a');
    assert.deepEqual(ann.def.roles, { ann: ['labeler'], boss: ['manager'] });
    await ann.submit(K(1), classes('pos'));
    await assert.rejects(ann.setStatus('paused'), /ann is not a manager/);
    await boss.close();
    await ann.close();
  });

  it('roles in project.json are the initial role state', async () => {
    const files = [file('ann', line(0, { type: 'submit', item: K(1), ann: classes('pos') })), file('bob', line(0, { type: 'submit', item: K(2), ann: classes('pos') }))];
    const p = await textProject(3);
    const defFile = path.join(p.root, '.labeling/p/project.json');
    fs.writeFileSync(defFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(defFile, 'utf8')), roles: { ann: ['labeler'], boss: ['manager'] } }));
    for (const f of files) writeJournal(p.root, p.id, f.by, f.dev, eventsOf(f));
    const s = await openStore(p, 'viewer', 'v');
    assert.deepEqual([s.getItem(K(1))!.state, s.getItem(K(2))!.state], ['labeled', 'unlabeled']);
    assert.equal(s.problems().length, 1);
    await s.close();
  });
});

describe('team replay: what this version does not know', () => {
  after(cleanupWorkspaces);

  it('an unknown event type and an unknown annotation kind are kept and counted as newer; the items show it', async () => {
    const p = await textProject(3);
    writeJournal(p.root, p.id, 'ann', 'd', [
      event({ type: 'submit', item: K(1), ann: classes('pos') }, { by: 'ann', dev: 'd', seq: 1 }),
      { ...event({ type: 'skip', item: K(1) }, { by: 'ann', dev: 'd', seq: 2 }), type: 'flag' } as unknown as JournalEvent,
      event({ type: 'submit', item: K(2), ann: { kind: 'masks', masks: [] } as never }, { by: 'ann', dev: 'd', seq: 3 }),
    ]);
    const s = await openStore(p, 'viewer', 'v');
    assert.deepEqual(s.problems().map((x) => [x.line, x.newer]), [[2, true], [3, true]]);
    assert.equal(s.getItem(K(1))!.state, 'labeled', 'the known lines apply');
    assert.match(s.getItem(K(1))!.newer![0]!, /d\.jsonl:2: written by a newer version of the extension \(event type "flag"\)/);
    assert.match(s.getItem(K(2))!.newer![0]!, /annotation kind "masks"/);
    assert.equal(s.getItem(K(3))!.newer, undefined);
    assert.deepEqual(s.page('all').items.map((i) => i.newer ?? false), [true, true, false], 'the trees flag the items');
    await s.close();
  });
});
