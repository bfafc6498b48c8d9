import { strict as assert } from 'node:assert';
import type { ProjectStore } from './project-store';
import { REVIEW_ASSETS, reviewReadsOf, type ReviewFilter, type ReviewReads, type ReviewRow } from './review-reads';
import { classes, cleanupWorkspaces, event, openStore, textProject, writeJournal } from './test-support';

const K = (i: number): string => `data/items.csv#r${i}`;
const N = 30;
const T0 = Date.UTC(2026, 10, 27, 10, 0, 0);
/** `${labeler} ${key}` of every skip written, with its time. */
const skips = new Map<string, number>();

/** Every page of a filter, followed to the end with small pages. */
function all(r: ReviewReads, f: ReviewFilter, limit = 4): ReviewRow[] {
  const out: ReviewRow[] = [];
  let after: string | undefined;
  do {
    const p = r.page(f, after, limit);
    out.push(...p.rows);
    after = p.next;
  } while (after !== undefined);
  return out;
}

/** What each filter should match, decided item by item from getItem (a recomputation from the events). */
function expected(s: ProjectStore, f: ReviewFilter, facts: Map<string, { pre: boolean; lastReview?: string }>): string[] {
  const out: string[] = [];
  for (let i = 1; i <= N; i++) {
    const v = s.getItem(K(i))!;
    const anns = [v.mine, ...v.others].filter((a) => a !== undefined);
    const fact = facts.get(v.key) ?? { pre: false };
    const ok = (() => {
      switch (f.asset) {
        case undefined:
          return true;
        case 'labeled':
        case 'skipped':
        case 'needs-review':
          return v.state === f.asset;
        case 'conflicts':
          return !!v.conflict;
        case 'prelabeled':
          return fact.pre;
        case 'approved':
          return v.state === 'labeled' && (fact.lastReview === 'approve' || fact.lastReview === 'decide');
        case 'rejected':
          return fact.lastReview === 'reject';
      }
    })();
    if (!ok) continue;
    if (f.labeler && f.asset === 'skipped' ? !skips.has(`${f.labeler} ${v.key}`) : f.labeler && !anns.some((a) => a.labeler === f.labeler)) continue;
    if (f.label) {
      const used = f.labeler ? anns.find((a) => a.labeler === f.labeler)!.annotation : v.final;
      if (!used || used.kind !== 'classes' || !used.labels.includes(f.label)) continue;
    }
    if (f.agreementBelow !== undefined && !(v.agreement !== undefined && v.agreement < f.agreementBelow)) continue;
    if (f.disagreeWith !== undefined) {
      const mine = anns.find((a) => a.labeler === f.labeler);
      const theirs = anns.find((a) => a.labeler === f.disagreeWith);
      if (!mine || !theirs || JSON.stringify(mine.annotation) === JSON.stringify(theirs.annotation)) continue;
    }
    if (f.from !== undefined || f.to !== undefined) {
      // A labeler's current event: their annotation or their skip.
      const skipTimes = [...skips].filter(([k]) => k.endsWith(` ${v.key}`) && (!f.labeler || k.startsWith(`${f.labeler} `))).map(([, t]) => t);
      const ts = [...anns.filter((a) => !f.labeler || a.labeler === f.labeler).map((a) => Date.parse(a.at)), ...skipTimes];
      if (!ts.some((t) => t >= (f.from ?? -Infinity) && t < (f.to ?? Infinity))) continue;
    }
    out.push(v.key);
  }
  return out.sort();
}

