/**
 * Issue 10, the git test: a bare remote and two clones of a workspace with a text-classification
 * project. Two labelers (ann on clone A, bob on clone B, different devices), a reviewer (rita) and a
 * manager (max) working on both clones commit what the project wrote (`git add -A`; the index cache
 * is ignored by the .gitignore the project made), push and pull in both orders (merge, and one
 * rebase), and after each exchange every store syncs or reopens. The clones must never conflict in
 * git, every journal must hold every event its store wrote, both clones must show the same review
 * states, counts and effective definition after every exchange, and they must export byte-identical
 * files at the end.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runExport } from '../formats/workflow';
import type { ProjectStatus, Role } from '../model';
import type { ProjectStore } from '../store/project-store';
import { classes, cleanupWorkspaces } from '../store/test-support';
import { ANN, BASE_LABELS, BOB, ITEMS, Ledger, ROLES, assertSame, dump, fails, lab, labels, roles, status, withTeam, type Desk, type ManagerAction, type Refresh, type Schedule, type Team } from './git-clones.fixture';
import { assertSameFiles, isIgnored, type PullMode } from './git-test-support';

/**
 * Pause and resume on both clones, each of the three label modes on both clones, a labeler made
 * reviewer on one clone and back on the other, but never two edits of the same part of project.json
 * between two exchanges (a status change on one clone and a label add on the other in the same round
 * touch different lines of it).
 */
const APART: Schedule = {
  2: { a: [labels('sarcasm', 'continue')], b: [status('paused')] },
  3: { a: [status('running')], b: [labels('offtopic', 'remove-all')] },
  4: { a: [labels('spam', 'remove-all')], b: [roles(ANN, ['labeler', 'reviewer'])] },
  5: { a: [status('paused')], b: [labels('humor', 'continue')] },
  6: { a: [labels('question', 'keep-as-prelabels'), roles(ANN, ['labeler'])], b: [status('running')] },
  7: { b: [labels('irony', 'keep-as-prelabels')] },
};

/**
 * The same actions, but both managers add labels in the same round with the same mode (each mode),
 * one clone pauses or resumes while the other adds labels, and both change roles in the same round.
 */
const TOGETHER: Schedule = {
  2: { a: [labels('sarcasm', 'continue')], b: [status('paused'), labels('humor', 'continue')] },
  3: { a: [status('running'), labels('spam', 'remove-all')], b: [labels('offtopic', 'remove-all')] },
  4: { a: [roles(ANN, ['labeler', 'reviewer'])], b: [roles(BOB, ['reviewer', 'labeler'])] },
  5: { a: [status('paused')] },
  6: { a: [labels('question', 'keep-as-prelabels'), roles(BOB, ['labeler'])], b: [status('running'), labels('irony', 'keep-as-prelabels'), roles(ANN, ['labeler'])] },
};

