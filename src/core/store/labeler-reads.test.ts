import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LabelerItem, PairedItem, Slice } from './labeler-reads';
import type { ProjectStore } from './project-store';
import { classes, cleanupWorkspaces, event, openStore, textProject, writeJournal } from './test-support';

const K = (i: number): string => `data/items.csv#r${i}`;
const LABELS = ['pos', 'neg', 'neutral'];

/** Every slice of a keyset read, followed to its end. */
function all<T>(read: (after: number) => Slice<T>): T[] {
  const out: T[] = [];
  let after = 0;
  for (;;) {
    const s = read(after);
    out.push(...s.rows);
    if (s.next === undefined) return out;
    after = s.next;
  }
}

/** What getItem (a recomputation from the item's events) says each labeler has, for comparison. */
function fromItems(s: ProjectStore, n: number, labeler: string): LabelerItem[] {
  const out: LabelerItem[] = [];
  for (let i = 1; i <= n; i++) {
    const v = s.getItem(K(i))!;
    const a = [v.mine, ...v.others].find((x) => x?.labeler === labeler);
    if (a) out.push({ key: v.key, kind: 'sub', t: Date.parse(a.at), annotation: a.annotation });
  }
  return out;
}

describe('the per-labeler table', () => {
  after(cleanupWorkspaces);
  const n = 40;
  const who = ['ann', 'bob', 'cat'];
  /** Deterministic labels: ann and bob agree on most items, cat often differs. */
  const label = (w: number, i: number): string => LABELS[(i * (w === 2 ? 7 : 1) + (w === 1 && i % 5 === 0 ? 1 : 0)) % 3]!;

  async function build(incremental: boolean): Promise<{ s: ProjectStore; root: string }> {
    const p = await textProject(n, { consensus: { minLabelers: 2, maxLabelers: 3 } });
    const files = who.map((by, w) => ({
      by,
      events: Array.from({ length: n }, (_, j) => j + 1)
        .filter((i) => (i + w) % 4 !== 0)
        .map((i, seq) => event(i % 9 === 0 && w === 2 ? { type: 'skip', item: K(i) } : { type: 'submit', item: K(i), ann: classes(label(w, i)) }, { by, dev: 'd', seq: seq + 1, at: new Date(Date.UTC(2026, 10, 27, 10, 0, i, w)).toISOString() })),
    }));
    const rev = [event({ type: 'reject', item: K(3), base: 2 }, { by: 'rev', dev: 'd', seq: 1, at: '2026-11-27T11:00:00.000Z' })];
    if (!incremental) {
      for (const f of files) writeJournal(p.root, p.id, f.by, 'd', f.events);
      writeJournal(p.root, p.id, 'rev', 'd', rev);
      return { s: await openStore(p, 'viewer', 'v'), root: p.root };
    }
    const s = await openStore(p, 'viewer', 'v');
    for (const f of [...files].reverse()) {
      writeJournal(p.root, p.id, f.by, 'd', f.events.slice(0, 10));
      await s.syncJournals();
      writeJournal(p.root, p.id, f.by, 'd', f.events);
      await s.syncJournals();
    }
    writeJournal(p.root, p.id, 'rev', 'd', rev);
    await s.syncJournals();
    return { s, root: p.root };
  }

  it('holds each labeler\'s current annotation and status, the same from the bulk build and from incremental replay', async () => {
    const bulk = await build(false);
    const inc = await build(true);
    for (const { s } of [bulk, inc]) {
      for (const w of who) {
        const rows = all((after) => s.labelers.items(w, after, 7));
        assert.deepEqual(rows.filter((r) => r.kind === 'sub'), fromItems(s, n, w), `${w}: the table equals a recomputation`);
        assert.ok(!rows.some((r) => r.key === K(3)), 'a reject voids what it saw: no current annotation left on r3');
      }
      assert.ok(all((after) => s.labelers.items('cat', after)).some((r) => r.kind === 'skip' && r.annotation === undefined), 'skips are there, without annotation');
    }
    const dump = (s: ProjectStore) => JSON.stringify([who.map((w) => all((a) => s.labelers.items(w, a))), s.labelers.counts()]);
    assert.equal(dump(inc.s), dump(bulk.s));
    for (const { s } of [bulk, inc]) await s.close();
  });

  it('pairs two labelers\' annotations (agreement), lists disagreements by agreement and counts per labeler', async () => {
    const { s } = await build(false);
    const pairs: PairedItem[] = all((after) => s.labelers.paired('ann', 'bob', after, 5));
    const expected = fromItems(s, n, 'ann').flatMap((a) => {
      const b = fromItems(s, n, 'bob').find((x) => x.key === a.key);
      return b ? [{ key: a.key, a: a.annotation!, b: b.annotation! }] : [];
    });
    assert.deepEqual(pairs, expected);
    assert.ok(pairs.some((p) => JSON.stringify(p.a) !== JSON.stringify(p.b)) && pairs.some((p) => JSON.stringify(p.a) === JSON.stringify(p.b)));
    const low = s.labelers.disagreements(1);
    assert.ok(low.length > 0);
    for (let i = 1; i < low.length; i++) assert.ok(low[i - 1]!.agreement <= low[i]!.agreement);
    for (const d of low) assert.equal(s.getItem(d.key)!.agreement, d.agreement);
    const page2 = s.labelers.disagreements(1, low[2], 100);
    assert.deepEqual(page2, low.slice(3), 'keyset pages');
    const counts = s.labelers.counts();
    const stats = s.stats();
    for (const c of counts) assert.equal(c.labeled, stats.byLabeler[c.labeler] ?? 0);
    assert.ok(counts.find((c) => c.labeler === 'cat')!.skipped > 0);
    await s.close();
  });

  it('lists disagreements below any threshold as getItem gives the agreements (full agreement only above 1)', async () => {
    const { s } = await build(false);
    const agreements = new Map<string, number>();
    for (let i = 1; i <= n; i++) {
      const a = s.getItem(K(i))!.agreement;
      if (a !== undefined) agreements.set(K(i), a);
    }
    assert.ok([...agreements.values()].some((a) => a === 1) && [...agreements.values()].some((a) => a < 1));
    for (const below of [0.5, 1, 1.5]) {
      const got = s.labelers.disagreements(below, undefined, 10_000);
      const expected = [...agreements].filter(([, a]) => a < below).map(([key]) => key).sort();
      assert.deepEqual(got.map((d) => d.key).sort(), expected, `below ${below}`);
      for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]!.agreement <= got[i]!.agreement);
    }
    await s.close();
  });

  /** Patterns as getItem (a recomputation from each item's events) gives them: label sets only. */
  const expectedPatterns = (s: ProjectStore): string[] => {
    const expected = new Map<string, number>();
    for (let i = 1; i <= n; i++) {
      const v = s.getItem(K(i))!;
      const ratings = [v.mine, ...v.others].filter((a) => a && a.annotation.kind === 'classes').map((a) => `${a!.labeler}=${JSON.stringify(a!.annotation)}`).sort();
      if (ratings.length) expected.set(ratings.join(' '), (expected.get(ratings.join(' ')) ?? 0) + 1);
    }
    return [...expected].map(([k, c]) => `${c} x ${k}`).sort();
  };
  const gotPatterns = (s: ProjectStore): string[] =>
    s.labelers.patterns().map((p) => `${p.n} x ${p.ratings.map(([w, a]) => `${w}=${JSON.stringify(a)}`).sort().join(' ')}`).sort();

  it('counts items per rating pattern (counter table), the same from the bulk build, incremental replay and every write', async () => {
    const bulk = await build(false);
    const inc = await build(true);
    assert.deepEqual(gotPatterns(bulk.s), expectedPatterns(bulk.s));
    assert.deepEqual(gotPatterns(inc.s), gotPatterns(bulk.s));
    const s = inc.s;
    // A new labeler's rating, a changed one, a reject (voids what it saw), a decide (the final changes:
    // rows equal to the old final are stored without their annotation), an approve, a skip over a label.
    await s.submit(K(5), classes('neg'));
    await s.submit(K(5), classes('pos'));
    await s.submit(K(6), classes('neutral'));
    await s.reject(K(7), s.getItem(K(7))!.version);
    await s.decide(K(8), classes('neutral'), s.getItem(K(8))!.version);
    await s.approve(K(10), s.getItem(K(10))!.version);
    await s.skip(K(6));
    assert.deepEqual(gotPatterns(s), expectedPatterns(s), 'kept current by each write');
    assert.equal(s.labelers.patterns().reduce((t, p) => t + p.n, 0), expectedPatterns(s).reduce((t, x) => t + Number(x.split(' x ')[0]), 0));
    await s.rebuild();
    assert.deepEqual(gotPatterns(s), expectedPatterns(s), 'a rebuild counts the same');
    for (const b of [bulk, inc]) await b.s.close();
  });

  it('is in the snapshot: a reopened index answers the same', async () => {
    const { s, root } = await build(false);
    const before = JSON.stringify(all((a) => s.labelers.items('bob', a)));
    await s.close();
    assert.ok(fs.existsSync(path.join(root, '.labeling/.cache/p/index.sqlite')));
    const again = await openStore({ root, id: 'p' }, 'viewer', 'v');
    assert.equal(JSON.stringify(all((a) => again.labelers.items('bob', a))), before);
    await again.close();
  });
});