describe('review reads (filters, keyset pages, counts)', () => {
  after(cleanupWorkspaces);
  let s: ProjectStore;
  let reads: ReviewReads;
  let counts: ReturnType<typeof reviewReadsOf>['counts'];
  const facts = new Map<string, { pre: boolean; lastReview?: string }>();

  before(async () => {
    const p = await textProject(N, { consensus: { minLabelers: 2, maxLabelers: 3 } });
    const who = ['ann', 'bob', 'cat'];
    // cat differs on every third item; on every seventh all three differ (needs review at the maximum).
    const label = (w: number, i: number): string => (['pos', 'neg', 'neutral'] as const)[(i + (i % 7 === 0 ? w : w === 2 && i % 3 === 0 ? 1 : 0)) % 3]!;
    who.forEach((by, w) => {
      const evs = [];
      let seq = 0;
      for (let i = 1; i <= N; i++) {
        if ((i + w) % 5 === 0) continue;
        const at = new Date(T0 + i * 60_000 + w).toISOString();
        if ((i % 11 === 0 && w === 1) || i === N) skips.set(`${by} ${K(i)}`, Date.parse(at));
        if ((i % 11 === 0 && w === 1) || i === N) evs.push(event({ type: 'skip', item: K(i) }, { by, dev: 'd', seq: ++seq, at }));
        else evs.push(event({ type: 'submit', item: K(i), ann: classes(label(w, i)) }, { by, dev: 'd', seq: ++seq, at }));
      }
      writeJournal(p.root, p.id, by, 'd', evs);
    });
    writeJournal(p.root, p.id, 'model', 'd', [4, 7, 8].map((i, seq) => event({ type: 'submit', item: K(i), ann: classes('pos'), pre: true }, { by: 'model', dev: 'd', seq: seq + 1 })));
    for (const i of [4, 7, 8]) facts.set(K(i), { pre: true });
    s = await openStore(p, 'rev', 'r');
    ({ reads, counts } = reviewReadsOf(s));
    const review = async (i: number, what: 'approve' | 'reject' | 'decide') => {
      const v = s.getItem(K(i))!;
      if (what === 'approve') await s.approve(v.key, v.version);
      else if (what === 'reject') await s.reject(v.key, v.version);
      else await s.decide(v.key, classes('neutral'), v.version);
      facts.set(v.key, { pre: facts.get(v.key)?.pre ?? false, lastReview: what });
    };
    await review(1, 'approve');
    await review(2, 'reject');
    await review(3, 'decide');
    await review(6, 'reject');
    await review(6, 'approve'); // rejected, then the new labels approved: approved only
    await review(12, 'reject');
  });
  after(() => s.close());

  const filters: ReviewFilter[] = [
    {},
    ...REVIEW_ASSETS.map((asset) => ({ asset })),
    { labeler: 'bob' },
    { labeler: 'bob', asset: 'skipped' },
    { labeler: 'cat', asset: 'needs-review' },
    { label: 'pos' },
    { labeler: 'ann', label: 'neg' },
    { labeler: 'cat', label: 'neutral', asset: 'labeled' },
    { agreementBelow: 0.9 },
    { agreementBelow: 0.9, asset: 'needs-review' },
    { from: T0 + 10 * 60_000, to: T0 + 20 * 60_000 },
    { labeler: 'ann', from: T0 + 10 * 60_000, to: T0 + 20 * 60_000 },
    { asset: 'needs-review', from: T0, to: T0 + 25 * 60_000 },
    { label: 'pos', from: T0, to: T0 + 25 * 60_000 },
    { from: T0 + 5 * 60_000 },
    { asset: 'prelabeled', labeler: 'ann' },
    { asset: 'labeled', label: 'neg' },
    { labeler: 'ann', disagreeWith: 'cat' },
    { labeler: 'cat', disagreeWith: 'bob', asset: 'needs-review' },
    { labeler: 'bob', disagreeWith: 'ann', from: T0 + 5 * 60_000 },
  ];

  for (const f of filters) {
    it(`lists exactly the matching items, each once, across pages: ${JSON.stringify(f)}`, () => {
      const rows = all(reads, f);
      const keys = rows.map((r) => r.key);
      assert.equal(new Set(keys).size, keys.length, 'no item twice');
      assert.deepEqual([...keys].sort(), expected(s, f, facts));
      assert.equal(reads.count(f), keys.length);
    });
  }

  it('the filters are not vacuous on this data', () => {
    // (a review conflict needs concurrent reviewers: item-state and the tree tests cover it)
    for (const f of filters.slice(1).filter((x) => x.asset !== 'conflicts')) assert.ok(expected(s, f, facts).length > 0, JSON.stringify(f));
  });

  it('rows carry the state, version, agreement and labelers of the item', () => {
    const r = all(reads, { asset: 'needs-review' })[0]!;
    const v = s.getItem(r.key)!;
    assert.equal(r.state, v.state);
    assert.equal(r.version, v.version);
    assert.equal(r.agreement, v.agreement);
    assert.deepEqual(r.labelers, [v.mine, ...v.others].filter((a) => a).map((a) => a!.labeler).sort());
  });

  it('counts beside each choice equal the lists', () => {
    const c = counts.counts(0.9);
    for (const asset of REVIEW_ASSETS) assert.equal(c.assets[asset], expected(s, { asset }, facts).length, asset);
    for (const l of ['ann', 'bob', 'cat']) assert.equal(c.labelers[l], all(reads, { labeler: l }).length, l);
    for (const l of ['pos', 'neg', 'neutral']) assert.equal(c.labels[l] ?? 0, all(reads, { label: l }).length, l);
    assert.equal(c.agreementBelow, all(reads, { agreementBelow: 0.9 }).length);
    assert.equal(counts.counts(1).agreementBelow, all(reads, { agreementBelow: 1 }).length);
    // Above every agreement (the lists refuse it): each item with an agreement, full agreement included.
    let withAgreement = 0;
    for (const p of all(reads, {})) if (s.getItem(p.key)!.agreement !== undefined) withAgreement++;
    assert.ok(withAgreement > all(reads, { agreementBelow: 1 }).length);
    assert.equal(counts.counts(1.5).agreementBelow, withAgreement);
  });

  it('counts and lists follow a review at once (counter table and flags kept by the index)', async () => {
    const before = counts.counts().assets;
    const v9 = s.getItem(K(9))!;
    await s.reject(v9.key, v9.version);
    const v1 = s.getItem(K(1))!;
    await s.reject(v1.key, v1.version); // was approved
    facts.set(v9.key, { pre: false, lastReview: 'reject' });
    facts.set(v1.key, { pre: false, lastReview: 'reject' });
    const after = counts.counts().assets;
    assert.equal(after.rejected, before.rejected + 2);
    assert.equal(after.approved, before.approved - 1);
    assert.ok(!all(reads, { asset: 'approved' }).some((r) => r.key === K(1)));
    const rejected = all(reads, { asset: 'rejected' }).map((r) => r.key);
    assert.ok(rejected.includes(K(1)) && rejected.includes(K(9)));
    for (const asset of REVIEW_ASSETS) assert.equal(after[asset], expected(s, { asset }, facts).length, asset);
  });

  it('refuses bad filters and a cursor of another filter, naming the field', () => {
    assert.throws(() => reads.page({ asset: 'nope' as never }), /filter\.asset must be one of/);
    assert.throws(() => reads.page({ agreementBelow: 2 }), /filter\.agreementBelow/);
    assert.throws(() => reads.page({ from: 5, to: 1 }), /filter\.from must be before/);
    assert.throws(() => reads.page({ disagreeWith: 'bob' }), /filter\.disagreeWith needs filter\.labeler/);
    assert.throws(() => reads.page({ labeler: 'bob', disagreeWith: 'bob' }), /another labeler/);
    const p = reads.page({ labeler: 'ann' }, undefined, 2);
    assert.ok(p.next);
    assert.throws(() => reads.page({ asset: 'labeled' }, p.next), /not a cursor of this filter/);
  });

  it('a label with LIKE wildcards matches only itself', () => {
    assert.deepEqual(all(reads, { label: 'p%' }), []);
    assert.deepEqual(all(reads, { label: '_os' }), []);
  });
});