async function scenario(t: Team, schedule: Schedule): Promise<void> {
  const keys = t.keys;
  const k = (i: number): string => keys[i]!;
  const ledger = new Ledger();
  let expectStatus: ProjectStatus = 'running';
  const expectLabels = [...BASE_LABELS];
  const expectRoles: Record<string, Role[]> = { ...ROLES };

  const submit = async (s: ProjectStore, items: [number, string][]): Promise<void> => {
    for (const [i, l] of items) await ledger.write(s, (x) => x.submit(k(i), classes(l)));
  };
  const skip = (s: ProjectStore, i: number): Promise<void> => ledger.write(s, (x) => x.skip(k(i)));
  const assign = (s: ProjectStore, i: number, to: string): Promise<void> => ledger.write(s, (x) => x.assign(k(i), to));
  /** A labeler's work, or (while the clone knows the project is paused) the refusal of it. */
  const work = async (s: ProjectStore, fn: () => Promise<void>): Promise<void> => {
    if (expectStatus === 'running') return fn();
    assert.throws(() => s.nextItem(), fails('paused'));
    await assert.rejects(s.submit(k(35), classes('pos')), fails('paused'));
    await assert.rejects(s.skip(k(35)), fails('paused'));
  };
  const review = (s: ProjectStore) => {
    const version = (i: number): number => s.getItem(k(i))!.version;
    return {
      approve: (i: number) => ledger.write(s, (x) => x.approve(k(i), version(i))),
      reject: (i: number) => ledger.write(s, (x) => x.reject(k(i), version(i))),
      decide: (i: number, l: string) => ledger.write(s, (x) => x.decide(k(i), classes(l), version(i))),
      acceptSkip: (i: number) => ledger.write(s, (x) => x.acceptSkip(k(i), version(i))),
      unskip: (i: number) => ledger.write(s, (x) => x.unskip(k(i))),
    };
  };
  /** A labeler approving an item: done while the role state the clone holds makes them a reviewer, refused otherwise. */
  const asReviewer = async (s: ProjectStore, i: number): Promise<void> => {
    if (expectRoles[s.labeler]?.includes('reviewer')) await review(s).approve(i);
    else await assert.rejects(s.approve(k(i), s.getItem(k(i))!.version), fails('forbidden'));
  };
  const manage = async (d: Desk, actions: ManagerAction[] = []): Promise<void> => {
    for (const act of actions) {
      if ('status' in act) await ledger.write(d.manager, (s) => s.setStatus(act.status));
      else if ('roles' in act) await ledger.write(d.manager, (s) => s.setRoles(act.roles));
      else await ledger.write(d.manager, (s) => s.addLabels([act.labels], act.mode));
    }
  };
  /** max's actions of the round on both clones, then the exchange, then every store syncs or reopens, then the checks. */
  const round = async (r: number, first: 'a' | 'b', mode: PullMode, how: Refresh): Promise<void> => {
    const plan = schedule[r] ?? {};
    await manage(t.A, plan.a);
    await manage(t.B, plan.b);
    for (const act of [...(plan.a ?? []), ...(plan.b ?? [])]) {
      if ('status' in act) expectStatus = act.status;
      else if ('roles' in act) for (const [who, rs] of Object.entries(act.roles)) expectRoles[who] = [...rs].sort();
      else expectLabels.push(act.labels);
    }
    await t.sync(first, mode, how, `round ${r}`);
    const when = `after round ${r} (${first.toUpperCase()} pushed first, the other pulled with ${mode}, stores ${how === 'sync' ? 'synced' : 'reopened'})`;
    for (const d of [t.A, t.B]) ledger.check(d, when);
    for (const s of t.stores) {
      assert.equal(s.def.status, expectStatus, `${when}: ${s.labeler} sees the project ${expectStatus}`);
      assert.deepEqual(s.def.labels.map((l) => l.name).sort(), [...expectLabels].sort(), `${when}: ${s.labeler}'s labels`);
      assert.deepEqual(s.def.roles, expectRoles, `${when}: ${s.labeler}'s roles`);
    }
    assertSame(t.A, t.B, keys, when);
  };

  // Round 1: labeling on both clones (overlapping items), skips, assignments on both; B pushes first.
  await submit(t.A.labeler, [0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i, lab(i)]));
  await skip(t.A.labeler, 8);
  await skip(t.A.labeler, 9);
  await submit(t.B.labeler, [[0, lab(0)], [1, lab(1)], [2, lab(3)], [3, lab(4)], ...[12, 13, 14, 15, 16, 17].map((i): [number, string] => [i, lab(i + 1)])]);
  await skip(t.B.labeler, 18);
  await assign(t.A.manager, 24, BOB);
  await assign(t.A.manager, 25, ANN);
  await assign(t.B.manager, 26, ANN);
  await assign(t.B.manager, 24, ANN); // reassigned on the other clone before either pushed
  await round(1, 'b', 'merge', 'sync');

  // The index cache exists on each clone and git ignores all of it (the .gitignore the project made).
  for (const d of [t.A, t.B]) {
    const cache = fs.readdirSync(path.join(d.dir, '.labeling', '.cache', 'p'), { recursive: true, encoding: 'utf8' });
    assert.ok(cache.length > 0, `${d.name}: the index cache exists`);
    for (const f of cache) assert.ok(isIgnored(d.dir, `.labeling/.cache/p/${f}`), `${d.name}: git ignores .labeling/.cache/p/${f}`);
  }

  // Round 2: reviews on both clones, including bob's late submit of k5 (written before rita rejects
  // k5 on A, pushed after the reject); max pauses and adds labels. A pushes first, B merges.
  await work(t.B.labeler, () => submit(t.B.labeler, [[5, 'neutral'], [27, lab(27)], [28, lab(28)], [29, lab(29)]]));
  await work(t.A.labeler, () => submit(t.A.labeler, [[19, lab(19)], [20, lab(20)], [21, lab(21)], [22, lab(22)]]));
  const ra = review(t.A.reviewer);
  await ra.approve(0);
  await ra.reject(1);
  await ra.decide(2, 'neutral');
  await ra.reject(5);
  await ra.acceptSkip(8);
  const rb = review(t.B.reviewer);
  await rb.approve(12);
  await rb.reject(13);
  await rb.unskip(18);
  await round(2, 'a', 'merge', 'reopen');

  // Round 3: the project is paused: labelers are refused, reviews go on; B pushes first, A pulls with a rebase.
  // (The stores reopen after the rebase: the rebase rewrites A's journals, see the skipped test below.)
  await work(t.A.labeler, () => submit(t.A.labeler, [[1, 'pos'], [23, lab(23)]]));
  await work(t.B.labeler, () => submit(t.B.labeler, [[13, 'neutral'], [30, lab(30)]]));
  await review(t.B.reviewer).decide(3, 'neg');
  await review(t.A.reviewer).approve(6);
  await review(t.A.reviewer).reject(14);
  await round(3, 'b', 'rebase', 'reopen');

  // Round 4: labeling over after a remove-all, with the labels added so far; A pushes first, B merges.
  await work(t.A.labeler, () => submit(t.A.labeler, [[24, 'sarcasm'], [25, 'offtopic'], [31, 'pos'], [1, 'neg']]));
  await work(t.B.labeler, () => submit(t.B.labeler, [[24, 'sarcasm'], [26, 'neg'], [32, 'offtopic'], [1, 'neg']]));
  await review(t.A.reviewer).decide(15, 'sarcasm');
  await review(t.B.reviewer).approve(7);
  await assign(t.A.manager, 33, BOB);
  await round(4, 'a', 'merge', 'sync');

  // Round 5: a labeler made reviewer approves (one without the role is refused); B pushes first, A merges.
  await work(t.A.labeler, () => submit(t.A.labeler, [[26, 'spam'], [33, 'neg'], [34, 'pos']]));
  await work(t.B.labeler, () => submit(t.B.labeler, [[33, 'pos'], [25, 'offtopic'], [35, 'spam']]));
  await review(t.B.reviewer).reject(24);
  await review(t.A.reviewer).approve(26);
  await asReviewer(t.A.labeler, 31);
  await asReviewer(t.B.labeler, 32);
  await round(5, 'b', 'merge', 'reopen');

  // Round 6: paused again; reviews go on, then a labeler loses the reviewer role; A pushes first, B merges.
  await work(t.A.labeler, () => submit(t.A.labeler, [[10, 'humor']]));
  await work(t.B.labeler, () => submit(t.B.labeler, [[10, 'neg']]));
  await review(t.A.reviewer).decide(25, 'humor');
  await review(t.B.reviewer).approve(33);
  await asReviewer(t.A.labeler, 34);
  await asReviewer(t.B.labeler, 35);
  await round(6, 'a', 'merge', 'sync');

  // Round 7: labels written on A while B keeps them as prelabels; the demoted labeler is refused a review; B pushes first, A merges.
  await work(t.A.labeler, () => submit(t.A.labeler, [[0, 'spam'], [1, 'pos'], [2, 'neg'], [3, 'question']]));
  await work(t.B.labeler, () => submit(t.B.labeler, [[0, 'spam'], [1, 'neg'], [3, 'neutral'], [8, 'question']]));
  await review(t.A.reviewer).reject(2);
  await review(t.B.reviewer).approve(0);
  await asReviewer(t.A.labeler, 22);
  await asReviewer(t.B.labeler, 27);
  await round(7, 'b', 'merge', 'reopen');

  // Round 8: a last round of labeling (agreements, disagreements, skips) and reviews; A pushes first, B merges.
  const last = [10, 11, 12, 13, 14, 15, 16, 17];
  await work(t.A.labeler, () => submit(t.A.labeler, [[0, 'irony'], [4, 'pos'], [5, 'neg'], [6, 'neutral'], [9, 'question'], ...last.map((i): [number, string] => [i, lab(i)])]));
  await skip(t.A.labeler, 18);
  await work(t.B.labeler, () => submit(t.B.labeler, [[0, 'irony'], [4, 'pos'], [5, 'pos'], [7, 'spam'], ...last.map((i): [number, string] => [i, lab(i + (i % 2))])]));
  await skip(t.B.labeler, 19);
  await review(t.B.reviewer).decide(5, 'neg');
  await review(t.A.reviewer).approve(4);
  await review(t.A.reviewer).reject(11);
  await assign(t.B.manager, 20, BOB);
  // rita reviews k12 on both clones, each having seen only her clone's labels: a review conflict.
  for (const s of [t.A.reviewer, t.B.reviewer]) await s.syncJournals();
  await review(t.A.reviewer).decide(12, 'neg');
  await review(t.B.reviewer).approve(12);
  await round(8, 'a', 'merge', 'sync');
  for (const d of [t.A, t.B]) {
    const it = d.manager.getItem(k(12))!;
    assert.deepEqual([it.state, it.final, it.conflict?.length], ['needs-review', undefined, 2], `clone ${d.name}: k12 is in review conflict`);
  }

  // Round 9: a further submit to the conflicted item, then a review that saw both settles it; B pushes first, A merges.
  await work(t.B.labeler, () => submit(t.B.labeler, [[12, 'neutral']]));
  await t.B.reviewer.syncJournals();
  await review(t.B.reviewer).decide(12, 'neutral');
  await work(t.A.labeler, () => submit(t.A.labeler, [[21, 'pos'], [22, 'neg']]));
  await round(9, 'b', 'merge', 'sync');
  for (const d of [t.A, t.B]) {
    const it = d.manager.getItem(k(12))!;
    assert.deepEqual([it.state, it.final, it.conflict], ['labeled', classes('neutral'), undefined], `clone ${d.name}: the review that saw both settled k12`);
  }

  // The incrementally synced index equals a full rebuild, on each clone.
  for (const d of [t.A, t.B]) {
    const before = dump(d.manager, keys);
    await d.manager.rebuild();
    assert.deepEqual(dump(d.manager, keys), before, `clone ${d.name}: a rebuild shows what the synced index showed`);
  }
  // Byte-identical exports.
  for (const [format, options] of [['csv', {}], ['csv', { allAnnotators: true }], ['jsonl', {}]] as const) {
    const folder = `${format}${'allAnnotators' in options ? '-all' : ''}`;
    const out = await Promise.all([t.A, t.B].map((d) => runExport(d.manager, format, path.join(d.dir, 'exports', folder), options)));
    assert.ok(out[0]!.items > 0, `${folder}: something exported`);
    await assertSameFiles(path.join(t.A.dir, 'exports', folder), path.join(t.B.dir, 'exports', folder));
  }
}

