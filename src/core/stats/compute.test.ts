import { strict as assert } from 'node:assert';
import type { Annotation } from '../model';
import type { ProjectStore } from '../store/project-store';
import { classes, cleanupWorkspaces, event, openStore, textProject, writeJournal } from '../store/test-support';
import { agreementJob, computeAgreement } from './compute';
import { fleissKappa, krippendorffAlpha, matrixOf, pairAgreement } from './nominal';
import { JobRunner } from '../jobs/runner';

const K = (i: number): string => `data/items.csv#r${i}`;
const WHO = ['ann', 'bob', 'cat'];

/** Journals: `ann(w, i)` is labeler w's annotation of item i (undefined: not labeled; 'skip': skipped). */
async function project(n: number, type: 'text-classification' | 'text-multilabel' | 'text-ner', ann: (w: number, i: number) => Annotation | 'skip' | undefined, labels = ['pos', 'neg', 'neutral']): Promise<ProjectStore> {
  const p = await textProject(n, { type, labels, consensus: { minLabelers: 3, maxLabelers: 3 } });
  WHO.forEach((by, w) => {
    const events = [];
    for (let i = 1; i <= n; i++) {
      const a = ann(w, i);
      if (a === undefined) continue;
      const payload = a === 'skip' ? { type: 'skip' as const, item: K(i) } : { type: 'submit' as const, item: K(i), ann: a };
      events.push(event(payload, { by, dev: 'd', seq: events.length + 1, at: new Date(Date.UTC(2026, 10, 27, 10, 0, i, w)).toISOString() }));
    }
    writeJournal(p.root, p.id, by, 'd', events);
  });
  return openStore(p, 'viewer', 'v');
}

const LABELS = ['pos', 'neg', 'neutral'];
/** ann and bob mostly agree, cat differs often; cat leaves every 4th item, bob skips every 9th. */
const single = (w: number, i: number): Annotation | 'skip' | undefined => {
  if (w === 2 && i % 4 === 0) return undefined;
  if (w === 1 && i % 9 === 0) return 'skip';
  return classes(LABELS[(i * (w === 2 ? 7 : 1) + (w === 1 && i % 5 === 0 ? 1 : 0)) % 3]!);
};

const close = (x: number | null, y: number | null): boolean => x !== null && y !== null && Math.abs(x - y) < 1e-12;