/** Issue 10 item 1 through git: bob's submit, written before rita's reject but pushed after it, is not voided by it. */
async function lateSubmit(t: Team): Promise<void> {
  const item = t.keys[0]!;
  await t.A.labeler.submit(item, classes('pos'));
  await t.sync('a', 'merge', 'sync', 'ann labels');
  await t.B.labeler.submit(item, classes('neg')); // bob is offline: not pushed yet
  await t.A.reviewer.reject(item, t.A.reviewer.getItem(item)!.version); // rita saw ann's submit only
  await t.sync('a', 'merge', ['sync', 'reopen'], 'the reject, then the late submit');
  for (const d of [t.A, t.B]) {
    const it = d.manager.getItem(item)!;
    assert.deepEqual(
      { state: it.state, final: it.final, finalBy: it.finalBy, annotations: it.others.map((o) => [o.labeler, o.annotation]) },
      { state: 'labeled', final: classes('neg'), finalBy: [BOB], annotations: [[BOB, classes('neg')]] },
      `clone ${d.name}: the reject voided ann's submit, not bob's`,
    );
  }
  assertSame(t.A, t.B, t.keys, 'after the late submit');
}

/**
 * A rebase pull while the stores are open: git replaces the journal files the clone had changed
 * (new files, new inodes), and what the stores write after it must still reach those files.
 */
async function rebaseWhileOpen(t: Team): Promise<void> {
  const ledger = new Ledger();
  const k = (i: number): string => t.keys[i]!;
  await ledger.write(t.A.labeler, (s) => s.submit(k(0), classes('pos')));
  await ledger.write(t.A.manager, (s) => s.assign(k(5), BOB));
  await ledger.write(t.B.labeler, (s) => s.submit(k(1), classes('neg')));
  await t.sync('b', 'rebase', 'sync', 'before the rebase'); // A's journals changed locally: the rebase rewrites them
  await ledger.write(t.A.labeler, (s) => s.submit(k(2), classes('neutral')));
  await ledger.write(t.A.manager, (s) => s.assign(k(4), ANN));
  await t.sync('a', 'merge', 'sync', 'after the rebase');
  for (const d of [t.A, t.B]) ledger.check(d, 'after the rebase');
  assert.equal(t.B.manager.getItem(k(2))!.state, 'labeled', 'B sees what ann labeled after the rebase');
  assert.equal(t.B.manager.getItem(k(4))!.assignee, ANN, 'B sees what max assigned after the rebase');
  assertSame(t.A, t.B, t.keys, 'after the rebase');
}

describe('git: two clones of a team project, a bare remote, push and pull in both orders', function () {
  this.timeout(60_000);
  after(cleanupWorkspaces);

  it('consensus off, the managers\' edits in turn (pause, resume, each label mode, roles, on both clones): no merge conflict, no event lost, the same on both clones after every exchange, byte-identical exports', () =>
    withTeam(ITEMS, undefined, (t) => scenario(t, APART)));

  it('consensus 2 of 2, the managers\' edits in turn (pause, resume, each label mode, roles, on both clones): no merge conflict, no event lost, the same on both clones after every exchange, byte-identical exports', () =>
    withTeam(ITEMS, { minLabelers: 2, maxLabelers: 2 }, (t) => scenario(t, APART)));

  it('consensus off, both managers add labels with the same mode (each mode) and change roles in the same round, one pauses or resumes while the other adds labels: no merge conflict, no event lost, the same on both clones, byte-identical exports', () =>
    withTeam(ITEMS, undefined, (t) => scenario(t, TOGETHER)));

  it('consensus 2 of 2, both managers add labels with the same mode (each mode) and change roles in the same round, one pauses or resumes while the other adds labels: no merge conflict, no event lost, the same on both clones, byte-identical exports', () =>
    withTeam(ITEMS, { minLabelers: 2, maxLabelers: 2 }, (t) => scenario(t, TOGETHER)));

  it('a submit written before a reject but pushed after it survives the reject, on both clones', () => withTeam(4, undefined, lateSubmit));

  it('a rebase pull while the stores are open: what they write after it reaches the journals and the other clone', () => withTeam(6, undefined, rebaseWhileOpen));
});