describe('computeAgreement over the per-labeler table', () => {
  after(cleanupWorkspaces);

  it('classification: pairs, Fleiss (modal number of labelers, the rest left out), alpha and per label, as the matrix says', async () => {
    const n = 60;
    const s = await project(n, 'text-classification', single);
    try {
      const r = await computeAgreement(s);
      // The same matrix by hand (labels; skips and missing are null).
      const rows = Array.from({ length: n }, (_, k) => WHO.map((_, w) => {
        const a = single(w, k + 1);
        return a === undefined || a === 'skip' ? null : (a as { labels: string[] }).labels[0]!;
      }));
      const m = matrixOf(rows);
      assert.deepEqual(r.labelers, WHO);
      assert.equal(r.items, rows.filter((x) => x.filter((v) => v !== null).length >= 2).length);
      const pairs = [[0, 1], [0, 2], [1, 2]].map(([a, b]) => pairAgreement(m, a!, b!));
      assert.deepEqual(r.pairs.map((p) => [p.a, p.b, p.items]), [['ann', 'bob', pairs[0]!.items], ['ann', 'cat', pairs[1]!.items], ['bob', 'cat', pairs[2]!.items]]);
      r.pairs.forEach((p, k) => {
        assert.ok(close(p.cohenKappa, pairs[k]!.cohenKappa), `${p.a}/${p.b} kappa`);
        assert.ok(close(p.percentAgreement, pairs[k]!.percentAgreement));
        // Single-label: F1 of label sets is the percent agreement.
        assert.ok(close(p.f1, p.percentAgreement));
      });
      assert.ok(close(r.percentAgreement, pairs.reduce((x, p) => x + p.agreed, 0) / pairs.reduce((x, p) => x + p.items, 0)));
      const f = fleissKappa(m);
      assert.deepEqual([f.ratersPerItem, f.items, f.leftOut], [3, 40, 19]);
      assert.equal(r.fleissItems, f.items);
      assert.ok(f.leftOut > 0);
      assert.match(r.notes.fleissItems!, new RegExp(`${f.leftOut} item\\(s\\)`));
      assert.ok(close(r.fleissKappa, f.kappa));
      assert.ok(close(r.krippendorffAlpha, krippendorffAlpha(m).alpha));
      assert.deepEqual(Object.keys(r.byLabel), LABELS);
      const pos = matrixOf(rows.map((x) => x.map((v) => (v === null ? null : v === 'pos'))));
      assert.ok(close(r.byLabel.pos!.krippendorffAlpha, krippendorffAlpha(pos).alpha));
      assert.equal(r.notes['pairs.cohenKappa'], undefined);
    } finally {
      await s.close();
    }
  });

  it('multi-label: a label set is one category overall; per label present/absent, F1 of the sets per pair', async () => {
    const sets = [['pos'], ['pos', 'neg'], ['neg'], ['neutral', 'pos'], []];
    const ml = (w: number, i: number): Annotation => classes(...sets[(i + (w === 2 && i % 3 === 0 ? 1 : 0) + (w === 1 && i % 4 === 0 ? 2 : 0)) % sets.length]!);
    const n = 30;
    const s = await project(n, 'text-multilabel', ml);
    try {
      const r = await computeAgreement(s);
      const rows = Array.from({ length: n }, (_, k) => WHO.map((_, w) => [...(ml(w, k + 1) as { labels: string[] }).labels].sort().join('+')));
      assert.ok(close(r.krippendorffAlpha, krippendorffAlpha(matrixOf(rows)).alpha));
      assert.equal(r.fleissItems, n);
      for (const label of LABELS) {
        const bin = matrixOf(Array.from({ length: n }, (_, k) => WHO.map((_, w) => (ml(w, k + 1) as { labels: string[] }).labels.includes(label))));
        assert.ok(close(r.byLabel[label]!.krippendorffAlpha, krippendorffAlpha(bin).alpha), label);
      }
      // F1 of ann/bob: 2 * |shared labels| / (|ann's| + |bob's|), summed over items.
      let both = 0;
      let sizes = 0;
      for (let i = 1; i <= n; i++) {
        const x = (ml(0, i) as { labels: string[] }).labels;
        const y = (ml(1, i) as { labels: string[] }).labels;
        both += x.filter((l) => y.includes(l)).length;
        sizes += x.length + y.length;
      }
      assert.ok(close(r.pairs[0]!.f1, (2 * both) / sizes));
    } finally {
      await s.close();
    }
  });

  it('NER: pairwise F1 of matched spans (symmetric) and per label; kappa and alpha are null with a reason', async () => {
    const span = (start: number, end: number, label: string) => ({ start, end, label });
    // ann: two spans; bob: the first the same, the second shifted; cat: the same as ann on even items.
    const ner = (w: number, i: number): Annotation => ({
      kind: 'spans',
      spans: w === 0 || (w === 2 && i % 2 === 0) ? [span(0, 4, 'PER'), span(5, 6, 'LOC')] : w === 1 ? [span(0, 4, 'PER'), span(5, 7, 'LOC')] : [span(0, 4, 'LOC')],
    });
    const s = await project(10, 'text-ner', ner, ['PER', 'LOC']);
    try {
      const r = await computeAgreement(s);
      assert.equal(r.items, 10);
      const ab = r.pairs.find((p) => p.a === 'ann' && p.b === 'bob')!;
      assert.equal(ab.f1, 0.5); // 1 matched of 2 + 2 per item
      assert.equal(ab.percentAgreement, 0);
      const ac = r.pairs.find((p) => p.a === 'ann' && p.b === 'cat')!;
      // Even items: 2 matched of 4; odd items: 0 of 3.
      assert.ok(close(ac.f1, (2 * 10) / (5 * 4 + 5 * 3)));
      assert.equal(ac.percentAgreement, 0.5);
      assert.equal(ab.cohenKappa, null);
      assert.equal(r.fleissKappa, null);
      assert.equal(r.krippendorffAlpha, null);
      assert.match(r.notes.krippendorffAlpha!, /does not apply to spans/);
      assert.match(r.notes['pairs.cohenKappa']!, /does not apply/);
      // PER: ann/bob match all 10; ann/cat 5 of (10 + 5); bob/cat 5 of (10 + 5).
      assert.ok(close(r.byLabel.PER!.f1, (2 * (10 + 5 + 5)) / (20 + 15 + 15)));
      assert.equal(r.byLabel.PER!.krippendorffAlpha, null);
    } finally {
      await s.close();
    }
  });

  it('too few labelers: the statistics are null with the reason in notes', async () => {
    const s = await project(5, 'text-classification', (w, i) => (w === 0 ? classes(LABELS[i % 3]!) : undefined));
    try {
      const r = await computeAgreement(s);
      assert.deepEqual(r.labelers, ['ann']);
      assert.equal(r.items, 0);
      assert.deepEqual(r.pairs, []);
      assert.equal(r.krippendorffAlpha, null);
      assert.equal(r.fleissItems, null);
      assert.match(r.notes.krippendorffAlpha!, /only one labeler/);
    } finally {
      await s.close();
    }
  });

  it('reads in slices that yield: a submit made meanwhile completes before it ends; progress rises to 1', async () => {
    const s = await project(400, 'text-classification', single);
    try {
      const progress: number[] = [];
      let submitted = false;
      let endedBeforeSubmit = false;
      await s.submit(K(2), classes('pos'), {}); // the journal writer is open: the submit below takes a few turns
      // 1-row slices, a yield after each: the read takes hundreds of event-loop turns.
      const run = computeAgreement(s, { sliceRows: 1, sliceMs: 0, onProgress: (f) => progress.push(f) }).then((r) => {
        endedBeforeSubmit = !submitted;
        return r;
      });
      await new Promise((res) => setImmediate(res));
      await s.submit(K(1), classes('neg'), {});
      submitted = true;
      const r = await run;
      assert.equal(endedBeforeSubmit, false);
      assert.ok(r.items > 0);
      assert.equal(progress.at(-1), 1);
      for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!);
    } finally {
      await s.close();
    }
  });

  it('an aborted signal stops it with a cancelled error, and the lease is released', async () => {
    const s = await project(400, 'text-classification', single);
    try {
      const ac = new AbortController();
      const run = computeAgreement(s, { signal: ac.signal, sliceRows: 1, onProgress: (f) => f > 0.1 && ac.abort() });
      await assert.rejects(run, (e: Error & { reason?: string }) => e.reason === 'cancelled');
      // A second run gets a lease again and finishes.
      assert.ok((await computeAgreement(s)).items > 0);
    } finally {
      await s.close();
    }
  });

  it('runs as a job: progress and the report come through the job runner', async () => {
    const s = await project(40, 'text-classification', single);
    try {
      const runner = new JobRunner();
      const h = runner.submit(agreementJob(s, 'p'));
      const r = await h.done;
      assert.equal(h.info().status, 'succeeded');
      assert.equal(h.info().progress.fraction, 1);
      assert.deepEqual(r.labelers, WHO);
    } finally {
      await s.close();
    }
  });

  it('reads rating patterns instead when the store offers them (grouped items), with the same report', async () => {
    const s = await project(60, 'text-classification', single);
    try {
      const direct = await computeAgreement(s);
      // Patterns from the same table, grouped in JS.
      const byKey = new Map<string, [string, Annotation][]>();
      for (const who of WHO) for (const row of s.labelers.paired(who, who, 0, 1000).rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), [who, row.a]]);
      const groups = new Map<string, { ratings: [string, Annotation][]; n: number }>();
      for (const ratings of byKey.values()) {
        const k = JSON.stringify(ratings);
        const g = groups.get(k);
        if (g) g.n++;
        else groups.set(k, { ratings, n: 1 });
      }
      const all = [...groups.values()];
      let calls = 0;
      const viaPatterns = {
        def: s.def,
        stats: () => s.stats(),
        read: (name: string, signal?: AbortSignal) => s.read(name, signal),
        labelers: {
          paired: () => assert.fail('paired() read although patterns() is offered'),
          patterns: () => (calls++, all),
        },
      };
      const r = await computeAgreement(viaPatterns);
      assert.equal(calls, 1);
      const strip = (x: typeof r) => JSON.parse(JSON.stringify(x, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v))) as unknown;
      assert.deepEqual(strip(r), strip(direct));
    } finally {
      await s.close();
    }
  });
});
